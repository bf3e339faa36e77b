namespace Bridge.Tests.Core;

/// <summary>
/// The six dtypes beside float32, float64, int64 and bool from C#: element types, creation, casts with torch's
/// rounding and truncation, promotion, half-precision arithmetic and the errors torch raises. Expected values are
/// torch 1.13's (printed by it, quoted here with the expression that gave them).
/// </summary>
[TestClass]
public sealed class DTypeTests : OnTheCpu
{
    [TestMethod]
    public void ElementTypes_MapToTheirDTypes()
    {
        Assert.AreEqual(DType.Float16, ElementType<Half>.DType);
        Assert.AreEqual(DType.BFloat16, ElementType<BFloat16>.DType);
        Assert.AreEqual(DType.Int32, ElementType<int>.DType);
        Assert.AreEqual(DType.Int16, ElementType<short>.DType);
        Assert.AreEqual(DType.Int8, ElementType<sbyte>.DType);
        Assert.AreEqual(DType.UInt8, ElementType<byte>.DType);
        foreach (var d in DTypes.All) Assert.AreEqual(d, DTypes.Parse(d.TorchName()));
        Assert.AreEqual(DType.Float16, DTypes.Parse("torch.half"));
    }

    [TestMethod]
    public void TwoBools_AddMulMaxMin_StayBool_AsTorch()
    {
        // torch: [T,F,T,F] + [T,T,F,F] -> [T,T,T,F] (bool); * -> [T,F,F,F]; floor_divide refuses bool.
        var a = Torch.Tensor(new[] { true, false, true, false });
        var b = Torch.Tensor(new[] { true, true, false, false });
        var sum = a + b;
        Assert.AreEqual(DType.Bool, sum.DType);
        CollectionAssert.AreEqual(new[] { true, true, true, false }, sum.ToArray<bool>());
        CollectionAssert.AreEqual(new[] { true, false, false, false }, (a * b).ToArray<bool>());
        Assert.AreEqual(DType.Bool, Tensor.Maximum(a, b).DType);
        var refused = Assert.ThrowsExactly<NotSupportedException>(() => Tensor.FloorDivide(a, b));
        Assert.AreEqual("\"div_floor_cpu\" not implemented for 'Bool'", refused.Message);
    }

    [TestMethod]
    public void Zeros_WithEachDType_HasItsSizeAndName()
    {
        var t = Torch.Zeros([3], DType.Float16);
        Assert.AreEqual(DType.Float16, t.DType);
        Assert.AreEqual(2, t.DType.ElementSize());
        Assert.AreEqual("tensor([0., 0., 0.], dtype=torch.float16)", t.ToString());
        Assert.AreEqual("tensor([1, 2], dtype=torch.int32)", Torch.Tensor(new long[] { 1, 2 }, DType.Int32).ToString());
        Assert.AreEqual("torch.HalfTensor", DType.Float16.LegacyTypeName());
        Assert.AreEqual("torch.CharTensor", DType.Int8.LegacyTypeName());
    }

    [TestMethod]
    public void BFloat16_RoundsToNearestEven_AsTorch()
    {
        // torch.tensor([1.00390625, 1.01171875, 3e9]).bfloat16() -> [1.0, 1.015625, 3003121664.0]
        float[] inputs = [1.00390625f, 1.01171875f, 3e9f, float.NaN];
        var rounded = inputs.Select(x => (float)(BFloat16)x).ToArray();
        CollectionAssert.AreEqual(new[] { 1.0f, 1.015625f, 3003121664f }, rounded[..3]);
        Assert.IsTrue(float.IsNaN(rounded[3]));
        var t = Torch.Tensor(new[] { 1.00390625, 1.01171875, 3e9 }).BFloat16();
        CollectionAssert.AreEqual(new[] { 1.0, 1.015625, 3003121664.0 }, t.ToDoubleArray());
    }

    [TestMethod]
    public void FloatToInteger_Casts_MatchTorchsCpu()
    {
        // x = torch.tensor([300.5, -1.7, 3e9, -200.]); x.to(torch.int8) -> [44, -1, 0, 56]; uint8 -> [44, 255, 0, 56];
        // int32 -> [300, -1, -2147483648, -200]
        var x = Torch.Tensor(new[] { 300.5f, -1.7f, 3e9f, -200f });
        CollectionAssert.AreEqual(new sbyte[] { 44, -1, 0, 56 }, x.Char().ToArray<sbyte>());
        CollectionAssert.AreEqual(new byte[] { 44, 255, 0, 56 }, x.Byte().ToArray<byte>());
        CollectionAssert.AreEqual(new[] { 300, -1, int.MinValue, -200 }, x.Int().ToArray<int>());
        CollectionAssert.AreEqual(new short[] { 4464, -5 }, Torch.Tensor(new long[] { 70000, -5 }).Short().ToArray<short>());
        // torch.tensor([300.5, -1.7, 1e20]).half() -> [300.5, -1.7002, inf]
        var h = Torch.Tensor(new[] { 300.5, -1.7, 1e20 }).Half().ToArray<Half>();
        Assert.AreEqual((Half)300.5f, h[0]);
        Assert.AreEqual(-1.7001953125, (double)h[1]);
        Assert.IsTrue(Half.IsPositiveInfinity(h[2]));
    }

