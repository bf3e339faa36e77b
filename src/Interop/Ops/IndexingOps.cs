namespace Bridge.Interop;

// Advanced indexing, the gather/scatter family and the shape ops of Tensor.ShapeOps/Contractions.
static partial class OpTable
{
    static void RegisterIndexing()
    {
        // x[key] and x[key] = v where the key holds tensors: groups of four int64 as in "index", plus
        // (4, k, -, -) for the k-th tensor of argument 2.
        Add("index_adv", a => T(a.Tensor(0)[AdvancedIndices(a.Longs(1), a.Tensors(2))]));
        Add("index_put_adv", a =>
        {
            var target = a.Tensor(0);
            var key = AdvancedIndices(a.Longs(1), a.Tensors(2));
            var plan = IndexPlan.Build(target, key);
            var value = a.IsTensor(3) ? a.Tensor(3) : Tensor.Scalar(a.Double(3), target);
            target.IndexPut_(plan, value, a.Bool(4));
            return Value.None;
        });
        Add("index_put_copy", a =>
        {
            var target = a.Tensor(0);
            var plan = IndexPlan.Build(target, AdvancedIndices(a.Longs(1), a.Tensors(2)));
            return T(target.IndexPutCopy(plan, target.ToLayout(plan, a.Tensor(3)), a.Bool(4)));
        });
        Add("gather", a => T(a.Tensor(0).Gather(a.Int(1), a.Tensor(2))));
        Add("scatter", a => T(a.IsTensor(3) ? a.Tensor(0).Scatter(a.Int(1), a.Tensor(2), a.Tensor(3)) : a.Tensor(0).Scatter(a.Int(1), a.Tensor(2), a.Double(3))));
        InPlace("scatter_", a => _ = a.IsTensor(3) ? a.Tensor(0).Scatter_(a.Int(1), a.Tensor(2), a.Tensor(3)) : a.Tensor(0).Scatter_(a.Int(1), a.Tensor(2), a.Double(3)));
        Add("scatter_add", a => T(a.Tensor(0).ScatterAdd(a.Int(1), a.Tensor(2), a.Tensor(3))));
        InPlace("scatter_add_", a => a.Tensor(0).ScatterAdd_(a.Int(1), a.Tensor(2), a.Tensor(3)));
        Add("index_select", a => T(a.Tensor(0).IndexSelect(a.Int(1), a.Tensor(2))));
        Add("index_add", a => T(a.Tensor(0).IndexAdd(a.Int(1), a.Tensor(2), a.Tensor(3), a.IsNone(4) ? 1 : a.Double(4))));
        InPlace("index_add_", a => a.Tensor(0).IndexAdd_(a.Int(1), a.Tensor(2), a.Tensor(3), a.IsNone(4) ? 1 : a.Double(4)));
        Add("index_copy", a => T(a.Tensor(0).IndexCopy(a.Int(1), a.Tensor(2), a.Tensor(3))));
        InPlace("index_copy_", a => a.Tensor(0).IndexCopy_(a.Int(1), a.Tensor(2), a.Tensor(3)));
        Add("masked_fill", a => T(a.IsTensor(2) ? a.Tensor(0).MaskedFill(a.Tensor(1), a.Tensor(2)) : a.Tensor(0).MaskedFill(a.Tensor(1), a.Double(2))));
        InPlace("masked_fill_", a => _ = a.IsTensor(2) ? a.Tensor(0).MaskedFill_(a.Tensor(1), a.Tensor(2)) : a.Tensor(0).MaskedFill_(a.Tensor(1), a.Double(2)));
        Add("masked_select", a => T(a.Tensor(0).MaskedSelect(a.Tensor(1))));
        Add("nonzero", a => T(a.Tensor(0).Nonzero()));
        Add("nonzero_tuple", a => Results.Tensors(a.Tensor(0).NonzeroTuple()));
        Add("take", a => T(a.Tensor(0).Take(a.Tensor(1))));

        Add("split", a => Results.Tensors(a.Tensor(0).Split(a.Int(1), a.Int(2))));
        Add("split_with_sizes", a => Results.Tensors(a.Tensor(0).Split(a.Ints(1), a.Int(2))));
        Add("chunk", a => Results.Tensors(a.Tensor(0).Chunk(a.Int(1), a.Int(2))));
        Add("unbind", a => Results.Tensors(a.Tensor(0).Unbind(a.Int(1))));
        Add("tril", a => T(a.Tensor(0).Tril(a.Int(1))));
        Add("triu", a => T(a.Tensor(0).Triu(a.Int(1))));
        InPlace("tril_", a => a.Tensor(0).Tril_(a.Int(1)));
        InPlace("triu_", a => a.Tensor(0).Triu_(a.Int(1)));
        Add("repeat", a => T(a.Tensor(0).Repeat(a.Ints(1))));
        Add("repeat_interleave", a => T(a.IsTensor(1) ? a.Tensor(0).RepeatInterleave(a.Tensor(1), a.OptionalInt(2)) : a.Tensor(0).RepeatInterleave(a.Int(1), a.OptionalInt(2))));
        Add("repeat_interleave_counts", a => T(Torch.RepeatInterleave(a.Tensor(0))));
        Add("roll", a => T(a.Tensor(0).Roll(a.Ints(1), a.IsNone(2) ? null : a.Ints(2))));
        Add("flip", a => T(a.Tensor(0).Flip(a.Ints(1))));
        Add("movedim", a => T(a.Tensor(0).Movedim(a.Ints(1), a.Ints(2))));
        Add("diagonal", a => T(a.Tensor(0).Diagonal(a.Int(1), a.Int(2), a.Int(3))));
        Add("diag", a => T(a.Tensor(0).Diag(a.Int(1))));
        Add("outer", a => T(a.Tensor(0).Outer(a.Tensor(1))));
        Add("einsum", a => T(Torch.Einsum(a.String(0), a.Tensors(1))));
        Add("baddbmm", a => T(Tensor.Baddbmm(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Double(3), a.Double(4))));
        Add("addmm_scaled", a => T(Tensor.Addmm(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Double(3), a.Double(4))));
        Add("tensordot", a => T(a.Tensor(0).Tensordot(a.Tensor(1), a.Ints(2), a.Ints(3))));
    }

    /// <summary>The index code of "index" with (4, k, -, -) meaning the k-th of <paramref name="tensors"/>.</summary>
    static TensorIndex[] AdvancedIndices(ReadOnlySpan<long> code, Tensor[] tensors)
    {
        if (code.Length % 4 != 0) throw new ArgumentException($"index code of {code.Length} numbers is not a list of 4-number groups");
        var result = new TensorIndex[code.Length / 4];
        for (int k = 0; k < result.Length; k++)
        {
            var g = code.Slice(4 * k, 4);
            if (g[0] != 4) result[k] = Indices(g)[0];
            else result[k] = g[1] >= 0 && g[1] < tensors.Length ? tensors[g[1]] : throw new ArgumentException($"index code names tensor {g[1]} of {tensors.Length}");
        }
        return result;
    }
}
