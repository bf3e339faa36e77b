using Bridge.Autograd;

namespace Bridge.Distributed;

/// <summary>
/// The gradient averaging under <see cref="DistributedDataParallel"/> (PyTorch's DDP reducer): parameters are grouped
/// into buckets of about 25 MiB in reverse registration order (the order backward produces their gradients); when the
/// last gradient of a bucket is accumulated, a hook copies them into the bucket's flat buffer and starts its all-reduce,
/// which then runs while backward computes the next bucket. Buckets start in index order on every rank, as collectives
/// must. When backward ends, the reducer waits for every bucket, divides by the world size and writes the averages
/// back into each parameter's <c>.grad</c>.
/// </summary>
public sealed class GradientReducer : IDisposable
{
    /// <summary>torch's default <c>bucket_cap_mb=25</c>.</summary>
    public const long DefaultBucketCapBytes = 25L * 1024 * 1024;

    sealed class Bucket(Tensor buffer, int[] members, int[] offsets)
    {
        public readonly Tensor Buffer = buffer;
        public readonly int[] Members = members; // indices into _parameters
        public readonly int[] Offsets = offsets; // element offset of each member in Buffer
        public readonly bool[] Ready = new bool[members.Length];
        public int Pending;
        public Work? Work;
    }

    readonly ProcessGroup _group;
    readonly Tensor[] _parameters;
    readonly Bucket[] _buckets;
    readonly (int Bucket, int Slot)[] _slotOf;
    readonly IDisposable[] _hooks;
    bool _passActive;
    int _nextBucket;

    /// <summary>False inside <c>no_sync()</c>: gradients then accumulate locally and the next synchronised backward averages the sum.</summary>
    public bool RequireSync { get; set; } = true;

    /// <summary>Number of buckets (tests and benchmarks).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Buckets of the last synchronised backward whose all-reduce started from a gradient hook, while
    /// backward was still running (the others started when it ended: parameters that got no gradient).</summary>
    public int BucketsStartedDuringBackward { get; private set; }

