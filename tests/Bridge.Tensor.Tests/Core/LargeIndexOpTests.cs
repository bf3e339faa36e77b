using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// The index ops past 2^31 elements (issue 16): index_select, gather, scatter/scatter_add, masked_fill(_),
/// masked_select, where, nonzero, take, index_put_ (accumulating too), mask and integer-tensor indexing, index_add_
/// and index_copy_, each on <see cref="LargeTensorSupport.Far"/> views (source, index, mask or written tensor at a
/// storage offset past int.MaxValue: the 64-bit path) against the same op on the ordinary small tensor, forward and
/// backward; the chunked nonzero/masked_select with a lowered piece size; a real 2 GiB mask.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeIndexOpTests : OnTheCpu
{
    static Tensor Values(DType dtype = DType.Float32)
    {
        Torch.ManualSeed(16);
        var v = Torch.Rand(3, 4, 5) * 6 - 3;
        return dtype.IsFloatingPoint() ? v.To(dtype) : v.Round().To(dtype);
    }

    static Tensor Longs(params long[] values) => Torch.Tensor(values, DType.Int64);

    [TestMethod]
    public void IndexSelectGatherTake_FarSourceOrIndex_EqualTheSmallOp()
    {
        using var small = Values();
        var far = Far(small);
        var index = Longs(2, 0, 2, 1);
        var farIndex = Far(index.Clone());
        for (int d = 0; d < 3; d++)
        {
            var i = index.Clamp(0, small.Size(d) - 1);
            Same(small.IndexSelect(d, i), far.IndexSelect(d, i), $"index_select dim {d}, far source");
            Same(small.IndexSelect(d, i), small.IndexSelect(d, Far(i.Contiguous())), $"index_select dim {d}, far index");
        }
        var g = Torch.Tensor(new long[] { 0, 2, 1, 0, 2, 2 }, DType.Int64).Reshape(1, 2, 3);
        for (int d = 0; d < 3; d++)
        {
            Same(small.Gather(d, g), far.Gather(d, g), $"gather dim {d}, far source");
            Same(small.Gather(d, g), small.Gather(d, Far(g.Clone())), $"gather dim {d}, far index");
            Same(small.Gather(d, g), far.Transpose(0, 2).Transpose(0, 2).Gather(d, g), $"gather dim {d}, far strided view");
        }
        var t = Longs(59, -1, 0, 17);
        Same(small.Take(t), far.Take(t), "take, far source");
        Same(small.Take(index), small.Take(farIndex), "take, far index");
        Same(small.Transpose(0, 1).Take(t), far.Transpose(0, 1).Take(t), "take of a transposed far view");
    }

    [TestMethod]
    public void ScatterFamily_FarSelfSourceOrIndex_EqualTheSmallOp()
    {
        using var small = Values();
        var far = Far(small);
        var src = Torch.Arange(0, 6, 1, DType.Float32).Reshape(1, 2, 3);
        var g = Torch.Tensor(new long[] { 0, 2, 1, 0, 2, 2 }, DType.Int64).Reshape(1, 2, 3);
        for (int d = 0; d < 3; d++)
        {
            Same(small.Scatter(d, g, src), far.Scatter(d, g, src), $"scatter dim {d}, far self");
            Same(small.ScatterAdd(d, g, src), far.ScatterAdd(d, g, src), $"scatter_add dim {d}, far self");
            Same(small.ScatterAdd(d, g, src), small.ScatterAdd(d, Far(g.Clone()), Far(src.Clone())), $"scatter_add dim {d}, far index and source");
            Same(small.Scatter(d, g, 7.0), far.Scatter(d, g, 7.0), $"scatter of a value dim {d}, far self");
        }
        // In place on the far tensor itself (its memory is the small tensor's).
        var expected = small.Clone().ScatterAdd_(1, g, src);
        far.ScatterAdd_(1, g, src);
        Same(expected, small, "scatter_add_ into a far tensor");
        expected = small.Clone().Scatter_(2, g, src);
        far.Scatter_(2, g, src);
        Same(expected, small, "scatter_ into a far tensor");
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Int64)]
    [DataRow(DType.Bool)]
    public void MasksWhereNonzero_FarOperands_EqualTheSmallOp(DType dtype)
    {
        using var small = dtype == DType.Bool ? Values() > 0 : Values(dtype);
        var far = Far(small);
        using var mask = Values() > 0.5;
        var farMask = Far(mask);
        Same(small.MaskedFill(mask, 1), far.MaskedFill(mask, 1), "masked_fill, far self");
        Same(small.MaskedFill(mask, 1), small.MaskedFill(farMask, 1), "masked_fill, far mask");
        Same(small.MaskedSelect(mask), far.MaskedSelect(farMask), "masked_select, far self and mask");
        Same(small.MaskedSelect(mask[0]), far.MaskedSelect(Far(mask[0].Contiguous())), "masked_select, mask broadcast");
        Same(Torch.Where(mask, small, small * 0), Torch.Where(farMask, far, far * 0), "where(cond, a, b), far operands");
        Same(small.Nonzero(), far.Nonzero(), "nonzero");
        var (tuple, farTuple) = (small.NonzeroTuple(), far.NonzeroTuple());
        for (int d = 0; d < 3; d++) Same(tuple[d], farTuple[d], $"where(cond)[{d}]");
        Same(small[mask], far[farMask], "x[mask]");
        Same(small[.., mask[0]], far[.., Far(mask[0].Contiguous())], "x[:, mask2d]");
        var expected = small.Clone().MaskedFill_(mask, 0);
        far.MaskedFill_(farMask, 0);
        Same(expected, small, "masked_fill_ into a far tensor");
    }

    [TestMethod]
    public void IndexPutFamily_IntoFarTensors_EqualTheSmallOp()
    {
        using var small = Values();
        var far = Far(small);
        var rows = Longs(2, 0, 2);
        var cols = Longs(1, 3, 1);
        var v = Torch.Tensor(new float[] { 10, 20, 30 }).Reshape(3, 1);
        var before = small.Clone();

        var expected = before.Clone().IndexPut_([rows, cols], v.Expand(3, 5), accumulate: true);
        far.IndexPut_([rows, cols], v.Expand(3, 5), accumulate: true);
        Same(expected, small, "index_put_(accumulate) into a far tensor");

        var mask = before > 1;
        expected = before.Clone();
        expected[mask] = Torch.Tensor(-4f);
        small.Copy_(before);
        far[Far(mask)] = Torch.Tensor(-4f);
        Same(expected, small, "x[mask] = v on a far tensor");

        small.Copy_(before);
        expected = before.Clone();
        expected[rows, .., cols] = Torch.Tensor(5f);
        far[rows, .., cols] = Torch.Tensor(5f);
        Same(expected, small, "x[i, :, j] = v on a far tensor");
        Same(expected, far.Clone(), "a far tensor reads back");

        small.Copy_(before);
        var src = Torch.Arange(0, 40, 1, DType.Float32).Reshape(2, 4, 5);
        var at = Longs(2, 2);
        expected = before.Clone().IndexAdd_(0, at, src, alpha: 0.5);
        far.IndexAdd_(0, at, src, alpha: 0.5);
        Same(expected, small, "index_add_ into a far tensor");

        small.Copy_(before);
        expected = before.Clone().IndexCopy_(2, Longs(4, 0), src[0..1, .., 0..2].Contiguous().Expand(3, 4, 2).Contiguous());
        far.IndexCopy_(2, Longs(4, 0), src[0..1, .., 0..2].Contiguous().Expand(3, 4, 2).Contiguous());
        Same(expected, small, "index_copy_ into a far tensor");
        Same(before.IndexAdd(1, Longs(3), Far(src[0..1, 0..1].Contiguous().Expand(3, 1, 5).Contiguous())),
            Far(before.Clone()).IndexAdd(1, Longs(3), src[0..1, 0..1].Contiguous().Expand(3, 1, 5).Contiguous()), "index_add of far operands");
    }

    [TestMethod]
    public void Gradients_ThroughFarIndexOps_EqualTheSmallOnes()
    {
        using var small = Values(DType.Float64);
        var g = Torch.Tensor(new long[] { 0, 2, 1, 0, 2, 2 }, DType.Int64).Reshape(1, 2, 3);
        var mask = small > 0;
        Tensor Grad(Tensor x, Func<Tensor, Tensor> op)
        {
            var leaf = x.Detach().RequiresGrad_();
            var weights = Torch.Arange(0, op(leaf.Detach()).Numel(), 1, DType.Float64).Reshape(op(leaf.Detach()).Shape.ToArray());
            (op(leaf) * weights).Sum().Backward();
            return leaf.Grad!.Clone();
        }
        var ops = new (string Name, Func<Tensor, Tensor> Op)[]
        {
            ("gather", x => x.Gather(1, g)),
            ("index_select", x => x.IndexSelect(2, Longs(4, 4, 0))),
            ("take", x => x.Take(Longs(3, 3, 59))),
            ("x[mask]", x => x[mask]),
            ("masked_fill", x => x.MaskedFill(mask, 2)),
            ("scatter_add", x => x.ScatterAdd(0, g, x[0..1, 0..2, 0..3] * 2)),
            ("index_put accumulate", x => x.IndexPut([Longs(1, 1)], x[0..2] * 3, accumulate: true)),
        };
        foreach (var (name, op) in ops)
            Same(Grad(small, op), Grad(Far(small), op), $"gradient of {name}");
    }

    [TestMethod]
    public void NonzeroAndMaskedSelect_InPieces_EqualOnePass()
    {
        using var small = Values();
        var far = Far(small);
        using var _ = Lowered(typeof(Tensor), "IndexPiece", 7);
        var mask = small > 0;
        Same(small.Nonzero(), far.Nonzero(), "nonzero in pieces of 7");
        Same(small.MaskedSelect(mask), far.MaskedSelect(Far(mask)), "masked_select in pieces of 7");
        Same(small[mask], far[Far(mask)], "x[mask] in pieces of 7");
        Same(small.Transpose(0, 2).MaskedSelect(mask.Transpose(0, 2)), far.Transpose(0, 2).MaskedSelect(mask.Transpose(0, 2)), "masked_select of transposed views");
    }

    [TestMethod]
    public void RealMaskPast2Pow31_FillSelectAndNonzero()
    {
        RealSize(slow: true);
        using var mask = Torch.Zeros([N], DType.Bool);
        mask.Set(1, N - 1);
        mask.Set(1, 3);
        Same(Longs(3, N - 1).Reshape(2, 1), mask.Nonzero(), "nonzero of a 2 GiB mask");
        using var bytes = Torch.Zeros([N], DType.UInt8);
        bytes.MaskedFill_(mask, 7);
        Same(Torch.Tensor(new byte[] { 7, 7 }), bytes.MaskedSelect(mask), "masked_select after masked_fill_ on 2 GiB");
        Same(Torch.Tensor(new byte[] { 0, 7, 7 }), bytes.Take(Longs(0, 3, N - 1)), "take from 2 GiB");
        Same(Torch.Tensor(new byte[] { 7, 0 }), bytes.IndexSelect(0, Longs(N - 1, N - 2)), "index_select from 2 GiB");
    }
}
