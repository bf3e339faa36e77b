namespace Bridge.Tests.Core;

/// <summary>
/// C# data in and out without copies or boxing (Torch.FromMemory.cs, Tensor.Memory.cs), and the C# conventions a
/// .NET user expects: null checks on optional tensors, named arguments, a tensor's truth in a condition.
/// </summary>
[TestClass]
public sealed class CSharpDataTests : OnTheCpu
{
    [TestMethod]
    public void FromArray_SharesTheArray_BothWays()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = Torch.FromArray(data, 2, 3);
        Assert.AreEqual(DType.Float32, t.DType);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Shape.ToArray());
        data[4] = 50;
        Assert.AreEqual(50.0, t[1, 1].Item(), "a write to the array shows in the tensor");
        t.Mul_(2);
        Assert.AreEqual(2f, data[0], "an in-place op on the tensor shows in the array");
        Assert.AreEqual(100f, data[4]);
    }

    [TestMethod]
    public void FromMemory_OverASlice_SeesOnlyTheSlice()
    {
        var data = new double[] { 0, 1, 2, 3, 4, 5, 6, 7 };
        var t = Torch.FromMemory(data.AsMemory(2, 4));
        Assert.AreEqual(DType.Float64, t.DType);
        CollectionAssert.AreEqual(new[] { 2.0, 3, 4, 5 }, t.ToDoubleArray());
        t.Zero_();
        CollectionAssert.AreEqual(new[] { 0.0, 1, 0, 0, 0, 0, 6, 7 }, data);
    }

    [TestMethod]
    public void DTypeFollowsTheElementType_AndUnheldTypesAreRefused()
    {
        Assert.AreEqual(DType.Int64, Torch.From(new long[] { 1, 2 }).DType);
        Assert.AreEqual(DType.Bool, Torch.From(new[] { true, false }).DType);
        Assert.AreEqual(DType.Float64, Torch.From(new double[] { 1, 2 }).DType);
        Assert.AreEqual(DType.Int16, Torch.From(new short[] { 1 }).DType);
        var e = Assert.Throws<ArgumentException>(() => Torch.From(new ushort[] { 1 }));
        StringAssert.Contains(e.Message, "UInt16");
    }

    [TestMethod]
    public void ShapesThatDoNotHoldTheData_AreRefused_WithBothCounts()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.FromArray(new float[6], 4, 2));
        StringAssert.Contains(e.Message, "[4, 2] holds 8 elements but the data has 6");
        Assert.Throws<ArgumentException>(() => Torch.From(new float[0], -1, 0));
    }

    [TestMethod]
    public void From_Copies()
    {
        var data = new float[] { 1, 2, 3 };
        var t = Torch.From((ReadOnlySpan<float>)data);
        data[0] = 9;
        Assert.AreEqual(1.0, t[0].Item());
    }

    [TestMethod]
    public void AsSpan_IsTheStorage_AndRefusesWhatItCannotShow()
    {
        var t = Torch.Zeros(2, 3);
        t.AsSpan<float>()[5] = 7;
        Assert.AreEqual(7.0, t[1, 2].Item());
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0, 0, 7 }, t.AsReadOnlySpan<float>().ToArray());
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => t.T().AsSpan<float>()).Message, "not contiguous");
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => t.AsSpan<double>()).Message, "torch.float32");
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => t.AsSpan<int>()).Message, "torch.int32");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => t.AsSpan<uint>()).Message, "UInt32");
    }

    [TestMethod]
    public void CopyTo_ReadsAnyLayout_AndChecksTheDestination()
    {
        var t = Torch.Tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }).T(); // strided
        var into = new float[6];
        t.CopyTo<float>(into);
        CollectionAssert.AreEqual(new float[] { 1, 4, 2, 5, 3, 6 }, into);
        var e = Assert.Throws<ArgumentException>(() => t.CopyTo<float>(new float[5]));
        StringAssert.Contains(e.Message, "holds 5 elements but the tensor has 6");
    }

    [TestMethod]
    public void TensorOfAPrimitiveArray_ConvertsWithoutBoxing_AsTorchTensorDoes()
    {
        // doubles are Python floats: float32 by default, float64 when asked (torch.tensor's rule).
        var m = Torch.Tensor(new double[,] { { 0.1, 0.2 }, { 0.3, 0.4 } });
        Assert.AreEqual(DType.Float32, m.DType);
        Assert.AreEqual((double)0.3f, m[1, 0].Item());
        Assert.AreEqual(0.3, Torch.Tensor(new double[] { 0.3 }, DType.Float64)[0].Item());
        Assert.AreEqual(DType.Int64, Torch.Tensor(new[] { 1, 2 }).DType);
        Assert.AreEqual(long.MaxValue, Torch.Tensor(new[] { long.MaxValue }).Item<long>());
        CollectionAssert.AreEqual(new[] { 1.0, 0.0 }, Torch.Tensor(new[] { true, false }).ToDoubleArray());
    }

    [TestMethod]
    public void NullChecksOnOptionalTensors_CompileAndRead()
    {
        var x = Torch.Ones([3], DType.Float64).RequiresGrad_();
        bool sawNull = false;
        if (x.Grad == null) sawNull = true;
        Assert.IsTrue(sawNull);
        x.Sum().Backward();
        Assert.IsFalse(x.Grad == null ? true : false);
        Assert.IsTrue(x.Grad != null ? true : false);
    }

    [TestMethod]
    public void NamedArgumentsCompile_AndATensorsTruthIsTorchs()
    {
        var z = Torch.Zeros([3, 4], dtype: DType.Float64);
        Assert.AreEqual(DType.Float64, z.DType);
        var a = Torch.Tensor(2.0);
        Assert.IsTrue(a == 2 ? true : false);
        Assert.IsFalse(a > 3 ? true : false);
        var e = Assert.Throws<InvalidOperationException>(() => (z == 0) ? 1 : 0);
        StringAssert.Contains(e.Message, "more than one value is ambiguous");
    }
}
