namespace Bridge;

/// <summary>Element types a tensor can hold; values match DLPack-neutral ids used across the C ABI.</summary>
public enum DType
{
    Float32 = 0,
    Float64 = 1,
    Int64 = 2,
    Bool = 3,
}

/// <summary>Size, naming and promotion rules of <see cref="DType"/>, following torch.</summary>
public static class DTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>torch's spelling, e.g. <c>torch.float32</c>.</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        DType.Int64 => "torch.int64",
        DType.Bool => "torch.bool",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Short name used in records and the C ABI: <c>float32</c>, <c>int64</c>...</summary>
    public static string ShortName(this DType dtype) => TorchName(dtype)["torch.".Length..];

    public static DType Parse(string name) => name.Replace("torch.", "") switch
    {
        "float32" or "float" => DType.Float32,
        "float64" or "double" => DType.Float64,
        "int64" or "long" => DType.Int64,
        "bool" => DType.Bool,
        _ => throw new ArgumentException($"unknown dtype '{name}'", nameof(name)),
    };

    static int Category(DType d) => d switch { DType.Bool => 0, DType.Int64 => 1, _ => 2 };

    /// <summary>
    /// torch.result_type for two tensors: a higher category (bool &lt; integer &lt; float) wins;
    /// within a category a 0-d tensor does not widen a dimensioned one.
    /// </summary>
    public static DType Promote(DType a, bool aIsZeroDim, DType b, bool bIsZeroDim)
    {
        if (a == b) return a;
        int ca = Category(a), cb = Category(b);
        if (ca != cb) return ca > cb ? a : b;
        if (aIsZeroDim != bIsZeroDim) return aIsZeroDim ? b : a;
        return a.ElementSize() >= b.ElementSize() ? a : b;
    }
}
