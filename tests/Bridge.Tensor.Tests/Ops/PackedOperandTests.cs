using System.Reflection;
using Bridge.Nn;

namespace Bridge.Tests.Ops;

/// <summary>
/// The caller-packed GEMM operand (internal <c>PackedOperand</c>, reached by reflection: the engine's internals are not
/// visible to tests) and its users against the per-call GEMM they replace, bit for bit: many shapes around the
/// register tile, the k blocks and the reference-order threshold, row-major and transposed B, accumulate or not,
/// both float dtypes, 1 and 2 threads; the refusals of a mismatched use; convolution's packed columns against its
/// im2col + GEMM path (groups, stride, dilation, padding); the fused LSTM/GRU layers against their cells step by step.
/// </summary>
[TestClass]
[DoNotParallelize] // flips the convolution's packing switch and the thread count
public sealed class PackedOperandTests : OnTheCpu
{
    static readonly Assembly Engine = typeof(Tensor).Assembly;
    static readonly Type Packed = Engine.GetType("Bridge.Backends.Cpu.PackedOperand", throwOnError: true)!;
    static readonly Type Backend = Engine.GetType("Bridge.Backends.Backend", throwOnError: true)!;
    const BindingFlags Any = BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    static object Call(object? target, Type type, string method, params object?[] args)
    {
        try
        {
            return type.GetMethods(Any).Single(m => m.Name == method && !m.IsGenericMethodDefinition && m.GetParameters().Length == args.Length)
                .Invoke(target, args)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    sealed class Operand(Tensor b) : IDisposable
    {
        readonly object _packed = Call(null, Packed, "PackB", b);
        public void Multiply(Tensor a, Tensor c, bool accumulate) => Call(_packed, Packed, "Multiply", a, c, accumulate);
        public Tensor Addmm(Tensor? bias, Tensor a) => (Tensor)Call(_packed, Packed, "Addmm", bias, a);
        public bool IsPacked => (bool)Packed.GetProperty("IsPacked")!.GetValue(_packed)!;
        public void Dispose() => ((IDisposable)_packed).Dispose();
    }

    /// <summary>The per-call GEMM every user called before: Backend.Gemm(a, b, c, accumulate).</summary>
    static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate) => Call(null, Backend, "Gemm", a, b, c, accumulate);

    static void AssertBitIdentical(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), what);
        var e = expected.ToDoubleArray();
        var g = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
            if (BitConverter.DoubleToInt64Bits(e[i]) != BitConverter.DoubleToInt64Bits(g[i]))
                Assert.Fail($"{what}: element {i} is {g[i]:R}, the per-call GEMM gives {e[i]:R}");
    }

    static void AtOneAndTwoThreads(Action<int> body)
    {
        int saved = Torch.GetNumThreads();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Torch.SetNumThreads(threads);
                body(threads);
            }
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void Multiply_ManyShapesAndLayouts_BitIdenticalToPerCallGemm(DType dtype)
    {
        // (k, n) of B, then the row counts multiplied against it: around the 8/6-row tile, the 32/16-wide panel, the k
        // blocks (k up to 1100 spans 3 blocks of KC = 512 or more of smaller ones), and products below the 32³ threshold
        // (reference order) next to ones above it on the same operand.
        int[][] operands = [[256, 1024], [64, 1024], [1024, 256], [33, 65], [300, 97], [1100, 40], [7, 5], [1, 300], [129, 31], [512, 64], [64, 128]];
        int[] rows = [1, 3, 8, 9, 17, 32, 64, 100];
        Torch.ManualSeed(11);
        AtOneAndTwoThreads(threads =>
        {
            foreach (var s in operands)
            {
                int k = s[0], n = s[1];
                foreach (bool transposed in new[] { false, true })
                {
                    var b = transposed ? Torch.Randn([n, k], dtype).T() : Torch.Randn([k, n], dtype);
                    using var packed = new Operand(b);
                    foreach (int m in rows)
                        foreach (bool accumulate in new[] { false, true })
                        {
                            var a = m % 2 == 1 ? Torch.Randn([k, m], dtype).T() : Torch.Randn([m, k], dtype);
                            var start = Torch.Randn([m, n], dtype);
                            var expected = start.Clone();
                            var actual = start.Clone();
                            Gemm(a, b, expected, accumulate);
                            packed.Multiply(a, actual, accumulate);
                            AssertBitIdentical(expected, actual, $"{dtype} {m}x{k}x{n} B transposed={transposed} accumulate={accumulate} threads={threads}");
                        }
                }
            }
        });
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void Addmm_BitIdenticalToLinearAndMatMul(DType dtype)
    {
        Torch.ManualSeed(12);
        foreach (var (m, k, n) in new[] { (32, 256, 1024), (5, 64, 96), (2, 3, 4), (17, 100, 33) })
        {
            var w = Torch.Randn([n, k], dtype);
            var bias = Torch.Randn([n], dtype);
            var x = Torch.Randn([m, k], dtype);
            using (var packed = new Operand(w.T()))
            {
                AssertBitIdentical(Functional.Linear(x, w, bias), packed.Addmm(bias, x), $"linear {m}x{k}x{n}");
                AssertBitIdentical(Functional.Linear(x, w), packed.Addmm(null, x), $"linear without bias {m}x{k}x{n}");
            }
            // A row-major B with a bias: the bias is the accumulation's starting value, as Tensor.Addmm does.
            var b = Torch.Randn([k, n], dtype);
            using (var packed = new Operand(b))
            {
                AssertBitIdentical(Tensor.Addmm(bias, x, b), packed.Addmm(bias, x), $"addmm {m}x{k}x{n}");
                AssertBitIdentical(x.MatMul(b), packed.Addmm(null, x), $"matmul {m}x{k}x{n}");
            }
        }
    }

    [TestMethod]
    public void Multiply_PacksOnlyWhenTheProductTakesThePackedKernel()
    {
        var b = Torch.Randn([16, 16]);
        using var packed = new Operand(b);
        var a = Torch.Randn([4, 16]);
        var c = Torch.Zeros([4, 16]);
        packed.Multiply(a, c, accumulate: false); // 4·16·16 multiply-adds: reference order, nothing to pack
        Assert.IsFalse(packed.IsPacked);
        AssertBitIdentical(a.MatMul(b), c, "reference-order product");
        var big = Torch.Randn([256, 16]);
        var result = Torch.Zeros([256, 16]);
        packed.Multiply(big, result, accumulate: false);
        Assert.IsTrue(packed.IsPacked);
        AssertBitIdentical(big.MatMul(b), result, "packed product");
    }

    [TestMethod]
    public void Multiply_MismatchedUse_ThrowsNamingWhatWasPacked()
    {
        var b = Torch.Randn([64, 128]);
        using var packed = new Operand(b);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(Torch.Randn([8, 64], DType.Float64), Torch.Zeros([8, 128]), false));
        Assert.IsTrue(ex.Message.Contains("float32 [64 x 128]", StringComparison.Ordinal), ex.Message);
        Assert.IsTrue(ex.Message.Contains("float64", StringComparison.Ordinal), ex.Message);
        ex = Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(Torch.Randn([8, 63]), Torch.Zeros([8, 128]), false));
        Assert.IsTrue(ex.Message.Contains("64 columns", StringComparison.Ordinal), ex.Message);
        ex = Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(Torch.Randn([8, 64]), Torch.Zeros([8, 127]), false));
        Assert.IsTrue(ex.Message.Contains("[8, 128]", StringComparison.Ordinal), ex.Message);
        ex = Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(Torch.Randn([8, 64]), Torch.Zeros([128, 8]).T(), false));
        Assert.IsTrue(ex.Message.Contains("not contiguous", StringComparison.Ordinal), ex.Message);
        Assert.ThrowsExactly<ArgumentException>(() => new Operand(Torch.Randn([64])));
        // The source changed in place after packing: the panels would be stale.
        packed.Multiply(Torch.Randn([64, 64]), Torch.Zeros([64, 128]), false);
        b.Add_(1.0);
        var stale = Assert.ThrowsExactly<InvalidOperationException>(() => packed.Multiply(Torch.Randn([64, 64]), Torch.Zeros([64, 128]), false));
        Assert.IsTrue(stale.Message.Contains("modified in place", StringComparison.Ordinal), stale.Message);
        packed.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => packed.Multiply(Torch.Randn([8, 64]), Torch.Zeros([8, 128]), false));
    }

    static readonly FieldInfo[] ConvPaths = new[] { "Forward", "Weight", "Input" }
        .Select(name => Engine.GetType("Bridge.Backends.Cpu.ConvPacking", throwOnError: true)!.GetField(name, Any)!).ToArray();

    /// <summary>conv2d forward and backward with every sliced/packed path on, then all off (im2col + GEMM), bit for bit.</summary>
    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void Conv2d_PackedColumns_BitIdenticalToIm2ColGemm(DType dtype)
    {
        // (N, C, H, W, OC, KH, KW, stride, padding, dilation, groups): LeNet's and the benchmark's shapes, odd sizes that
        // leave partial panels and k blocks, strides, dilation, padding, groups, a 1×1 window and one below the
        // reference-order threshold.
        (int N, int C, int H, int W, int OC, int KH, int KW, int S, int P, int D, int G)[] cases =
        [
            (64, 1, 28, 28, 6, 5, 5, 1, 0, 1, 1), (64, 6, 14, 14, 16, 5, 5, 1, 0, 1, 1), (4, 32, 26, 26, 64, 3, 3, 1, 0, 1, 1),
            (2, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1), (3, 5, 17, 13, 7, 3, 2, 2, 1, 1, 1), (2, 6, 19, 23, 9, 3, 3, 1, 2, 2, 3),
            (5, 4, 11, 9, 8, 2, 3, 3, 0, 1, 2), (2, 70, 9, 9, 33, 3, 3, 1, 1, 1, 1), (3, 16, 12, 12, 24, 1, 1, 1, 0, 1, 4),
            (1, 2, 5, 5, 3, 3, 3, 1, 0, 1, 1), (7, 3, 40, 3, 5, 5, 1, 1, 2, 1, 1), (2, 3, 8, 8, 4, 3, 3, 2, 3, 3, 1),
        ];
        Torch.ManualSeed(13);
        AtOneAndTwoThreads(threads =>
        {
            foreach (var s in cases)
            {
                var x = Torch.Randn([s.N, s.C, s.H, s.W], dtype);
                var w = Torch.Randn([s.OC, s.C / s.G, s.KH, s.KW], dtype);
                var bias = Torch.Randn([s.OC], dtype);
                var (y1, gx1, gw1) = Run(x, w, bias, s.S, s.P, s.D, s.G, packed: true);
                var (y0, gx0, gw0) = Run(x, w, bias, s.S, s.P, s.D, s.G, packed: false);
                string what = $"{dtype} {s} threads={threads}";
                AssertBitIdentical(y0, y1, "forward " + what);
                AssertBitIdentical(gx0, gx1, "input gradient " + what);
                AssertBitIdentical(gw0, gw1, "weight gradient " + what);
            }
        });
    }

    static (Tensor Y, Tensor Gx, Tensor Gw) Run(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups, bool packed)
    {
        var saved = ConvPaths.Select(f => (bool)f.GetValue(null)!).ToArray();
        foreach (var f in ConvPaths) f.SetValue(null, packed);
        try
        {
            var xi = x.Detach().RequiresGrad_();
            var wi = w.Detach().RequiresGrad_();
            var y = Functional.Conv2d(xi, wi, bias, [stride], [padding], [dilation], groups);
            // A gradient that weights every output differently, so each column's contribution shows.
            y.Backward(Torch.Arange(0, y.Numel(), dtype: y.DType).Reshape(y.Shape.ToArray()).Sin());
            return (y.Detach(), xi.Grad!, wi.Grad!);
        }
        finally
        {
            for (int i = 0; i < ConvPaths.Length; i++) ConvPaths[i].SetValue(null, saved[i]);
        }
    }

    /// <summary>
    /// The fused LSTM/GRU layer (W_hhᵀ packed once for all steps) against its cell run step by step (a per-call GEMM each
    /// step): the same products and gate kernels, so the outputs agree bit for bit.
    /// </summary>
    [TestMethod]
    [DataRow(DType.Float32, 64, 256, 32)]
    [DataRow(DType.Float64, 64, 256, 32)]
    [DataRow(DType.Float32, 5, 7, 3)]
    [DataRow(DType.Float32, 20, 48, 16)] // input projections of both sides above the reference-order threshold (a 9-row one is below it for GRU)
    public void RecurrentLayers_PackedHiddenWeight_BitIdenticalToCellsStepByStep(DType dtype, int input, int hidden, int batch)
    {
        const int steps = 6;
        Torch.ManualSeed(14);
        var x = Torch.Randn([batch, steps, input], dtype);
        var lstm = new LSTM(input, hidden, batchFirst: true, dtype: dtype);
        var cell = new LSTMCell(input, hidden, dtype: dtype);
        var gru = new GRU(input, hidden, batchFirst: true, dtype: dtype);
        var gruCell = new GRUCell(input, hidden, dtype: dtype);
        using (Torch.NoGrad())
        {
            var lp = lstm.Parameters().ToArray();
            var cp = cell.Parameters().ToArray();
            var gp = gru.Parameters().ToArray();
            var gcp = gruCell.Parameters().ToArray();
            for (int i = 0; i < 4; i++)
            {
                cp[i].Copy_(lp[i]);
                gcp[i].Copy_(gp[i]);
            }
        }
        var output = lstm.Forward(x, null).Output;
        var gruOutput = gru.Forward(x, null).Output;
        var h = Torch.Zeros([batch, hidden], dtype);
        var c = Torch.Zeros([batch, hidden], dtype);
        var g = Torch.Zeros([batch, hidden], dtype);
        for (int t = 0; t < steps; t++)
        {
            var xt = x.Select(1, t);
            (h, c) = cell.Forward(xt, (h, c));
            g = gruCell.Forward(xt, g);
            AssertBitIdentical(h, output.Select(1, t).Contiguous(), $"LSTM {dtype} step {t}");
            AssertBitIdentical(g, gruOutput.Select(1, t).Contiguous(), $"GRU {dtype} step {t}");
        }
    }

    /// <summary>
    /// Cells under no_grad keep their packed Wᵀ between calls: each call bit-identical to the Linear path (grad on), also
    /// after the weights change in place (the packed copy is rebuilt), for LSTMCell, GRUCell and RNNCell.
    /// </summary>
    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void Cells_KeptPackedWeights_BitIdenticalToLinearPath(DType dtype)
    {
        Torch.ManualSeed(15);
        const int batch = 32, input = 64, hidden = 256;
        var lstm = new LSTMCell(input, hidden, dtype: dtype);
        var gru = new GRUCell(input, hidden, dtype: dtype);
        var rnn = new RNNCell(input, hidden, dtype: dtype);
        var x = Torch.Randn([batch, input], dtype);
        var h = Torch.Randn([batch, hidden], dtype);
        var c = Torch.Randn([batch, hidden], dtype);
        for (int round = 0; round < 3; round++)
        {
            // Grad mode with parameters that require grad: Linear and the recorded cell (the reference path).
            var (h1, c1) = lstm.Forward(x, (h, c));
            var g1 = gru.Forward(x, h);
            var r1 = rnn.Forward(x, h);
            for (int call = 0; call < 2; call++)
                using (Torch.NoGrad())
                {
                    var (h2, c2) = lstm.Forward(x, (h, c));
                    AssertBitIdentical(h1, h2, $"LSTMCell h {dtype} round {round} call {call}");
                    AssertBitIdentical(c1, c2, $"LSTMCell c {dtype} round {round} call {call}");
                    AssertBitIdentical(g1, gru.Forward(x, h), $"GRUCell {dtype} round {round} call {call}");
                    AssertBitIdentical(r1, rnn.Forward(x, h), $"RNNCell {dtype} round {round} call {call}");
                }
            // An optimiser-like in-place update: the kept packed weights must not be reused.
            using (Torch.NoGrad())
                foreach (var p in lstm.Parameters().Concat(gru.Parameters()).Concat(rnn.Parameters()))
                    p.Add_(Torch.RandnLike(p) * 0.01);
        }
    }
}
