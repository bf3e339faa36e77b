using Bridge.Nn;

namespace Bridge.Tests.Cuda;

/// <summary>
/// The CUDA backend against the CPU backend as oracle: same ops on the same inputs, bit-identical where the
/// kernel's order of operations matches the CPU's, within stated ulp bounds for transcendental functions.
/// Runs wherever a CUDA driver is usable (a GPU, or the host emulator via BRIDGE_CUDA_DRIVER), else is skipped
/// with the driver's reason. Sizes are chosen to break tails (1, 17, 1025) and the sum kernels' tree levels.
/// </summary>
[TestClass]
public sealed class CudaBackendTests
{
    static readonly Device Gpu = Device.Cuda(0);

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
    }

    static Tensor HostRandn(params int[] shape) => Torch.Randn(shape, DType.Float32).Cpu();

    static void AssertBitIdentical(Tensor expected, Tensor actual, string what)
    {
        Assert.AreEqual(Device.Cpu, expected.Device);
        Assert.AreEqual(Gpu, actual.Device, $"{what}: result device");
        Assert.AreEqual(expected.Shape.ToString(), actual.Shape.ToString(), $"{what}: shape");
        Assert.AreEqual(expected.DType, actual.DType, $"{what}: dtype");
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            Assert.IsTrue(e[i].Equals(a[i]) || (double.IsNaN(e[i]) && double.IsNaN(a[i])), $"{what}[{i}]: cpu {e[i]:R}, cuda {a[i]:R}");
    }

    static void AssertWithinUlp(Tensor expected, Tensor actual, int ulps, string what)
    {
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            if (double.IsNaN(e[i]) && double.IsNaN(a[i]) || e[i] == a[i]) continue;
            double distance = expected.DType == DType.Float32
                ? Math.Abs((double)Ordered(BitConverter.SingleToInt32Bits((float)e[i])) - Ordered(BitConverter.SingleToInt32Bits((float)a[i])))
                : Math.Abs((double)(Ordered(BitConverter.DoubleToInt64Bits(e[i])) - Ordered(BitConverter.DoubleToInt64Bits(a[i]))));   // subtract as integers: doubles of ~2^62 are 512 apart
            Assert.IsTrue(distance <= ulps, $"{what}[{i}]: cpu {e[i]:R}, cuda {a[i]:R}: {distance} ulp > {ulps}");
        }
    }

    // Bit patterns mapped to a line where adjacent floats differ by 1 across zero (sign-magnitude to two's complement).
    static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;
    static long Ordered(int bits) => bits < 0 ? (long)int.MinValue - bits : bits;

    [TestMethod]
    public void ToCudaAndBack_RoundTripsEveryDType()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Bool })
        {
            var host = (Torch.Arange(0.0, 1025.0).Cpu() - 300.0).To(dtype);
            var gpu = host.Cuda();
            Assert.AreEqual(Gpu, gpu.Device);
            Assert.IsTrue(gpu.IsCuda);
            AssertBitIdentical(host, gpu, $"round trip {dtype}");
            var back = gpu.Cpu();
            Assert.AreEqual(Device.Cpu, back.Device);
            CollectionAssert.AreEqual(host.ToDoubleArray(), back.ToDoubleArray());
        }
        Assert.AreSame(Torch.Zeros([2], DType.Float32, Gpu) is var z ? z : null, z.Cuda(), "To(same device) returns the tensor itself");
    }

    [TestMethod]
    public void StridedViews_CopyAndMaterialiseLikeCpu()
    {
        var host = HostRandn(5, 7, 3);
        var gpu = host.Cuda();
        AssertBitIdentical(host.Permute(2, 0, 1).Contiguous(), gpu.Permute(2, 0, 1).Contiguous(), "permute");
        AssertBitIdentical(host.Slice(1, 1, null, 2).Clone(), gpu.Slice(1, 1, null, 2).Clone(), "slice step 2");
        AssertBitIdentical(host.Select(2, 1).Expand(4, 5, 7).Contiguous(), gpu.Select(2, 1).Expand(4, 5, 7).Contiguous(), "expand");
        AssertBitIdentical(host.Transpose(0, 2).Cpu().Reshape(-1), gpu.Transpose(0, 2).Reshape(-1), "reshape of transposed");
        // Host-to-device copy_ into a strided view, with broadcast and conversion.
        var target = Torch.Zeros([4, 6], DType.Float64, Gpu);
        target.Slice(1, 0, null, 2).Copy_(Torch.Tensor(new[] { 1.5f, 2.5f, 3.5f }, device: Device.Cpu));
        var expected = Torch.Zeros([4, 6], DType.Float64, Device.Cpu);
        expected.Slice(1, 0, null, 2).Copy_(Torch.Tensor(new[] { 1.5f, 2.5f, 3.5f }, device: Device.Cpu));
        AssertBitIdentical(expected, target, "copy_ into view");
    }

    [TestMethod]
    public void Conversions_MatchCpuCasting()
    {
        var host = Torch.Tensor(new[] { -2.7, -0.0, 0.0, 0.5, 3.99, 1e30, double.NaN, double.PositiveInfinity, -1e19 }, DType.Float64, device: Device.Cpu);
        var gpu = host.Cuda();
        foreach (var dtype in new[] { DType.Float32, DType.Int64, DType.Bool })
            AssertBitIdentical(host.To(dtype), gpu.To(dtype), $"float64 -> {dtype}");
        var ints = Torch.Tensor(new[] { long.MaxValue, -3L, 0L, 16777217L }, device: Device.Cpu);
        AssertBitIdentical(ints.To(DType.Float32), ints.Cuda().To(DType.Float32), "int64 -> float32");
    }

    [TestMethod]
    public void Arithmetic_BroadcastAndTails_BitIdentical()
    {
        foreach (int n in new[] { 1, 17, 1025 })
        {
            var a = HostRandn(3, n);
            var b = HostRandn(n) + 3.0;
            var (ga, gb) = (a.Cuda(), b.Cuda());
            AssertBitIdentical(a + b, ga + gb, $"add {n}");
            AssertBitIdentical(a - b, ga - gb, $"sub {n}");
            AssertBitIdentical(a * b, ga * gb, $"mul {n}");
            AssertBitIdentical(a / b, ga / gb, $"div {n}");
            AssertBitIdentical(Tensor.Maximum(a, b), Tensor.Maximum(ga, gb), $"maximum {n}");
            AssertBitIdentical(Tensor.Minimum(a, b), Tensor.Minimum(ga, gb), $"minimum {n}");
            AssertBitIdentical(a * 2.5 - 1.0, ga * 2.5 - 1.0, $"scalars {n}");
            AssertBitIdentical(a.Pow(2), ga.Pow(2), $"pow 2 {n}");
            AssertBitIdentical(a.T() + 1.0, ga.T() + 1.0, $"transposed {n}");
        }
        var i = Torch.Arange(-5, 12).Cpu();
        AssertBitIdentical(i * 3 - 7, i.Cuda() * 3 - 7, "int64");
        AssertBitIdentical(i.Pow(3), i.Cuda().Pow(3), "int64 pow");
    }

    [TestMethod]
    public void Unary_ExactOpsBitIdentical_TranscendentalWithinUlpBounds()
    {
        Torch.ManualSeed(1234);   // the same inputs whatever ran before (the global generator is shared by all tests)
        var x = Tensor.Cat([HostRandn(1025) * 4.0, Torch.Tensor(new[] { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, -100f, 100f }, device: Device.Cpu)]);
        var g = x.Cuda();
        AssertBitIdentical(x.Neg(), g.Neg(), "neg");
        AssertBitIdentical(x.Abs(), g.Abs(), "abs");
        AssertBitIdentical(x.Relu(), g.Relu(), "relu");
        AssertBitIdentical(x.Sign(), g.Sign(), "sign");
        AssertBitIdentical(x.Abs().Sqrt(), g.Abs().Sqrt(), "sqrt");
        AssertBitIdentical(x.Clamp(-1, 1), g.Clamp(-1, 1), "clamp");
        // Bounds measured against glibc on 2e7 random inputs per function (scripts/cuda/devmath-accuracy.cpp; devmath.h
        // on the host, bit-identical to the device build): float32-arithmetic expf/logf 1 ulp (differ in 5.7% / 0.65%),
        // tanhf 2, sigmoidf 4 (float64 exp), exp/log f64 1, tanh f64 4, integral pow f64 1 (double-double squaring).
        // The CPU's float32 log is TensorPrimitives.Log, itself off glibc: measured 2 ulp apart from the device here.
        AssertWithinUlp(x.Exp(), g.Exp(), 1, "exp");
        AssertWithinUlp(x.Abs().Log(), g.Abs().Log(), 2, "log");
        AssertWithinUlp(x.Tanh(), g.Tanh(), 2, "tanh");
        AssertWithinUlp(x.Sigmoid(), g.Sigmoid(), 4, "sigmoid");
        // The CPU's float32 pow is SLEEF's powf as torch's (1 ulp from correct), the device's 1 ulp: up to 2 apart.
        AssertWithinUlp(x.Abs().Pow(1.7), g.Abs().Pow(1.7), 2, "pow");
        var d = x.Double();
        var gd = d.Cuda();
        // As for float32 log: the CPU's float64 exp/log are TensorPrimitives' (1 ulp), the device's 1 ulp from glibc.
        AssertWithinUlp(d.Exp(), gd.Exp(), 2, "exp f64");
        AssertWithinUlp(d.Abs().Log(), gd.Abs().Log(), 2, "log f64");
        AssertWithinUlp(d.Tanh(), gd.Tanh(), 4, "tanh f64");
        AssertWithinUlp(d.Sigmoid(), gd.Sigmoid(), 2, "sigmoid f64");
        AssertBitIdentical(d.Abs().Sqrt(), gd.Abs().Sqrt(), "sqrt f64");
        AssertWithinUlp(d.Pow(3), gd.Pow(3), 1, "pow 3 f64");
        AssertWithinUlp(d.Pow(-7), gd.Pow(-7), 1, "pow -7 f64");
    }

    [TestMethod]
    public void CompareAndWhere_BitIdentical()
    {
        var a = HostRandn(4, 17);
        var b = HostRandn(17);
        var (ga, gb) = (a.Cuda(), b.Cuda());
        AssertBitIdentical(a < b, ga < gb, "lt");
        AssertBitIdentical(a >= 0.0, ga >= 0.0, "ge scalar");
        var (a2, ga2) = (a, ga);
        AssertBitIdentical(a == a2, ga == ga2, "eq");
        AssertBitIdentical((a > 0.0) & (b < 0.5), (ga > 0.0) & (gb < 0.5), "and");
        AssertBitIdentical(~(a > 0.0), ~(ga > 0.0), "not");
        AssertBitIdentical(Tensor.Where(a > b, a, b * 2.0), Tensor.Where(ga > gb, ga, gb * 2.0), "where");
        Assert.AreEqual((a > 0.0).Any(), (ga > 0.0).Any());
        Assert.AreEqual((a > -100.0).All(), (ga > -100.0).All());
    }

    [TestMethod]
    public void Sum_FollowsCpuPairwiseTree_BitIdentical()
    {
        foreach (int n in new[] { 1, 17, 33, 1025, 4096, 8197, 100_003, (1 << 20) + 17 })
        {
            var x = HostRandn(n);
            AssertBitIdentical(x.Sum(), x.Cuda().Sum(), $"sum {n}");
        }
        var m = HostRandn(6, 5000);
        var gm = m.Cuda();
        AssertBitIdentical(m.Sum(1), gm.Sum(1), "row sums (block per row)");
        AssertBitIdentical(m.Sum(0), gm.Sum(0), "column sums (strided rows)");
        AssertBitIdentical(m.Mean(), gm.Mean(), "mean");
        var t = HostRandn(3, 4, 5);
        AssertBitIdentical(t.Sum([0, 2], keepDim: true), t.Cuda().Sum([0, 2], keepDim: true), "sum over two dims");
        AssertBitIdentical(Torch.Arange(0, 1000).Cpu().Sum(), Torch.Arange(0, 1000).Cuda().Sum(), "int64 sum");
    }

    [TestMethod]
    public void Sum_LongRowsSplitOverThreads_StayBitIdenticalToCpu()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (int n in new[] { 4096, 4099, 65_569, (1 << 20) + 17, 3 << 20 })
            {
                var x = HostRandn(n).To(dtype);
                AssertBitIdentical(x.Sum(), x.Cuda().Sum(), $"{dtype} sum {n}");
            }
            var m = HostRandn(5, 70_001).To(dtype);
            var gm = m.Cuda();
            AssertBitIdentical(m.Sum(1), gm.Sum(1), $"{dtype} long contiguous rows");
            AssertBitIdentical(m.Slice(1, 1, null, 3).Sum(1), gm.Slice(1, 1, null, 3).Sum(1), $"{dtype} long strided rows");
            AssertBitIdentical(m.T().Contiguous().Sum(0), gm.T().Contiguous().Sum(0), $"{dtype} long columns");
            AssertBitIdentical(m.Mean(1), gm.Mean(1), $"{dtype} mean of long rows");
            var t = HostRandn(3, 9000, 2).To(dtype);
            AssertBitIdentical(t.Sum(1), t.Cuda().Sum(1), $"{dtype} long middle dim");
        }
    }

    [TestMethod]
    public void MaxMin_FirstExtremeAndNaN_MatchCpu()
    {
        var x = Torch.Tensor(new[,] { { 1f, 3f, 3f, -2f }, { float.NaN, 5f, float.NaN, 1f }, { -0f, 0f, -1f, -1f } }, device: Device.Cpu);
        var g = x.Cuda();
        var (v, i) = x.Max(1);
        var (gv, gi) = g.Max(1);
        AssertBitIdentical(v, gv, "max values");
        AssertBitIdentical(i, gi, "max indices");
        (v, i) = x.Min(1);
        (gv, gi) = g.Min(1);
        AssertBitIdentical(v, gv, "min values");
        AssertBitIdentical(i, gi, "min indices");
        var big = HostRandn(3, 9000);
        AssertBitIdentical(big.Argmax(1), big.Cuda().Argmax(1), "argmax (block per row)");
        AssertBitIdentical(big.Max(), big.Cuda().Max(), "max of all");
    }

    [TestMethod]
    public void MatMul_SameOrderAsCpu_BitIdentical()
    {
        var a = HostRandn(17, 33);
        var b = HostRandn(33, 9);
        var bias = HostRandn(9);
        AssertBitIdentical(a.MatMul(b), a.Cuda().MatMul(b.Cuda()), "mm");
        AssertBitIdentical(Tensor.Addmm(bias, a, b), Tensor.Addmm(bias.Cuda(), a.Cuda(), b.Cuda()), "addmm");
        var x = HostRandn(2, 3, 5, 4);
        var y = HostRandn(3, 4, 6);
        AssertBitIdentical(x.MatMul(y), x.Cuda().MatMul(y.Cuda()), "broadcast batched matmul");
        AssertBitIdentical(a.T().MatMul(a), a.Cuda().T().MatMul(a.Cuda()), "transposed operand");
        var k = Torch.Arange(0, 12).Cpu().Reshape(3, 4);
        AssertBitIdentical(k.MatMul(k.T()), k.Cuda().MatMul(k.Cuda().T()), "int64 mm");
    }

    [TestMethod]
    public void MatMul_Large_AnyGemmEngine_MatchesCpuToRounding()
    {
        // 130·100·90 multiply-adds: above the cuBLAS threshold, so this runs cuBLAS where it is loaded.
        var a = HostRandn(130, 100);
        var b = HostRandn(100, 90);
        var bias = HostRandn(90);
        TestSupport.AreClose(a.MatMul(b).ToDoubleArray(), a.Cuda().MatMul(b.Cuda()), atol: 1e-4, rtol: 1e-5, what: $"mm via {Bridge.Cuda.GemmEngine()}");
        TestSupport.AreClose(Tensor.Addmm(bias, a, b).ToDoubleArray(), Tensor.Addmm(bias.Cuda(), a.Cuda(), b.Cuda()), atol: 1e-4, rtol: 1e-5, what: "addmm");
        var d = a.Double();
        TestSupport.AreClose(d.MatMul(d.T()).ToDoubleArray(), d.Cuda().MatMul(d.Cuda().T()), atol: 1e-9, rtol: 1e-12, what: "float64 mm");
    }

    [TestMethod]
    public void RandomLayouts_StridedBroadcastReduce_BitIdentical()
    {
        // Views with sliced, permuted and broadcast dims stress the merging of dense dims into kernel layouts.
        var random = new System.Random(1234);
        for (int trial = 0; trial < 60; trial++)
        {
            int rank = random.Next(1, 6);
            var big = HostRandn(Enumerable.Range(0, rank).Select(_ => 2 * random.Next(1, 6)).ToArray());
            var (host, gpu) = (big, big.Cuda());
            for (int d = 0; d < rank; d++)
            {
                int start = random.Next(0, 2), step = random.Next(1, 3);
                host = host.Slice(d, start, null, step);
                gpu = gpu.Slice(d, start, null, step);
            }
            var order = Enumerable.Range(0, rank).OrderBy(_ => random.Next()).ToArray();
            (host, gpu) = (host.Permute(order), gpu.Permute(order));
            var other = HostRandn(host.Shape.ToArray().Select(d => random.Next(2) == 0 ? 1 : (int)d).ToArray());
            var gother = other.Cuda();
            AssertBitIdentical(host * other + 1.0, gpu * gother + 1.0, $"trial {trial}: mul-add");
            AssertBitIdentical(Tensor.Where(host > other, host, other), Tensor.Where(gpu > gother, gpu, gother), $"trial {trial}: where");
            int dim = random.Next(rank);
            AssertBitIdentical(host.Sum(dim), gpu.Sum(dim), $"trial {trial}: sum({dim})");
            AssertBitIdentical(host.Max(dim).Indices, gpu.Max(dim).Indices, $"trial {trial}: argmax({dim})");
            AssertBitIdentical(host.Contiguous(), gpu.Contiguous(), $"trial {trial}: contiguous");
        }
    }

    [TestMethod]
    public void MixingDevices_ThrowsTorchsMessage()
    {
        var a = Torch.Ones([2], DType.Float32, Gpu);
        var b = Torch.Ones([2], DType.Float32, Device.Cpu);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => _ = a + b);
        Assert.AreEqual("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!", e.Message);
        Assert.ThrowsExactly<InvalidOperationException>(() => _ = b.MatMul(a));
    }

    [TestMethod]
    public void MissingOrdinal_ThrowsInvalidDeviceOrdinal()
    {
        var e = Assert.Throws<CudaException>(() => Torch.Zeros([1], DType.Float32, Device.Cuda(Bridge.Cuda.DeviceCount)));
        StringAssert.Contains(e.Message, "invalid device ordinal");
        Assert.IsTrue(Bridge.Cuda.DeviceName(0).Length > 0);
    }

    [TestMethod]
    public void TrainingStep_OnCuda_MatchesCpu()
    {
        var (x, y) = (HostRandn(8, 3), HostRandn(8, 1));
        Tensor Run(Device device)
        {
            Torch.ManualSeed(7);
            var w1 = Torch.Randn([3, 16], DType.Float32).To(device).RequiresGrad_();
            var w2 = Torch.Randn([16, 1], DType.Float32).To(device).RequiresGrad_();
            var opt = new Optim.SGD([w1, w2], lr: 0.05, momentum: 0.9);
            var (dx, dy) = (x.To(device), y.To(device));
            for (int step = 0; step < 5; step++)
            {
                opt.ZeroGrad();
                var loss = ((dx.MatMul(w1).Relu().MatMul(w2) - dy).Pow(2)).Mean();
                loss.Backward();
                opt.Step();
            }
            return w2.Detach();
        }
        AssertBitIdentical(Run(Device.Cpu), Run(Gpu), "weights after 5 SGD steps");
    }

    [TestMethod]
    public void ModuleTo_MovesParametersInPlace_AndTrainingMatchesCpu()
    {
        var (x, y) = (HostRandn(6, 4), HostRandn(6, 2));
        Tensor Run(Device device)
        {
            Torch.ManualSeed(3);
            var model = new Bridge.Nn.Linear(4, 2).To(Device.Cpu);
            var parameters = model.Parameters().ToArray();
            var opt = new Optim.Adam(parameters, lr: 0.01);
            model.To(device);
            CollectionAssert.AreEqual(parameters, model.Parameters().ToArray(), "same parameter objects after the move");
            Assert.AreEqual(device, model.Weight.Device);
            for (int step = 0; step < 3; step++)
            {
                opt.ZeroGrad();
                var loss = (model.Forward(x.To(device)) - y.To(device)).Pow(2).Mean();
                loss.Backward();
                opt.Step();
            }
            return model.Weight.Detach().Cpu().Cuda();
        }
        var cpu = Run(Device.Cpu).Cpu();
        TestSupport.AreClose(cpu.ToDoubleArray(), Run(Gpu), atol: 0, rtol: 1e-6, what: "Adam steps after Module.To");
    }

    [TestMethod]
    public void Gradients_FlowBackAcrossDevices()
    {
        var host = HostRandn(4, 3).RequiresGrad_();
        var loss = (host.Cuda().Tanh() * 2.0).Sum();
        loss.Backward();
        Assert.AreEqual(Device.Cpu, host.Grad!.Device, "grad of a CPU leaf lives on the CPU");
        var expected = (1.0 - host.Detach().Tanh().Pow(2)) * 2.0;
        AssertWithinUlp(expected, host.Grad, 8, "d tanh");
        var gpuLeaf = HostRandn(5).Cuda().RequiresGrad_();
        gpuLeaf.Max().Backward();
        Assert.AreEqual(Gpu, gpuLeaf.Grad!.Device);
        Assert.AreEqual(1.0, gpuLeaf.Grad.Sum().Item());
    }

    [TestMethod]
    public void Allocator_ReusesFreedBlocks()
    {
        static void Churn()
        {
            for (int i = 0; i < 20; i++) _ = Torch.Zeros([1000], DType.Float32, Gpu);
        }
        Churn();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = Bridge.Cuda.DriverAllocations();
        Churn();
        Assert.AreEqual(before, Bridge.Cuda.DriverAllocations(), "20 tensors of a cached size need no new cuMemAlloc");
        Assert.IsTrue(Bridge.Cuda.MemoryCached() > 0);
    }

    [TestMethod]
    public void Storage_ExposesDevicePointerAndOrdinal_ForDLPack()
    {
        var t = Torch.Ones([3, 4], DType.Float32, Gpu);
        Assert.AreNotEqual(IntPtr.Zero, t.Storage.Pointer);
        Assert.AreEqual(DeviceType.Cuda, t.Storage.Device.Type);
        Assert.AreEqual(0, t.Storage.Device.Index);
        Assert.AreEqual(48, t.Storage.ByteLength);
    }
}
