namespace Bridge.Tests.Cuda;

/// <summary>
/// The device kernels of the new dtypes and of fmod/remainder/floor_divide at their edges (Backends/Cuda/Kernels:
/// Elementwise.cu's integer instantiations, Modulo.cu's exact fmod, Copy.cu's half conversions), on the CUDA backend
/// (a GPU or the host emulator). Expected values are torch 1.13's, printed by /usr/bin/python3 with torch.
/// </summary>
[TestClass]
public sealed class DTypeKernelCudaTests
{
    static readonly Device Gpu = Device.Cuda(0);

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
    }

    static Tensor OnGpu(double[] values, DType dtype) => Torch.Tensor(values, DType.Float64, device: Device.Cpu).To(dtype).To(Gpu);

    // Bit-exact: NaN matches NaN (of either sign: x86 makes negative NaNs, a GPU positive ones, and torch's CPU and
    // CUDA kernels differ alike), and the sign of zero counts.
    static void Exact(double[] expected, Tensor actual, string what)
    {
        Assert.AreEqual(Gpu, actual.Device, $"{what}: device");
        var a = actual.Cpu().ToDoubleArray();
        Assert.AreEqual(expected.Length, a.Length, $"{what}: size");
        for (int i = 0; i < a.Length; i++)
            Assert.IsTrue(double.IsNaN(expected[i]) ? double.IsNaN(a[i]) : expected[i].Equals(a[i]) && double.IsNegative(expected[i]) == double.IsNegative(a[i]),
                $"{what}[{i}]: {a[i]:R}, torch {expected[i]:R}");
    }

    static readonly double[] IntA = [7, -7, 100, -128, 5], IntB = [3, 3, -3, -1, 2];

    [TestMethod]
    public void Int8_WrapsAndRoundsTowardMinusInfinity_AsTorch()
    {
        Tensor a = OnGpu(IntA, DType.Int8), b = OnGpu(IntB, DType.Int8);
        Exact([14, -14, -56, 0, 10], a + a, "int8 add wraps");
        Exact([49, 49, 16, 0, 25], a * a, "int8 mul wraps");
        Exact([1, -1, 1, 0, 1], Tensor.Fmod(a, b), "int8 fmod (MIN % -1 = 0)");
        Exact([1, 2, -2, 0, 1], Tensor.Remainder(a, b), "int8 remainder");
        Exact([2, -3, -34, -128, 2], Tensor.FloorDivide(a, b), "int8 floor_divide (MIN // -1 wraps)");
        Exact([-23], a.Sum(), "int8 sum (int64)");
        Exact([100], a.Max(), "int8 max");
    }

    [TestMethod]
    public void Int32AndUInt8_ComputeAsTorch()
    {
        Tensor a = OnGpu(IntA, DType.Int32), b = OnGpu(IntB, DType.Int32);
        Exact([49, 49, 10000, 16384, 25], a * a, "int32 mul");
        Exact([2, -3, -34, 128, 2], Tensor.FloorDivide(a, b), "int32 floor_divide");
        Tensor u = OnGpu(IntA, DType.UInt8), v = OnGpu(IntB, DType.UInt8);   // -7 → 249, -128 → 128, -3 → 253, -1 → 255
        Exact([14, 242, 200, 0, 10], u + u, "uint8 add wraps");
        Exact([1, 0, 100, 128, 1], Tensor.Remainder(u, v), "uint8 remainder");
        Exact([2, 83, 0, 0, 2], Tensor.FloorDivide(u, v), "uint8 floor_divide");
        Exact([489], u.Sum(), "uint8 sum (int64)");
    }

    [TestMethod]
    public void IntegerModuloByZero_RaisesZeroDivisionError()
    {
        Tensor a = OnGpu(IntA, DType.Int32), zero = OnGpu([1, 1, 0, 1, 1], DType.Int32);
        StringAssert.Contains(Assert.Throws<DivideByZeroException>(() => Tensor.Fmod(a, zero)).Message, "ZeroDivisionError");
        StringAssert.Contains(Assert.Throws<DivideByZeroException>(() => Tensor.FloorDivide(a, zero)).Message, "ZeroDivisionError");
    }

    [TestMethod]
    public void BoolModuloAndFloorDivide_RefuseNamingTheCudaKernel()
    {
        var t = Torch.Tensor(new[] { true, false }, device: Gpu);
        Assert.AreEqual("\"div_floor_cuda\" not implemented for 'Bool'", Assert.ThrowsExactly<NotSupportedException>(() => Tensor.FloorDivide(t, t)).Message);
        var ones = Torch.Tensor(new[] { true, true }, device: Gpu);
        foreach (var op in new[] { Bridge.Ops.Declarations.Fmod, Bridge.Ops.Declarations.Remainder })
            StringAssert.Contains(Assert.Throws<Exception>(() => op.Apply(t, ones)).Message, $"\"{op.TorchName}_cuda\" not implemented for 'Bool'");
    }

    static readonly double[] FloatA = [1e30, -7.5, 5.0, 1e-40, -0.0, double.PositiveInfinity, 7.3];
    static readonly double[] FloatB = [3.3, 2.0, -0.0, 3e-41, 2.0, 2.0, 0.1];

    [TestMethod]
    public void Fmod_IsExact_AcrossExponentsAndSubnormals()
    {
        Tensor a = OnGpu(FloatA, DType.Float32), b = OnGpu(FloatB, DType.Float32);
        Exact([2.613457679748535, -1.5, double.NaN, 9.99826454295757e-42, -0.0, double.NaN, 8.195638656616211e-08], Tensor.Fmod(a, b), "float32 fmod");
        Exact([2.613457679748535, 0.5, double.NaN, 9.99826454295757e-42, -0.0, double.NaN, 8.195638656616211e-08], Tensor.Remainder(a, b), "float32 remainder");
        Exact([3.0303030930736545e+29, -4.0, double.NegativeInfinity, 3.0, -0.0, double.NaN, 73.0], Tensor.FloorDivide(a, b), "float32 floor_divide");
        Tensor c = OnGpu(FloatA, DType.Float64), d = OnGpu(FloatB, DType.Float64);
        Exact([0.42713998495948946, -1.5, double.NaN, 9.999999999999996e-42, -0.0, double.NaN, 0.09999999999999942], Tensor.Fmod(c, d), "float64 fmod");
        Exact([0.42713998495948946, 0.5, double.NaN, 9.999999999999996e-42, -0.0, double.NaN, 0.09999999999999942], Tensor.Remainder(c, d), "float64 remainder");
        Exact([3.0303030303030304e+29, -4.0, double.NegativeInfinity, 3.0, -0.0, double.NaN, 72.0], Tensor.FloorDivide(c, d), "float64 floor_divide");
    }

    // Overflow, the subnormal tie at 2^-25, ties to even in the normal range, NaN and a negative underflow.
    static readonly double[] Edges = [65519.0, 65520.0, 2.9802322387695312e-08, 2.980232594040899e-08, 8.940696716308594e-08,
        1.001220941543579, 1.00048828125, 1.00146484375, double.NaN, -9.999999717180685e-10];

    [TestMethod]
    public void HalfConversions_OnTheDevice_RoundToNearestEven()
    {
        var x = Torch.Tensor(Edges, DType.Float64, device: Device.Cpu).To(DType.Float32).To(Gpu);
        var half = x.To(DType.Float16);
        Exact([65504.0, double.PositiveInfinity, 0.0, 5.960464477539063e-08, 1.1920928955078125e-07, 1.0009765625, 1.0, 1.001953125, double.NaN, -0.0], half, "float32 → float16");
        Exact([65536.0, 65536.0, 2.9802322387695312e-08, 2.9802322387695312e-08, 8.940696716308594e-08, 1.0, 1.0, 1.0, double.NaN, -9.968061931431293e-10], x.To(DType.BFloat16), "float32 → bfloat16");
        Exact(half.Cpu().ToDoubleArray(), half.To(DType.Float32), "float16 → float32 is exact");
    }
}
