using Bridge.Distributed.Mpi;

namespace Bridge.Distributed;

// The collectives and point-to-point operations, each one nonblocking MPI call (MPI_I*) whose Work completes it.
public sealed unsafe partial class ProcessGroup
{
    /// <summary>tensor ← op(tensor on every rank), in place on every rank (torch's <c>all_reduce</c>).</summary>
    public Work AllReduceAsync(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        var (data, count, type) = Buffer(tensor, "all_reduce");
        nint mpiOp = MpiOp(op, tensor.DType, "all_reduce");
        Action? average = op == ReduceOp.Avg ? () => WithoutGrad(() => tensor.Detach().Div_(Size)) : null;
        return Post("all_reduce", [tensor], average,
            (comm, request) => Mpi.MPI_Iallreduce(MpiLibrary.InPlace, (void*)data, count, type, mpiOp, comm, (nint*)request));
    }

    /// <summary>
    /// Sums (or reduces with <paramref name="op"/>) <paramref name="tensor"/> over every rank, in place, and waits
    /// (torch's <c>all_reduce</c>). The tensor must be a contiguous CPU tensor of float32, float64, int64 or bool.
    /// </summary>
    /// <exception cref="DistributedException">A CUDA or non-contiguous tensor, or the operation failed.</exception>
    /// <exception cref="DistributedTimeoutException">A peer did not take part within the group's timeout.</exception>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => AllReduceAsync(tensor, op).Wait();

    /// <summary>tensor ← tensor of global rank <paramref name="src"/>, on every rank (torch's <c>broadcast</c>).</summary>
    public Work BroadcastAsync(Tensor tensor, int src = 0)
    {
        var (data, count, type) = Buffer(tensor, "broadcast");
        int root = GroupRank(src, "src");
        return Post("broadcast", [tensor], null,
            (comm, request) => Mpi.MPI_Ibcast((void*)data, count, type, root, comm, (nint*)request));
    }

    /// <summary>
    /// Copies <paramref name="tensor"/> of global rank <paramref name="src"/> into <paramref name="tensor"/> on every
    /// rank, and waits (torch's <c>broadcast</c>).
    /// </summary>
    public void Broadcast(Tensor tensor, int src = 0) => BroadcastAsync(tensor, src).Wait();

    /// <summary>outputs[r] ← tensor of group rank r, on every rank (torch's <c>all_gather</c>).</summary>
    public Work AllGatherAsync(IReadOnlyList<Tensor> outputs, Tensor tensor)
    {
        var (data, count, type) = Buffer(tensor, "all_gather");
        CheckList(outputs, tensor, "all_gather", "tensor_list");
        // One contiguous receive buffer: the outputs need not be adjacent in memory.
        var gathered = Torch.Zeros([Size * count], tensor.DType);
        var (into, _, _) = Buffer(gathered, "all_gather");
        return Post("all_gather", [tensor, gathered, outputs], () => WithoutGrad(() =>
            {
                for (int r = 0; r < Size; r++) outputs[r].Detach().Copy_(gathered.Narrow(0, r * count, count).View([.. outputs[r].Shape]));
            }),
            (comm, request) => Mpi.MPI_Iallgather((void*)data, count, type, (void*)into, count, type, comm, (nint*)request));
    }

    /// <summary>
    /// Gathers <paramref name="tensor"/> of every group rank r into <c>outputs[r]</c>, on every rank, and waits
    /// (torch's <c>all_gather</c>). <paramref name="outputs"/> needs one tensor per rank of the same dtype and element
    /// count.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="outputs"/> has the wrong length, dtype or size.</exception>
    public void AllGather(IReadOnlyList<Tensor> outputs, Tensor tensor) => AllGatherAsync(outputs, tensor).Wait();

    /// <summary>output ← op over ranks of inputs[group rank of this process] (torch's <c>reduce_scatter</c>).</summary>
    public Work ReduceScatterAsync(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum)
    {
        var (data, count, type) = Buffer(output, "reduce_scatter");
        CheckList(inputs, output, "reduce_scatter", "input_list");
        nint mpiOp = MpiOp(op, output.DType, "reduce_scatter");
        Tensor packed = null!;
        WithoutGrad(() => packed = Tensor.Cat([.. inputs.Select(t => t.Detach().Reshape(-1))]));
        var (from, _, _) = Buffer(packed, "reduce_scatter");
        Action? average = op == ReduceOp.Avg ? () => WithoutGrad(() => output.Detach().Div_(Size)) : null;
        return Post("reduce_scatter", [output, packed], average,
            (comm, request) => Mpi.MPI_Ireduce_scatter_block((void*)from, (void*)data, count, type, mpiOp, comm, (nint*)request));
    }

    /// <summary>
    /// Reduces <c>inputs[r]</c> over the ranks into <paramref name="output"/> of group rank r, and waits (torch's
    /// <c>reduce_scatter</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> has the wrong length, dtype or size, or Avg on a
    /// non-float dtype.</exception>
    public void ReduceScatter(Tensor output, IReadOnlyList<Tensor> inputs, ReduceOp op = ReduceOp.Sum) => ReduceScatterAsync(output, inputs, op).Wait();

