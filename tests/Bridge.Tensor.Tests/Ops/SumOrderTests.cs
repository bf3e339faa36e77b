namespace Bridge.Tests.Ops;

/// <summary>
/// Float sums and means in torch 1.13's CPU order: the expected bit patterns were printed by torch 1.13 (one thread)
/// for the same inputs, x[i] = ((i·7919) mod 1000 − 500) / 7 rounded to the dtype, so any change of order shows.
/// Covers the lane-wise inner sum, the column cascade and row_sum of outer sums, a transposed input and a
/// reduction over two dims that do not coalesce.
/// </summary>
[TestClass]
public sealed class SumOrderTests
{
    static Tensor Data(int n, DType dtype)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = ((long)i * 7919 % 1000 - 500) / 7.0;
        return Torch.Tensor(v, dtype);
    }

    static ulong Bits(Tensor t, int i = -1)
    {
        var x = i < 0 ? t : t.Reshape(-1)[i];
        return x.DType == DType.Float32 ? BitConverter.SingleToUInt32Bits(x.Item<float>()) : BitConverter.DoubleToUInt64Bits(x.Item<double>());
    }

    [TestMethod]
    [DataRow(1000, 0xC28EDB70UL, 0xBD924927UL)]
    [DataRow(4097, 0xC3BC4922UL, 0xBDBC3D5EUL)]
    [DataRow(100000, 0xC5DF36D9UL, 0xBD924923UL)]
    public void WholeFloatSumAndMeanMatchTorch(int n, ulong sum, ulong mean)
    {
        var x = Data(n, DType.Float32);
        Assert.AreEqual(sum, Bits(x.Sum()), "sum");
        Assert.AreEqual(mean, Bits(x.Mean()), "mean");
    }

    [TestMethod]
    [DataRow(1000, 0xC051DB6DB6DB6DBCUL, 0xBFB2492492492498UL)]
    [DataRow(4097, 0xC077892492492498UL, 0xBFB787AC1787AC1DUL)]
    [DataRow(100000, 0xC0BBE6DB6DB6DB71UL, 0xBFB2492492492494UL)]
    public void WholeDoubleSumAndMeanMatchTorch(int n, ulong sum, ulong mean)
    {
        var x = Data(n, DType.Float64);
        Assert.AreEqual(sum, Bits(x.Sum()), "sum");
        Assert.AreEqual(mean, Bits(x.Mean()), "mean");
    }

    [TestMethod]
    public void FloatMatrixSumsMatchTorch()
    {
        var m = Data(129 * 70, DType.Float32).Reshape(129, 70);
        var s0 = m.Sum([0]);
        ulong[] columns = [0x438D6DB7, 0xC3062498, 0xC3464922, 0x42C5FFFC, 0xC37ADB6C, 0xC3D65B6F];
        int[] at = [0, 31, 32, 63, 64, 69];
        for (int k = 0; k < at.Length; k++) Assert.AreEqual(columns[k], Bits(s0, at[k]), $"sum(0)[{at[k]}]");
        var s1 = m.Sum([1]);
        Assert.AreEqual(0x425BFFFAUL, Bits(s1, 0));
        Assert.AreEqual(0x41D36DB8UL, Bits(s1, 128));
        var t0 = m.T().Sum([0]);
        Assert.AreEqual(0x425BFFFAUL, Bits(t0, 0));
        Assert.AreEqual(0x4222DB6AUL, Bits(t0, 69));
        var c = Data(6 * 5 * 40, DType.Float32).Reshape(6, 5, 40).Sum([0, 2]);
        Assert.AreEqual(0xC31A4926UL, Bits(c, 0));
        Assert.AreEqual(0x42949249UL, Bits(c, 4));
    }

    [TestMethod]
    public void DoubleMatrixSumsMatchTorch()
    {
        var m = Data(129 * 70, DType.Float64).Reshape(129, 70);
        var s0 = m.Sum([0]);
        ulong[] columns = [0x4071ADB6DB6DB6D9UL, 0xC060C49249249247UL, 0xC068C92492492495UL, 0x4058BFFFFFFFFFFAUL, 0xC06F5B6DB6DB6DB6UL, 0xC07ACB6DB6DB6DB6UL];
        int[] at = [0, 31, 32, 63, 64, 69];
        for (int k = 0; k < at.Length; k++) Assert.AreEqual(columns[k], Bits(s0, at[k]), $"sum(0)[{at[k]}]");
        var s1 = m.Sum([1]);
        Assert.AreEqual(0x404B800000000007UL, Bits(s1, 0));
        Assert.AreEqual(0x403A6DB6DB6DB6E0UL, Bits(s1, 128));
        var t0 = m.T().Sum([0]);
        Assert.AreEqual(0x404B800000000007UL, Bits(t0, 0));
        Assert.AreEqual(0x40445B6DB6DB6DB4UL, Bits(t0, 69));
        var c = Data(6 * 5 * 40, DType.Float64).Reshape(6, 5, 40).Sum([0, 2]);
        Assert.AreEqual(0xC063492492492495UL, Bits(c, 0));
        Assert.AreEqual(0x405292492492491FUL, Bits(c, 4));
    }
}
