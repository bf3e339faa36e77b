namespace Bridge;

/// <summary>Element types a tensor can hold; the values are the ids used across the C ABI and by the Python package.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (.NET <see cref="float"/>), torch.float32.</summary>
    Float32 = 0,
    /// <summary>64-bit IEEE float (.NET <see cref="double"/>), torch.float64.</summary>
    Float64 = 1,
    /// <summary>64-bit signed integer (.NET <see cref="long"/>), torch.int64.</summary>
    Int64 = 2,
    /// <summary>Boolean stored as one byte 0 or 1, torch.bool.</summary>
    Bool = 3,
    /// <summary>8-bit unsigned integer (.NET <see cref="byte"/>), torch.uint8.</summary>
    UInt8 = 4,
    /// <summary>8-bit signed integer (.NET <see cref="sbyte"/>), torch.int8.</summary>
    Int8 = 5,
    /// <summary>16-bit signed integer (.NET <see cref="short"/>), torch.int16.</summary>
    Int16 = 6,
    /// <summary>32-bit signed integer (.NET <see cref="int"/>), torch.int32.</summary>
    Int32 = 7,
    /// <summary>IEEE binary16 (.NET <see cref="System.Half"/>), torch.float16.</summary>
    Float16 = 8,
    /// <summary>bfloat16, the upper half of a float32 (<see cref="Bridge.BFloat16"/>), torch.bfloat16.</summary>
    BFloat16 = 9,
}

/// <summary>How an operand takes part in torch.result_type: dimensioned tensors outrank 0-d tensors, which outrank scalars.</summary>
public enum OperandKind
{
    /// <summary>A tensor with at least one dimension.</summary>
    Tensor,
    /// <summary>A 0-d tensor.</summary>
    ZeroDimTensor,
    /// <summary>A number (Python's int, float or bool; its dtype is int64, the default float dtype or bool).</summary>
    Scalar,
}

/// <summary>Size, naming and promotion rules of <see cref="DType"/>, following torch.</summary>
public static class DTypes
{
    /// <summary>Every dtype, in id order.</summary>
    public static IReadOnlyList<DType> All { get; } = Enum.GetValues<DType>();

    /// <summary>True for an id the C ABI may pass (0 to 9).</summary>
    public static bool IsDefined(int id) => (uint)id <= (uint)DType.BFloat16;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.Bool or DType.UInt8 or DType.Int8 => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>float16, bfloat16, float32 or float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16;

    /// <summary>float16 or bfloat16: stored in two bytes, computed in float32 and rounded back, as torch's CPU does.</summary>
    public static bool IsHalf(this DType dtype) => dtype is DType.Float16 or DType.BFloat16;

    /// <summary>uint8, int8, int16, int32 or int64 (not bool).</summary>
    public static bool IsInteger(this DType dtype) => dtype is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64;

    /// <summary>torch's spelling, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType dtype) => "torch." + ShortName(dtype);

    /// <summary>Short name used in records and the C ABI: <c>float32</c>, <c>int64</c>...</summary>
    public static string ShortName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        DType.UInt8 => "uint8",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>c10's ScalarType name, as torch's "not implemented for 'Half'" messages spell it.</summary>
    public static string ScalarTypeName(this DType dtype) => dtype switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Int64 => "Long",
        DType.Bool => "Bool",
        DType.UInt8 => "Byte",
        DType.Int8 => "Char",
        DType.Int16 => "Short",
        DType.Int32 => "Int",
        DType.Float16 => "Half",
        DType.BFloat16 => "BFloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The legacy CPU tensor type name: <c>torch.HalfTensor</c>, <c>torch.LongTensor</c>...</summary>
    public static string LegacyTypeName(this DType dtype) => $"torch.{ScalarTypeName(dtype)}Tensor";

    /// <summary>The dtype named <paramref name="name"/> in any of torch's spellings (<c>torch.half</c>, <c>int</c>, <c>uint8</c>...).</summary>
    public static DType Parse(string name) => name.Replace("torch.", "") switch
    {
        "float32" or "float" => DType.Float32,
        "float64" or "double" => DType.Float64,
        "int64" or "long" => DType.Int64,
        "bool" => DType.Bool,
        "uint8" => DType.UInt8,
        "int8" => DType.Int8,
        "int16" or "short" => DType.Int16,
        "int32" or "int" => DType.Int32,
        "float16" or "half" => DType.Float16,
        "bfloat16" => DType.BFloat16,
        _ => throw new ArgumentException($"unknown dtype '{name}'", nameof(name)),
    };

    static int Category(DType d) => d == DType.Bool ? 0 : d.IsFloatingPoint() ? 2 : 1;

    /// <summary>
    /// torch.promote_types: bool &lt; integer &lt; floating; within a category the wider type, except that
    /// uint8 with a signed type needs int16 at least, and float16 with bfloat16 needs float32.
    /// </summary>
    public static DType PromoteTypes(DType a, DType b)
    {
        if (a == b) return a;
        int ca = Category(a), cb = Category(b);
        if (ca != cb) return ca > cb ? a : b;
        if (a == DType.UInt8 || b == DType.UInt8)
        {
            var signed = a == DType.UInt8 ? b : a;
            return signed == DType.Int8 ? DType.Int16 : signed;
        }
        if (a.IsHalf() && b.IsHalf()) return DType.Float32;
        return a.ElementSize() >= b.ElementSize() ? a : b;
    }

    /// <summary>
    /// torch.result_type for two tensors: dimensioned operands decide unless a 0-d operand belongs to a higher
    /// category (bool &lt; integer &lt; floating); a 0-d operand never widens a dimensioned one within its category.
    /// </summary>
    public static DType Promote(DType a, bool aIsZeroDim, DType b, bool bIsZeroDim)
    {
        if (aIsZeroDim == bIsZeroDim) return PromoteTypes(a, b);
        return CombineCategories(aIsZeroDim ? b : a, aIsZeroDim ? a : b);
    }

    /// <summary>
    /// torch.result_type over any operands: dimensioned tensors, 0-d tensors and Python-style scalars each promote
    /// among themselves, then the classes combine in that order of priority by category (a float scalar, typed as
    /// the default float dtype, turns an integer tensor into float32 but never widens a float16 one).
    /// </summary>
    public static DType ResultType(params ReadOnlySpan<(DType DType, OperandKind Kind)> operands)
    {
        DType? dim = null, zero = null, wrapped = null;
        foreach (var (dtype, kind) in operands)
        {
            ref DType? slot = ref kind == OperandKind.Tensor ? ref dim : ref kind == OperandKind.ZeroDimTensor ? ref zero : ref wrapped;
            slot = slot is DType s ? PromoteTypes(s, dtype) : dtype;
        }
        var lower = Combine(zero, wrapped);
        return Combine(dim, lower) ?? throw new ArgumentException("result_type needs at least one operand");
    }

    static DType? Combine(DType? higher, DType? lower) =>
        higher is not DType h ? lower : lower is not DType l ? h : CombineCategories(h, l);

    /// <summary>c10's combine_categories: the higher-priority class's dtype, unless the lower one's category is higher.</summary>
    static DType CombineCategories(DType higher, DType lower)
    {
        if (higher.IsFloatingPoint()) return higher;
        if (higher == DType.Bool || lower.IsFloatingPoint()) return PromoteTypes(higher, lower);
        return higher;
    }
}
