using Bridge.Autograd;
using Bridge.Distributed.Mpi;
using Bridge.Distributed.Nccl;

namespace Bridge.Distributed;

/// <summary>
/// A set of ranks that run collectives together (torch's <c>ProcessGroup</c>), over an MPI communicator. Ranks and
/// size come from the launcher (mpirun). Every operation is posted as a nonblocking MPI call: the <c>*Async</c> forms
/// return its <see cref="Work"/>, the plain forms wait for it, and no wait outlasts <see cref="Timeout"/>.
/// Tensors are CPU tensors, contiguous, of any dtype; results land in place.
/// </summary>
public sealed unsafe partial class ProcessGroup
{
    /// <summary>torch's default: 30 minutes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Serialises every MPI call of the process (MPI_THREAD_SERIALIZED).</summary>
    internal static readonly Lock MpiGate = new();

    static readonly Lock InitGate = new();
    static ProcessGroup? _world;

    readonly int[] _globalRanks;
    nint _comm;
    nint _exitComm; // the default group's twin for the exit barrier, which must not match a collective left in flight
    string? _broken;

    internal MpiLibrary Mpi { get; }

    /// <summary>This process's rank within the group.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the group.</summary>
    public int Size { get; }

    /// <summary>Longest any operation of this group may take before it fails with <see cref="DistributedTimeoutException"/>.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>"mpi".</summary>
    public string Backend => "mpi";

    /// <summary>Global ranks of the members, by group rank.</summary>
    public IReadOnlyList<int> Ranks => _globalRanks;

