using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// cumsum/cumprod, sort and topk along a dim of tensors past 2^31 elements (issue 16): piecewise against one pass on
/// <see cref="LargeTensorSupport.Far"/> views (pieces of 7 elements, so long lines carry their running value across
/// pieces), the refusal of sorting a line longer than a piece, and a real 2 GiB running sum.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeLineOpTests : OnTheCpu
{
    static Tensor Values(DType dtype)
    {
        Torch.ManualSeed(61);
        var v = Torch.Rand(3, 4, 9) * 3 - 1;
        return dtype.IsFloatingPoint() ? v.To(dtype) : v.Round().To(dtype);
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    [DataRow(DType.Int8)]
    [DataRow(DType.Int64)]
    [DataRow(DType.UInt8)]
    public void CumsumCumprod_PiecewiseEqualsOnePass_BitForBit(DType dtype)
    {
        using var small = Values(dtype);
        var far = Far(small);
        using var _ = SmallPieces(7);
        for (int d = -3; d < 3; d++)
        {
            Same(small.Cumsum(d), far.Cumsum(d), $"cumsum dim {d}");
            Same(small.Cumprod(d), far.Cumprod(d), $"cumprod dim {d}");
            Same(small.Cumsum(d, DType.UInt8), far.Cumsum(d, DType.UInt8), $"cumsum dim {d} into uint8 (wraps as torch)");
            Same(small.Transpose(0, 2).Cumsum(d), far.Transpose(0, 2).Cumsum(d), $"cumsum of a transposed view, dim {d}");
        }
        Assert.IsTrue(far.Cumsum(2).IsContiguous());
    }

    [TestMethod]
    public void SortAndTopk_InPieces_EqualOnePass_GradientRefused()
    {
        using var small = Values(DType.Float32);
        var far = Far(small);
        using var _ = SmallPieces(9);
        foreach (bool descending in new[] { false, true })
        {
            var (v, i) = small.Sort(2, descending);
            var (fv, fi) = far.Sort(2, descending);
            Same(v, fv, $"sort values descending {descending}");
            Same(i, fi, $"sort indices descending {descending}");
        }
        var (tv, ti) = small.Topk(3, 1);
        var (ftv, fti) = far.Topk(3, 1);
        Same(tv, ftv, "topk values along dim 1");
        Same(ti, fti, "topk indices along dim 1");
        using (SmallPieces(4))
        {
            // Lines of 9 in pieces of 4: sorted piece by piece and merged (LargeLongLineSortTests has the ties and NaNs).
            var (v, i) = small.Sort(2);
            var (fv, fi) = far.Sort(2);
            Same(v, fv, "sort of lines longer than a piece: values");
            Same(i, fi, "sort of lines longer than a piece: indices");
        }
        var g = Far(small).RequiresGrad_();
        var refused = Assert.ThrowsExactly<TensorTooLargeException>(() => g.Sort(0));
        StringAssert.Contains(refused.Message, "sort along a dim does not record a gradient");
    }

    [TestMethod]
    public void CumsumIntoUInt8_PastInt32()
    {
        LargeTensorSupport.RealSize(slow: true);
        using var x = Torch.Ones([N], DType.UInt8);
        using var y = x.Cumsum(0, DType.UInt8);
        Assert.AreEqual(DType.UInt8, y.DType);
        Assert.AreEqual(1.0, y[0].Item());
        Assert.AreEqual(0.0, y[255].Item(), "256 wraps to 0, as torch's uint8 result does");
        Assert.AreEqual((double)((N - 1000) % 256), y[N - 1001].Item());
        Assert.AreEqual((double)(N % 256), y[N - 1].Item());
    }
}
