namespace Bridge.Tests.Autograd;

/// <summary>In-place writes through views (torch's CopySlices), copy_, version counters and overlapping writes; expected values from torch 1.13.</summary>
[TestClass]
public sealed class InPlaceViewTests
{
    static Tensor Ones3() => Torch.Ones(3).To(DType.Float64).RequiresGrad_();

    [TestMethod]
    public void IndexAssign_OnAResult_ZeroesThatGradient()
    {
        var x = Ones3();
        var y = x * 2.0;
        y[0] = Torch.Tensor(5.0, DType.Float64);
        Assert.AreEqual("CopySlices", y.GradFn!.Name);
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 0.0, 2.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void SetNumber_ThroughAView()
    {
        var x = Ones3();
        var y = x * 2.0;
        y.Set(5.0, 0);
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 0.0, 2.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void MulInPlace_OnASlice()
    {
        var x = Ones3();
        var y = x * 2.0;
        y[0..2].Mul_(3.0);
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 6.0, 6.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void ViewMadeBefore_SeesTheRewrittenHistory()
    {
        var x = Ones3();
        var y = x * 2.0;
        var v = y[1..];
        y[0..2].Mul_(3.0);
        Assert.AreEqual("AsStridedBackward0", v.GradFn!.Name);
        v.Sum().Backward(); // v = [6, 2]: d/dx = [0, 6, 2]
        CollectionAssert.AreEqual(new[] { 0.0, 6.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void Copy_SendsTheGradientToTheSource()
    {
        var x = Ones3();
        var z = Ones3();
        var y = x * 1.0;
        y.Copy_(z * 3.0);
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 0.0, 0.0, 0.0 }, x.Grad!.ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 3.0, 3.0, 3.0 }, z.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void WriteIntoAPlainBuffer_MakesItDifferentiable()
    {
        var z = Torch.Tensor(new[] { 1.0, 2.0 }, DType.Float64).RequiresGrad_();
        var buffer = Torch.Zeros([2, 2], DType.Float64);
        buffer[1] = z * z;
        Assert.IsTrue(buffer.RequiresGrad);
        (buffer * Torch.Tensor(new[,] { { 5.0, 5.0 }, { 1.0, 10.0 } }, DType.Float64)).Sum().Backward();
        CollectionAssert.AreEqual(new[] { 2.0, 40.0 }, z.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void TransposedView_InPlace()
    {
        var x = Torch.Tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }, DType.Float64).RequiresGrad_();
        var y = x * 1.0;
        y.T()[0].Mul_(10.0); // column 0 of y
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 10.0, 1.0, 10.0, 1.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void ViewOfLeaf_Refused()
    {
        var x = Ones3();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => x[0..2].Mul_(2.0));
        Assert.AreEqual("a view of a leaf Variable that requires grad is being used in an in-place operation.", e.Message);
        using (Torch.NoGrad()) x[0..2].Mul_(2.0); // optimizers do this
        CollectionAssert.AreEqual(new[] { 2.0, 2.0, 1.0 }, x.ToDoubleArray());
    }

    [TestMethod]
    public void StaleSavedTensor_IsCaught()
    {
        var x = Ones3();
        var y = x * 2.0;
        var s = y.Sigmoid(); // saves its output
        s.Mul_(2.0);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => s.Sum().Backward());
        StringAssert.StartsWith(e.Message, "one of the variables needed for gradient computation has been modified by an inplace operation");
        var w = Ones3();
        var h = w * 3.0;
        var p = h * h; // saves h
        h[0].Fill_(0);  // through a view
        Assert.ThrowsExactly<InvalidOperationException>(() => p.Sum().Backward());
    }

    [TestMethod]
    public void ExpandedWrite_Refused()
    {
        const string message = "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Zeros(3).Expand(2, 3).Add_(1));
        Assert.AreEqual(message, e.Message);
        Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Zeros(3).Expand(2, 3).Copy_(Torch.Ones(2, 3)));
        Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Zeros(3).Expand(2, 3).Exp_());
        Torch.Zeros(3).Expand(1, 3).Add_(1); // a size-1 broadcast dim writes each element once
    }
}
