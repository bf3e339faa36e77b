using System.Reflection;
using System.Text;

namespace Bridge.Nn;

/// <summary>
/// Base of every layer and network, as torch.nn.Module: parameters and submodules are found in the
/// subclass's fields (in declaration order, named in torch's snake_case so state names match a PyTorch
/// model's) or registered explicitly; printing gives torch's topology format.
/// </summary>
public abstract partial class Module
{
    readonly List<(string Name, Func<Tensor?> Get)> _parameters = [];
    readonly List<(string Name, Module? Module)> _modules = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>torch.nn.Parameter: wraps <paramref name="data"/>'s storage (no copy) as a leaf that requires grad and that modules register.</summary>
    public static Tensor Parameter(Tensor data, bool requiresGrad = true)
    {
        var p = data.Detach().DetachFromDisposeScope(); // parameters outlive the scope a model was built in
        p.RequiresGrad = requiresGrad;
        p.IsParameter = true;
        return p;
    }

    /// <summary>Computes the module's output; subclasses override it.</summary>
    public virtual Tensor Forward(Tensor input) => throw new NotImplementedException($"Module [{GetType().Name}] is missing the required \"forward\" function");

    /// <summary>Registers a parameter read through <paramref name="get"/> (so reassigning it is seen); replaces one of the same name.</summary>
    protected void RegisterParameter(string name, Func<Tensor?> get)
    {
        int i = _parameters.FindIndex(p => p.Name == name);
        if (i >= 0) _parameters[i] = (name, get);
        else _parameters.Add((name, get));
    }

    /// <summary>Direct submodules with their names, registered ones first, then fields in declaration order; each module once.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in _modules)
            if (module is not null && seen.Add(module)) yield return (name, module);
        foreach (var (name, value) in FieldValues())
            if (value is Module m && seen.Add(m)) yield return (name, m);
    }

    IEnumerable<(string Name, Tensor Tensor)> DirectParameters()
    {
        foreach (var (name, get) in _parameters)
            if (get() is Tensor t) yield return (name, t);
        foreach (var (name, value) in FieldValues())
            if (value is Tensor { IsParameter: true } t) yield return (name, t);
    }

    /// <summary>
    /// torch's <c>named_parameters(prefix, recurse)</c>: every parameter with its dotted name (<c>hidden_layer.weight</c>),
    /// this module's first, then each submodule's (each module and each parameter once).
    /// </summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "", bool recurse = true) =>
        NamedMembers(prefix, recurse, m => m.DirectParameters());

    /// <summary>
    /// Every learnable parameter of this module and, with <paramref name="recurse"/>, of its submodules, each once, in
    /// registration order (what an optimizer takes).
    /// </summary>
    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse: recurse).Select(p => p.Parameter);

    /// <summary>Zeroes every parameter's gradient in place (torch 1.13's default, set_to_none=False).</summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null;
            else p.Grad.Detach().Zero_();
        }
    }

    /// <summary>torch's <c>train(mode)</c>: sets training mode on this module and every submodule; returns this.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in NamedChildren()) child.Train(mode);
        return this;
    }

    /// <summary>
    /// Sets evaluation mode on this module and every submodule (dropout off, batch norm uses running statistics);
    /// returns this. Same as <c>Train(false)</c>.
    /// </summary>
    public Module Eval() => Train(false);

    /// <summary>The text inside the parentheses of a leaf module's printout (torch's extra_repr).</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>torch's module printout: <c>Net(\n  (hidden_layer): Linear(...)\n)</c>.</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var extraLines = extra.Length == 0 ? [] : extra.Split('\n');
        var childLines = NamedChildren().Select(c => $"({c.Name}): " + c.Module.ToString().Replace("\n", "\n  ")).ToList();
        var sb = new StringBuilder(GetType().Name).Append('(');
        var lines = extraLines.Concat(childLines).ToList();
        if (extraLines.Length == 1 && childLines.Count == 0) sb.Append(extraLines[0]);
        else if (lines.Count > 0) sb.Append("\n  ").Append(string.Join("\n  ", lines)).Append('\n');
        return sb.Append(')').ToString();
    }

    // Fields of subclasses (not of Module itself), in declaration order, base classes first.
    IEnumerable<(string Name, object? Value)> FieldValues()
    {
        foreach (var field in FieldsOf(GetType()))
            yield return (TorchName(field.Name), field.GetValue(this));
    }

    static readonly Dictionary<Type, FieldInfo[]> s_fields = [];

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "module fields are read from types the program itself instantiates")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "module fields are read from types the program itself instantiates")]
    static FieldInfo[] FieldsOf(Type type)
    {
        lock (s_fields)
        {
            if (s_fields.TryGetValue(type, out var cached)) return cached;
            var chain = new List<Type>();
            for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Insert(0, t);
            var fields = chain.SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                .Where(f => typeof(Module).IsAssignableFrom(f.FieldType) || f.FieldType == typeof(Tensor))
                .OrderBy(f => f.MetadataToken)
                .ToArray();
            return s_fields[type] = fields;
        }
    }

    /// <summary><c>HiddenLayer</c>, <c>_hiddenLayer</c> or an auto-property's backing field → <c>hidden_layer</c>.</summary>
    internal static string TorchName(string fieldName)
    {
        string name = fieldName.StartsWith('<') ? fieldName[1..fieldName.IndexOf('>')] : fieldName.TrimStart('_');
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && name[i - 1] != '_' && !char.IsUpper(name[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
