namespace Bridge.Io.Pickle;

/// <summary>
/// What a torch checkpoint's pickle may build: OrderedDicts, tensors over the archive's storages and Parameters, from
/// exactly these globals; anything else is refused with the global's name.
/// </summary>
internal sealed class CheckpointBuilder(TorchRecords records) : IPickleBuilder
{
    static readonly Dictionary<string, FileDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = FileDType.Float32,
        ["DoubleStorage"] = FileDType.Float64,
        ["LongStorage"] = FileDType.Int64,
        ["BoolStorage"] = FileDType.Bool,
        ["HalfStorage"] = FileDType.Float16,
        ["BFloat16Storage"] = FileDType.BFloat16,
        ["IntStorage"] = FileDType.Int32,
        ["ShortStorage"] = FileDType.Int16,
        ["CharStorage"] = FileDType.Int8,
        ["ByteStorage"] = FileDType.UInt8,
    };

    static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    static readonly PickleGlobal RebuildTensor = new("torch._utils", "_rebuild_tensor_v2");
    static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");

    /// <summary>A storage the pickle named, loaded once per key.</summary>
    sealed record StorageRef(string Key, string TypeName, Tensor Flat);

    readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);

    string Where => $"{records.File}[{records.Prefix}data.pkl]";

    TensorFileException Fail(string problem) => new(Where, problem);

    public PickleGlobal Global(string module, string name)
    {
        var g = new PickleGlobal(module, name);
        if (g == OrderedDict || g == RebuildTensor || g == RebuildParameter) return g;
        if (module == "torch" && StorageTypes.ContainsKey(name)) return g;
        throw Fail($"the checkpoint refers to {module}.{name}, which a tensor checkpoint does not need (Bridge builds only tensors, "
            + "Parameters, OrderedDicts and plain containers, and never runs code from a file): save model.state_dict(), not the model or other objects");
    }

    public object? Call(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobal g) throw Fail($"calls a {PickleReader.Describe(callable)}, not an allowed global");
        var a = args.Items;
        if (g == OrderedDict)
        {
            if (a.Count != 0) throw Fail("OrderedDict called with arguments (torch writes OrderedDict())");
            return new OrderedDictionary<object, object?>();
        }
        if (g == RebuildTensor)
        {
            if (a.Count is not (6 or 7)) throw Fail($"_rebuild_tensor_v2 with {a.Count} arguments (expected 6 or 7)");
            if (a[0] is not StorageRef storage) throw Fail($"_rebuild_tensor_v2's storage is a {PickleReader.Describe(a[0])}");
            return Rebuild(storage, a[1], a[2], a[3], a[4]);
        }
        if (g == RebuildParameter)
        {
            if (a.Count != 3 || a[0] is not Tensor data || a[1] is not bool requiresGrad) throw Fail("_rebuild_parameter needs (tensor, bool, hooks)");
            if (requiresGrad && !data.DType.IsFloatingPoint()) throw Fail($"a {data.DType} Parameter that requires grad (only floating point tensors can require gradients)");
            return Nn.Module.Parameter(data, requiresGrad);
        }
        throw Fail($"{g} is not callable");
    }

    public void Build(object? target, object? state)
    {
        // A state_dict's OrderedDict carries _metadata (layer versions) as its state: not needed to use the tensors.
        if (target is OrderedDictionary<object, object?> && state is null or OrderedDictionary<object, object?>) return;
        throw Fail($"sets state on a {PickleReader.Describe(target)} (only a state_dict's metadata is accepted)");
    }

    public object? Persistent(object? id)
    {
        if (id is not PickleTuple { Items: var t } || t.Count != 5 || t[0] is not "storage")
            throw Fail("a persistent id that is not ('storage', type, key, location, numel)");
        if (t[1] is not PickleGlobal { Module: "torch" } type || !StorageTypes.TryGetValue(type.Name, out var fileType))
            throw Fail($"a persistent id whose storage type is a {PickleReader.Describe(t[1])}");
        if (t[2] is not string key || t[3] is not string || t[4] is not long numel)
            throw Fail("a persistent id with a malformed key, location or element count");
        if (_storages.TryGetValue(key, out var known))
        {
            if (known.TypeName != type.Name) throw Fail($"storage {key} is read both as {known.TypeName} and as {type.Name}");
            return known;
        }
        var loaded = new StorageRef(key, type.Name, records.ReadStorage(key, fileType, numel));
        _storages[key] = loaded;
        return loaded;
    }

    Tensor Rebuild(StorageRef storage, object? offsetValue, object? sizeValue, object? strideValue, object? requiresGradValue)
    {
        if (offsetValue is not long offset || offset < 0) throw Fail($"storage offset {PickleReader.Describe(offsetValue)} is not a non-negative integer");
        var size = Ints(sizeValue, "size");
        var stride = Ints(strideValue, "stride");
        if (requiresGradValue is not bool requiresGrad) throw Fail("requires_grad is not a bool");
        if (size.Length != stride.Length) throw Fail($"size has {size.Length} dimensions, stride {stride.Length}");
        if (size.Length > ElementCodec.MaxDims) throw Fail($"{size.Length} dimensions (at most {ElementCodec.MaxDims})");
        long numel = storage.Flat.Numel();
        var shape = new int[size.Length];
        var strides = new int[size.Length];
        long elements = 1;
        for (int d = 0; d < size.Length; d++)
        {
            if (size[d] is < 0 or > int.MaxValue || stride[d] is < 0 or > int.MaxValue) throw Fail($"size {size[d]} or stride {stride[d]} at dim {d} is out of range");
            shape[d] = (int)size[d];
            strides[d] = (int)stride[d];
            elements = Math.Min(elements * size[d], (long)int.MaxValue + 1);
        }
        if (elements > int.MaxValue) throw Fail($"a tensor of more than {int.MaxValue} elements");
        if (elements > 0)
        {
            // The last element reached must lie inside the storage (checked term by term: no overflow).
            long last = offset;
            for (int d = 0; d < size.Length && last < numel; d++) last += (size[d] - 1) * stride[d];
            if (last >= numel) throw Fail($"sizes ({string.Join(", ", size)}), strides ({string.Join(", ", stride)}) and offset {offset} reach past storage {storage.Key} of {numel} elements");
        }
        else if (offset > numel)
        {
            throw Fail($"offset {offset} is past storage {storage.Key} of {numel} elements");
        }
        var tensor = Tensor.FromStorage(storage.Flat.Storage, storage.Flat.DType, shape, strides, (int)offset);
        if (requiresGrad && !tensor.DType.IsFloatingPoint()) throw Fail($"a {tensor.DType} tensor that requires grad (only floating point tensors can require gradients)");
        if (requiresGrad) tensor.RequiresGrad = true;
        return tensor;
    }

    long[] Ints(object? value, string what)
    {
        if (value is not PickleTuple tuple) throw Fail($"{what} is a {PickleReader.Describe(value)}, not a tuple");
        var result = new long[tuple.Items.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = tuple.Items[i] is long v ? v : throw Fail($"{what} entry {i} is a {PickleReader.Describe(tuple.Items[i])}, not an integer");
        return result;
    }
}
