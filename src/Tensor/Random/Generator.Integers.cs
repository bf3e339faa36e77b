namespace Bridge.Random;

/// <summary>Integer draws: <c>torch.randint</c> (int64) and <c>torch.randperm</c>.</summary>
public sealed partial class Generator
{
    /// <summary>
    /// Fills with integers in [low, high) like <c>torch.randint(low, high, size, dtype=torch.int64)</c>.
    /// ATen's <c>uniform_int_from_to_distribution</c>: range = high - low as uint64; a 64-bit draw when
    /// range &gt;= 2^32, else a 32-bit draw; value = (draw % range) + low (modulo bias and all).
    /// </summary>
    public void FillRandint(Span<long> dst, long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}", nameof(high));
        }
        FillRandintRange(dst, low, unchecked((ulong)high - (ulong)low));
    }

    /// <summary>
    /// Fills with <paramref name="low"/> + (draw % <paramref name="range"/>), the draw 64-bit when range &gt;= 2^32;
    /// a range of 0 stands for all 2^64 values (torch's full 64-bit range: the draw itself).
    /// </summary>
    internal void FillRandintRange(Span<long> dst, long low, ulong range)
    {
        bool wide = range == 0 || range >= 1UL << 32;
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                ulong draw = wide ? Random64() : Random32();
                dst[i] = range == 0 ? unchecked((long)draw) : unchecked((long)(draw % range + (ulong)low));
            }
        }
    }

    /// <summary>
    /// torch's <c>random_()</c> with no bounds on a <paramref name="dtype"/> tensor (ATen's <c>uniform_int</c>): the
    /// draw (64-bit for int64 and float64, else 32-bit) modulo 2^digits + 1 for floating types, max + 1 for
    /// integers, its low bit for bool.
    /// </summary>
    internal void FillRandomFullRange(Span<long> dst, DType dtype)
    {
        bool wide = dtype is DType.Int64 or DType.Float64;
        ulong modulus = dtype switch
        {
            DType.Bool => 2,
            DType.Float32 => (1UL << 24) + 1,
            DType.Float64 => (1UL << 53) + 1,
            DType.Float16 => (1UL << 11) + 1,
            DType.BFloat16 => (1UL << 8) + 1,
            DType.UInt8 => (ulong)byte.MaxValue + 1,
            DType.Int8 => (ulong)sbyte.MaxValue + 1,
            DType.Int16 => (ulong)short.MaxValue + 1,
            DType.Int32 => (ulong)int.MaxValue + 1,
            DType.Int64 => (ulong)long.MaxValue + 1,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "random_ has no full range for this dtype"),
        };
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++) dst[i] = (long)((wide ? Random64() : Random32()) % modulus);
        }
    }

    /// <summary>
    /// A random permutation of 0..n-1 like <c>torch.randperm(n)</c> on CPU: ATen's <c>randperm_cpu</c>
    /// swaps position i with i + (random() % (n - i)) for i = 0..n-2, using 32-bit draws for every n
    /// (the 1.13 build has no separate large-n path).
    /// </summary>
    public long[] Randperm(long n)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"randperm expects n to be non-negative, got n={n}");
        }
        if (n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"randperm: n={n} is larger than the largest array .NET can allocate");
        }
        var result = new long[n];
        for (long i = 0; i < n; i++)
        {
            result[i] = i;
        }
        lock (_sync)
        {
            for (long i = 0; i < n - 1; i++)
            {
                long z = (long)(Random32() % (ulong)(n - i));
                (result[i], result[z + i]) = (result[z + i], result[i]);
            }
        }
        return result;
    }
}
