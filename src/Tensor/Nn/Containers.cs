using System.Collections;
using System.Globalization;

namespace Bridge.Nn;

/// <summary>Runs its modules in order (torch.nn.Sequential); built from modules or from (name, module) pairs.</summary>
public sealed class Sequential : Module, IEnumerable<Module>
{
    /// <summary>The modules in order, named "0", "1", ... (torch's <c>Sequential(*layers)</c>).</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>torch's <c>Sequential(OrderedDict([...]))</c>: the modules under the given names.</summary>
    public Sequential(IEnumerable<KeyValuePair<string, Module>> namedLayers)
    {
        foreach (var (name, layer) in namedLayers) AddModule(name, layer);
    }

    List<Module> Layers => Children().ToList();

    /// <summary>The module at <paramref name="index"/> (negative counts from the end).</summary>
    public Module this[int index] => Layers[Containers.Index(index, Count)];

    /// <summary>A new Sequential of the modules in <paramref name="range"/>, under their names.</summary>
    public Sequential this[Range range]
    {
        get
        {
            var named = NamedChildren().ToList();
            var (offset, length) = range.GetOffsetAndLength(named.Count);
            return new Sequential(named.Skip(offset).Take(length).Select(c => KeyValuePair.Create(c.Name, c.Module)));
        }
    }

    /// <summary>How many modules it holds.</summary>
    public int Count => NamedChildren().Count();

