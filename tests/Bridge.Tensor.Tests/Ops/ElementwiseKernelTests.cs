namespace Bridge.Tests.Ops;

/// <summary>
/// The vectorised, multi-threaded and layout-specialised elementwise paths against values computed here
/// element by element: every length 0..257 (all vector tails), lengths past the threading thresholds,
/// transposed, broadcast and strided operands, both dtypes.
/// </summary>
[TestClass]
public sealed class ElementwiseKernelTests
{
    static readonly int[] Lengths = [.. Enumerable.Range(0, 258), 1000, 20_000, 300_000];

    static double[] Inputs(int n, int seed)
    {
        var r = new System.Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (r.NextDouble() - 0.5) * 40;
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, -100, 100, -88.5, 89, 1e-8, -0.6, 0.62, 0.63];
        for (int i = 0; i < n && i < special.Length; i++) v[(i * 7919) % n] = special[i];
        return v;
    }

    static Tensor Make(double[] values, DType dtype) => Torch.Tensor(values, dtype);

    static void CheckUnary(string name, Func<Tensor, Tensor> op, Func<double, double> exact, DType dtype)
    {
        double ulp = dtype == DType.Float32 ? 1.2e-7 : 2.3e-16;
        foreach (int n in Lengths)
        {
            var x = Inputs(n, n);
            var got = op(Make(x, dtype)).ToDoubleArray();
            for (int i = 0; i < n; i++)
            {
                double xi = dtype == DType.Float32 ? (float)x[i] : x[i];
                double e = exact(xi);
                if (dtype == DType.Float32) e = (float)e;
                if (double.IsNaN(e) || double.IsInfinity(e)) { Assert.AreEqual(e, got[i], $"{name}({xi}) n={n}"); continue; }
                double tol = 4 * ulp * Math.Abs(e) + (dtype == DType.Float32 ? 1e-44 : 1e-320);
                Assert.IsTrue(Math.Abs(got[i] - e) <= tol, $"{name}({xi:R}) n={n} {dtype}: got {got[i]:R}, expected {e:R}");
            }
        }
    }

    [TestMethod]
    [DataRow(DType.Float32, 1)]
    [DataRow(DType.Float32, 2)]
    [DataRow(DType.Float64, 2)]
    public void Transcendental_AllLengthsAndSpecials_WithinFourUlp(DType dtype, int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            CheckUnary("exp", t => t.Exp(), Math.Exp, dtype);
            // e^-x rounds to the dtype first (float sigmoid(-100) is 0 in torch too: e^100 overflows).
            double Sigmoid(double v) => 1 / (1 + (dtype == DType.Float32 ? (float)Math.Exp(-v) : Math.Exp(-v)));
            CheckUnary("sigmoid", t => t.Sigmoid(), Sigmoid, dtype);
            CheckUnary("tanh", t => t.Tanh(), Math.Tanh, dtype);
            CheckUnary("sigmoid_", t => t.Clone().Sigmoid_(), Sigmoid, dtype);
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    [TestMethod]
    [DataRow(DType.Float32, 1)]
    [DataRow(DType.Float32, 2)]
    [DataRow(DType.Float64, 1)]
    [DataRow(DType.Float64, 2)]
    public void Binary_AllLengths_Layouts_AndOut_MatchScalarArithmetic(DType dtype, int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            foreach (int n in Lengths)
            {
                var xa = Inputs(n, 1 + n);
                var xb = Inputs(n, 2 + n);
                var a = Make(xa, dtype);
                var b = Make(xb, dtype);
                double R(double v) => dtype == DType.Float32 ? (float)v : v;
                var sum = (a + b).ToDoubleArray();
                var prod = (a * b).ToDoubleArray();
                var o = Torch.Zeros([n], dtype);
                var diff = Torch.Sub(a, b, o).ToDoubleArray();
                var inPlace = a.Clone().Add_(b).ToDoubleArray();
                for (int i = 0; i < n; i++)
                {
                    double ai = R(xa[i]), bi = R(xb[i]);
                    Assert.AreEqual(R(ai + bi), sum[i], $"add n={n}");
                    Assert.AreEqual(R(ai * bi), prod[i], $"mul n={n}");
                    Assert.AreEqual(R(ai - bi), diff[i], $"sub out= n={n}");
                    Assert.AreEqual(R(ai + bi), inPlace[i], $"add_ n={n}");
                }
            }
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    [TestMethod]
    [DataRow(DType.Float32, 1)]
    [DataRow(DType.Float32, 2)]
    [DataRow(DType.Float64, 2)]
    public void Binary_OutputsBeyondTheCaches_StreamingStoresMatch(DType dtype, int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            const int n = 2_100_003;
            var xa = Inputs(n, 7);
            var xb = Inputs(n, 8);
            var a = Make(xa, dtype);
            var b = Make(xb, dtype);
            double R(double v) => dtype == DType.Float32 ? (float)v : v;
            var fresh = (a * b).ToDoubleArray();
            var o = Torch.Zeros([n], dtype);
            var into = Torch.Add(a, b, o).ToDoubleArray();
            // A destination at an odd offset (unaligned for streaming stores) and an in-place one (aliasing).
            var shifted = Torch.Zeros([n + 1], dtype).Narrow(0, 1, n);
            var unaligned = Torch.Sub(a, b, shifted).ToDoubleArray();
            var inPlace = a.Clone().Add_(b).ToDoubleArray();
            // Broadcast rows into a large result stream row by row.
            var rows = a.Narrow(0, 0, 525 * 4000).View(525, 4000);
            var row = b.Narrow(0, 0, 4000);
            var bcast = (rows + row).ToDoubleArray();
            for (int i = 0; i < 525 * 4000; i++)
                Assert.AreEqual(R(R(xa[i]) + R(xb[i % 4000])), bcast[i], $"row broadcast [{i}]");
            for (int i = 0; i < n; i++)
            {
                double ai = R(xa[i]), bi = R(xb[i]);
                Assert.AreEqual(R(ai * bi), fresh[i], $"mul [{i}]");
                Assert.AreEqual(R(ai + bi), into[i], $"add out= [{i}]");
                Assert.AreEqual(R(ai - bi), unaligned[i], $"sub out= unaligned [{i}]");
                Assert.AreEqual(R(ai + bi), inPlace[i], $"add_ [{i}]");
            }
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    [TestMethod]
    public void Binary_TransposedBroadcastAndStrided_MatchScalarArithmetic()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var (r, c) in new[] { (1, 1), (3, 5), (17, 33), (64, 257), (513, 300) })
            {
                Torch.ManualSeed(5);
                var a = Torch.Randn([c, r], dtype);
                var b = Torch.Randn([c, r], dtype);
                var row = Torch.Randn([r], dtype);
                var at = a.T();
                var bt = b.T();
                var sum = at + bt;
                // Operands transposed alike give a result in their layout, as torch does.
                if (r > 1 && c > 1) CollectionAssert.AreEqual(new long[] { 1, r }, sum.Stride());
                var strided = at + b.T().Contiguous();
                var bcast = at * row.Unsqueeze(1);
                var scalar = at - 2.5;
                var va = at.ToDoubleArray();
                var vb = bt.ToDoubleArray();
                var vr = row.ToDoubleArray();
                double R(double v) => dtype == DType.Float32 ? (float)v : v;
                var s = sum.ToDoubleArray();
                var st = strided.ToDoubleArray();
                var bc = bcast.ToDoubleArray();
                var sc = scalar.ToDoubleArray();
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < c; j++)
                    {
                        int k = i * c + j;
                        Assert.AreEqual(R(va[k] + vb[k]), s[k]);
                        Assert.AreEqual(R(va[k] + vb[k]), st[k]);
                        Assert.AreEqual(R(va[k] * vr[i]), bc[k]);
                        Assert.AreEqual(R(va[k] - 2.5), sc[k]);
                    }
            }
    }

    [TestMethod]
    public void Relu_AllLengths_MatchesTorchClampMin()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (int n in Lengths)
            {
                var x = Inputs(n, 3 + n);
                var got = Make(x, dtype).Relu().ToDoubleArray();
                for (int i = 0; i < n; i++)
                {
                    double xi = dtype == DType.Float32 ? (float)x[i] : x[i];
                    double e = xi < 0 ? 0.0 : xi;
                    Assert.AreEqual(e, got[i], $"relu({xi}) n={n}");
                    // torch.relu(-0.0) is -0.0 (clamp_min keeps it), so the sign of zero must follow the input's.
                    if (e == 0) Assert.AreEqual(double.IsNegative(e), double.IsNegative(got[i]), $"sign of relu({xi}) n={n}");
                }
            }
    }

    [TestMethod]
    public void UnaryBackward_FusedKernels_MatchComposedFormulas()
    {
        Torch.ManualSeed(6);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = (Torch.Randn([300], dtype) * 3.0).RequiresGrad_();
            var g = Torch.Randn([300], dtype);
            foreach (var (f, d) in new (Func<Tensor, Tensor>, Func<Tensor, Tensor, Tensor>)[]
            {
                (t => t.Sigmoid(), (y, gg) => gg * (1.0 - y) * y),
                (t => t.Tanh(), (y, gg) => gg * (1.0 - y * y)),
                (t => t.Relu(), (y, gg) => Torch.Where(y <= 0.0, Torch.ZerosLike(gg), gg)),
            })
            {
                x.Grad = null;
                var y = f(x);
                y.Backward(g);
                CollectionAssert.AreEqual(d(y.Detach(), g).ToDoubleArray(), x.Grad!.ToDoubleArray());
            }
        }
    }

    [TestMethod]
    public void Storage_ReusedLargeBlocks_AreZeroedForZerosAndIndependent()
    {
        const int n = 1 << 20;
        for (int round = 0; round < 4; round++)
        {
            var dirty = Torch.Full([n], 3.0);
            _ = dirty + dirty;
            dirty.Storage.Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var z = Torch.Zeros(n);
            Assert.AreEqual(0.0, z.Abs().Sum().Item(), "a reused block must be cleared for zeros");
            var a = Torch.Ones(n);
            var b = a + a;
            var c = a + b;
            Assert.AreEqual(2.0 * n, b.Sum().Item());
            Assert.AreEqual(3.0 * n, c.Sum().Item());
            Assert.AreEqual((double)n, a.Sum().Item(), "results must not share memory with live tensors");
        }
    }

    [TestMethod]
    public void Storage_SmallTensorsSurviveTheirSlabNeighbours()
    {
        var keep = new List<Tensor>();
        for (int i = 0; i < 5000; i++)
        {
            var t = Torch.Full([i % 7 + 1], i);
            if (i % 97 == 0) keep.Add(t);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < 10000; i++) _ = Torch.Ones(3) * 2.0;
        for (int k = 0; k < keep.Count; k++)
            CollectionAssert.AreEqual(Enumerable.Repeat((double)(k * 97), k * 97 % 7 + 1).ToArray(), keep[k].ToDoubleArray());
    }
}
