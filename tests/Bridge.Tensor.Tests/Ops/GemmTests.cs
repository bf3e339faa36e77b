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
