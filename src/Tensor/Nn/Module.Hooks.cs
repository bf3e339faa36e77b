using Bridge.Autograd;

namespace Bridge.Nn;

public abstract partial class Module
{
    readonly List<Func<Module, Tensor, Tensor?>> _forwardPreHooks = [];
    readonly List<Action<Module, Tensor, Tensor>> _forwardHooks = [];
    readonly List<Func<Module, Tensor?[], Tensor?[], Tensor?[]?>> _backwardHooks = [];

    /// <summary>
    /// torch's <c>module(x)</c>: the forward-pre hooks (each may replace the input), <see cref="Forward"/>, then every
    /// forward hook; with full backward hooks, the input and output pass through identity nodes that report the
    /// gradients. Containers (<see cref="Sequential"/>) call their children this way; a model's own <c>Forward</c>
    /// should too, so hooks (a parity recorder) see each submodule's output.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        foreach (var hook in _forwardPreHooks.ToArray())
            if (hook(this, input) is Tensor replaced) input = replaced;
        var backward = _backwardHooks.Count > 0 && GradMode.IsEnabled ? new BackwardHookPass(this) : null;
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
    /// respect to the module's input is known (gradInput is [null] when the input needs none); a non-null result
    /// replaces gradInput.
    /// </summary>
    public IDisposable RegisterFullBackwardHook(Func<Module, Tensor?[], Tensor?[], Tensor?[]?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _backwardHooks.Add(hook);
        return new Removal(() => _backwardHooks.Remove(hook));
    }

    /// <summary>One forward's bookkeeping for the full backward hooks (torch's BackwardHook).</summary>
    sealed class BackwardHookPass(Module module)
    {
        Tensor? _gradOutput;
        bool _inputNeedsGrad;

        public Tensor WrapInput(Tensor input)
        {
            _inputNeedsGrad = input.RequiresGrad;
            if (!_inputNeedsGrad) return input;
            return Recording.Record(input.Detach(), "BackwardHookFunctionBackward", [input], g => [RunHooks(g)]);
        }

        public Tensor WrapOutput(Tensor output)
        {
            if (!output.RequiresGrad) return output;
            return Recording.Record(output.Detach(), "BackwardHookFunctionBackward", [output], g =>
            {
                _gradOutput = g;
                if (!_inputNeedsGrad) RunHooks(null);
                return [g];
            });
        }

        Tensor? RunHooks(Tensor? gradInput)
        {
            foreach (var hook in module._backwardHooks.ToArray())
            {
                var replaced = hook(module, [gradInput], [_gradOutput]);
                if (replaced is null) continue;
                if (replaced.Length != 1)
                    throw new InvalidOperationException($"Backward hook returned an invalid number of grad_input, got {replaced.Length}, but expected 1");
                gradInput = replaced[0];
            }
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
