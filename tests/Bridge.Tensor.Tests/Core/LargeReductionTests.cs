using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// Reductions along dims of tensors past 2^31 elements (issue 16). The piecewise path is checked on every dtype against
/// the one-pass path on the same values (a <see cref="LargeTensorSupport.Far"/> view, pieces of 7 elements, so lines
/// are cut, grouped and folded); real 2 GiB uint8 tensors check it at size, where the reduced dim or the number of
/// lines is past 2^31 or past a piece.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeReductionTests : OnTheCpu
{
    static Tensor Values(DType dtype, params int[] shape)
    {
        Torch.ManualSeed(16);
        // Small integers, so that float sums are exact in any order and maxima tie (the first index must win).
        var v = (Torch.Rand(shape) * 4).Floor();
        return dtype == DType.Bool ? v > 1.5 : dtype == DType.Int8 ? (v - 2).To(dtype) : v.To(dtype);
    }

    [TestMethod]
    [DataRow(DType.UInt8)]
    [DataRow(DType.Int8)]
    [DataRow(DType.Bool)]
    [DataRow(DType.Int64)]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    [DataRow(DType.Float16)]
    public void AlongEachDim_PiecewiseEqualsOnePass(DType dtype)
    {
        using var small = Values(dtype, 3, 5, 11);
        var far = Far(small);
        using var _ = SmallPieces(7);
        foreach (var (x, big, label) in new[] { (small, far, "contiguous"), (small.Transpose(0, 2), far.Transpose(0, 2), "transposed") })
            for (int d = -3; d < 3; d++)
                foreach (bool keep in new[] { false, true })
                {
                    string what = $"{dtype} {label} dim {d} keepDim {keep}";
                    Same(x.Sum(d, keep), big.Sum(d, keep), "sum " + what);
                    if (dtype.IsFloatingPoint()) Same(x.Mean(d, keep), big.Mean(d, keep), "mean " + what);
                    var (mv, mi) = x.Max(d, keep);
                    var (bv, bi) = big.Max(d, keep);
                    Same(mv, bv, "max values " + what);
                    Same(mi, bi, "max indices " + what);
                    (mv, mi) = x.Min(d, keep);
                    (bv, bi) = big.Min(d, keep);
                    Same(mv, bv, "min values " + what);
                    Same(mi, bi, "min indices " + what);
                    if (dtype != DType.Bool)
                    {
                        Same(x.Argmax(d, keep), big.Argmax(d, keep), "argmax " + what);
                        Same(x.Argmin(d, keep), big.Argmin(d, keep), "argmin " + what);
                    }
                    Same(x.Amax([d], keep), big.Amax([d], keep), "amax " + what);
                    Same(x.Amin([d], keep), big.Amin([d], keep), "amin " + what);
                    Same(x.Any([d], keep), big.Any([d], keep), "any " + what);
                    Same(x.All([d], keep), big.All([d], keep), "all " + what);
                }
        foreach (bool keep in new[] { false, true })
        {
            Same(small.Sum([0, 2], keep), far.Sum([0, 2], keep), $"sum over dims 0, 2 keepDim {keep}");
            Same(small.Amax([2, 0], keep), far.Amax([2, 0], keep), $"amax over dims 2, 0 keepDim {keep}");
            Same(small.Any([0, 1, 2], keep), far.Any([0, 1, 2], keep), $"any over all dims keepDim {keep}");
        }
    }

    [TestMethod]
    public void MaxAlongDim_NaNWinsAndFirstTieWins_AcrossPieces()
    {
        using var small = Torch.Tensor(new double[] { 1, 5, 2, 5, 0, 5, 3, double.NaN, 4, double.NaN, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 }).Reshape(2, 10);
        var far = Far(small);
        using var _ = SmallPieces(3);
        var (v, i) = far.Max(1);
        CollectionAssert.AreEqual(new[] { double.NaN, 7 }, v.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 7, 0 }, i.ToArray<long>());
        (v, i) = far.Min(1);
        CollectionAssert.AreEqual(new[] { double.NaN, 7 }, v.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 7, 0 }, i.ToArray<long>());
        CollectionAssert.AreEqual(new long[] { 1, 0 }, far.Narrow(1, 0, 7).Argmax(1).ToArray<long>(), "first of the tied 5s, in the first piece");
    }

    [TestMethod]
    public void SumAndMeanAlongDim_RecordTheirGradients_MaxRefusesWhileRecording()
    {
        using var small = Torch.Tensor(new double[] { 1, 2, 3, 4, 5, 6 }).Reshape(2, 3);
        var far = Far(small).RequiresGrad_();
        using var _ = SmallPieces(2);
        (far.Sum(1) * Torch.Tensor(new double[] { 1, 10 })).Sum().Backward();
        CollectionAssert.AreEqual(new double[] { 1, 1, 1, 10, 10, 10 }, far.Grad!.ToDoubleArray());
        far.Grad = null;
        far.Mean(0).Sum().Backward();
        CollectionAssert.AreEqual(new double[] { 0.5, 0.5, 0.5, 0.5, 0.5, 0.5 }, far.Grad!.ToDoubleArray());
        var e = Assert.ThrowsExactly<TensorTooLargeException>(() => far.Max(1));
        StringAssert.Contains(e.Message, "max along a dim does not record a gradient for tensors of more than 2147483647 elements");
        using (Torch.NoGrad()) CollectionAssert.AreEqual(new double[] { 3, 6 }, far.Max(1).Values.ToDoubleArray());
    }

    [TestMethod]
    public void MeanOfIntegers_RefusesLikeTorch()
    {
        using var small = Torch.Zeros([2, 3], DType.UInt8);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Far(small).Mean(1));
        StringAssert.Contains(e.Message, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Byte");
    }

    // ----- real tensors past 2^31 elements: 2 GiB of uint8 each -----

    const long Lines = (1L << 25) + 1, Width = 64, M = Lines * Width;   // 2^31 + 64 elements

    [TestMethod]
    public void LongReducedDim_PastInt32()
    {
        LargeTensorSupport.RealSize();
        using var x = Torch.Zeros([M], DType.UInt8);
        x[5].Fill_(4);
        x[M - 2].Fill_(9);
        x[M - 1].Fill_(9);
        Assert.AreEqual(22L, x.Sum(0).Item<long>(), "one line past 2^31, folded from pieces");
        // Two rows of 2^30 + 32: each row one long line; the index is the winning piece's start plus its own.
        var (v, i) = x.View(2, M / 2).Max(1, keepDim: true);
        CollectionAssert.AreEqual(new long[] { 2, 1 }, v.Shape.ToArray());
        CollectionAssert.AreEqual(new byte[] { 4, 9 }, v.ToArray<byte>());
        CollectionAssert.AreEqual(new long[] { 5, M / 2 - 2 }, i.ToArray<long>(), "the first of two maxima");
    }

    [TestMethod]
    public void ManyLines_AndLinesAcrossTheLargeDim_PastInt32()
    {
        LargeTensorSupport.RealSize();
        using var x = Torch.Zeros([Lines, Width], DType.UInt8);
        x[Lines - 1, 63].Fill_(200);
        x[Lines - 1, 3].Fill_(7);
        x[1, 0].Fill_(1);
        // The short dim: 2^25 + 1 sums, computed in groups of whole lines.
        var sums = x.Sum(1);
        CollectionAssert.AreEqual(new long[] { Lines }, sums.Shape.ToArray());
        Assert.AreEqual(207L, sums[Lines - 1].Item<long>());
        Assert.AreEqual(1L, sums[1].Item<long>());
        Assert.AreEqual(208L, sums.Sum().Item<long>());
        // The long dim: 64 lines of 2^25 + 1 elements, each 64 apart in memory (a reach of 2^31).
        var (v, i) = x.Max(0);
        CollectionAssert.AreEqual(new long[] { Width }, v.Shape.ToArray());
        Assert.AreEqual(200.0, v[63].Item());
        Assert.AreEqual(Lines - 1, i[63].Item<long>());
        Assert.AreEqual(7.0, v[3].Item());
        Assert.AreEqual(1.0, v[0].Item());
        Assert.AreEqual(1L, i[0].Item<long>());
        Assert.AreEqual(0L, i[1].Item<long>());
    }
}
