using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// Views that reorder dims, copies of them (contiguous/clone) and cat/stack on tensors past 2^31 elements (issue 16):
/// on <see cref="LargeTensorSupport.Far"/> views against the same values in small tensors, and at size on 2 GiB uint8.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeMovementTests : OnTheCpu
{
    [TestMethod]
    public void PermuteTransposeSqueeze_OfFarViews_MatchSmallTensors()
    {
        using var small = Torch.Arange(60).To(DType.Int16).Reshape(3, 1, 4, 5);
        var far = Far(small);
        Same(small.Permute(2, 0, 3, 1).Contiguous(), far.Permute(2, 0, 3, 1).Contiguous(), "permute + contiguous");
        Same(small.Transpose(0, 3).Clone(), far.Transpose(0, 3).Clone(), "transpose + clone");
        Same(small.Squeeze().Contiguous(), far.Squeeze().Contiguous(), "squeeze");
        Same(small.Squeeze(1).Contiguous(), far.Squeeze(1).Contiguous(), "squeeze(1)");
        Same(small.Unsqueeze(4).Contiguous(), far.Unsqueeze(4).Contiguous(), "unsqueeze(4)");
        Same(small[0, 0].T().Contiguous(), far[0, 0].T().Contiguous(), "t");
        Same(Tensor.Cat([small, small.Flip(0)], 2), Tensor.Cat([far, small.Flip(0)], 2), "cat with a far view");
        Same(Tensor.Stack([small, small], 1), Tensor.Stack([far, far], 1), "stack of far views");
        CollectionAssert.AreEqual(new long[] { 1, 5, 20, 20 }, far.Permute(3, 2, 1, 0).Stride());
        Assert.AreEqual(FarOffset, far.Permute(3, 2, 1, 0).StorageOffset);
    }

    [TestMethod]
    public void TransposedCopy_PastInt32()
    {
        LargeTensorSupport.RealSize(slow: true);
        const long Rows = (1L << 16) + 1, Cols = 1L << 15;   // 2^31 + 2^15 elements: both dims reach past 2^31 once transposed
        using var x = Torch.Zeros([Rows, Cols], DType.UInt8);
        x[Rows - 1, 7].Fill_(5);
        x[3, Cols - 1].Fill_(6);
        x[Rows - 1, Cols - 1].Fill_(7);
        using var t = x.T().Contiguous();
        Assert.IsTrue(t.IsContiguous());
        CollectionAssert.AreEqual(new long[] { Cols, Rows }, t.Shape.ToArray());
        Assert.AreEqual(5.0, t[7, Rows - 1].Item());
        Assert.AreEqual(6.0, t[Cols - 1, 3].Item());
        Assert.AreEqual(7.0, t[Cols - 1, Rows - 1].Item());
        Assert.AreEqual(0.0, t[Cols - 1, Rows - 2].Item());
        Assert.AreEqual(0.0, t[6, Rows - 1].Item());
    }

    [TestMethod]
    public void CatAndStack_IntoResultsPastInt32()
    {
        LargeTensorSupport.RealSize();
        const long Half = (1L << 30) + 5;
        using var a = Torch.Zeros([Half], DType.Bool);
        using var b = Torch.Ones([Half], DType.Bool);
        a[Half - 1].Fill_(1);
        using (var joined = Tensor.Cat([a, b]))
        {
            Assert.AreEqual(2 * Half, joined.Numel());
            Assert.AreEqual(1.0, joined[Half - 1].Item());
            Assert.AreEqual(0.0, joined[Half - 2].Item());
            Assert.AreEqual(1.0, joined[2 * Half - 1].Item());
            Assert.AreEqual(Half + 1, joined.Sum().Item<long>());
        }
        using var stacked = Tensor.Stack([a, b], 1);
        CollectionAssert.AreEqual(new long[] { Half, 2 }, stacked.Shape.ToArray());
        Assert.AreEqual(0.0, stacked[0, 0].Item());
        Assert.AreEqual(1.0, stacked[0, 1].Item());
        Assert.AreEqual(1.0, stacked[Half - 1, 0].Item());
    }
}
