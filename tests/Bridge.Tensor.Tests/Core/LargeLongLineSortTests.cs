using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// sort/argsort/topk of a single line longer than a piece (Tensor.LinePiece) past 2^31 elements (issue 16): sorted
/// piece by piece and merged, on <see cref="LargeTensorSupport.Far"/> views with pieces of 5 elements, against one
/// pass over the small tensor (whose order, stable with NaN last ascending and first descending, the sort tests check
/// against torch): ties across pieces, NaNs, int64 values past 2^53, descending.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeLongLineSortTests : OnTheCpu
{
    static Tensor Line(DType dtype)
    {
        Torch.ManualSeed(26);
        var v = (Torch.Rand(23) * 4).Floor(); // few distinct values: ties everywhere
        if (dtype.IsFloatingPoint())
        {
            v = v.To(dtype);
            v[3] = Torch.Tensor(double.NaN, dtype);
            v[17] = Torch.Tensor(double.NaN, dtype);
            v[9] = Torch.Tensor(double.NegativeInfinity, dtype);
            return v;
        }
        if (dtype == DType.Int64) return v.To(DType.Int64) * 3 + (1L << 60); // distinct only past 2^53
        return v.To(dtype);
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    [DataRow(DType.Int64)]
    [DataRow(DType.UInt8)]
    [DataRow(DType.Float16)]
    public void SortAndTopkOfALongLine_MergedPieces_EqualOnePass(DType dtype)
    {
        using var small = Line(dtype);
        var far = Far(small);
        using var _ = SmallPieces(5);
        foreach (bool descending in new[] { false, true })
        {
            var (v, i) = small.Sort(0, descending);
            var (fv, fi) = far.Sort(0, descending);
            Same(v, fv, $"sort values, descending {descending}");
            Same(i, fi, $"sort indices, descending {descending}");
            Same(small.Argsort(0, descending), far.Argsort(0, descending), $"argsort, descending {descending}");
            foreach (int k in new[] { 1, 4, 7, 23 })
            {
                var (tv, ti) = small.Topk(k, 0, largest: descending);
                var (ftv, fti) = far.Topk(k, 0, largest: descending);
                Same(tv, ftv, $"topk {k} values, largest {descending}");
                Same(ti, fti, $"topk {k} indices, largest {descending}");
            }
        }
        var matrix = small[0..20].Reshape(2, 10).Contiguous();
        Same(matrix.Sort(1).Indices, Far(matrix).Sort(1).Indices, "lines of 10 in pieces of 5 on a far matrix");
    }
}
