namespace Bridge.Tests.Ops;

/// <summary>
/// The C# surface of the composite ops (Tensor.Composites.cs) on hand-calculated values; their values, gradients and
/// refusals against torch 1.13 are in tests/python/test_composite_ops.py, which calls the same engine code.
/// </summary>
[TestClass]
public sealed class CompositeOpsTests : OnTheCpu
{
    static void AssertValues(double[] expected, Tensor actual) =>
        CollectionAssert.AreEqual(expected, actual.Contiguous().To(DType.Float64).ToArray<double>());

    [TestMethod]
    public void KronSpreadsEveryDim()
    {
        var k = Torch.Kron(Torch.Tensor(new[,] { { 1.0, 2.0 } }), Torch.Tensor(new[,] { { 1.0 }, { 10.0 } }));
        CollectionAssert.AreEqual(new long[] { 2, 2 }, k.Shape.ToArray());
        AssertValues([1, 2, 10, 20], k);
    }

    [TestMethod]
    public void CrossOfTheAxesIsTheThirdAxis()
    {
        var x = Torch.Tensor(new[] { 1.0, 0, 0 });
        var y = Torch.Tensor(new[] { 0.0, 1, 0 });
        AssertValues([0, 0, 1], Torch.Cross(x, y));
        AssertValues([0, 0, -1], Torch.Cross(y, x));
    }

    [TestMethod]
    public void DiffPrependsAndTakesHigherOrders()
    {
        var x = Torch.Tensor(new[] { 1.0, 4, 9, 16 });
        AssertValues([3, 5, 7], x.Diff());
        AssertValues([2, 2], x.Diff(2));
        AssertValues([1, 3, 5, 7], x.Diff(prepend: Torch.Tensor(new[] { 0.0 })));
    }

    [TestMethod]
    public void XlogyIsZeroWhereXIsZeroUnlessYIsNaN()
    {
        var r = Torch.Xlogy(Torch.Tensor(new[] { 0.0, 0, 2 }), Torch.Tensor(new[] { 0.0, double.NaN, Math.E }));
        var v = r.ToArray<float>();
        Assert.AreEqual(0f, v[0]);
        Assert.IsTrue(float.IsNaN(v[1]));
        Assert.AreEqual(2f, v[2], 1e-6f);
    }

    [TestMethod]
    public void SignBitSeesNegativeZero()
    {
        var bits = Torch.Tensor(new[] { -0.0, 0.0, -2.0, 3.0 }, DType.Float64).SignBit().ToArray<bool>();
        CollectionAssert.AreEqual(new[] { true, false, true, false }, bits);
    }

    [TestMethod]
    public void StackFamilyShapes()
    {
        var row = Torch.Tensor(new[] { 1.0, 2, 3 });
        CollectionAssert.AreEqual(new long[] { 2, 3 }, Torch.Vstack([row, row]).Shape.ToArray());
        CollectionAssert.AreEqual(new long[] { 6 }, Torch.Hstack([row, row]).Shape.ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 3, 2 }, Torch.Dstack([row, row]).Shape.ToArray());
        CollectionAssert.AreEqual(new long[] { 3, 2 }, Torch.ColumnStack([row, row]).Shape.ToArray());
    }

    [TestMethod]
    public void AddcmulAndAddcdivScaleTheProductAndQuotient()
    {
        var a = Torch.Tensor(new[] { 1.0, 1 });
        var b = Torch.Tensor(new[] { 2.0, 3 });
        var c = Torch.Tensor(new[] { 4.0, 6 });
        AssertValues([5, 10], Torch.Addcmul(a, b, c, 0.5));
        AssertValues([2, 2], Torch.Addcdiv(a, b, c, 2));
        Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Addcdiv(a, Torch.Tensor(new long[] { 1 }), Torch.Tensor(new long[] { 2 })));
    }

    [TestMethod]
    public void CummaxTakesTheLaterIndexOnTiesAndNaN()
    {
        var (values, indices) = Torch.Tensor(new[] { 1.0, 3, 3, double.NaN, 5 }, DType.Float64).Cummax(0);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 3 }, indices.ToArray<long>());
        Assert.IsTrue(double.IsNaN(values.ToArray<double>()[4]));
    }

    [TestMethod]
    public void LogcumsumexpKeepsElementsFarBelowTheMaximum()
    {
        var y = Torch.Tensor(new[] { -1000.0, 0.0 }, DType.Float64).Logcumsumexp(0).ToArray<double>();
        Assert.AreEqual(-1000.0, y[0]);
        Assert.AreEqual(0.0, y[1], 1e-300);
    }

    [TestMethod]
    public void SearchSortedFindsLeftAndRightInsertionPoints()
    {
        var seq = Torch.Tensor(new[] { 1.0, 2, 2, 3 });
        var values = Torch.Tensor(new[] { 2.0, 0, 9 });
        CollectionAssert.AreEqual(new long[] { 1, 0, 4 }, Bridge.Tensor.SearchSorted(seq, values).ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 3, 0, 4 }, values.Bucketize(seq, right: true).ToArray<long>());
    }

    [TestMethod]
    public void QuantileInterpolatesBetweenSortedNeighbours()
    {
        var x = Torch.Tensor(new[] { 4.0, 1, 3, 2 }, DType.Float64);
        Assert.AreEqual(1.9, x.Quantile(0.3).Item<double>(), 1e-12);    // rank 0.9 between 1 and 2
        Assert.AreEqual(2.0, x.Quantile(0.3, interpolation: "higher").Item<double>());
        Assert.IsTrue(double.IsNaN(Torch.Tensor(new[] { 1.0, double.NaN }, DType.Float64).Quantile(0.5).Item<double>()));
        Assert.AreEqual(1.0, Torch.Tensor(new[] { 1.0, double.NaN }, DType.Float64).Nanquantile(0.5).Item<double>());
    }
}