    /// <summary>Sends tensor to global rank <paramref name="dst"/> (torch's <c>isend</c>).</summary>
    public Work SendAsync(Tensor tensor, int dst, int tag = 0)
    {
        var (data, count, type) = Buffer(tensor, "send");
        int peer = GroupRank(dst, "dst");
        CheckTag(tag);
        return Post("send", [tensor], null, (comm, request) => Mpi.MPI_Isend((void*)data, count, type, peer, tag, comm, (nint*)request));
    }

    /// <summary>
    /// Sends <paramref name="tensor"/> to global rank <paramref name="dst"/> with <paramref name="tag"/> (0..32767) and
    /// waits until it is sent (torch's <c>send</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The tag is outside 0..32767.</exception>
    public void Send(Tensor tensor, int dst, int tag = 0) => SendAsync(tensor, dst, tag).Wait();

    /// <summary>Receives into tensor from global rank <paramref name="src"/>, or from any rank when null (torch's <c>irecv</c>).</summary>
    public Work RecvAsync(Tensor tensor, int? src = null, int tag = 0)
    {
        var (data, count, type) = Buffer(tensor, "recv");
        int peer = src is int s ? GroupRank(s, "src") : MpiLibrary.AnySource;
        CheckTag(tag);
        return Post("recv", [tensor], null, (comm, request) => Mpi.MPI_Irecv((void*)data, count, type, peer, tag, comm, (nint*)request));
    }

    /// <summary>Receives into tensor; returns the sender's global rank (torch's <c>recv</c>).</summary>
    public int Recv(Tensor tensor, int? src = null, int tag = 0)
    {
        var work = RecvAsync(tensor, src, tag);
        work.Wait();
        return work.SourceRank;
    }

    /// <summary>Returns once every rank of the group has entered it (torch's <c>barrier</c>).</summary>
    public Work BarrierAsync() => Post("barrier", [], null, (comm, request) => Mpi.MPI_Ibarrier(comm, (nint*)request));

    /// <summary>Waits until every rank of the group has entered the barrier (torch's <c>barrier</c>).</summary>
    public void Barrier() => BarrierAsync().Wait();

    /// <summary>Address, element count and MPI datatype of a tensor's memory, after torch's checks.</summary>
    (nint Data, int Count, nint Type) Buffer(Tensor tensor, string operation)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Device.IsCuda)
            throw new DistributedException($"{operation}: the tensor is on {tensor.Device}, but the mpi backend carries CPU tensors only " +
                "(Debian's Open MPI is not CUDA-aware): move it to the CPU with .cpu(), or use backend=\"nccl\" on a GPU machine");
        if (!tensor.IsContiguous()) throw new DistributedException($"{operation}: Tensors must be contiguous");
        nint type = tensor.DType switch
        {
            DType.Float32 => Mpi.Float,
            DType.Float64 => Mpi.Double,
            DType.Int64 => Mpi.Int64,
            DType.Bool => Mpi.Bool,
            _ => throw new NotSupportedException($"{operation}: dtype {tensor.DType} is not supported"),
        };
        nint data = tensor.Storage.Pointer + (nint)tensor.StorageOffset * tensor.DType.ElementSize();
        return (data, checked((int)tensor.Numel()), type);
    }

    /// <summary>MPI's operation for <paramref name="op"/>; bool reduces logically, as torch's NCCL backend does.</summary>
    nint MpiOp(ReduceOp op, DType dtype, string operation)
    {
        if (op == ReduceOp.Avg && !dtype.IsFloatingPoint())
            throw new ArgumentException($"{operation}: ReduceOp.AVG needs a floating-point tensor, got {dtype.TorchName()}");
        if (dtype == DType.Bool)
            return op is ReduceOp.Sum or ReduceOp.Max ? Mpi.LogicalOr : Mpi.LogicalAnd;
        return op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => Mpi.Sum,
            ReduceOp.Product => Mpi.Product,
            ReduceOp.Min => Mpi.Min,
            ReduceOp.Max => Mpi.Max,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, $"{operation}: unknown reduce op"),
        };
    }

    void CheckList(IReadOnlyList<Tensor> list, Tensor like, string operation, string name)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (list.Count != Size) throw new ArgumentException($"{operation}: {name} must have one tensor per rank: {list.Count} given, the group has {Size}");
        foreach (var t in list)
        {
            if (t.DType != like.DType) throw new ArgumentException($"{operation}: tensors in {name} must have dtype {like.DType.TorchName()}, got {t.DType.TorchName()}");
            if (t.Numel() != like.Numel()) throw new ArgumentException($"{operation}: tensors in {name} must have shape {like.Shape}, got {t.Shape}");
            if (t.Device.IsCuda) throw new DistributedException($"{operation}: the mpi backend carries CPU tensors only, got one on {t.Device}");
        }
    }

    static void CheckTag(int tag)
    {
        if (tag < 0 || tag > 32767) throw new ArgumentOutOfRangeException(nameof(tag), tag, "tag must be in 0..32767 (MPI's smallest guaranteed MPI_TAG_UB)");
    }
}
