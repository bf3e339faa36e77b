namespace Bridge.Tests.Ops;

/// <summary>
/// bmm writes each batch's product straight into one result (Backend.BatchedGemm, small batches on separate threads):
/// every batch must equal mm of that batch bit for bit (the same product, so torch's agreement carries over),
/// whatever the thread count, layout, dtype or size, and the gradients must still match finite differences.
/// </summary>
[TestClass]
public sealed class BatchedGemmTests
{
    static void AssertSameAsMm(Tensor a, Tensor b, string what)
    {
        var product = a.Bmm(b);
        CollectionAssert.AreEqual(new long[] { a.Size(0), a.Size(1), b.Size(2) }, new long[] { product.Size(0), product.Size(1), product.Size(2) }, what);
        for (int i = 0; i < a.Size(0); i++)
        {
            var expected = a.Select(0, i).Mm(b.Select(0, i)).ToDoubleArray();
            CollectionAssert.AreEqual(expected, product.Select(0, i).ToDoubleArray(), $"{what}, batch {i}");
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void EachBatchIsItsMm(int threads)
    {
        int saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            Torch.ManualSeed(1);
            // Below the reference-order size, packed but one thread each (the attention shapes), and above the split size.
            foreach (var (batches, n, k, p) in new[] { (5, 3, 4, 7), (64, 64, 32, 64), (7, 64, 64, 33), (3, 200, 170, 180) })
                foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                {
                    var a = Torch.Randn([batches, n, k], dtype);
                    var b = Torch.Randn([batches, k, p], dtype);
                    AssertSameAsMm(a, b, $"{dtype} [{batches},{n},{k}]x[{batches},{k},{p}] threads {threads}");
                    // Transposed operands (bmm's backward reads them in place).
                    var at = Torch.Randn([batches, k, n], dtype).Transpose(1, 2);
                    var bt = Torch.Randn([batches, p, k], dtype).Transpose(1, 2);
                    AssertSameAsMm(at, bt, $"{dtype} transposed, threads {threads}");
                }
        }
        finally { Torch.SetNumThreads(saved); }
    }

    [TestMethod]
    public void EdgeShapesAndDTypes()
    {
        Torch.ManualSeed(2);
        var empty = Torch.Randn(0, 3, 4).Bmm(Torch.Randn(0, 4, 5));
        CollectionAssert.AreEqual(new long[] { 0, 3, 5 }, new long[] { empty.Size(0), empty.Size(1), empty.Size(2) });
        var zeroK = Torch.Randn(2, 3, 0).Bmm(Torch.Randn(2, 0, 5));
        CollectionAssert.AreEqual(new double[30], zeroK.ToDoubleArray(), "k = 0 gives zeros");
        var a = Torch.Randn([4, 40, 40], DType.BFloat16);
        var b = Torch.Randn([4, 40, 40], DType.BFloat16);
        AssertSameAsMm(a, b, "bfloat16");
        var ints = Torch.Randint(-5, 5, [3, 4, 6]);
        AssertSameAsMm(ints, Torch.Randint(-5, 5, [3, 6, 2]), "int64");
    }

    [TestMethod]
    public void MismatchedDTypesStillRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Torch.Randn(2, 3, 4).Bmm(Torch.Randn([2, 4, 5], DType.Float64)));
    }

    [TestMethod]
    public void GradientsMatchFiniteDifferences()
    {
        Torch.ManualSeed(3);
        var a = Torch.Randn([6, 5, 4], DType.Float64).RequiresGrad_();
        var b = Torch.Randn([6, 4, 3], DType.Float64).RequiresGrad_();
        Assert.IsNull(Bridge.Autograd.GradCheck.Check(xs => xs[0].Bmm(xs[1]), [a, b]));
    }
}