    /// <summary>
    /// Broadcasts <paramref name="parameters"/> and <paramref name="buffers"/> from the group's first rank (so every
    /// replica starts equal), then hooks every parameter that requires grad.
    /// </summary>
    public GradientReducer(ProcessGroup group, IEnumerable<Tensor> parameters, IEnumerable<Tensor>? buffers = null, long bucketCapBytes = DefaultBucketCapBytes)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(parameters);
        if (bucketCapBytes <= 0) throw new ArgumentOutOfRangeException(nameof(bucketCapBytes), bucketCapBytes, "bucket cap must be positive");
        _group = group;
        var all = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>().ToArray();
        Broadcast(all.Concat(buffers ?? []));
        _parameters = [.. all.Where(p => p.RequiresGrad)];
        foreach (var p in _parameters)
            if (p.Device.IsCuda) throw new DistributedException($"DistributedDataParallel: a parameter is on {p.Device}; the mpi backend carries CPU tensors only");
        (_buckets, _slotOf) = MakeBuckets(_parameters, bucketCapBytes);
        _hooks = new IDisposable[_parameters.Length];
        for (int i = 0; i < _parameters.Length; i++)
        {
            int index = i;
            _hooks[i] = _parameters[i].RegisterPostAccumulateGradHook(_ => OnGradientReady(index));
        }
    }

    /// <summary>Copies the group's first rank's values into <paramref name="tensors"/> on every rank.</summary>
    public void Broadcast(IEnumerable<Tensor> tensors)
    {
        var works = tensors.Select(t => _group.BroadcastAsync(t.Detach(), _group.GlobalRank(0))).ToList();
        foreach (var work in works) work.Wait();
    }

    /// <summary>Called before each forward: the previous backward's reduction must have finished (torch's check).</summary>
    public void PrepareForForward()
    {
        if (_passActive)
            throw new InvalidOperationException("Expected to have finished reduction in the prior iteration before starting a new one. " +
                "The previous backward pass did not finish (it raised), so its gradients were never averaged.");
    }

    static (Bucket[], (int, int)[]) MakeBuckets(Tensor[] parameters, long capBytes)
    {
        var buckets = new List<Bucket>();
        var slotOf = new (int, int)[parameters.Length];
        // Reverse order, one dtype per bucket; a parameter larger than the cap gets a bucket of its own.
        foreach (var group in Enumerable.Range(0, parameters.Length).Reverse().GroupBy(i => parameters[i].DType))
        {
            var members = new List<int>();
            long bytes = 0;
            foreach (int i in group)
            {
                long size = (long)parameters[i].Numel() * parameters[i].DType.ElementSize();
                if (members.Count > 0 && bytes + size > capBytes) Flush();
                members.Add(i);
                bytes += size;
            }
            Flush();

            void Flush()
            {
                if (members.Count == 0) return;
                var offsets = new int[members.Count];
                int total = 0;
                for (int k = 0; k < members.Count; k++)
                {
                    offsets[k] = total;
                    slotOf[members[k]] = (buckets.Count, k);
                    total += checked((int)parameters[members[k]].Numel());
                }
                buckets.Add(new Bucket(Torch.Zeros([total], group.Key).DetachFromDisposeScope(), [.. members], offsets)); // lives with the reducer
                members.Clear();
                bytes = 0;
            }
        }
        return ([.. buckets], slotOf);
    }

    void OnGradientReady(int index)
    {
        if (!RequireSync) return;
        if (!_passActive)
        {
            _passActive = true;
            _nextBucket = 0;
            BucketsStartedDuringBackward = 0;
            foreach (var b in _buckets)
            {
                b.Pending = b.Members.Length;
                Array.Clear(b.Ready);
                b.Work = null;
            }
            ExecutionEngine.QueueCallback(FinishPass);
        }
        var (bi, slot) = _slotOf[index];
        var bucket = _buckets[bi];
        if (bucket.Ready[slot]) return;
        bucket.Ready[slot] = true;
        Slot(bucket, slot).Copy_(_parameters[index].Grad!.Detach().Reshape(-1));
        bucket.Pending--;
        LaunchReadyBuckets(finishing: false);
    }

    Tensor Slot(Bucket bucket, int slot) => bucket.Buffer.Narrow(0, bucket.Offsets[slot], checked((int)_parameters[bucket.Members[slot]].Numel()));

    /// <summary>Starts buckets in index order (every rank must post collectives in the same order), as far as they are full.</summary>
    void LaunchReadyBuckets(bool finishing)
    {
        while (_nextBucket < _buckets.Length && (finishing || _buckets[_nextBucket].Pending == 0))
        {
            var bucket = _buckets[_nextBucket++];
            if (finishing) // parameters that got no gradient in this pass contribute zeros
                for (int k = 0; k < bucket.Members.Length; k++)
                    if (!bucket.Ready[k]) Slot(bucket, k).Zero_();
            bucket.Work = _group.AllReduceAsync(bucket.Buffer, ReduceOp.Sum);
            if (!finishing) BucketsStartedDuringBackward++;
        }
        // MPI progresses nonblocking collectives inside MPI calls: testing those in flight moves them along.
        for (int k = 0; k < _nextBucket; k++) _buckets[k].Work?.IsCompleted();
    }

    void FinishPass()
    {
        try
        {
            LaunchReadyBuckets(finishing: true);
            using var noGrad = GradMode.Set(false);
            foreach (var bucket in _buckets)
            {
                bucket.Work!.Wait();
                bucket.Buffer.Div_(_group.Size);
                for (int k = 0; k < bucket.Members.Length; k++)
                {
                    var p = _parameters[bucket.Members[k]];
                    var average = Slot(bucket, k).View([.. p.Shape]);
                    if (p.Grad is null) p.Grad = average.Clone();
                    else p.Grad.Detach().Copy_(average);
                }
            }
        }
        finally
        {
            _passActive = false;
        }
    }

    /// <summary>Removes the gradient hooks.</summary>
    public void Dispose()
    {
        foreach (var hook in _hooks) hook.Dispose();
    }
}
