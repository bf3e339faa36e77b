using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Interop;

/// <summary>
/// Typed reading of an op's arguments. Validation happens here, once: a wrong kind is a TypeError naming the
/// op and the position, so ops themselves read arguments without checks.
/// </summary>
readonly unsafe ref struct Args(string op, ReadOnlySpan<Value> values)
{
    readonly ReadOnlySpan<Value> _values = values;

    public int Count => _values.Length;

    public bool IsNone(int i) => i >= _values.Length || _values[i].Kind == ValueKind.None;

    public Tensor Tensor(int i) => HandleTable.Get<Tensor>(Expect(i, ValueKind.Tensor).I);

    public Tensor? OptionalTensor(int i) => IsNone(i) ? null : Tensor(i);

    public T Object<T>(int i) where T : class => HandleTable.Get<T>(Expect(i, ValueKind.Object).I);

    public long Long(int i)
    {
        var v = Get(i);
        return v.Kind is ValueKind.Int or ValueKind.Bool ? v.I : throw Wrong(i, "an int", v);
    }

    public int Int(int i)
    {
        long v = Long(i);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new OverflowException($"{op}(): argument {i} = {v} does not fit in 32 bits");
    }

    public int? OptionalInt(int i) => IsNone(i) ? null : Int(i);

    public double Double(int i)
    {
        var v = Get(i);
        return v.Kind switch
        {
            ValueKind.Float => v.D,
            ValueKind.Int or ValueKind.Bool => v.I,
            _ => throw Wrong(i, "a number", v),
        };
    }

    public double? OptionalDouble(int i) => IsNone(i) ? null : Double(i);

    public bool Bool(int i, bool fallback = false) => IsNone(i) ? fallback : Long(i) != 0;

    public int[] Ints(int i)
    {
        var v = Expect(i, ValueKind.IntList);
        var source = new ReadOnlySpan<long>((void*)v.P, checked((int)v.Count));
        var result = new int[source.Length];
        for (int k = 0; k < source.Length; k++)
            result[k] = source[k] is >= int.MinValue and <= int.MaxValue ? (int)source[k]
                : throw new OverflowException($"{op}(): element {k} of argument {i} = {source[k]} does not fit in 32 bits");
        return result;
    }

    public bool IsTensor(int i) => !IsNone(i) && _values[i].Kind == ValueKind.Tensor;

    public bool IsFloatList(int i) => Get(i).Kind == ValueKind.FloatList;

    public ReadOnlySpan<double> Doubles(int i)
    {
        var v = Expect(i, ValueKind.FloatList);
        return new ReadOnlySpan<double>((void*)v.P, checked((int)v.Count));
    }

    public ReadOnlySpan<long> Longs(int i)
    {
        var v = Expect(i, ValueKind.IntList);
        return new ReadOnlySpan<long>((void*)v.P, checked((int)v.Count));
    }

    public Tensor[] Tensors(int i)
    {
        if (Get(i) is { Kind: ValueKind.IntList, Count: 0 }) return []; // Python packs an empty list as ints
        var v = Expect(i, ValueKind.TensorList);
        var handles = new ReadOnlySpan<long>((void*)v.P, checked((int)v.Count));
        var result = new Tensor[handles.Length];
        for (int k = 0; k < handles.Length; k++) result[k] = HandleTable.Get<Tensor>(handles[k]);
        return result;
    }

    public string String(int i)
    {
        var v = Expect(i, ValueKind.String);
        return Encoding.UTF8.GetString((byte*)v.P, checked((int)v.Count));
    }

    public ReadOnlySpan<byte> Bytes(int i)
    {
        var v = Expect(i, ValueKind.Bytes);
        return new ReadOnlySpan<byte>((void*)v.P, checked((int)v.Count));
    }

    public DType DType(int i)
    {
        int id = Int(i);
        return DTypes.IsDefined(id) ? (DType)id : throw new ArgumentException($"{op}(): unknown dtype id {id}");
    }

    public DType? OptionalDType(int i) => IsNone(i) ? null : DType(i);

    Value Get(int i) => i < _values.Length ? _values[i]
        : throw new InvalidCastException($"{op}() missing argument {i} (got {_values.Length} arguments)");

    Value Expect(int i, ValueKind kind)
    {
        var v = Get(i);
        return v.Kind == kind ? v : throw Wrong(i, "a " + kind.ToString().ToLowerInvariant(), v);
    }

    InvalidCastException Wrong(int i, string expected, Value got) =>
        new($"{op}(): argument {i} must be {expected}, not {got.Kind.ToString().ToLowerInvariant()}");
}
