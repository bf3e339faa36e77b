namespace Bridge.Nn;

// The registration half of torch's Module API: parameters, buffers and submodules added by name at run time
// (containers and ports of Python code that call register_buffer/add_module), and the walks over them.
public abstract partial class Module
{
    readonly List<(string Name, Func<Tensor?> Get, bool Persistent)> _buffers = [];

    /// <summary>
    /// torch's <c>register_parameter</c>: adds (or replaces) a parameter named <paramref name="name"/>; null registers
    /// the name with no value (as <c>bias=False</c> does). The tensor must be a leaf.
    /// </summary>
    public void RegisterParameter(string name, Tensor? parameter)
    {
        CheckName(name, "parameter", _parameters.Any(p => p.Name == name));
        if (parameter is not null && parameter.GradFn is not null)
            throw new ArgumentException($"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. To express '{name}' as a function of another Tensor, compute the value in the forward() method.");
        if (parameter is not null && !parameter.IsParameter) parameter = Parameter(parameter);
        var slot = parameter;
        RegisterParameter(name, () => slot);
    }

    /// <summary>
    /// torch's <c>register_buffer</c>: a tensor that is state but not a parameter (running statistics). Persistent
    /// buffers are in <see cref="StateDict"/>; non-persistent ones only move with the module.
    /// </summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, "buffer", _buffers.Any(b => b.Name == name));
        var slot = tensor;
        RegisterBuffer(name, () => slot, persistent);
    }

    /// <summary>Registers a buffer read through <paramref name="get"/> (so reassigning the field is seen).</summary>
    protected void RegisterBuffer(string name, Func<Tensor?> get, bool persistent = true)
    {
        int i = _buffers.FindIndex(b => b.Name == name);
        if (i >= 0) _buffers[i] = (name, get, persistent);
        else _buffers.Add((name, get, persistent));
    }

    /// <summary>torch's <c>add_module</c> / <c>register_module</c>: adds or replaces the submodule <paramref name="name"/>.</summary>
    public void AddModule(string name, Module? module)
    {
        CheckName(name, "module", _modules.Any(m => m.Name == name));
        int i = _modules.FindIndex(m => m.Name == name);
        if (i >= 0) _modules[i] = (name, module);
        else _modules.Add((name, module));
    }

    /// <summary>Same as <see cref="AddModule"/> (torch's alias).</summary>
    public void RegisterModule(string name, Module? module) => AddModule(name, module);

    /// <summary>Removes a registered parameter, buffer or submodule (torch's <c>delattr</c>); false when none has the name.</summary>
    public bool Remove(string name) =>
        _parameters.RemoveAll(p => p.Name == name) + _buffers.RemoveAll(b => b.Name == name) + _modules.RemoveAll(m => m.Name == name) > 0;

    void CheckName(string name, string kind, bool registeredAlready)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException(kind == "module" ? $"module name can't contain \".\", got: {name}" : $"{kind} name can't contain \".\"");
        if (name.Length == 0) throw new ArgumentException($"{kind} name can't be empty string \"\"");
        if (!registeredAlready && (FieldValues().Any(f => f.Name == name) || OtherKindHas(name, kind)))
            throw new ArgumentException($"attribute '{name}' already exists");
    }

    bool OtherKindHas(string name, string kind) =>
        (kind != "parameter" && _parameters.Any(p => p.Name == name)) || (kind != "buffer" && _buffers.Any(b => b.Name == name))
        || (kind != "module" && _modules.Any(m => m.Name == name));

    IEnumerable<(string Name, Tensor Tensor)> DirectBuffers(bool persistentOnly = false)
    {
        foreach (var (name, get, persistent) in _buffers)
            if ((persistent || !persistentOnly) && get() is Tensor t) yield return (name, t);
    }

    /// <summary>torch's <c>named_buffers(prefix, recurse)</c>: every buffer under its dotted name, each once.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool recurse = true) =>
        NamedMembers(prefix, recurse, m => m.DirectBuffers());

    /// <summary>
    /// Every buffer (running statistics and other non-learnable state) of this module and, with <paramref
    /// name="recurse"/>, of its submodules; null buffers skipped.
    /// </summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse: recurse).Select(b => b.Buffer);

    IEnumerable<(string, Tensor)> NamedMembers(string prefix, bool recurse, Func<Module, IEnumerable<(string, Tensor)>> members)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var modules = recurse ? NamedModules(prefix) : [(prefix, this)];
        foreach (var (modulePrefix, module) in modules)
            foreach (var (name, t) in members(module))
                if (seen.Add(t)) yield return (modulePrefix.Length == 0 ? name : modulePrefix + "." + name, t);
    }

    /// <summary>torch's <c>named_modules(prefix)</c>: this module under <paramref name="prefix"/>, then every submodule depth-first, each once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return NamedModules(prefix, seen);
    }

    IEnumerable<(string, Module)> NamedModules(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (name, child) in NamedChildren())
            foreach (var entry in child.NamedModules(prefix.Length == 0 ? name : prefix + "." + name, seen)) yield return entry;
    }

    /// <summary>This module and every submodule, depth first, each once (torch's <c>modules()</c>).</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>The direct submodules, in registration order (torch's <c>children()</c>).</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>torch's <c>apply(fn)</c>: <paramref name="fn"/> on every submodule (children first, depth-first), then on this one.</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var child in Children()) child.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>torch's <c>get_submodule("encoder.layers.0")</c>.</summary>
    public Module GetSubmodule(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length == 0) return this;
        var module = this;
        foreach (var item in target.Split('.'))
        {
            var next = module.NamedChildren().FirstOrDefault(c => c.Name == item).Module;
            if (next is null)
            {
                bool other = module.DirectParameters().Any(p => p.Name == item) || module.DirectBuffers().Any(b => b.Name == item);
                throw new ArgumentException(other ? $"`{item}` is not an nn.Module" : $"{module.GetType().Name} has no attribute `{item}`");
            }
            module = next;
        }
        return module;
    }

    /// <summary>torch's <c>requires_grad_(flag)</c> on every parameter; returns this.</summary>
    public Module RequiresGrad_(bool requiresGrad = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
        return this;
    }
}