    [TestMethod]
    public void Promotion_FollowsTorchResultType()
    {
        Assert.AreEqual(DType.Int16, DTypes.PromoteTypes(DType.UInt8, DType.Int8));
        Assert.AreEqual(DType.Float32, DTypes.PromoteTypes(DType.Float16, DType.BFloat16));
        Assert.AreEqual(DType.Float16, DTypes.PromoteTypes(DType.Int64, DType.Float16));
        Assert.AreEqual(DType.Int32, DTypes.PromoteTypes(DType.UInt8, DType.Int32));
        // A 0-d tensor does not widen within its category; a higher category promotes.
        Assert.AreEqual(DType.Int8, DTypes.Promote(DType.Int8, false, DType.Int64, true));
        Assert.AreEqual(DType.Float16, DTypes.Promote(DType.Float16, false, DType.Float64, true));
        Assert.AreEqual(DType.Float64, DTypes.Promote(DType.Int8, false, DType.Float64, true));
        Assert.AreEqual(DType.Float32, DTypes.ResultType((DType.Int8, OperandKind.Tensor), (DType.Float32, OperandKind.Scalar)));
        var a = Torch.Tensor(new long[] { 1, 2 }, DType.UInt8);
        var b = Torch.Tensor(new long[] { -1, 3 }, DType.Int8);
        var sum = a + b;
        Assert.AreEqual(DType.Int16, sum.DType);
        CollectionAssert.AreEqual(new short[] { 0, 5 }, sum.ToArray<short>());
    }

