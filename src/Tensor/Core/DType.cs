namespace Bridge;

/// <summary>Element types a tensor can hold; values match DLPack-neutral ids used across the C ABI.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (torch.float32, the default dtype).</summary>
    Float32 = 0,
    /// <summary>64-bit IEEE float (torch.float64).</summary>
    Float64 = 1,
    /// <summary>64-bit signed integer (torch.int64); indices are int64.</summary>
    Int64 = 2,
    /// <summary>Boolean, one byte per element (torch.bool); comparisons return it.</summary>
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

    /// <summary>True for float32 and float64.</summary>
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

    /// <summary>
    /// Parses torch's spelling, with or without <c>torch.</c>: <c>float32</c>/<c>float</c>,
    /// <c>float64</c>/<c>double</c>, <c>int64</c>/<c>long</c>, <c>bool</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
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
