namespace Bridge.Tests.Ops;

/// <summary>
/// Column sums (sum(0) of a contiguous matrix), which run a SIMD lane per column: bit-identical with torch 1.13's
/// one-thread CPU order. Expected bit patterns printed by torch 1.13 for x[i] = ((i·7919) mod 1000 − 500) / 7, at
/// columns inside the vector groups (0..95 for 100 columns of float32) and in the scalar row_sum tail; 70000 rows
/// reach the cascade's third level. With two threads the columns are split, never a column's order.
/// </summary>
[TestClass]
public sealed class ColumnSumTests
{
    static Tensor Data(int n, DType dtype)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = ((long)i * 7919 % 1000 - 500) / 7.0;
        return Torch.Tensor(v, dtype);
    }

    static ulong Bits(Tensor t, int i)
    {
        var x = t.Reshape(-1)[i];
        return x.DType == DType.Float32 ? BitConverter.SingleToUInt32Bits(x.Item<float>()) : BitConverter.DoubleToUInt64Bits(x.Item<double>());
    }

    static void Check(DType dtype, int rows, int columns, int[] at, ulong[] expected)
    {
        var m = Data(rows * columns, dtype).Reshape(rows, columns);
        int before = Torch.GetNumThreads();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Torch.SetNumThreads(threads);
                var s = m.Sum([0]);
                for (int k = 0; k < at.Length; k++) Assert.AreEqual(expected[k], Bits(s, at[k]), $"{dtype} [{rows},{columns}].sum(0)[{at[k]}], {threads} threads");
            }
        }
        finally { Torch.SetNumThreads(before); }
    }

    [TestMethod]
    public void FloatColumnSumsMatchTorch()
    {
        Check(DType.Float32, 4100, 100, [0, 17, 31, 63, 95, 99], [0xC6E4CB6EUL, 0xC6771926UL, 0x46B275B6UL, 0x46D71121UL, 0xC6CDEA49UL, 0x468DDA48UL]);
        Check(DType.Float32, 70000, 40, [0, 15, 31, 39], [0xC8434FFEUL, 0x47435002UL, 0xC7D6D7FFUL, 0xC8398C00UL]);
    }

    [TestMethod]
    public void DoubleColumnSumsMatchTorch()
    {
        Check(DType.Float64, 4100, 100, [0, 17, 31, 63, 95, 99],
            [0xC0DC996DB6DB6DB7UL, 0xC0CEE32492492491UL, 0x40D64EB6DB6DB6DAUL, 0x40DAE22492492493UL, 0xC0D9BD4924924924UL, 0x40D1BB4924924926UL]);
        Check(DType.Float64, 70000, 40, [0, 15, 31, 39], [0xC1086A0000000000UL, 0x40E86A0000000004UL, 0xC0FADAFFFFFFFFFDUL, 0xC107317FFFFFFFFCUL]);
    }

    [TestMethod]
    public void ColumnSumsOfEveryWidthEqualTheStridedPath()
    {
        // A column view with stride 2 takes the scalar cascade for its first columns/4·4 columns: where both layouts
        // are in cascade mode the sums must agree bit for bit (the strided path is checked against torch in pytest).
        foreach (int rows in new[] { 1, 15, 16, 17, 257, 4097 })
            foreach (int columns in new[] { 32, 33, 64, 65, 96, 130 })
            {
                var wide = Data(rows * columns * 2, DType.Float32).Reshape(rows, columns * 2);
                var fromStrided = wide.Slice(1, 0, null, 2).Sum([0]);
                var fromContiguous = wide.Slice(1, 0, null, 2).Contiguous().Sum([0]);
                for (int c = 0; c < columns / 32 * 32; c++)
                    Assert.AreEqual(Bits(fromStrided, c), Bits(fromContiguous, c), $"[{rows},{columns}] column {c}");
            }
    }
}