    [TestMethod]
    public void HalfArithmetic_RoundsEachResult_AsTorch()
    {
        // a = torch.tensor([0.1, 1000.3, 3.14159], dtype=torch.float64).half()
        // (a * a).tolist() == [0.0099945068359375, inf, 9.8671875]; (a + 1).tolist() == [1.099609375, 1001.5, 4.140625]
        var a = Torch.Tensor(new[] { 0.1, 1000.3, 3.14159 }).Half();
        CollectionAssert.AreEqual(new[] { 0.0099945068359375, double.PositiveInfinity, 9.8671875 }, (a * a).ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 1.099609375, 1001.5, 4.140625 }, (a + 1).ToDoubleArray());
        Assert.AreEqual(DType.Float16, (a + 1).DType);
    }

    [TestMethod]
    public void IntegerSums_AreInt64_AndWrapLikeTorch()
    {
        // torch.tensor([100, 100], dtype=torch.int8).sum() -> tensor(200); (x + x) -> tensor([-56, -56], dtype=torch.int8)
        var x = Torch.Tensor(new long[] { 100, 100 }, DType.Int8);
        var s = x.Sum();
        Assert.AreEqual(DType.Int64, s.DType);
        Assert.AreEqual(200L, s.Item<long>());
        CollectionAssert.AreEqual(new sbyte[] { -56, -56 }, (x + x).ToArray<sbyte>());
    }

    [TestMethod]
    public void Float16MatMul_RaisesTorchsMessage_BFloat16Computes()
    {
        var h = Torch.Ones([2, 2], DType.Float16);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => h.MatMul(h));
        Assert.AreEqual("\"addmm_impl_cpu_\" not implemented for 'Half'", e.Message);
        var b = Torch.Tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }).BFloat16();
        var p = b.MatMul(b);
        Assert.AreEqual(DType.BFloat16, p.DType);
        CollectionAssert.AreEqual(new[] { 7.0, 10, 15, 22 }, p.ToDoubleArray());
    }

    [TestMethod]
    public void Bitwise_OnNarrowIntegers_MatchesTorch()
    {
        // torch.tensor([12, -3], dtype=torch.int8) & torch.tensor([10, 7], dtype=torch.int8) -> [8, 5]; ~ -> [-13, 2]
        var a = Torch.Tensor(new long[] { 12, -3 }, DType.Int8);
        var b = Torch.Tensor(new long[] { 10, 7 }, DType.Int8);
        CollectionAssert.AreEqual(new sbyte[] { 8, 5 }, (a & b).ToArray<sbyte>());
        CollectionAssert.AreEqual(new sbyte[] { -13, 2 }, a.BitwiseNot().ToArray<sbyte>());
        // torch.tensor([200], dtype=torch.uint8) | 1 -> [201]; ~ -> [55]
        var u = Torch.Tensor(new long[] { 200 }, DType.UInt8);
        CollectionAssert.AreEqual(new byte[] { 55 }, u.BitwiseNot().ToArray<byte>());
    }

    [TestMethod]
    public void FromHalfArray_KeepsFloat16()
    {
        var t = Torch.Tensor(new[] { (Half)1.5f, (Half)(-2f) });
        Assert.AreEqual(DType.Float16, t.DType);
        Assert.AreEqual("tensor([ 1.5000, -2.0000], dtype=torch.float16)", t.ToString());
        var f = Torch.From(new[] { (BFloat16)0.5f });
        Assert.AreEqual(DType.BFloat16, f.DType);
        Assert.AreEqual(0.5, f.Item());
    }

    [TestMethod]
    public void FloorDivide_MatchesTorch()
    {
        // torch.tensor([7, -7, 7, -7], dtype=torch.int32) // torch.tensor([2, 2, -2, -2], dtype=torch.int32) -> [3, -4, -4, 3]
        var a = Torch.Tensor(new long[] { 7, -7, 7, -7 }, DType.Int32);
        var b = Torch.Tensor(new long[] { 2, 2, -2, -2 }, DType.Int32);
        var q = a.FloorDivide(b);
        Assert.AreEqual(DType.Int32, q.DType);
        CollectionAssert.AreEqual(new[] { 3, -4, -4, 3 }, q.ToArray<int>());
        // torch.tensor([7.3, -7.3, 5.0, -0.5]) // torch.tensor([0.1, 0.1, 0.0, 1.0]) -> [73.0, -74.0, inf, -1.0]
        var f = Torch.Tensor(new[] { 7.3f, -7.3f, 5f, -0.5f }).FloorDivide(Torch.Tensor(new[] { 0.1f, 0.1f, 0f, 1f }));
        CollectionAssert.AreEqual(new[] { 73.0, -74.0, double.PositiveInfinity, -1.0 }, f.ToDoubleArray());
        Assert.ThrowsExactly<DivideByZeroException>(() => a.FloorDivide(0));
    }

    [TestMethod]
    public void Files_KeepNarrowDTypes_Natively()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-dtypes-");
        try
        {
            var tensors = new Dictionary<string, Tensor>
            {
                ["h"] = Torch.Tensor(new[] { 0.5, -2.0, 65504.0 }).Half(),
                ["bf"] = Torch.Tensor(new[] { 1.5, 3e9 }).BFloat16(),
                ["i"] = Torch.Tensor(new long[] { -3, 7 }, DType.Int32),
                ["s"] = Torch.Tensor(new long[] { -300 }, DType.Int16),
                ["c"] = Torch.Tensor(new long[] { -5 }, DType.Int8),
                ["u"] = Torch.Tensor(new long[] { 200, 1 }, DType.UInt8),
            };
            foreach (var ext in new[] { "safetensors", "pt" })
            {
                var path = Path.Combine(dir.FullName, "t." + ext);
                Bridge.Io.TensorFile.Save(path, tensors);
                var back = Bridge.Io.TensorFile.Load(path);
                foreach (var (name, t) in tensors)
                {
                    Assert.AreEqual(t.DType, back[name].DType, $"{ext} {name}");
                    CollectionAssert.AreEqual(t.ToDoubleArray(), back[name].ToDoubleArray(), $"{ext} {name}");
                }
            }
            // torch reads the C#-written checkpoint's HalfStorage, BFloat16Storage, IntStorage... in their own dtypes.
            Bridge.Tests.Io.PythonProcess.RequireTorch();
            string output = Bridge.Tests.Io.PythonProcess.Check("""
                import sys, torch
                sd = torch.load(sys.argv[1])
                print(" ".join(f"{k}:{str(v.dtype)[6:]}:{v.tolist()}" for k, v in sd.items()))
                """, Path.Combine(dir.FullName, "t.pt"));
            Assert.AreEqual("h:float16:[0.5, -2.0, 65504.0] bf:bfloat16:[1.5, 3003121664.0] i:int32:[-3, 7] s:int16:[-300] c:int8:[-5] u:uint8:[200, 1]", output.Trim());
            tensors.Remove("bf");
            var npz = Path.Combine(dir.FullName, "t.npz");
            Bridge.Io.TensorFile.Save(npz, tensors);
            foreach (var (name, t) in Bridge.Io.TensorFile.Load(npz)) Assert.AreEqual(tensors[name].DType, t.DType, $"npz {name}");
            Assert.ThrowsExactly<NotSupportedException>(() => Bridge.Io.TensorFile.Save(Path.Combine(dir.FullName, "b.npy"), Torch.Ones([2], DType.BFloat16)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
