using System.Diagnostics;

namespace Bridge.Compile;

/// <summary>
/// The recorder behind <see cref="Torch.Compile(Func{Tensor, Tensor})"/>: while a step is traced on this thread, every
/// kernel that passes the dispatch seam (<c>Backends/Backend.cs</c>) is run once and kept as a replayable call over
/// the very tensors it touched, which the trace keeps alive (they become the preallocated buffers of the replays).
/// Anything that reaches tensor memory outside a kernel (an <c>item()</c>, a host loop, random numbers, a NumPy
/// export) marks the trace unsafe: its result could depend on data the replay would not recompute, so such a step
/// stays eager. Only one trace runs per thread; kernels that fan out to worker threads are covered by their
/// dispatching call.
/// </summary>
internal sealed class StepTrace
{
    [ThreadStatic] static StepTrace? _active;
    [ThreadStatic] static int _inKernel;

    readonly List<Action> _kernels = [];
    readonly List<ChainFusion.Recorded> _records = [];
    readonly HashSet<Tensor> _retained = new(ReferenceEqualityComparer.Instance);

    readonly HashSet<Storage> _allocated = new(ReferenceEqualityComparer.Instance);

    /// <summary>Memory allocated while the trace ran: the step's own temporaries, which nothing outside can replace.</summary>
    internal IReadOnlySet<Storage> AllocatedStorages => _allocated;

    /// <summary>The hook in <c>Backend.Allocate</c>: notes memory made during the trace; returns <paramref name="storage"/>.</summary>
    internal static Storage Allocated(Storage storage)
    {
        if (_active is { } trace) trace._allocated.Add(storage);
        return storage;
    }

    /// <summary>The replayable calls in the order they ran.</summary>
    internal List<Action> Kernels => _kernels;

    /// <summary>The same calls with their fusible forms and the tensors each touched (what <see cref="ChainFusion"/> reads).</summary>
    internal IReadOnlyList<ChainFusion.Recorded> Records => _records;

    /// <summary>Every tensor a recorded call touched, kept alive (one reference each) until <see cref="Release"/>.</summary>
    internal IReadOnlyCollection<Tensor> Retained => _retained;

    /// <summary>Why this trace cannot be replayed (null while it can).</summary>
    internal string? Unsafe { get; private set; }

    /// <summary>True when the seam should record the current call: a trace is active and no recorded call is running.</summary>
    internal static bool Recording => _active is not null && _inKernel == 0;

    /// <summary>The trace active on this thread, if any.</summary>
    internal static StepTrace? Active => _active;

    /// <summary>Starts recording on this thread.</summary>
    internal static StepTrace Begin()
    {
        if (_active is not null) throw new InvalidOperationException("compile: a step is already being traced on this thread (nested Torch.Compile traces are not supported)");
        var trace = new StepTrace();
        _active = trace;
        _inKernel = 0;
        return trace;
    }

    /// <summary>Stops recording on this thread.</summary>
    internal void End()
    {
        if (ReferenceEquals(_active, this)) _active = null;
    }

    /// <summary>Runs <paramref name="kernel"/> now and keeps it for the replays, with the tensors it touches; always true (the caller returns).</summary>
    internal static bool Record(Action kernel, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null, Tensor? e = null) =>
        RecordFusible(null, kernel, a, b, c, d, e);

    /// <summary>
    /// <see cref="Record"/> for an elementwise kernel that <paramref name="op"/> (when not null) describes in the form
    /// <see cref="ChainFusion"/> can fuse with its neighbours; always true.
    /// </summary>
    internal static bool RecordFusible(FusibleOp? op, Action kernel, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null, Tensor? e = null)
    {
        var trace = _active!;
        trace.Keep(a); trace.Keep(b); trace.Keep(c); trace.Keep(d); trace.Keep(e);
        _inKernel++;
        try { kernel(); }
        finally { _inKernel--; }
        trace._kernels.Add(kernel);
        trace._records.Add(new(kernel, op, [a, b, c, d, e]));
        return true;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with recording suspended and keeps <paramref name="replay"/> as one opaque call (an
    /// optimizer's whole update: its host-side state, such as Adam's step count, changes every step, so the update is
    /// rerun rather than its kernels replayed). Memory accesses inside are not flagged: the body is rerun as it is.
    /// </summary>
    internal static T Opaque<T>(Func<T> body, Action replay)
    {
        var trace = _active!;
        _inKernel++;
        try
        {
            var result = body();
            trace._kernels.Add(replay);
            trace._records.Add(new(replay, null, []));
            return result;
        }
        finally { _inKernel--; }
    }

    /// <summary>The host address of <paramref name="storage"/>, read by the recorder itself (not a host access of the step).</summary>
    internal static unsafe void* Address(Storage storage)
    {
        _inKernel++;
        try { return storage.Raw; }
        finally { _inKernel--; }
    }

    /// <summary>Marks the active trace unsafe: <paramref name="why"/> names the guard that failed.</summary>
    internal static void MarkUnsafe(string why)
    {
        if (_active is { } trace && _inKernel == 0 && trace.Unsafe is null) trace.Unsafe = why;
    }

    /// <summary>The hook in <c>Storage.Raw</c>/<c>Pointer</c>: host code touched tensor memory outside a recorded kernel.</summary>
    internal static void OnHostAccess()
    {
        if (_active is { } trace && _inKernel == 0 && trace.Unsafe is null)
            trace.Unsafe = $"tensor memory was read or written on the host outside a kernel during tracing ({Caller()}): " +
                "a data-dependent value (item(), tolist(), printing, random numbers, a host loop) cannot be replayed";
    }

    /// <summary>The one-line form of <see cref="OnHostAccess"/> for expression-bodied accessors: always false.</summary>
    internal static bool HostAccessed()
    {
        if (_active is not null) OnHostAccess();
        return false;
    }

    void Keep(Tensor? t)
    {
        if (t is null || !_retained.Add(t)) return;
        t.Retain();
    }

    /// <summary>Drops the references this trace holds: its buffers go back to the allocator unless others still use them.</summary>
    internal void Release()
    {
        foreach (var t in _retained) t.Unref();
        _retained.Clear();
        _kernels.Clear();
        _records.Clear();
        _allocated.Clear();
    }

    // The first frame outside the engine's memory plumbing: what the user's step called.
    static string Caller()
    {
        var frames = new StackTrace(2, false).GetFrames();
        string? last = null;
        foreach (var f in frames)
        {
            if (DiagnosticMethodInfo.Create(f) is not { DeclaringTypeName: { } typeName } m) continue;
            int dot = typeName.LastIndexOf('.');
            string ns = dot < 0 ? "" : typeName[..dot], name = $"{typeName[(dot + 1)..]}.{m.Name}";
            if (ns is "Bridge" or "Bridge.Backends" or "Bridge.Backends.Cpu" or "Bridge.Compile") { last = name; continue; }
            return last is null ? name : $"{last}, called from {name}";
        }
        return last ?? "unknown caller";
    }
}
