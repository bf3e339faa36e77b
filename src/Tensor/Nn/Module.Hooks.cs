using Bridge.Autograd;

namespace Bridge.Nn;

public abstract partial class Module
{
    readonly List<Func<Module, Tensor, Tensor?>> _forwardPreHooks = [];
    readonly List<Action<Module, Tensor, Tensor>> _forwardHooks = [];
    readonly List<Func<Module, Tensor?[], Tensor?[], Tensor?[]?>> _backwardHooks = [];
    readonly List<Func<Module, Tensor?[], Tensor?[]?>> _backwardPreHooks = [];

    /// <summary>
    /// torch's <c>module(x)</c>: the forward-pre hooks (each may replace the input), <see cref="Forward"/>, then every
    /// forward hook; with full backward hooks or pre-hooks, the input and output pass through identity nodes that report
    /// the gradients. Containers (<see cref="Sequential"/>) call their children this way; a model's own <c>Forward</c>
    /// should too, so hooks (a parity recorder) see each submodule's output.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        foreach (var hook in _forwardPreHooks.ToArray())
            if (hook(this, input) is Tensor replaced) input = replaced;
        var backward = (_backwardHooks.Count > 0 || _backwardPreHooks.Count > 0) && GradMode.IsEnabled ? new BackwardHookPass(this) : null;
        if (backward is not null) input = backward.WrapInput(input);
        var output = Forward(input);
        foreach (var hook in _forwardHooks.ToArray()) hook(this, input, output);
        return backward is null ? output : backward.WrapOutput(output);
    }

    /// <summary>torch's <c>register_forward_pre_hook</c>: <c>hook(module, input)</c> before each <see cref="Call"/>; a non-null result replaces the input.</summary>
    public IDisposable RegisterForwardPreHook(Func<Module, Tensor, Tensor?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _forwardPreHooks.Add(hook);
        return new Removal(() => _forwardPreHooks.Remove(hook));
    }

    /// <summary>torch's <c>register_forward_hook</c>: <c>hook(module, input, output)</c> after each <see cref="Call"/>; dispose the result to remove it.</summary>
    public IDisposable RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _forwardHooks.Add(hook);
        return new Removal(() => _forwardHooks.Remove(hook));
    }

    /// <summary>
    /// torch's <c>register_full_backward_hook</c>: <c>hook(module, gradInput, gradOutput)</c> once the gradient with
    /// respect to the module's input is known. gradInput is [null] when the input needs no gradient (the hook then runs
    /// as soon as gradOutput is known and must return null); otherwise a non-null result (one entry) replaces gradInput.
    /// gradOutput holds null where no gradient reached the output. Hooks run in registration order; dispose the result
    /// to remove the hook. The output (and input) then come from an identity node, <c>BackwardHookFunctionBackward</c>,
    /// and writing them in place is refused as torch refuses it.
    /// </summary>
    public IDisposable RegisterFullBackwardHook(Func<Module, Tensor?[], Tensor?[], Tensor?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _backwardHooks.Add(hook);
        return new Removal(() => _backwardHooks.Remove(hook));
    }

    /// <summary>
    /// torch 2.0's <c>register_full_backward_pre_hook</c>: <c>hook(module, gradOutput)</c> as soon as the gradient with
    /// respect to the module's output is known, before any of the module's own backward runs; a non-null result (one
    /// entry) replaces gradOutput, both for the module's backward and for the full backward hooks. Pre-hooks run in
    /// registration order (<paramref name="prepend"/>: first); dispose the result to remove the hook.
    /// </summary>
    public IDisposable RegisterFullBackwardPreHook(Func<Module, Tensor?[], Tensor?[]?> hook, bool prepend = false)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (prepend) _backwardPreHooks.Insert(0, hook);
        else _backwardPreHooks.Add(hook);
        return new Removal(() => _backwardPreHooks.Remove(hook));
    }

    /// <summary>
    /// One forward's bookkeeping for the full backward hooks (torch's <c>BackwardHook</c>): identity custom nodes on the
    /// input and the output; the output's node captures gradOutput (and runs the pre-hooks), the input's node runs the
    /// hooks with gradInput, so they fire exactly when torch's do.
    /// </summary>
    sealed class BackwardHookPass(Module module)
    {
        const string NodeName = "BackwardHookFunctionBackward";
        Tensor?[]? _gradOutputs;
        bool _inputNeedsGrad;

        public Tensor WrapInput(Tensor input)
        {
            _inputNeedsGrad = input.RequiresGrad;
            if (!_inputNeedsGrad) return input;
            return CustomFunction.Record(NodeName, [input], [input], [], [], [], materializeGrads: true,
                (grads, _) => [RunHooks(grads[0])])[0];
        }

        public Tensor WrapOutput(Tensor output)
        {
            if (!output.RequiresGrad) return output;
            return CustomFunction.Record(NodeName, [output], [output], [], [], [], materializeGrads: false,
                (grads, _) => [CaptureGradOutput(grads[0])])[0];
        }

        Tensor? CaptureGradOutput(Tensor? grad)
        {
            Tensor?[] gradOutputs = [grad];
            foreach (var hook in module._backwardPreHooks.ToArray())
            {
                var replaced = hook(module, gradOutputs);
                if (replaced is null) continue;
                if (replaced.Length != 1)
                    throw new InvalidOperationException($"Backward pre hook returned an invalid number of grad_output, got {replaced.Length}, but expected 1");
                gradOutputs = replaced;
            }
            _gradOutputs = gradOutputs;
            if (!_inputNeedsGrad)
            {
                // Nothing before the module needs a gradient: torch runs the hooks here, with gradInput [null].
                foreach (var hook in module._backwardHooks.ToArray())
                    if (hook(module, [null], gradOutputs) is Tensor?[] result && result.Any(r => r is not null))
                        throw new InvalidOperationException("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
                _gradOutputs = null;
            }
            return gradOutputs[0];
        }

        Tensor? RunHooks(Tensor? gradInput)
        {
            // No gradOutput: the gradient reached the input without passing through the output (double backward).
            if (_gradOutputs is not Tensor?[] gradOutputs) return gradInput;
            foreach (var hook in module._backwardHooks.ToArray())
            {
                var replaced = hook(module, [gradInput], gradOutputs);
                if (replaced is null) continue;
                if (replaced.Length != 1)
                    throw new InvalidOperationException($"Backward hook returned an invalid number of grad_input, got {replaced.Length}, but expected 1");
                gradInput = replaced[0];
            }
            _gradOutputs = null;
            return gradInput;
        }
    }

    sealed class Removal(Action remove) : IDisposable
    {
        Action? _remove = remove;

        public void Dispose()
        {
            _remove?.Invoke();
            _remove = null;
        }
    }
}
