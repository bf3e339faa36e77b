namespace Bridge.Io;

/// <summary>
/// Element types as stored in a file (NumPy's and safetensors' types). Types Bridge has are read natively (float16 and
/// bfloat16 stay two bytes); the unsigned types it lacks (uint16, uint32, uint64) widen losslessly to
/// <see cref="DType.Int64"/> (uint64 only when each value fits). Writing may narrow, but only when every value fits
/// (see <see cref="ElementCodec"/>).
/// </summary>
public enum FileDType
{
    /// <summary>1-byte bool (NumPy <c>|b1</c>, safetensors <c>BOOL</c>); read as bool.</summary>
    Bool,
    /// <summary>uint8 (<c>|u1</c>, <c>U8</c>); read as uint8.</summary>
    UInt8,
    /// <summary>int8 (<c>|i1</c>, <c>I8</c>); read as int8.</summary>
    Int8,
    /// <summary>int16 (<c>&lt;i2</c>, <c>I16</c>); read as int16.</summary>
    Int16,
    /// <summary>uint16 (<c>&lt;u2</c>, <c>U16</c>); read as int64.</summary>
    UInt16,
    /// <summary>int32 (<c>&lt;i4</c>, <c>I32</c>); read as int32.</summary>
    Int32,
    /// <summary>uint32 (<c>&lt;u4</c>, <c>U32</c>); read as int64.</summary>
    UInt32,
    /// <summary>int64 (<c>&lt;i8</c>, <c>I64</c>); the engine's own integer type.</summary>
    Int64,
    /// <summary>uint64 (<c>&lt;u8</c>, <c>U64</c>); read as int64 when every value is below 2^63, else an error.</summary>
    UInt64,
    /// <summary>IEEE half (<c>&lt;f2</c>, <c>F16</c>); read as float16.</summary>
    Float16,
    /// <summary>bfloat16 (safetensors <c>BF16</c>; NumPy has none); read as bfloat16.</summary>
    BFloat16,
    /// <summary>float32 (<c>&lt;f4</c>, <c>F32</c>).</summary>
    Float32,
    /// <summary>float64 (<c>&lt;f8</c>, <c>F64</c>).</summary>
    Float64,
}

/// <summary>Sizes, engine dtypes and file spellings of <see cref="FileDType"/>.</summary>
public static class FileDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this FileDType t) => t switch
    {
        FileDType.Bool or FileDType.UInt8 or FileDType.Int8 => 1,
        FileDType.Int16 or FileDType.UInt16 or FileDType.Float16 or FileDType.BFloat16 => 2,
        FileDType.Int32 or FileDType.UInt32 or FileDType.Float32 => 4,
        FileDType.Int64 or FileDType.UInt64 or FileDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown file dtype"),
    };

    /// <summary>The engine dtype a stored type is read into (the lossless widening described on <see cref="FileDType"/>).</summary>
    public static DType EngineDType(this FileDType t) => t switch
    {
        FileDType.Bool => DType.Bool,
        FileDType.UInt8 => DType.UInt8,
        FileDType.Int8 => DType.Int8,
        FileDType.Int16 => DType.Int16,
        FileDType.Int32 => DType.Int32,
        FileDType.Float16 => DType.Float16,
        FileDType.BFloat16 => DType.BFloat16,
        FileDType.Float32 => DType.Float32,
        FileDType.Float64 => DType.Float64,
        _ => DType.Int64,
    };

    /// <summary>The stored type that holds an engine dtype exactly (float32 → Float32, int64 → Int64...).</summary>
    public static FileDType Natural(DType dtype) => dtype switch
    {
        DType.Float32 => FileDType.Float32,
        DType.Float64 => FileDType.Float64,
        DType.Int64 => FileDType.Int64,
        DType.Bool => FileDType.Bool,
        DType.UInt8 => FileDType.UInt8,
        DType.Int8 => FileDType.Int8,
        DType.Int16 => FileDType.Int16,
        DType.Int32 => FileDType.Int32,
        DType.Float16 => FileDType.Float16,
        DType.BFloat16 => FileDType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True when the file bytes are the engine's own bytes (no conversion on read or write).</summary>
    internal static bool IsNative(this FileDType t) => t is not (FileDType.UInt16 or FileDType.UInt32 or FileDType.UInt64);

    /// <summary>NumPy's little-endian type string: <c>&lt;f4</c>, <c>|b1</c>, <c>|u1</c>...</summary>
    public static string NumpyDescr(this FileDType t) => t switch
    {
        FileDType.Bool => "|b1",
        FileDType.UInt8 => "|u1",
        FileDType.Int8 => "|i1",
        FileDType.Int16 => "<i2",
        FileDType.UInt16 => "<u2",
        FileDType.Int32 => "<i4",
        FileDType.UInt32 => "<u4",
        FileDType.Int64 => "<i8",
        FileDType.UInt64 => "<u8",
        FileDType.Float16 => "<f2",
        FileDType.Float32 => "<f4",
        FileDType.Float64 => "<f8",
        FileDType.BFloat16 => throw new NotSupportedException("Got unsupported ScalarType BFloat16: NumPy has no bfloat16 type; convert the tensor to float32 for .npy/.npz files, or use safetensors"),
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>safetensors' spelling: <c>F32</c>, <c>I64</c>, <c>BOOL</c>...</summary>
    public static string SafetensorsName(this FileDType t) => t switch
    {
        FileDType.Bool => "BOOL",
        FileDType.UInt8 => "U8",
        FileDType.Int8 => "I8",
        FileDType.Int16 => "I16",
        FileDType.UInt16 => "U16",
        FileDType.Int32 => "I32",
        FileDType.UInt32 => "U32",
        FileDType.Int64 => "I64",
        FileDType.UInt64 => "U64",
        FileDType.Float16 => "F16",
        FileDType.BFloat16 => "BF16",
        FileDType.Float32 => "F32",
        FileDType.Float64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>Parses a safetensors dtype name; null when Bridge does not read it (F8 types, complex...).</summary>
    internal static FileDType? FromSafetensorsName(string name) => name switch
    {
        "BOOL" => FileDType.Bool,
        "U8" => FileDType.UInt8,
        "I8" => FileDType.Int8,
        "I16" => FileDType.Int16,
        "U16" => FileDType.UInt16,
        "I32" => FileDType.Int32,
        "U32" => FileDType.UInt32,
        "I64" => FileDType.Int64,
        "U64" => FileDType.UInt64,
        "F16" => FileDType.Float16,
        "BF16" => FileDType.BFloat16,
        "F32" => FileDType.Float32,
        "F64" => FileDType.Float64,
        _ => null,
    };

    /// <summary>
    /// The reference writer's sort key: its Dtype enum order (BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32,
    /// U32, F32, F64, I64, U64), which it calls "alignment order"; tensors are written in descending key, then by name.
    /// </summary>
    internal static int SafetensorsRank(this FileDType t) => t switch
    {
        FileDType.Bool => 0,
        FileDType.UInt8 => 1,
        FileDType.Int8 => 2,
        FileDType.Int16 => 5,
        FileDType.UInt16 => 6,
        FileDType.Float16 => 7,
        FileDType.BFloat16 => 8,
        FileDType.Int32 => 9,
        FileDType.UInt32 => 10,
        FileDType.Float32 => 11,
        FileDType.Float64 => 12,
        FileDType.Int64 => 13,
        FileDType.UInt64 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };
}
