namespace Bridge.Tests.Core;

/// <summary>
/// Tensors past 2^31 elements (issue 16): 64-bit metadata end to end, the CPU kernels that split their work, and the
/// ops that still index with int refusing with a clear message. Each tensor is a 2 GiB uint8/bool; at most two are
/// alive at once and each is disposed at once (the test machines are shared).
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeTensorTests : OnTheCpu
{
    const long N = (1L << 31) + 7; // just past int.MaxValue elements

    [TestInitialize]
    public void OnceInTheCpuRun() => LargeTensorSupport.RealSize();

    [TestMethod]
    public void ShapeMetadata_IsLong()
    {
        using var x = Torch.Zeros([2, 3], DType.Float32);
        Assert.AreEqual(2L, x.Size(0));
        CollectionAssert.AreEqual(new long[] { 3, 1 }, x.Stride());
        Assert.AreEqual(6L, x.Numel());
        Assert.AreEqual(new Size(2L, 3L), x.Shape);
        Assert.AreEqual(1L, x[1].StorageOffset / 3);
    }

    [TestMethod]
    public void ShapeProductOverflow_SaysSoLikeTorch()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Torch.Zeros([1L << 40, 1L << 40], DType.UInt8));
        StringAssert.Contains(e.Message, "Storage size calculation overflowed with sizes=[1099511627776, 1099511627776]");
        e = Assert.ThrowsExactly<ArgumentException>(() => Torch.Zeros([1L << 62], DType.Float32));
        StringAssert.Contains(e.Message, "Storage size calculation overflowed");
        using var one = Torch.Zeros([1L], DType.UInt8);
        e = Assert.ThrowsExactly<ArgumentException>(() => one.Expand([1L << 40, 1L << 40, 1L << 40]));
        StringAssert.Contains(e.Message, "numel: integer multiplication overflow");
    }

    [TestMethod]
    public void FullFillItemAndViews_PastInt32()
    {
        using var x = Torch.Full([N], 3, DType.UInt8);
        Assert.AreEqual(N, x.Numel());
        Assert.AreEqual(N, x.Size(0));
        Assert.AreEqual(3.0, x[N - 1].Item());
        Assert.AreEqual(3.0, x[-1].Item());
        x[N - 2].Fill_(200);
        Assert.AreEqual(200.0, x[N - 2].Item());
        Assert.AreEqual(3.0, x[N - 3].Item());
        var tail = x.Narrow(0, N - 4, 4);
        Assert.AreEqual(N - 4, tail.StorageOffset);
        CollectionAssert.AreEqual(new byte[] { 3, 3, 200, 3 }, tail.ToArray<byte>());
        var sliced = x[TensorIndex.Slice(N - 3, null)];
        CollectionAssert.AreEqual(new byte[] { 3, 200, 3 }, sliced.ToArray<byte>());
        var m = x.View(-1L, (1L << 31) + 7);
        CollectionAssert.AreEqual(new long[] { 1, N }, m.Shape.ToArray());
        Assert.AreEqual(200.0, m[0, N - 2].Item());
    }

    [TestMethod]
    public void Elementwise_Compare_AndReductions_PastInt32()
    {
        using var x = Torch.Zeros([N], DType.UInt8);
        x[N - 2].Fill_(9);
        x[5].Fill_(4);
        Assert.AreEqual(N - 2, x.Argmax().Item<long>(), "argmax past 2^31");
        Assert.AreEqual(9.0, x.Max().Item());
        Assert.AreEqual(13L, x.Sum().Item<long>(), "integer sum in int64");
        using (var y = x + 1) // broadcast of a scalar over 2^31+7 elements
        {
            Assert.AreEqual(DType.UInt8, y.DType);
            Assert.AreEqual(10.0, y[N - 2].Item());
            Assert.AreEqual(1.0, y[N - 1].Item());
            Assert.AreEqual(5.0, y[5].Item());
        }
        using (var b = x > 3) // bool result
        {
            Assert.AreEqual(DType.Bool, b.DType);
            Assert.AreEqual(1.0, b[N - 2].Item());
            Assert.AreEqual(0.0, b[N - 1].Item());
            Assert.AreEqual(2L, b.Sum().Item<long>());
        }
    }

    [TestMethod]
    public void CopyAndClone_PastInt32()
    {
        using var x = Torch.Zeros([N], DType.Bool);
        x[N - 1].Fill_(1);
        using var y = x.Clone();
        Assert.AreEqual(1.0, y[N - 1].Item());
        Assert.AreEqual(0.0, y[N - 2].Item());
        x.Dispose();
        y.Narrow(0, 0, 8).Copy_(Torch.Ones([8], DType.Bool));
        Assert.AreEqual(9L, y.Sum().Item<long>());
    }

    [TestMethod]
    public void OpsStillIndexedWithInt_RefuseNamingOpSizeAndLimit()
    {
        using var x = Torch.Zeros([N], DType.UInt8);
        var e = Assert.ThrowsExactly<TensorTooLargeException>(() => x.Flip(0));
        StringAssert.Contains(e.Message, "Flip does not support tensors of more than 2147483647 elements");
        StringAssert.Contains(e.Message, N.ToString(System.Globalization.CultureInfo.InvariantCulture));
        e = Assert.ThrowsExactly<TensorTooLargeException>(() => x.Sort());
        StringAssert.Contains(e.Message, "sort does not support lines of more than 67108864 elements");
        StringAssert.Contains(e.Message, "got a line of 2147483655 elements");
        // Views that reorder dims work in 64 bits.
        CollectionAssert.AreEqual(new long[] { 1, N }, x.Unsqueeze(0).Shape.ToArray());
        CollectionAssert.AreEqual(new long[] { N, 1 }, x.Unsqueeze(1).Shape.ToArray());
        Assert.AreEqual(N, x.Unsqueeze(0).T().Squeeze().Numel());
    }
}
