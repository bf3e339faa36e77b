namespace Bridge;

using Bridge.Compile;

/// <summary>Where a <see cref="CompiledStep"/> stands.</summary>
public enum CompiledStepState
{
    /// <summary>No call yet, or only the eager warm-up call (it creates lazily made state: .grad, optimizer state).</summary>
    WarmingUp,
    /// <summary>A trace exists: calls that pass the guards replay it.</summary>
    Traced,
    /// <summary>The step cannot be traced (see <see cref="CompiledStep.FallbackReason"/>): every call runs eagerly.</summary>
    Eager,
}

/// <summary>
/// A training or inference step made by <see cref="Torch.Compile(Func{Tensor[], Tensor[]})"/>: the first call runs
/// eagerly (a warm-up that creates .grad tensors and optimizer state), the second runs eagerly while every kernel it
/// dispatches is recorded (forward, the autograd engine's backward, in-place updates), and later calls replay the
/// recording: the new inputs are copied into the traced input buffers and the recorded kernels rerun over the same
/// preallocated buffers, with no allocation, no autograd graph and no op-layer overhead. Results are bit-identical to
/// eager calls: the same kernels run on the same values in the same order. Consecutive elementwise kernels on small
/// float tensors (up to 4096 elements, same-shaped or one-element operands) replay as one fused call each, with their
/// addresses resolved at trace time and intermediates that nothing else reads kept out of tensor memory (see
/// <see cref="FusedChains"/>; <c>BRIDGE_COMPILE_FUSION=0</c> turns this off for comparisons). Optimizer <c>Step()</c>
/// calls are kept as one opaque call each (their host-side state, such as Adam's step count, changes every step).
/// <para>
/// Guards, checked on every call: the inputs' count, shapes, dtypes and devices, that no input requires grad, the
/// grad mode, and that the tensors the trace uses still have their memory, shapes and .grad tensors. A call that fails
/// an input guard runs eagerly (the trace is kept for the calls that match it); a stale trace is dropped and the step
/// is traced again. A step that reads tensor data on the host while traced (<c>Item()</c> feeding control flow,
/// random numbers, host loops, NumPy exports) is never replayed: it stays eager. Each distinct reason is reported
/// once, through <see cref="Warning"/> (by default a <c>UserWarning:</c> line on standard error).
/// </para>
/// <para>
/// What a replay cannot see: host values the step computes itself (a learning rate from a counter, a C# random
/// number, a Python float from a dict) are replayed as traced; tensors the step reaches through its closure must stay
/// the same objects. Outputs are fresh tensors with no autograd history. Not thread-safe: call it from one thread.
/// </para>
/// </summary>
public sealed class CompiledStep : IDisposable
{
    readonly Func<Tensor[], Tensor[]> _step;
    readonly HashSet<string> _warned = [];
    StepProgram? _program;
    int _calls;
    bool _disposed;

    internal CompiledStep(Func<Tensor[], Tensor[]> step) => _step = step ?? throw new ArgumentNullException(nameof(step));

    /// <summary>
    /// Receives each distinct fallback reason once per compiled step (the message names the guard that failed). With no
    /// handler the message goes to standard error as <c>UserWarning: ...</c>, as torch's warnings do.
    /// </summary>
    public static event Action<string>? Warning;

    /// <summary>Where the step stands: warming up, traced, or eager for good.</summary>
    public CompiledStepState State { get; private set; } = CompiledStepState.WarmingUp;

    /// <summary>The latest reason a call ran eagerly instead of replaying (null while none did).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Calls that replayed the trace.</summary>
    public long Replays { get; private set; }

    /// <summary>Calls that ran eagerly after the warm-up (guard failures, untraceable steps).</summary>
    public long EagerCalls { get; private set; }

    /// <summary>Times the step was traced (1 unless a trace went stale).</summary>
    public int Traces { get; private set; }

    /// <summary>Kernel calls in the current trace (0 without one).</summary>
    public int KernelCount => _program?.KernelCount ?? 0;

    /// <summary>
    /// Calls one replay makes (0 without a trace): the recorded kernels, with each fused chain of elementwise kernels
    /// counted once. Equal to <see cref="KernelCount"/> when nothing was fused.
    /// </summary>
    public int ReplayCallCount => _program?.ReplayCallCount ?? 0;

    /// <summary>Chains of elementwise kernels the current trace runs as one fused call each (0 without a trace).</summary>
    public int FusedChains => _program?.FusedChains ?? 0;

    /// <summary>Intermediate results of fused chains kept in the chain's scratch instead of being written to their tensors (0 without a trace).</summary>
    public int ElidedIntermediates => _program?.ElidedIntermediates ?? 0;

    /// <summary>Runs the step (replaying it when the guards pass) and returns its first output, or null when it has none.</summary>
    /// <exception cref="ObjectDisposedException">The compiled step was disposed.</exception>
    public Tensor? Invoke(params Tensor[] inputs)
    {
        var outputs = InvokeAll(inputs);
        return outputs.Length == 0 ? null : outputs[0];
    }

    /// <summary>Runs the step (replaying it when the guards pass) and returns all its outputs, as fresh tensors.</summary>
    /// <exception cref="ObjectDisposedException">The compiled step was disposed.</exception>
    public Tensor[] InvokeAll(params Tensor[] inputs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        int call = _calls++;
        if (State == CompiledStepState.Eager) return Eager(inputs);
        if (call == 0) return _step(inputs); // warm-up
        if (_program is { } program)
        {
            string? why = program.CheckInputs(inputs);
            if (why is not null) return Fallback(why, inputs);
            why = program.CheckState();
            if (why is null)
            {
                Replays++;
                return program.Replay(inputs);
            }
            // The trace no longer describes the step: this call warms up again (eagerly, recreating whatever state
            // was replaced, such as a .grad set to None) and the next one is traced, so the new trace sees steady state.
            Warn($"Torch.Compile: retracing the step: {why}");
            _program = null;
            program.Dispose();
            State = CompiledStepState.WarmingUp;
            return _step(inputs);
        }
        return Trace(inputs);
    }

    Tensor[] Trace(Tensor[] inputs)
    {
        foreach (var x in inputs)
            if (x.RequiresGrad)
            {
                State = CompiledStepState.Eager;
                return Fallback("an input requires grad (gradients into step inputs are not traced)", inputs);
            }
        var (program, outputs, unsafeReason) = StepProgram.Trace(_step, inputs);
        Traces++;
        if (program is null)
        {
            State = CompiledStepState.Eager;
            FallbackReason = unsafeReason;
            EagerCalls++;
            Warn($"Torch.Compile: the step runs eagerly: {unsafeReason}");
            return outputs;
        }
        _program = program;
        State = CompiledStepState.Traced;
        return outputs;
    }

    Tensor[] Fallback(string why, Tensor[] inputs)
    {
        FallbackReason = why;
        Warn($"Torch.Compile: falling back to eager for this call: {why}");
        return Eager(inputs);
    }

    Tensor[] Eager(Tensor[] inputs)
    {
        EagerCalls++;
        return _step(inputs);
    }

    void Warn(string message)
    {
        if (!_warned.Add(message)) return;
        if (Warning is { } handler) handler(message);
        else Console.Error.WriteLine($"UserWarning: {message}");
    }

    /// <summary>Releases the trace's buffers; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _program?.Dispose();
        _program = null;
    }
}
