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
        ulong range = unchecked((ulong)high - (ulong)low);
        bool wide = range >= 1UL << 32;
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                ulong draw = wide ? Random64() : Random32();
                dst[i] = unchecked((long)(draw % range + (ulong)low));
            }
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
