using Bridge.Random;
using Bridge.Tests.Core;

namespace Bridge.Tests.Cuda;

/// <summary>
/// CUDA tensors past 2^31 elements (issue 16) against the CPU as oracle. Most checks run on small tensors seen through
/// a storage offset past int.MaxValue (<see cref="FarOnDevice"/>, the device twin of <see cref="LargeTensorSupport.Far"/>),
/// which sends every op down its 64-bit path: the same op on the CPU's far view (or on the small tensor) must give the
/// same bits. The kernels' 64-bit index decomposition is forced on small tensors by lowering the 32-bit limit. One
/// test holds a real 2 GiB device tensor (the emulator maps device memory lazily; one tensor alive at a time).
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeCudaTests
{
    static readonly Device Gpu = Device.Cuda(0);
    const long FarOffset = LargeTensorSupport.FarOffset;

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
    }

    /// <summary>
    /// A view of <paramref name="small"/> (contiguous, on the GPU, kept alive by the caller) at storage offset
    /// <see cref="LargeTensorSupport.FarOffset"/>: the storage's pointer starts that many elements before the real
    /// memory, and only the elements from the offset on are ever addressed.
    /// </summary>
    static unsafe Tensor FarOnDevice(Tensor small)
    {
        Assert.IsTrue(small.Device.IsCuda && small.IsContiguous() && small.StorageOffset == 0);
        int size = ElementSize(small.DType);
        var start = (byte*)small.Storage.Pointer - FarOffset * size;
        var storage = Storage.Wrap((IntPtr)start, (FarOffset + small.Numel()) * size, release: null, device: small.Device);
        var far = Tensor.FromStorage(storage, small.DType, small.Shape.ToArray(), small.Stride(), FarOffset);
        Assert.AreEqual(FarOffset, far.StorageOffset);
        return far;
    }

    static int ElementSize(DType dtype) => dtype switch
    {
        DType.Float64 or DType.Int64 => 8,
        DType.Float32 or DType.Int32 => 4,
        DType.Float16 or DType.BFloat16 or DType.Int16 => 2,
        _ => 1,
    };

    // Small random values of each dtype, with ties and signs (host tensors).
    static Tensor HostValues(DType dtype, params int[] shape)
    {
        var g = new Generator(7);
        var x = Torch.Randint(-6, 7, shape, g).Cpu();
        return dtype switch
        {
            DType.Float32 or DType.Float64 or DType.Float16 => (x.To(DType.Float64) * 0.37 + 0.11).To(dtype),
            DType.Bool => (x > 0).To(DType.Bool),
            DType.UInt8 => (x + 6).To(DType.UInt8),
            _ => x.To(dtype),
        };
    }

    static void Same(Tensor expected, Tensor actual, string what)
    {
        Assert.AreEqual(Gpu, actual.Device, $"{what}: device");
        LargeTensorSupport.Same(expected, actual.Cpu(), what);
    }

    static IDisposable SixtyFourBitDivision() =>
        LargeTensorSupport.Lowered(typeof(Tensor).Assembly.GetType("Bridge.Backends.Cuda.CudaStrided")!, "NarrowElements", 0);

    static readonly DType[] Dtypes = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8, DType.Bool, DType.Float16];

    [TestMethod]
    public void Elementwise_OnFarViews_MatchTheCpu()
    {
        foreach (bool wideDivision in new[] { false, true })
        {
            using var wide = wideDivision ? SixtyFourBitDivision() : null;
            foreach (var dtype in Dtypes)
            {
                string tag = $"{dtype.TorchName()}{(wideDivision ? " (64-bit division)" : "")}";
                var a = HostValues(dtype, 5, 7);
                var b = HostValues(dtype, 5, 7).Flip([1]).Contiguous();
                var ga = a.Cuda();
                var gb = b.Cuda();
                Tensor fa = FarOnDevice(ga), fb = FarOnDevice(gb);
                bool numeric = dtype != DType.Bool;
                if (numeric)
                {
                    Same(a + b, fa + fb, $"add {tag}");
                    Same(a * b[0], fa * fb[0], $"mul, broadcast {tag}");
                    Same(a.T() - b.T(), fa.T() - fb.T(), $"sub, transposed {tag}");
                    Same(a.Abs(), fa.Abs(), $"abs {tag}");
                    Same(Torch.Maximum(a, b), Torch.Maximum(fa, fb), $"maximum {tag}");
                }
                Same(a > b, fa > fb, $"gt {tag}");
                Same(a == b[1], fa == fb[1], $"eq, broadcast {tag}");
                Same(Torch.Where(a > b, a, b), Torch.Where(fa > fb, fa, fb), $"where {tag}");
                Same(a.To(DType.Float64), fa.To(DType.Float64), $"to float64 {tag}");
                Same(a.To(DType.Int64), fa.To(DType.Int64), $"to int64 {tag}");
                Same(a.T().Contiguous(), fa.T().Contiguous(), $"contiguous of a transposed view {tag}");
                Same(a.Narrow(1, 2, 3).Clone(), fa.Narrow(1, 2, 3).Clone(), $"clone of a narrowed view {tag}");
                Same(a.Permute(1, 0).Reshape(-1), fa.Permute(1, 0).Reshape(-1), $"reshape of a permuted view {tag}");
                Same(Torch.Cat([a, b], 1), Torch.Cat([fa, fb], 1), $"cat {tag}");
                Same(Torch.Stack([a, b], 0), Torch.Stack([fa, fb], 0), $"stack {tag}");

                // Writes through far views: copy_, fill_ and in-place arithmetic land on the real memory.
                var target = Torch.Zeros([5, 7], dtype, device: Gpu);
                var farTarget = FarOnDevice(target);
                farTarget.T().Copy_(b.T());
                Same(b, target, $"copy_ into a far view {tag}");
                farTarget.Narrow(0, 1, 2).Fill_(1);
                var expected = b.Clone();
                expected.Narrow(0, 1, 2).Fill_(1);
                Same(expected, target, $"fill_ of a far view {tag}");
                if (numeric)
                {
                    farTarget.Add_(fa);
                    Same(expected + a, target, $"add_ into a far view {tag}");
                }
                GC.KeepAlive(ga);
                GC.KeepAlive(gb);
            }
        }
    }

    [TestMethod]
    public void FloatMath_OnFarViews_MatchTheCpu()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var a = HostValues(dtype, 6, 9);
            var ga = a.Cuda();
            var fa = FarOnDevice(ga);
            Same(a.Neg(), fa.Neg(), $"neg {dtype.TorchName()}");
            Same(a.Relu(), fa.Relu(), $"relu {dtype.TorchName()}");
            Same(a * a + 1.5, fa * fa + 1.5, $"scalar ops {dtype.TorchName()}");
            Same((a.Abs() + 1).Sqrt(), (fa.Abs() + 1).Sqrt(), $"sqrt {dtype.TorchName()}");
            LargeTensorSupport.Close(a.Exp(), fa.Exp().Cpu(), 1e-6, $"exp {dtype.TorchName()}");
            LargeTensorSupport.Close(a.Tanh(), fa.Tanh().Cpu(), 1e-6, $"tanh {dtype.TorchName()}");
            GC.KeepAlive(ga);
        }
    }

    [TestMethod]
    public void Reductions_OnFarViews_MatchTheCpuFarViews()
    {
        // Pieces lowered so the CPU's and the GPU's piecewise paths (groups of lines, long lines folded) both run.
        using var pieces = LargeTensorSupport.SmallPieces(16);
        using var chunks = LargeTensorSupport.Lowered(typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.LargeTensors")!, "ChunkElements", 16);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.UInt8 })
        {
            string tag = dtype.TorchName();
            var a = HostValues(dtype, 6, 9);
            var ga = a.Cuda();
            Tensor host = LargeTensorSupport.Far(a), fa = FarOnDevice(ga);
            Same(host.Sum(), fa.Sum(), $"sum {tag}");
            Same(host.Sum([1]), fa.Sum([1]), $"sum(1) {tag}");
            Same(host.Sum([0], keepDim: true), fa.Sum([0], keepDim: true), $"sum(0, keepdim) {tag}");
            Same(host.Max(), fa.Max(), $"max {tag}");
            Same(host.Min(), fa.Min(), $"min {tag}");
            Same(host.Argmax(), fa.Argmax(), $"argmax {tag}");
            Same(host.Max(1).Values, fa.Max(1).Values, $"max(1) {tag}");
            Same(host.Max(1).Indices, fa.Max(1).Indices, $"argmax(1) {tag}");
            Same(host.Cumsum(1), fa.Cumsum(1), $"cumsum(1) {tag}");
            Same(host.Cumsum(0), fa.Cumsum(0), $"cumsum(0) {tag}");
            if (dtype.IsFloatingPoint())
            {
                Same(host.Mean(), fa.Mean(), $"mean {tag}");
                Same(host.Mean([0]), fa.Mean([0]), $"mean(0) {tag}");
                // The CPU's fused softmax kernel refuses far views; the GPU composes softmax from the ops above.
                Same(ga.Softmax(1).Cpu(), fa.Softmax(1), $"softmax {tag}");
                Same(ga.LogSoftmax(0).Cpu(), fa.LogSoftmax(0), $"log_softmax {tag}");
                LargeTensorSupport.Close(a.Softmax(1), fa.Softmax(1).Cpu(), 1e-6, $"softmax vs the CPU {tag}");
            }
            Same(host.Sort(1).Values, fa.Sort(1).Values, $"sort {tag}");
            Same(host.Topk(3, 1).Values, fa.Topk(3, 1).Values, $"topk {tag}");
            GC.KeepAlive(ga);
        }
    }

    /// <summary>The op on the CPU's far view and on the GPU's: the same values, or both refuse as too large (never the GPU alone).</summary>
    static void Agree(string what, Func<Tensor> cpu, Func<Tensor> gpu)
    {
        Tensor expected;
        try
        {
            expected = cpu();
        }
        catch (TensorTooLargeException)
        {
            Assert.ThrowsExactly<TensorTooLargeException>(() => gpu(), $"{what}: the CPU refuses far views, so does the GPU (not a crash)");
            return;
        }
        Same(expected, gpu(), what);
    }

    [TestMethod]
    public void IndexOps_OnFarViews_AgreeWithTheCpu()
    {
        var a = HostValues(DType.Float32, 6, 9);
        var ga = a.Cuda();
        Tensor host = LargeTensorSupport.Far(a), fa = FarOnDevice(ga);
        var rows = Torch.Tensor(new long[] { 4, 0, 4, 2 });
        var index = Torch.Tensor(new long[,] { { 8, 0 }, { 1, 1 }, { 3, 2 }, { 0, 0 }, { 5, 4 }, { 7, 6 } });
        Agree("index_select", () => host.IndexSelect(0, rows), () => fa.IndexSelect(0, rows.Cuda()));
        Agree("gather", () => host.Gather(1, index), () => fa.Gather(1, index.Cuda()));
        Agree("integer-tensor indexing", () => host[rows], () => fa[rows.Cuda()]);
        Same(a.MaskedFill(a > 0, 2.0), fa.MaskedFill(fa > 0, 2.0), "masked_fill");
        Same(a.MaskedFill(a > 0, 2.0), host.MaskedFill(host > 0, 2.0).Cuda(), "masked_fill on the CPU's far view");
        GC.KeepAlive(ga);
    }

    [TestMethod]
    public void MatMul_OnFarViews_MatchTheCpu()
    {
        var a = HostValues(DType.Float32, 5, 6);
        var b = HostValues(DType.Float32, 6, 4);
        var ga = a.Cuda();
        var gb = b.Cuda();
        Tensor fa = FarOnDevice(ga), fb = FarOnDevice(gb);
        Same(a.MatMul(b), fa.MatMul(fb), "matmul of far operands");
        Same(a.T().MatMul(a), fa.T().MatMul(fa), "matmul of a transposed far operand");
        var c = Torch.Zeros([5, 4], DType.Float32, device: Gpu);
        var farC = FarOnDevice(c);
        Tensor.MatMul(fa, fb, farC);
        Same(a.MatMul(b), c, "matmul into a far result");
        // Blocks of rows, columns and the inner dim (the CPU's LargeGemm cuts, lowered): inner blocks accumulate in the
        // same order on both backends, so the far products agree bit for bit.
        using (LargeTensorSupport.Lowered(typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.LargeGemm")!, "PieceElements", 8))
        {
            Tensor hostA = LargeTensorSupport.Far(a), hostB = LargeTensorSupport.Far(b);
            Same(hostA.MatMul(hostB), fa.MatMul(fb), "matmul in blocks");
            Same(hostA.T().MatMul(hostA), fa.T().MatMul(fa), "matmul in blocks, transposed operand");
        }
        GC.KeepAlive(ga);
        GC.KeepAlive(gb);
    }

    [TestMethod]
    public void RealTensor_PastInt32_OnTheDevice()
    {
        // Each kernel over 2^31 elements takes the host emulator about a minute on 2 cores; a real GPU, milliseconds.
        if (Environment.GetEnvironmentVariable("BRIDGE_LARGE_TESTS") != "1")
            Assert.Inconclusive("minutes in the emulator: BRIDGE_LARGE_TESTS=1 runs it (the 64-bit paths are checked on far views in seconds)");
        const long N = LargeTensorSupport.N;
        using var x = Torch.Zeros([N], DType.UInt8, device: Gpu);   // a fill over 2^31 + 7 elements
        x[N - 2].Fill_(9);
        x[5].Fill_(4);
        Assert.AreEqual(N - 2, x.Argmax().Item<long>(), "argmax past 2^31");
        Assert.AreEqual(9.0, x.Max().Item());
        Assert.AreEqual(13L, x.Sum().Item<long>(), "integer sum in int64");
        // Strides past int: elements 2^31 apart, broadcast to 2-D (the kernels step in 64 bits).
        var spread = x[TensorIndex.Slice(0, N, 1L << 31)];
        CollectionAssert.AreEqual(new long[] { 1L << 31 }, spread.Stride());
        spread.Copy_(Torch.Tensor(new byte[] { 7, 8 }).Cuda());
        Assert.AreEqual(7.0, x[0].Item());
        Assert.AreEqual(8.0, x[1L << 31].Item());
        CollectionAssert.AreEqual(new byte[] { 7, 7, 7, 8, 8, 8 }, spread.Unsqueeze(1).Expand([2L, 3L]).Contiguous().Cpu().Reshape(-1).ToArray<byte>());
        CollectionAssert.AreEqual(new byte[] { 0, 9, 0 }, x.Narrow(0, N - 3, 3).Cpu().ToArray<byte>());
    }
}
