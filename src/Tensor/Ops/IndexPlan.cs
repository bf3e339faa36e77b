namespace Bridge;

/// <summary>
/// An indexing expression with tensor indices, resolved against one tensor's shape the way torch (and NumPy)
/// resolve it: ints, slices, None and <c>...</c> make a view (<see cref="Basic"/>); each int64 tensor indexes
/// one dim of that view and each bool mask as many dims as it has (through its nonzero positions). The index
/// tensors broadcast to one shape B. The selection comes out as [B..., rest...] (<see cref="LayoutShape"/>);
/// when the indexed dims are adjacent, B moves to where they were (<see cref="Perm"/>), as in torch.
/// </summary>
internal sealed class IndexPlan
{
    /// <summary>The key with every tensor replaced by full slices (applied with <c>Tensor.Index</c>).</summary>
    public TensorIndex[] Basic { get; private init; } = [];
    /// <summary>The dims of the basic view that the index lists address.</summary>
    public int[] AdvDims { get; private init; } = [];
    /// <summary>One list per indexed dim, each of <see cref="Count"/> positions, wrapped and bounds-checked.</summary>
    public long[][] Idx { get; private init; } = [];
    /// <summary>B's element count: the length of every list in <see cref="Idx"/>.</summary>
    public long Count { get; private init; }
    /// <summary>The shape of the basic view the lists index.</summary>
    public long[] ViewShape { get; private init; } = [];
    /// <summary>[B..., rest...]: the shape the kernels read and write.</summary>
    public long[] LayoutShape { get; private init; } = [];
    /// <summary>The permutation from the layout to the result (torch's placement of B), or null.</summary>
    public int[]? Perm { get; private init; }
    /// <summary>The shape of x[plan].</summary>
    public long[] ResultShape { get; private init; } = [];

    static readonly TensorIndex All = TensorIndex.Slice(null, null);

    /// <summary>Resolves <paramref name="key"/> against <paramref name="self"/>'s shape (torch's messages for every refusal).</summary>
    public static IndexPlan Build(Tensor self, TensorIndex[] key)
    {
        // Expand masks into one full slice per masked dim; keep their tensors for later.
        var basic = new List<TensorIndex>();
        var entries = new List<(int Position, Tensor Index)>(); // position in basic of each tensor's first dim
        int consumed = 0;
        foreach (var k in key)
        {
            if (k.Type == TensorIndex.Kind.Tensor)
            {
                var t = k.Indices!;
                // A uint8 index is a mask, as in torch (which warns that this use is deprecated).
                if (t.DType == DType.UInt8) t = t.To(DType.Bool);
                if (t.DType != DType.Int64 && t.DType != DType.Bool)
                    throw new ArgumentOutOfRangeException(null, "tensors used as indices must be long, byte or bool tensors");
                if (t.DType == DType.Bool && t.Dim() == 0)
                    throw new NotSupportedException("indexing with a 0-d bool tensor is not supported by bridge");
                entries.Add((basic.Count, t));
                int dims = t.DType == DType.Bool ? t.Dim() : 1;
                for (int d = 0; d < dims; d++) basic.Add(All);
                consumed += dims;
            }
            else
            {
                basic.Add(k);
                if (k.Type is TensorIndex.Kind.Integer or TensorIndex.Kind.Slice) consumed++;
            }
        }
        if (consumed > self.Dim()) throw new ArgumentOutOfRangeException(null, $"too many indices for tensor of dimension {self.Dim()}");

        // The view dim (and original dim, for messages) each basic position lands on.
        var viewDimOf = new int[basic.Count];
        var sourceDimOf = new int[basic.Count];
        int viewDim = 0, sourceDim = 0;
        for (int i = 0; i < basic.Count; i++)
        {
            viewDimOf[i] = viewDim;
            sourceDimOf[i] = sourceDim;
            switch (basic[i].Type)
            {
                case TensorIndex.Kind.Integer: sourceDim++; break;
                case TensorIndex.Kind.Slice: viewDim++; sourceDim++; break;
                case TensorIndex.Kind.NewAxis: viewDim++; break;
                case TensorIndex.Kind.Ellipsis: viewDim += self.Dim() - consumed; sourceDim += self.Dim() - consumed; break;
            }
        }
        var basicKey = basic.ToArray();
        var viewShape = ViewShapeOf(self, basicKey);

        // Each entry becomes one or more (view dim, index values) lists.
        var dimsList = new List<int>();
        var lists = new List<(Tensor Values, long[] Shape)>();
        foreach (var (position, t) in entries)
        {
            if (t.DType == DType.Bool)
            {
                for (int d = 0; d < t.Dim(); d++)
                    if (t.Shape64[d] != viewShape[viewDimOf[position] + d])
                        throw new ArgumentOutOfRangeException(null, $"The shape of the mask {ShapeMath.FormatList(t.Shape64)} at index {d} does not match the shape of the indexed tensor {ShapeMath.FormatList(self.Shape64)} at index {sourceDimOf[position] + d}");
                var nz = t.Nonzero();
                for (int d = 0; d < t.Dim(); d++)
                {
                    dimsList.Add(viewDimOf[position] + d);
                    var column = nz.Select(1, d);
                    lists.Add((column, column.Shape64));
                }
            }
            else
            {
                dimsList.Add(viewDimOf[position]);
                lists.Add((t, t.Shape64));
            }
        }
        long[] bshape = [];
        try
        {
            foreach (var (_, shape) in lists) bshape = ShapeMath.Broadcast(bshape, shape);
        }
        catch (ArgumentException)
        {
            throw new ArgumentOutOfRangeException(null, "shape mismatch: indexing tensors could not be broadcast together with shapes "
                + string.Join(", ", lists.Select(l => ShapeMath.FormatList(l.Shape))));
        }
        var advDims = dimsList.ToArray();
        var idx = new long[advDims.Length][];
        for (int k = 0; k < advDims.Length; k++)
            idx[k] = Positions(lists[k].Values.Expand(bshape), viewShape[advDims[k]], advDims[k], allowNegative: true);
        return Assemble(basicKey, viewShape, advDims, idx, bshape);
    }

