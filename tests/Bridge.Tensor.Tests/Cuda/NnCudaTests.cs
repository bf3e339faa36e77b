using System.Reflection;
using Bridge.Nn;

namespace Bridge.Tests.Cuda;

/// <summary>
/// Convolution, pooling, unfold/fold and GELU on the CUDA backend (a GPU or the host emulator) against the CPU backend:
/// forward values and every input's gradient. Pooling and unfold/fold run the CPU loops' exact order of operations
/// (gathers replaying the scatters), so they must be bit-identical, as must small convolutions (both GEMMs in reference
/// order); large convolutions (FMA on the CPU, cuBLAS) and GELU (the device's erf/tanh) agree to rtol 1e-5 (float32) /
/// 1e-12 (float64). No op may read device memory back to the host.
/// </summary>
[TestClass]
public sealed class NnCudaTests
{
    static readonly Device Gpu = Device.Cuda(0);

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
    }

    // Distinct deterministic values (no ties for max pooling) on the host.
    static Tensor Host(DType dtype, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = 0.3 + 0.7 * Math.Sin(1.7 * i + 0.4) + 1e-3 * i;
        return Torch.Tensor(values, DType.Float64, device: Device.Cpu).To(dtype).Reshape(shape);
    }

    static long HostReads() => (long)typeof(Tensor).Assembly.GetType("Bridge.Backends.Cuda.CudaDevice")!
        .GetProperty("HostReads", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>Values of <paramref name="cpu"/> and <paramref name="gpu"/>: bit-identical, or |a − e| ≤ rtol·(|e| + max|e|).</summary>
    static void AssertMatch(Tensor cpu, Tensor gpu, bool exact, string what)
    {
        Assert.AreEqual(Gpu, gpu.Device, $"{what}: device");
        Assert.AreEqual(cpu.Shape.ToString(), gpu.Shape.ToString(), $"{what}: shape");
        Assert.AreEqual(cpu.DType, gpu.DType, $"{what}: dtype");
        var e = cpu.ToDoubleArray();
        var a = gpu.Cpu().ToDoubleArray();
        double rtol = cpu.DType == DType.Float64 ? 1e-12 : 1e-5, scale = e.Length == 0 ? 0 : e.Max(Math.Abs);
        for (int i = 0; i < e.Length; i++)
        {
            if (exact) Assert.IsTrue(e[i].Equals(a[i]), $"{what}[{i}]: cpu {e[i]:R}, cuda {a[i]:R} (must be bit-identical)");
            else Assert.IsTrue(Math.Abs(a[i] - e[i]) <= rtol * (Math.Abs(e[i]) + scale), $"{what}[{i}]: cpu {e[i]:R}, cuda {a[i]:R}");
        }
    }

    /// <summary>f on leaves on the CPU and on the device; outputs and each leaf's gradient compared; no host reads on the device.</summary>
    static void Compare(bool exact, Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var cpu = inputs.Select(t => t.Clone().RequiresGrad_()).ToArray();
        var gpu = inputs.Select(t => t.To(Gpu).RequiresGrad_()).ToArray();
        var yc = f(cpu);
        var weights = Host(yc.DType, [.. yc.Shape.Select(d => (int)d)]) - 0.4;
        var weightsOnDevice = weights.To(Gpu);
        long before = HostReads();
        var yg = f(gpu);
        yg.Backward(weightsOnDevice);
        Assert.AreEqual(before, HostReads(), "forward and backward on the device copied device memory to the host");
        yc.Backward(weights);
        AssertMatch(yc, yg, exact, "output");
        for (int i = 0; i < inputs.Length; i++) AssertMatch(cpu[i].Grad!, gpu[i].Grad!, exact, $"grad of input {i}");
    }

    static readonly DType[] FloatTypes = [DType.Float32, DType.Float64];

    // Small layers: every GEMM below both backends' thresholds runs in reference order (k in order, multiply then add).
    [TestMethod]
    public void Conv2d_StridePaddingDilationGroupsBias_BitIdentical()
    {
        foreach (var dt in FloatTypes)
        {
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2]), Host(dt, 2, 3, 5, 4), Host(dt, 4, 3, 3, 2), Host(dt, 4));
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2]), Host(dt, 3, 2, 6, 5), Host(dt, 3, 2, 3, 3), Host(dt, 3));
            Compare(true, t => Functional.Conv2d(t[0], t[1], null, padding: [1], groups: 2), Host(dt, 2, 4, 4, 4), Host(dt, 6, 2, 3, 3));
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2], null, "same"), Host(dt, 2, 2, 4, 5), Host(dt, 2, 2, 2, 4), Host(dt, 2));
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2]), Host(dt, 3, 3, 3, 2), Host(dt, 2, 3, 1, 1), Host(dt, 2));   // 1x1
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2], stride: [2]), Host(dt, 2, 5, 5), Host(dt, 3, 2, 2, 2), Host(dt, 3));   // unbatched
        }
    }

    [TestMethod]
    public void Conv2d_LargeLayer_AgreesToRounding()
    {
        // The CPU's packed FMA kernel (and cuBLAS where present) order these sums differently.
        // 16 output channels x 4·32·32 positions x 72 taps: over 2^20 multiply-adds (cuBLAS when present).
        Compare(false, t => Functional.Conv2d(t[0], t[1], t[2], padding: [1]), Host(DType.Float32, 4, 8, 32, 32) * 0.1, Host(DType.Float32, 16, 8, 3, 3) * 0.1, Host(DType.Float32, 16));
    }

    [TestMethod]
    public void Conv2d_InBlocksOfOneSample_BitIdentical()
    {
        // The device takes samples in blocks bounded by CudaNn.BlockBytes; one sample per block makes the weight
        // gradient accumulate across blocks, which must continue each sum in order.
        var budget = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cuda.CudaNn")!.GetField("BlockBytes", BindingFlags.NonPublic | BindingFlags.Static)!;
        object saved = budget.GetValue(null)!;
        budget.SetValue(null, 1L);
        try
        {
            Compare(true, t => Functional.Conv2d(t[0], t[1], t[2], stride: [2, 1], padding: [1, 2], groups: 2), Host(DType.Float32, 3, 4, 6, 5), Host(DType.Float32, 4, 2, 3, 3), Host(DType.Float32, 4));
            Compare(true, t => Functional.ConvTranspose2d(t[0], t[1], t[2], stride: [2], padding: [1]), Host(DType.Float64, 3, 2, 3, 3), Host(DType.Float64, 2, 3, 3, 3), Host(DType.Float64, 3));
        }
        finally
        {
            budget.SetValue(null, saved);
        }
    }

    [TestMethod]
    public void Conv1d_And_ConvTranspose2d_BitIdentical()
    {
        foreach (var dt in FloatTypes)
        {
            Compare(true, t => Functional.Conv1d(t[0], t[1], t[2], stride: [2], padding: [2], dilation: [2], groups: 2), Host(dt, 2, 4, 9), Host(dt, 4, 2, 3), Host(dt, 4));
            Compare(true, t => Functional.ConvTranspose2d(t[0], t[1], t[2], stride: [2], padding: [1], outputPadding: [1]), Host(dt, 2, 2, 3, 3), Host(dt, 2, 3, 3, 3), Host(dt, 3));
            Compare(true, t => Functional.ConvTranspose2d(t[0], t[1], null, stride: [1, 2], groups: 2, dilation: [2, 1]), Host(dt, 1, 4, 3, 2), Host(dt, 4, 1, 2, 2));
        }
    }

    [TestMethod]
    public void MaxPool_WithIndices_CeilModePaddingDilation_BitIdentical()
    {
        foreach (var dt in FloatTypes)
        {
            var x = Host(dt, 2, 2, 6, 7);
            var (yc, ic) = Functional.MaxPool2dWithIndices(x, [3], [2], [1], [1], ceilMode: true);
            var (yg, ig) = Functional.MaxPool2dWithIndices(x.To(Gpu), [3], [2], [1], [1], ceilMode: true);
            AssertMatch(yc, yg, true, "max_pool2d values");
            AssertMatch(ic, ig, true, "max_pool2d indices");
            Compare(true, t => Functional.MaxPool2d(t[0], [3], [2], [1], [1], ceilMode: true), x);
            Compare(true, t => Functional.MaxPool2d(t[0], [2, 3], [1, 2], null, [2, 1]), Host(dt, 1, 2, 6, 7));
            Compare(true, t => Functional.MaxPool2d(t[0], [3], [1], [1]), Host(dt, 2, 5, 5));   // overlapping windows, unbatched
            Compare(true, t => Functional.MaxPool1d(t[0], 3, 2, 1), Host(dt, 2, 3, 8));
        }
        // NaN wins its window, on both backends.
        var values = Host(DType.Float32, 16).ToDoubleArray();
        values[6] = double.NaN;
        var withNan = Torch.Tensor(values, DType.Float32, device: Device.Cpu).Reshape(1, 1, 4, 4);
        AssertMatch(Functional.MaxPool2d(withNan, [2]), Functional.MaxPool2d(withNan.To(Gpu), [2]), true, "max_pool2d with NaN");
    }

    [TestMethod]
    public void AvgPool_And_AdaptiveAvgPool_BitIdentical()
    {
        foreach (var dt in FloatTypes)
        {
            Compare(true, t => Functional.AvgPool2d(t[0], [3], [2], [1], ceilMode: true), Host(dt, 2, 2, 6, 7));
            Compare(true, t => Functional.AvgPool2d(t[0], [3, 2], [2, 1], [1, 1], countIncludePad: false), Host(dt, 1, 2, 5, 4));
            Compare(true, t => Functional.AvgPool2d(t[0], [2], divisorOverride: 3), Host(dt, 1, 2, 4, 4));
            Compare(true, t => Functional.AdaptiveAvgPool2d(t[0], 3, 2), Host(dt, 2, 2, 7, 5));
            Compare(true, t => Functional.AdaptiveAvgPool2d(t[0], 4, 6), Host(dt, 1, 3, 3, 4));   // upsampling windows overlap
            Compare(true, t => Functional.AdaptiveAvgPool2d(t[0], 1), Host(dt, 2, 3, 5, 5));
        }
    }

    [TestMethod]
    public void UnfoldAndFold_BitIdentical()
    {
        foreach (var dt in FloatTypes)
        {
            Compare(true, t => Functional.Unfold(t[0], [2, 3], dilation: [2, 1], padding: [1], stride: [1, 2]), Host(dt, 2, 3, 5, 6));
            Compare(true, t => Functional.Fold(t[0], [4, 5], [2, 2], stride: [1]), Host(dt, 2, 12, 12));
            Compare(true, t => Functional.Fold(t[0], [5, 6], [3, 2], dilation: [1, 2], padding: [1, 1], stride: [2, 1]), Host(dt, 1, 6, 18));
        }
    }

    [TestMethod]
    public void Gelu_ExactAndTanh_MatchCpu()
    {
        foreach (var dt in FloatTypes)
        {
            var x = (Host(dt, 3, 257) - 0.3) * 8.0;   // -8..6: both tails of erf and tanh
            Compare(false, t => Functional.Gelu(t[0]), x);
            Compare(false, t => Functional.Gelu(t[0], "tanh"), x);
        }
        var module = new GELU();
        AssertMatch(module.Forward(Host(DType.Float32, 5)), module.Forward(Host(DType.Float32, 5).To(Gpu)), false, "nn.GELU module");
    }

    [TestMethod]
    public void MixedDevices_RaiseNamingTheOp()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Functional.Conv2d(Host(DType.Float32, 1, 1, 3, 3).To(Gpu), Host(DType.Float32, 1, 1, 2, 2)));
        StringAssert.Contains(e.Message, "Expected all tensors to be on the same device");
        StringAssert.Contains(e.Message, "conv2d");
    }

    static Sequential LeNet() => new(
        new Conv2d(1, 4, 3, padding: 1), new ReLU(), new MaxPool2d(2),
        new Conv2d(4, 6, 3, groups: 2), new GELU(), new AvgPool2d(2, ceilMode: true),
        new AdaptiveAvgPool2d(2), new Flatten(), new Linear(24, 10));

    [TestMethod]
    public void LeNet_TrainsOnDevice_LikeOnCpu()
    {
        Torch.ManualSeed(7);
        var onCpu = LeNet().To(Device.Cpu);
        Torch.ManualSeed(7);
        var onGpu = LeNet().To(Gpu);
        var x = Host(DType.Float32, 8, 1, 12, 12) - 0.3;
        var target = Torch.Tensor(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, device: Device.Cpu);
        var optCpu = new Bridge.Optim.SGD(onCpu.Parameters(), lr: 0.1, momentum: 0.9);
        var optGpu = new Bridge.Optim.SGD(onGpu.Parameters(), lr: 0.1, momentum: 0.9);
        var losses = new List<(double Cpu, double Gpu)>();
        for (int step = 0; step < 5; step++)
        {
            optCpu.ZeroGrad();
            optGpu.ZeroGrad();
            var lc = Functional.CrossEntropy(onCpu.Forward(x), target);
            var lg = Functional.CrossEntropy(onGpu.Forward(x.To(Gpu)), target.To(Gpu));
            lc.Backward();
            lg.Backward();
            optCpu.Step();
            optGpu.Step();
            losses.Add((lc.Item(), lg.Item()));
        }
        foreach (var (c, g) in losses) Assert.AreEqual(c, g, 1e-5 * Math.Abs(c), "loss per step");
        Assert.IsTrue(losses[^1].Cpu < losses[0].Cpu, $"the model trains: loss {losses[0].Cpu} -> {losses[^1].Cpu}");
        foreach (var ((name, pc), (_, pg)) in onCpu.NamedParameters().Zip(onGpu.NamedParameters()))
        {
            var e = pc.ToDoubleArray();
            var a = pg.Cpu().ToDoubleArray();
            for (int i = 0; i < e.Length; i++) Assert.AreEqual(e[i], a[i], 1e-4 * (1 + Math.Abs(e[i])), $"{name}[{i}] after 5 steps");
        }
    }
}
