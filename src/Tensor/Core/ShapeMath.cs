namespace Bridge;

/// <summary>Shape and stride arithmetic shared by every op: numel, contiguity, broadcasting, dim wrapping.</summary>
internal static class ShapeMath
{
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"tensor of shape {Format(shape)} has more than {int.MaxValue} elements, which Bridge does not support");
        }
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>True when the strides are exactly the row-major ones for the shape (size-1 dims included).</summary>
    public static bool IsRowMajor(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (strides[i] != expected) return false;
            expected *= Math.Max(shape[i], 1);
        }
        return true;
    }

    /// <summary>True when the strides are a permutation of some contiguous layout's: every element exactly once, no gaps (e.g. a transposed contiguous matrix).</summary>
    public static bool IsDense(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        Span<long> keys = stackalloc long[shape.Length];
        int rank = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0) return true;
            if (shape[i] != 1) keys[rank++] = ((long)strides[i] << 32) | (uint)shape[i];
        }
        keys = keys[..rank];
        keys.Sort();
        long expected = 1;
        foreach (long key in keys)
        {
            if (key >> 32 != expected) return false;
            expected *= (int)key;
        }
        return true;
    }

    /// <summary>Broadcast shape of two shapes, or torch's error naming both.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            int db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides that read a tensor of <paramref name="shape"/>/<paramref name="strides"/> as if it had <paramref name="target"/> shape (0 where broadcast).</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target)
    {
        if (target.Length < shape.Length) throw new ArgumentException($"cannot broadcast {Format(shape)} to {Format(target)}");
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            int t = target[lead + i];
            if (shape[i] == t) result[lead + i] = t == 1 ? 0 : strides[i];
            else if (shape[i] == 1) result[lead + i] = 0;
            else throw new ArgumentException($"The expanded size of the tensor ({t}) must match the existing size ({shape[i]}) at non-singleton dimension {lead + i}.  Target sizes: {FormatList(target)}.  Tensor sizes: {FormatList(shape)}");
        }
        return result;
    }

    /// <summary>Wraps a possibly negative dim into [0, rank), with torch's IndexError text.</summary>
    public static int WrapDim(int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(null, $"Dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim})");
        return dim < 0 ? dim + r : dim;
    }

    // ----- 64-bit forms: the engine's metadata is long; the int forms above serve kernels that index with int -----

    /// <summary>The number of elements of a 64-bit shape; torch's error when the product overflows a long.</summary>
    public static long Numel(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
            if (!TryMultiply(n, d, out n)) throw new ArgumentException("numel: integer multiplication overflow");
        return n;
    }

    /// <summary>The bytes a contiguous tensor of <paramref name="shape"/> needs; torch's error when that overflows a long.</summary>
    public static long StorageBytes(ReadOnlySpan<long> shape, int elementSize)
    {
        long n = elementSize;
        foreach (long d in shape)
            if (!TryMultiply(n, d, out n)) n = -1;
        if (n < 0) throw new ArgumentException($"Storage size calculation overflowed with sizes={FormatList(shape)}");
        return n;
    }

    static bool TryMultiply(long a, long b, out long product)
    {
        product = a * b;
        return a >= 0 && b >= 0 && (b == 0 || a <= long.MaxValue / b);
    }

    /// <summary>True when a shape has at most <see cref="int.MaxValue"/> elements (so the int forms apply).</summary>
    public static bool NumelFitsInt32(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
            if (n > int.MaxValue) return false;
        }
        return true;
    }

    /// <summary>
    /// True when every index an int kernel computes for this layout fits in an int: at most <see cref="int.MaxValue"/>
    /// elements, sizes and strides in range, and the last element's storage offset at most <see cref="int.MaxValue"/>.
    /// </summary>
    public static bool Fits32(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, long offset)
    {
        if (offset is < 0 or > int.MaxValue) return false;
        long n = 1, extent = offset;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = shape[i], s = strides[i];
            if (d is < 0 or > int.MaxValue || s is < int.MinValue or > int.MaxValue) return false;
            n *= d;
            if (n > int.MaxValue) return false;
            if (d > 0) extent += (d - 1) * Math.Abs(s);
            if (extent > int.MaxValue) return false;
        }
        return true;
    }

    /// <summary>True when every value lies in the int range.</summary>
    public static bool AllFitInt32(ReadOnlySpan<long> values)
    {
        foreach (long v in values)
            if (v is < int.MinValue or > int.MaxValue) return false;
        return true;
    }

    /// <summary>The same values as longs.</summary>
    public static long[] Widen(ReadOnlySpan<int> values)
    {
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>The same values as ints; callers check that they fit (<see cref="Fits32"/>).</summary>
    public static int[] Narrow(ReadOnlySpan<long> values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = checked((int)values[i]);
        return result;
    }

    public static long[] ContiguousStrides(ReadOnlySpan<long> shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    public static bool IsContiguous(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>Broadcast shape of two 64-bit shapes, or torch's error naming both.</summary>
    public static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new long[n];
        for (int i = 0; i < n; i++)
        {
            long da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            long db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>The 64-bit form of <see cref="BroadcastStrides(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int})"/>.</summary>
    public static long[] BroadcastStrides(ReadOnlySpan<long> shape, ReadOnlySpan<long> strides, ReadOnlySpan<long> target)
    {
        if (target.Length < shape.Length) throw new ArgumentException($"cannot broadcast {Format(shape)} to {Format(target)}");
        var result = new long[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
        {
            long t = target[lead + i];
            if (shape[i] == t) result[lead + i] = t == 1 ? 0 : strides[i];
            else if (shape[i] == 1) result[lead + i] = 0;
            else throw new ArgumentException($"The expanded size of the tensor ({t}) must match the existing size ({shape[i]}) at non-singleton dimension {lead + i}.  Target sizes: {FormatList(target)}.  Tensor sizes: {FormatList(shape)}");
        }
        return result;
    }

    /// <summary><c>[1, 5]</c></summary>
    public static string FormatList(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary><c>1x5</c></summary>
    public static string Format(ReadOnlySpan<long> shape) => string.Join("x", shape.ToArray());

    /// <summary><c>[1, 5]</c></summary>
    public static string FormatList(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary><c>1x5</c>, as torch writes shapes in matmul errors.</summary>
    public static string Format(ReadOnlySpan<int> shape) => string.Join("x", shape.ToArray());
}
