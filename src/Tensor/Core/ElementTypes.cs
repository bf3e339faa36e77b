namespace Bridge;

/// <summary>
/// The dtype that holds C# elements of type <typeparamref name="T"/> exactly: float, double, long, bool, byte,
/// sbyte, short, int, <see cref="Half"/> or <see cref="BFloat16"/>.
/// </summary>
public static class ElementType<T> where T : unmanaged
{
    /// <summary>The matching dtype, or an <see cref="ArgumentException"/> naming the element types Bridge stores.</summary>
    public static DType DType
    {
        get
        {
            if (typeof(T) == typeof(float)) return DType.Float32;
            if (typeof(T) == typeof(double)) return DType.Float64;
            if (typeof(T) == typeof(long)) return DType.Int64;
            if (typeof(T) == typeof(bool)) return DType.Bool;
            if (typeof(T) == typeof(byte)) return DType.UInt8;
            if (typeof(T) == typeof(sbyte)) return DType.Int8;
            if (typeof(T) == typeof(short)) return DType.Int16;
            if (typeof(T) == typeof(int)) return DType.Int32;
            if (typeof(T) == typeof(Half)) return DType.Float16;
            if (typeof(T) == typeof(BFloat16)) return DType.BFloat16;
            throw new ArgumentException($"no Bridge dtype holds {typeof(T).Name} elements exactly: use float, double, long, bool, byte, sbyte, short, int, Half or BFloat16");
        }
    }

    /// <summary>Throws unless <paramref name="dtype"/> holds exactly <typeparamref name="T"/>.</summary>
    internal static void Require(DType dtype, string what)
    {
        if (DType != dtype)
            throw new InvalidOperationException($"{what}: the tensor's dtype is {dtype.TorchName()}, not {typeof(T).Name} ({DType.TorchName()})");
    }
}
