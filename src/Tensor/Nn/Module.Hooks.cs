namespace Bridge.Nn;

public abstract partial class Module
{
    readonly List<Action<Module, Tensor, Tensor>> _forwardHooks = [];

    /// <summary>
    /// torch's <c>module(x)</c>: <see cref="Forward"/>, then every forward hook. Containers (<see cref="Sequential"/>)
    /// call their children this way; a model's own <c>Forward</c> should too, so hooks (a parity recorder) see each
    /// submodule's output.
    /// </summary>
    public Tensor Call(Tensor input)
    {
        var output = Forward(input);
        if (_forwardHooks.Count > 0)
            foreach (var hook in _forwardHooks.ToArray()) hook(this, input, output);
        return output;
    }

    /// <summary>torch's <c>register_forward_hook</c>: <c>hook(module, input, output)</c> after each <see cref="Call"/>; dispose the result to remove it.</summary>
    public IDisposable RegisterForwardHook(Action<Module, Tensor, Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _forwardHooks.Add(hook);
        return new Removal(() => _forwardHooks.Remove(hook));
    }

    /// <summary>torch's <c>named_modules()</c>: this module as <c>""</c>, then every submodule depth-first under its dotted name, each once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (name, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (name, module);
            foreach (var (child, m) in module.NamedChildren().Reverse())
                stack.Push((name.Length == 0 ? child : name + "." + child, m));
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