    /// <summary>Adds <paramref name="module"/> at the end, named by its position.</summary>
    public Sequential Append(Module module)
    {
        AddModule(Count.ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>
    /// Feeds <paramref name="input"/> through each module in order (through <c>Call</c>, so hooks run) and returns the
    /// last output.
    /// </summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var layer in Layers) input = layer.Call(input);
        return input;
    }

    /// <summary>Enumerates the modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => Layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Holds submodules in a list, named "0", "1", ... (torch.nn.ModuleList); it has no forward.</summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    readonly List<Module> _items = [];

    /// <summary>A list of <paramref name="modules"/>, named "0", "1", ...</summary>
    public ModuleList(params Module[] modules) => Extend(modules);

    /// <summary>A list of <paramref name="modules"/>, named "0", "1", ...</summary>
    public ModuleList(IEnumerable<Module> modules) => Extend(modules);

    /// <summary>How many modules it holds.</summary>
    public int Count => _items.Count;

    /// <summary>
    /// The module at <paramref name="index"/> (negative counts from the end); setting replaces it under the same name.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [-Count, Count).</exception>
    public Module this[int index]
    {
        get => _items[Containers.Index(index, Count)];
        set
        {
            int i = Containers.Index(index, Count);
            _items[i] = value;
            AddModule(i.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by its position; returns this list.</summary>
    public ModuleList Append(Module module)
    {
        AddModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Appends each of <paramref name="modules"/> in order; returns this list.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        foreach (var m in modules) Append(m);
        return this;
    }

    /// <summary>Inserts before <paramref name="index"/>, renumbering the rest.</summary>
    public void Insert(int index, Module module)
    {
        _items.Insert(Math.Clamp(index < 0 ? index + Count : index, 0, Count), module);
        Renumber();
    }

    /// <summary>
    /// Removes and returns the module at <paramref name="index"/> (negative counts from the end), renumbering the rest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [-Count, Count).</exception>
    public Module Pop(int index)
    {
        int i = Containers.Index(index, Count);
        var m = _items[i];
        _items.RemoveAt(i);
        Renumber();
        return m;
    }

    void Renumber()
    {
        for (int i = 0; i <= _items.Count; i++) Remove(i.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < _items.Count; i++) AddModule(i.ToString(CultureInfo.InvariantCulture), _items[i]);
    }

    /// <summary>Enumerates the modules in order.</summary>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Holds submodules by name, in insertion order (torch.nn.ModuleDict); it has no forward.</summary>
public sealed class ModuleDict : Module, IEnumerable<KeyValuePair<string, Module>>
{
    readonly OrderedDictionary<string, Module> _items = new(StringComparer.Ordinal);

    /// <summary>An empty dict.</summary>
    public ModuleDict() { }

    /// <summary>A dict of <paramref name="modules"/>, in their order.</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules) => Update(modules);

    /// <summary>The module named <paramref name="key"/>; setting adds or replaces it as a submodule.</summary>
    /// <exception cref="KeyNotFoundException">Getting a key that is not there.</exception>
    public Module this[string key]
    {
        get => _items.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"'{key}'");
        set
        {
            AddModule(key, value);
            _items[key] = value;
        }
    }

    /// <summary>How many modules it holds.</summary>
    public int Count => _items.Count;
    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => _items.Keys;
    /// <summary>The modules, in insertion order.</summary>
    public IEnumerable<Module> Values => _items.Values;
    /// <summary>True when a module is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>Adds or replaces each (name, module) pair in order.</summary>
    public void Update(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        foreach (var (key, m) in modules) this[key] = m;
    }

    /// <summary>Removes the module named <paramref name="key"/> and returns it.</summary>
    /// <exception cref="KeyNotFoundException">No module has that name.</exception>
    public Module Pop(string key)
    {
        var m = this[key];
        _items.Remove(key);
        Remove(key);
        return m;
    }

    /// <summary>Removes every module.</summary>
    public void Clear()
    {
        foreach (var key in _items.Keys.ToList()) Remove(key);
        _items.Clear();
    }

    /// <summary>Enumerates (name, module) pairs in insertion order.</summary>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Holds parameters in a list, named "0", "1", ... (torch.nn.ParameterList).</summary>
public sealed class ParameterList : Module, IEnumerable<Tensor>
{
    readonly List<Tensor> _items = [];

    /// <summary>
    /// A list of <paramref name="parameters"/>, named "0", "1", ...; tensors that are not parameters yet are wrapped as
    /// parameters.
    /// </summary>
    public ParameterList(params Tensor[] parameters) => Extend(parameters);

    /// <summary>How many parameters it holds.</summary>
    public int Count => _items.Count;

    /// <summary>
    /// The parameter at <paramref name="index"/> (negative counts from the end); setting registers the value (wrapped
    /// as a parameter if it is not one) under the same name.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [-Count, Count).</exception>
    public Tensor this[int index]
    {
        get => _items[Containers.Index(index, Count)];
        set
        {
            int i = Containers.Index(index, Count);
            _items[i] = value.IsParameter ? value : Parameter(value);
            var p = _items[i];
            RegisterParameter(i.ToString(CultureInfo.InvariantCulture), () => p);
        }
    }

    /// <summary>
    /// Adds <paramref name="parameter"/> at the end (wrapped as a parameter if it is not one); returns this list.
    /// </summary>
    public ParameterList Append(Tensor parameter)
    {
        _items.Add(parameter);
        this[_items.Count - 1] = parameter;
        return this;
    }

    /// <summary>Appends each of <paramref name="parameters"/> in order; returns this list.</summary>
    public ParameterList Extend(IEnumerable<Tensor> parameters)
    {
        foreach (var p in parameters) Append(p);
        return this;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        string.Join("\n", _items.Select((p, i) => $"  ({i}): {Containers.Describe(p, p.DType.TorchName())}"));

    /// <summary>Enumerates the parameters in order.</summary>
    public IEnumerator<Tensor> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Holds parameters by name, in insertion order (torch.nn.ParameterDict).</summary>
public sealed class ParameterDict : Module, IEnumerable<KeyValuePair<string, Tensor>>
{
    readonly OrderedDictionary<string, Tensor> _items = new(StringComparer.Ordinal);

    /// <summary>An empty dict.</summary>
    public ParameterDict() { }

    /// <summary>
    /// A dict of <paramref name="parameters"/>, in their order (each wrapped as a parameter if it is not one).
    /// </summary>
    public ParameterDict(IEnumerable<KeyValuePair<string, Tensor>> parameters) => Update(parameters);

    /// <summary>
    /// The parameter named <paramref name="key"/>; setting registers the value (wrapped as a parameter if it is not
    /// one).
    /// </summary>
    /// <exception cref="KeyNotFoundException">Getting a key that is not there.</exception>
    public Tensor this[string key]
    {
        get => _items.TryGetValue(key, out var p) ? p : throw new KeyNotFoundException($"'{key}'");
        set
        {
            var p = value.IsParameter ? value : Parameter(value);
            _items[key] = p;
            RegisterParameter(key, () => p);
        }
    }

    /// <summary>How many parameters it holds.</summary>
    public int Count => _items.Count;
    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => _items.Keys;
    /// <summary>The parameters, in insertion order.</summary>
    public IEnumerable<Tensor> Values => _items.Values;
    /// <summary>True when a parameter is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <summary>Adds or replaces each (name, parameter) pair in order.</summary>
    public void Update(IEnumerable<KeyValuePair<string, Tensor>> parameters)
    {
        foreach (var (key, p) in parameters) this[key] = p;
    }

    /// <summary>Removes the parameter named <paramref name="key"/> and returns it.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Tensor Pop(string key)
    {
        var p = this[key];
        _items.Remove(key);
        Remove(key);
        return p;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        string.Join("\n", _items.Select(kv => $"  ({kv.Key}): {Containers.Describe(kv.Value, Containers.TypeName(kv.Value))}"));

    /// <summary>Enumerates (name, parameter) pairs in insertion order.</summary>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Returns its input (torch.nn.Identity).</summary>
public sealed class Identity : Module
{
    /// <summary>Returns <paramref name="input"/> itself.</summary>
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Flattens dims <c>start_dim..end_dim</c> into one (torch.nn.Flatten).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First dim to flatten (torch's <c>start_dim</c>, default 1: the batch dim stays).</summary>
    public int StartDim { get; } = startDim;
    /// <summary>Last dim to flatten, inclusive (torch's <c>end_dim</c>, default -1).</summary>
    public int EndDim { get; } = endDim;
    /// <summary>
    /// Flattens dims <see cref="StartDim"/>..<see cref="EndDim"/> of <paramref name="input"/> into one.
    /// </summary>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Splits dim <c>dim</c> into <c>unflattened_size</c> (torch.nn.Unflatten).</summary>
public sealed class Unflatten(int dim, int[] unflattenedSize) : Module
{
    /// <summary>The dim that is split (negative counts from the end).</summary>
    public int Dim { get; } = dim;
    /// <summary>
    /// The sizes dim <see cref="Dim"/> is split into; their product must equal its size (one may be -1).
    /// </summary>
    public IReadOnlyList<int> UnflattenedSize { get; } = unflattenedSize;
    /// <summary>Splits dim <see cref="Dim"/> of <paramref name="input"/> into <see cref="UnflattenedSize"/>.</summary>
    public override Tensor Forward(Tensor input) => Functional.Unflatten(input, Dim, [.. UnflattenedSize]);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}, unflattened_size=({string.Join(", ", UnflattenedSize)}{(UnflattenedSize.Count == 1 ? "," : "")})";
}

public static partial class Functional
{
    /// <summary>torch's <c>x.unflatten(dim, sizes)</c>: dim <paramref name="dim"/> becomes <paramref name="sizes"/> (one may be -1).</summary>
    public static Tensor Unflatten(Tensor input, int dim, int[] sizes)
    {
        var shape = input.ShapeArray;
        int d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new ArgumentOutOfRangeException(nameof(dim), $"Dimension out of range (expected to be in range of [{-shape.Length}, {shape.Length - 1}], but got {dim})");
        if (sizes.Length == 0) throw new ArgumentException("unflatten: sizes must be non-empty");
        return input.Reshape([.. shape[..d], .. sizes, .. shape[(d + 1)..]]);
    }
}

static class Containers
{
    /// <summary>Python's index rule: -n ≤ i &lt; n, negative from the end; torch's message otherwise.</summary>
    public static int Index(int index, int count)
    {
        if (index < -count || index >= count) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is out of range");
        return index < 0 ? index + count : index;
    }

    /// <summary>torch's ParameterList/ParameterDict line: <c>Parameter containing: [torch.float32 of size 2x3]</c>.</summary>
    public static string Describe(Tensor p, string typeName) =>
        $"{(p.IsParameter ? "Parameter" : "Tensor")} containing: [{typeName} of size {string.Join("x", p.ShapeArray)}{(p.Device.IsCuda ? $" (GPU {p.Device.Index})" : "")}]";

    /// <summary>torch.typename of a tensor, as ParameterDict prints it: <c>torch.FloatTensor</c>, <c>torch.cuda.LongTensor</c>.</summary>
    public static string TypeName(Tensor p)
    {
        var name = p.DType.LegacyTypeName();
        return p.Device.IsCuda ? name.Replace("torch.", "torch.cuda.") : name;
    }
}