    /// <summary>A plan over the whole tensor (no basic part): gather, scatter, index_select and friends.</summary>
    public static IndexPlan Direct(long[] shape, int[] advDims, long[][] idx, long[] bshape) => Assemble([], shape, advDims, idx, bshape);

    static IndexPlan Assemble(TensorIndex[] basic, long[] viewShape, int[] advDims, long[][] idx, long[] bshape)
    {
        var rest = Enumerable.Range(0, viewShape.Length).Where(d => !advDims.Contains(d)).Select(d => viewShape[d]).ToArray();
        var layout = bshape.Concat(rest).ToArray();
        int[]? perm = null;
        bool adjacent = advDims.Length > 0 && advDims.Zip(advDims.Skip(1)).All(p => p.Second == p.First + 1);
        int first = advDims.Length > 0 ? advDims[0] : 0;
        if (adjacent && first > 0 && bshape.Length > 0)
        {
            // rest dims before the indexed ones, then B, then the other rest dims.
            int nb = bshape.Length;
            perm = Enumerable.Range(nb, first).Concat(Enumerable.Range(0, nb)).Concat(Enumerable.Range(nb + first, rest.Length - first)).ToArray();
        }
        return new IndexPlan
        {
            Basic = basic,
            AdvDims = advDims,
            Idx = idx,
            Count = ShapeMath.Numel(bshape),
            ViewShape = viewShape,
            LayoutShape = layout,
            Perm = perm,
            ResultShape = perm is null ? layout : perm.Select(p => layout[p]).ToArray(),
        };
    }

    /// <summary>
    /// The positions of an int64 tensor as row-major longs, negatives wrapped, each checked against <paramref
    /// name="size"/>. The positions live in one array, so an index of more positions than an array holds refuses.
    /// </summary>
    internal static long[] Positions(Tensor index, long size, int dim, bool allowNegative)
    {
        if (index.Numel() > Array.MaxLength)
            throw new TensorTooLargeException($"indexing with more than {Array.MaxLength} positions at once is not supported yet: got an index of shape " +
                $"{ShapeMath.FormatList(index.Shape64)} ({index.Numel()} positions); index in parts (masked_select, nonzero and masked_fill take masks of any size)");
        var values = index.Contiguous().ToArray<long>();
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v < 0 && allowNegative) v += size;
            if (v < 0 || v >= size) throw new ArgumentOutOfRangeException(null, $"index {values[i]} is out of bounds for dimension {dim} with size {size}");
            values[i] = v;
        }
        return values;
    }

    static long[] ViewShapeOf(Tensor self, TensorIndex[] basic)
    {
        using (Autograd.GradMode.Set(false)) return self.Detach().Index(basic).Shape64;
    }
}