    ProcessGroup(MpiLibrary mpi, nint comm, int[] globalRanks, TimeSpan timeout)
    {
        Mpi = mpi;
        _comm = comm;
        _globalRanks = globalRanks;
        Timeout = timeout;
        int rank, size;
        lock (MpiGate)
        {
            mpi.Check(mpi.MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
            mpi.Check(mpi.MPI_Comm_size(comm, &size), "MPI_Comm_size");
        }
        Rank = rank;
        Size = size;
    }

    /// <summary>The default group made by <see cref="Init"/>, or null.</summary>
    public static ProcessGroup? World => _world;

    /// <summary>torch's <c>is_initialized()</c>.</summary>
    public static bool IsInitialized => _world is not null;

    /// <summary>
    /// Why <paramref name="backend"/> cannot run on this machine, or null when it can ("mpi": libmpi.so.40 loads;
    /// "nccl": libnccl.so.2 loads). Never throws.
    /// </summary>
    public static string? Unavailable(string backend) => backend.ToLowerInvariant() switch
    {
        "mpi" => MpiLibrary.TryGet(out string reason) is null ? reason : null,
        "nccl" => NcclLibrary.TryGet(out string reason) is null ? reason : null,
        _ => $"Bridge has no '{backend}' backend (it has \"mpi\" and \"nccl\")",
    };

    /// <summary>
    /// torch's <c>init_process_group</c>: joins the job that the launcher started and makes the default group of every
    /// rank. torch's RANK and WORLD_SIZE variables, when set, must agree with the launcher's.
    /// </summary>
    public static ProcessGroup Init(string backend = "mpi", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var limit = timeout ?? DefaultTimeout;
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), limit, "timeout must be positive");
        lock (InitGate)
        {
            if (_world is not null) throw new InvalidOperationException("trying to initialize the default process group twice!");
            switch (backend.ToLowerInvariant())
            {
                case "mpi": return _world = InitMpi(limit);
                case "nccl": throw NcclLibrary.Unusable();
                case "gloo":
                    throw new DistributedUnavailableException("backend 'gloo' is not available in Bridge: use backend=\"mpi\" for CPU tensors (and \"nccl\" for CUDA tensors)");
                default:
                    throw new ArgumentException($"Invalid backend: '{backend}' (Bridge has \"mpi\" and \"nccl\")", nameof(backend));
            }
        }
    }

    static ProcessGroup InitMpi(TimeSpan timeout)
    {
        var mpi = MpiLibrary.TryGet(out string reason) ?? throw new DistributedUnavailableException($"backend 'mpi' is not available: {reason}");
        int initialized = 0, finalized = 0, provided = 0;
        lock (MpiGate)
        {
            mpi.Check(mpi.MPI_Finalized(&finalized), "MPI_Finalized");
            if (finalized != 0)
                throw new InvalidOperationException("MPI was finalized by destroy_process_group() and cannot be initialized again in the same process");
            mpi.Check(mpi.MPI_Initialized(&initialized), "MPI_Initialized");
            if (initialized == 0) mpi.Check(mpi.MPI_Init_thread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
            // Errors come back as codes (turned into exceptions) instead of aborting the whole job.
            mpi.Check(mpi.MPI_Comm_set_errhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        }
        int size;
        lock (MpiGate) mpi.Check(mpi.MPI_Comm_size(mpi.CommWorld, &size), "MPI_Comm_size");
        var world = new ProcessGroup(mpi, mpi.CommWorld, [.. Enumerable.Range(0, size)], timeout);
        CheckTorchEnvironment(world);
        nint exitComm;
        lock (MpiGate) mpi.Check(mpi.MPI_Comm_dup(mpi.CommWorld, &exitComm), "MPI_Comm_dup");
        world._exitComm = exitComm;
        return world;
    }

    /// <summary>A script written for torchrun may set RANK/WORLD_SIZE: they must describe the job mpirun started.</summary>
    static void CheckTorchEnvironment(ProcessGroup world)
    {
        foreach (var (name, actual) in new[] { ("WORLD_SIZE", world.Size), ("RANK", world.Rank) })
        {
            string? text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text)) continue;
            if (!int.TryParse(text, out int expected) || expected != actual)
                throw new DistributedException($"{name}={text} but the MPI launcher started this process as rank {world.Rank} of {world.Size}: " +
                    $"launch {(name == "WORLD_SIZE" ? $"with mpirun -np {text}" : "with mpirun")} (scripts/mpirun.sh), or unset {name}");
        }
    }

    /// <summary>torch's <c>destroy_process_group()</c> for the default group: finalizes MPI (which cannot start again).</summary>
    public static void Destroy()
    {
        lock (InitGate)
        {
            var world = _world ?? throw new InvalidOperationException("Default process group has not been initialized, please make sure to call init_process_group.");
            _world = null;
            lock (MpiGate) world.Mpi.Check(world.Mpi.MPI_Finalize(), "MPI_Finalize");
            world._comm = 0;
        }
    }

    /// <summary>
    /// The end of a process that used the default group: all ranks meet in a barrier and finalize MPI. A rank that
    /// does not arrive within <paramref name="timeout"/> (it failed, or is still blocked in a collective) makes this
    /// rank abort the whole job with a message, rather than wait for ever.
    /// </summary>
    public static void Shutdown(TimeSpan timeout)
    {
        var world = _world;
        if (world is null) return;
        try
        {
            if (world._broken is null) world.Post("exit barrier", [], null, (_, request) => world.Mpi.MPI_Ibarrier(world._exitComm, (nint*)request)).Wait(timeout);
        }
        catch (DistributedException e)
        {
            Console.Error.WriteLine($"bridge.distributed: rank {world.Rank} is exiting, but not every rank reached the end within {timeout.TotalSeconds:0.###} s ({e.Message}). Aborting the job.");
            Abort(1);
        }
        if (world._broken is not null)
        {
            Console.Error.WriteLine($"bridge.distributed: rank {world.Rank} is exiting after a failed collective ({world._broken}). Aborting the job.");
            Abort(1);
        }
        Destroy();
    }

    /// <summary>Ends every rank of the job at once (MPI_Abort): for fatal errors, so no peer waits on this one.</summary>
    public static void Abort(int errorCode)
    {
        var mpi = MpiLibrary.TryGet(out _);
        if (mpi is null) Environment.Exit(errorCode);
        Console.Error.Flush();
        mpi.MPI_Abort(mpi.CommWorld, errorCode); // no lock: another thread may hold it inside a stuck call
        Environment.Exit(errorCode);
    }

    /// <summary>
    /// torch's <c>new_group(ranks)</c>: a group of the given global ranks (all when null). Every rank of this group
    /// must call it, members or not; non-members get null.
    /// </summary>
    public ProcessGroup? NewGroup(IReadOnlyList<int>? ranks = null, TimeSpan? timeout = null)
    {
        int[] members = ranks is null ? [.. _globalRanks] : [.. ranks.Order()];
        for (int i = 0; i < members.Length; i++)
        {
            if (Array.IndexOf(_globalRanks, members[i]) < 0) throw new ArgumentException($"new_group: rank {members[i]} is not in this group (ranks {string.Join(", ", _globalRanks)})");
            if (i > 0 && members[i] == members[i - 1]) throw new ArgumentException($"new_group: rank {members[i]} is listed twice");
        }
        int[] local = [.. members.Select(r => Array.IndexOf(_globalRanks, r))];
        nint group = 0, subgroup = 0, comm = 0;
        lock (MpiGate)
        {
            CheckUsable("new_group");
            Mpi.Check(Mpi.MPI_Comm_group(_comm, &group), "MPI_Comm_group");
            fixed (int* p = local) Mpi.Check(Mpi.MPI_Group_incl(group, local.Length, p, &subgroup), "MPI_Group_incl");
            Mpi.Check(Mpi.MPI_Comm_create(_comm, subgroup, &comm), "MPI_Comm_create");
            Mpi.Check(Mpi.MPI_Group_free(&subgroup), "MPI_Group_free");
            Mpi.Check(Mpi.MPI_Group_free(&group), "MPI_Group_free");
            if (comm == Mpi.CommNull) return null;
            Mpi.Check(Mpi.MPI_Comm_set_errhandler(comm, Mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        }
        return new ProcessGroup(Mpi, comm, members, timeout ?? Timeout);
    }

    /// <summary>The global rank of group rank <paramref name="groupRank"/>.</summary>
    public int GlobalRank(int groupRank) => _globalRanks[groupRank];

    /// <summary>The group rank of global rank <paramref name="globalRank"/>; throws when it is not a member.</summary>
    public int GroupRank(int globalRank, string role = "rank")
    {
        int r = Array.IndexOf(_globalRanks, globalRank);
        return r >= 0 ? r : throw new ArgumentException($"Invalid {role} {globalRank}: not a member of this group (global ranks {string.Join(", ", _globalRanks)})");
    }

    internal void MarkBroken(string reason) => _broken ??= reason;

    void CheckUsable(string operation)
    {
        if (_comm == 0) throw new InvalidOperationException($"{operation}: the process group has been destroyed");
        if (_broken is not null) throw new DistributedException($"{operation}: the process group is unusable after an earlier failure: {_broken}");
    }

    /// <summary>Runs <paramref name="post"/> (one nonblocking MPI call that fills the request) under the MPI lock.</summary>
    Work Post(string operation, object[] buffers, Action? onComplete, Func<nint, nint, int> post)
    {
        // MPI reads and writes these after this call returns: a dispose scope ending meanwhile (the C ABI opens one
        // per call) must not free them. The Work keeps them; the GC frees them after it.
        foreach (var buffer in buffers)
        {
            if (buffer is Tensor t) t.DetachFromDisposeScope();
            else if (buffer is IEnumerable<Tensor> list) foreach (var item in list) item.DetachFromDisposeScope();
        }
        nint request = 0;
        lock (MpiGate)
        {
            CheckUsable(operation);
            Mpi.Check(post(_comm, (nint)(&request)), operation);
        }
        return new Work(this, operation, request, buffers, onComplete);
    }

    /// <summary>Runs <paramref name="action"/> on tensors as plain memory: no autograd, no in-place checks.</summary>
    internal static void WithoutGrad(Action action)
    {
        using var noGrad = GradMode.Set(false);
        action();
    }
}
