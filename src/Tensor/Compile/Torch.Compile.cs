namespace Bridge;

// Torch.Compile: a step traced once and replayed (see CompiledStep for what is guarded and what is not).
public static partial class Torch
{
    /// <summary>
    /// Compiles a step of any arity: <c>step(inputs)</c> returns its outputs. The first call runs eagerly (warm-up), the
    /// second is traced, later calls replay the trace over preallocated buffers when the guards pass and run eagerly
    /// otherwise (saying so once per reason). Outputs are returned as fresh tensors without autograd history. Dispose the
    /// result to release the trace's buffers. See <see cref="CompiledStep"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public static CompiledStep Compile(Func<Tensor[], Tensor[]> step) => new(step);

    /// <summary>Compiles a step with no inputs and no outputs (e.g. <c>() =&gt; Sigmoid(w * x + b).Backward()</c>); call <see cref="CompiledStep.Invoke"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public static CompiledStep Compile(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new(_ => { step(); return []; });
    }

    /// <summary>Compiles a step with no inputs that returns one tensor (e.g. the loss).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public static CompiledStep Compile(Func<Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new(_ => [step()]);
    }

    /// <summary>Compiles a one-input step (an inference step, <c>x =&gt; model.Forward(x)</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public static CompiledStep Compile(Func<Tensor, Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new(x => [step(x[0])]);
    }

    /// <summary>Compiles a two-input step (a training step, <c>(x, y) =&gt; { ...; return loss; }</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
    public static CompiledStep Compile(Func<Tensor, Tensor, Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new(x => [step(x[0], x[1])]);
    }
}
