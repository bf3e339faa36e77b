namespace Bridge.Tests.Ops;

/// <summary>
/// The packed FMA matmul against products computed here in double (hand-computed values): every square size
/// 0..257 (all register-tile and block tails), odd shapes, transposed operands, both dtypes, 1 and 2 threads.
/// </summary>
[TestClass]
public sealed class GemmTests
{
    static double[,] Values(Tensor t)
    {
        var flat = t.ToDoubleArray();
        int r = (int)t.Size(0), c = (int)t.Size(1);
        var m = new double[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) m[i, j] = flat[i * c + j];
        return m;
    }

    /// <summary>Asserts a·b + bias within the FMA/ordering error bound (k+2)·ε·Σ|a||b| of the exact product.</summary>
    static void CheckProduct(Tensor a, Tensor b, Tensor product, Tensor? bias, string what)
    {
        var x = Values(a);
        var y = Values(b);
        var got = Values(product);
        double[] biasValues = bias?.ToDoubleArray() ?? [];
        int m = x.GetLength(0), k = x.GetLength(1), n = y.GetLength(1);
        double eps = a.DType == DType.Float32 ? 1.2e-7 : 2.3e-16;
        Assert.AreEqual(m, got.GetLength(0), what);
        Assert.AreEqual(n, got.GetLength(1), what);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double exact = bias is null ? 0 : biasValues[j], magnitude = Math.Abs(exact);
                for (int p = 0; p < k; p++)
                {
                    exact += x[i, p] * y[p, j];
                    magnitude += Math.Abs(x[i, p] * y[p, j]);
                }
                Assert.IsTrue(Math.Abs(got[i, j] - exact) <= (k + 2) * eps * magnitude + 1e-30,
                    $"{what}: C[{i},{j}] = {got[i, j]:R}, expected {exact:R}");
            }
    }

    [TestMethod]
    public void MatMul_EverySquareSize_MatchesExactProduct()
    {
        Torch.ManualSeed(1);
        for (int s = 0; s <= 257; s++)
        {
            var a = Torch.Rand([s, s], DType.Float32) - 0.5;
            var b = Torch.Rand([s, s], DType.Float32) - 0.5;
            CheckProduct(a, b, a.MatMul(b), null, $"{s}x{s}");
        }
    }

    [TestMethod]
    [DataRow(DType.Float32, 1)]
    [DataRow(DType.Float32, 2)]
    [DataRow(DType.Float64, 1)]
    [DataRow(DType.Float64, 2)]
    public void MatMul_OddShapesAndTransposes_MatchExactProduct(DType dtype, int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            Torch.ManualSeed(2);
            int[][] shapes = [[1, 300, 257], [97, 131, 65], [200, 7, 300], [33, 1000, 45], [300, 129, 5], [130, 260, 390], [64, 784, 256], [7, 3, 5]];
            foreach (var s in shapes)
            {
                int m = s[0], k = s[1], n = s[2];
                for (int layout = 0; layout < 4; layout++)
                {
                    bool ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                    var a = ta ? Torch.Randn([k, m], dtype).T() : Torch.Randn([m, k], dtype);
                    var b = tb ? Torch.Randn([n, k], dtype).T() : Torch.Randn([k, n], dtype);
                    CheckProduct(a, b, a.MatMul(b), null, $"{m}x{k}x{n} ta={ta} tb={tb}");
                }
                var bias = Torch.Randn([n], dtype);
                var x = Torch.Randn([m, k], dtype);
                var w = Torch.Randn([n, k], dtype);
                CheckProduct(x, w.T(), Tensor.Addmm(bias, x, w.T()), bias, $"addmm {m}x{k}x{n}");
            }
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    /// <summary>Runs <paramref name="body"/> at 1 and at 2 threads.</summary>
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
    public void MatMul_TileAndBlockTails_MatchExactProduct(DType dtype)
    {
        // Rows around the 6-row (AVX2) and 8-row (AVX-512) tiles, columns around the 32 (float32) / 16 (float64) wide
        // tile, k around the cache's k blocks (and k = 1); each product is above the reference-order threshold, so the
        // packed kernel runs. [9, 64, 96], [17, 128, 32] and [8, 200, 64] have a small B of whole panels, read in place;
        // [20, 1024, 40] a row-major A read in place at a 4 KiB row stride (one L1 set per tile).
        int[][] shapes = [[5, 200, 33], [6, 193, 32], [7, 385, 17], [11, 97, 65], [13, 129, 31], [200, 1, 200],
            [1, 4096, 64], [4096, 3, 7], [25, 1500, 47], [37, 700, 700], [9, 64, 96], [17, 128, 32], [8, 200, 64], [20, 1024, 40]];
        Torch.ManualSeed(4);
        AtOneAndTwoThreads(threads =>
        {
            foreach (var s in shapes)
            {
                int m = s[0], k = s[1], n = s[2];
                Assert.IsTrue((long)m * k * n >= 32 * 32 * 32, "shape must take the packed path");
                for (int layout = 0; layout < 4; layout++)
                {
                    bool ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                    var a = ta ? Torch.Randn([k, m], dtype).T() : Torch.Randn([m, k], dtype);
                    var b = tb ? Torch.Randn([n, k], dtype).T() : Torch.Randn([k, n], dtype);
                    CheckProduct(a, b, a.MatMul(b), null, $"{m}x{k}x{n} ta={ta} tb={tb} threads={threads}");
                }
            }
        });
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void MatMul_StridedAndOffsetViews_MatchExactProduct(DType dtype)
    {
        // Row strides of 1024, 2048 and 8195 elements: the in-place A block is cut to the rows the L2 holds
        // (4 KiB / 8 KiB apart) or A is packed (32 KiB apart); column-strided operands are packed.
        Torch.ManualSeed(5);
        AtOneAndTwoThreads(threads =>
        {
            foreach (int row in new[] { 1024, 2048, 8195 })
            {
                var baseA = Torch.Randn([300, row], dtype);
                var baseB = Torch.Randn([400, 265], dtype);
                var a = baseA.Slice(0, 10, null).Slice(1, 5, 205);
                var b = baseB.Slice(0, 3, 203).Slice(1, 1, null, 2);
                CheckProduct(a, b, a.MatMul(b), null, $"offset views, row {row}, threads={threads}");
                var strided = baseA.Slice(1, 0, 600, 3);
                CheckProduct(strided, b, strided.MatMul(b), null, $"column stride 3, row {row}, threads={threads}");
            }
        });
    }

    [TestMethod]
    public void MatMul_Accumulating_AddsToTheOutput()
    {
        // addmm with β = 1 accumulates into C across every k block, including the tile tails kept in scratch.
        Torch.ManualSeed(6);
        var c = Torch.Randn([61, 77], DType.Float64);
        var a = Torch.Randn([61, 500], DType.Float64);
        var b = Torch.Randn([500, 77], DType.Float64);
        CheckProduct(a, b, Tensor.Addmm(Torch.Zeros([77], DType.Float64), a, b), null, "addmm, zero bias");
        var expected = c.ToDoubleArray();
        var product = a.MatMul(b).ToDoubleArray();
        var got = Tensor.Addmm(c, a, b).ToDoubleArray();
        for (int i = 0; i < got.Length; i++)
            Assert.AreEqual(expected[i] + product[i], got[i], 1e-9 * (1 + Math.Abs(expected[i] + product[i])), $"element {i}");
    }

    /// <summary>The internal cache reader, through reflection (the engine's internals are not visible to tests).</summary>
    static readonly Type Caches = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.CpuCaches", throwOnError: true)!;

    static object? CallCaches(string method, params object[] args) =>
        Caches.GetMethod(method, System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!
            .Invoke(null, args);

    static (long L1, long L2, long L3, string Source) Fields(object sizes)
    {
        var t = sizes.GetType();
        object Get(string name) => t.GetProperty(name)!.GetValue(sizes)!;
        return ((long)Get("L1Data"), (long)Get("L2"), (long)Get("L3"), (string)Get("Source"));
    }

    [TestMethod]
    public void CpuCaches_ReadsSysfsSizesAndFallsBack()
    {
        Assert.AreEqual(48L << 10, CallCaches("ParseSize", "48K"));
        Assert.AreEqual(32L << 20, CallCaches("ParseSize", "32M"));
        Assert.AreEqual(4096L, CallCaches("ParseSize", "4096"));
        Assert.AreEqual(0L, CallCaches("ParseSize", "garbage"));
        var dir = Directory.CreateTempSubdirectory("bridge-caches");
        try
        {
            void Index(int i, int level, string type, string size)
            {
                var d = Directory.CreateDirectory(Path.Combine(dir.FullName, $"index{i}"));
                File.WriteAllText(Path.Combine(d.FullName, "level"), $"{level}\n");
                File.WriteAllText(Path.Combine(d.FullName, "type"), $"{type}\n");
                File.WriteAllText(Path.Combine(d.FullName, "size"), $"{size}\n");
            }
            Index(0, 1, "Data", "48K");
            Index(1, 1, "Instruction", "32K");
            Index(2, 2, "Unified", "2048K");
            Index(3, 3, "Unified", "300M");
            Assert.AreEqual((48L << 10, 2L << 20, 300L << 20, "sysfs"), Fields(CallCaches("FromSysfs", dir.FullName)!));
            Assert.IsNull(CallCaches("FromSysfs", Path.Combine(dir.FullName, "absent")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        var current = Fields(Caches.GetProperty("Current")!.GetValue(null)!);
        Assert.IsTrue(current.L1 >= 8 << 10 && current.L2 > current.L1 && current.L3 >= current.L2 / 2, current.ToString());
    }

    [TestMethod]
    public void MatMul_LargeProductGradients_MatchExactProducts()
    {
        Torch.ManualSeed(3);
        var a = Torch.Randn([70, 90], DType.Float64).RequiresGrad_();
        var b = Torch.Randn([90, 110], DType.Float64).RequiresGrad_();
        var g = Torch.Randn([70, 110], DType.Float64);
        a.MatMul(b).Backward(g);
        CheckProduct(g, b.Detach().T(), a.Grad!, null, "∂a = g·bᵀ");
        CheckProduct(a.Detach().T(), g, b.Grad!, null, "∂b = aᵀ·g");
    }
}
