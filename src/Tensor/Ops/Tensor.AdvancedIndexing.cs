using Bridge.Autograd;
using Bridge.Backends;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Advanced indexing (int64 and bool tensors in an index) and the gather/scatter family. Two recorded primitives
// do all the work: a read of a selection (∂ = the gradient put back, accumulating) and a write into a copy
// (∂self = g with the written places zeroed, or g itself when accumulating; ∂values = g read at the selection).
// Every op below is one of them applied to an IndexPlan.
public sealed partial class Tensor
{
    /// <summary>x[plan]: the selection as a new tensor of <c>plan.ResultShape</c>.</summary>
    internal Tensor AdvancedIndex(IndexPlan plan)
    {
        var view = Index(plan.Basic);
        var layout = GatherLayout(view, plan);
        return plan.Perm is null ? layout : layout.Permute(plan.Perm);
    }

    static Tensor GatherLayout(Tensor view, IndexPlan plan)
    {
        // The kernels run on the host: a device tensor is staged through it (correct, not fast).
        var source = Backend.HostReadable(view);
        var layout = Allocate64(plan.LayoutShape, view.DType, Device.Cpu, zero: false);
        IndexKernels.Gather(source, plan.AdvDims, plan.Idx, plan.Count, layout);
        if (view.Device != Device.Cpu) layout = layout.To(view.Device.ToString());
        if (!Recording.Needed(view)) return layout;
        var viewShape = view.Shape64;
        return Recording.Record(layout, "IndexBackward0", [view], g =>
        {
            var z = Zeros(viewShape, g.DType, g.Device);
            PutIntoView(z, plan, g, accumulate: true);
            if (!GradMode.IsEnabled) return [z];
            // create_graph: the scatter is linear in g and its adjoint is this gather, so it differentiates again.
            return [Recording.Record(z, "IndexBackwardBackward0", [g], gg => [GatherLayout(gg, plan)])];
        });
    }

    /// <summary>Writes a [B, rest] block into <paramref name="target"/>'s selection (its basic view first), unrecorded.</summary>
    static void PutLayout(Tensor target, IndexPlan plan, Tensor layoutValues, bool accumulate)
    {
        Tensor view;
        using (GradMode.Set(false)) view = target.Detach().Index(plan.Basic);
        PutIntoView(view, plan, layoutValues, accumulate);
    }

    /// <summary>Writes a [B, rest] block into the selection of <paramref name="view"/>, which has the plan's view shape.</summary>
    static void PutIntoView(Tensor view, IndexPlan plan, Tensor layoutValues, bool accumulate)
    {
        if (view.Device != Device.Cpu)
        {
            // staged through the host, as in GatherLayout
            var host = Backend.HostReadable(view);
            PutIntoView(host, plan, layoutValues, accumulate);
            Backend.Copy(host, view);
            view.BumpVersion();
            return;
        }
        Tensor values;
        using (GradMode.Set(false)) values = layoutValues.Detach().To(view.DType).To("cpu").Expand(plan.LayoutShape).Contiguous();
        if (ReferenceEquals(values.Storage, view.Storage)) values = values.Clone();
        IndexKernels.Put(view, plan.AdvDims, plan.Idx, plan.Count, values, accumulate);
        view.BumpVersion();
    }

    /// <summary>A copy of this tensor with the selection written (or added to); recorded.</summary>
    internal Tensor IndexPutCopy(IndexPlan plan, Tensor layoutValues, bool accumulate)
    {
        var result = Detach().Clone();
        PutLayout(result, plan, layoutValues, accumulate);
        if (!Recording.Needed(this, layoutValues)) return result;
        bool selfGrad = RequiresGrad, valueGrad = layoutValues.RequiresGrad;
        return Recording.Record(result, "IndexPutBackward0", [this, layoutValues], g =>
        {
            Tensor? self = null;
            if (selfGrad)
            {
                self = g;
                if (!accumulate) self = ZeroSelection(g, plan);
            }
            return [self, valueGrad ? GatherLayout(g.Index(plan.Basic), plan) : null];
        });
    }

    /// <summary>A copy of <paramref name="g"/> with the plan's selection zeroed; recorded under create_graph (it is its own adjoint).</summary>
    static Tensor ZeroSelection(Tensor g, IndexPlan plan)
    {
        var zeroed = g.Detach().Clone();
        PutLayout(zeroed, plan, Zeros([], g.DType, g.Device), accumulate: false);
        if (!GradMode.IsEnabled) return zeroed;
        return Recording.Record(zeroed, "IndexPutBackwardBackward0", [g], gg => [ZeroSelection(gg, plan)]);
    }

    /// <summary>Values in the shape x[plan] has (broadcast), rearranged to the plan's [B, rest] layout.</summary>
    internal Tensor ToLayout(IndexPlan plan, Tensor values)
    {
        var v = values.To(DType);
        if (v.Dim() > plan.ResultShape.Length)
        {
            // torch accepts extra leading dims of size 1 on the values (x[mask] = v[None])
            while (v.Dim() > plan.ResultShape.Length && v.Shape64[0] == 1) v = v.Squeeze(0);
        }
        try
        {
            v = v.Expand(plan.ResultShape);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"shape mismatch: value tensor of shape {ShapeMath.FormatList(values.Shape64)} cannot be broadcast to indexing result of shape {ShapeMath.FormatList(plan.ResultShape)}");
        }
        if (plan.Perm is null) return v;
        var inverse = new int[plan.Perm.Length];
        for (int i = 0; i < inverse.Length; i++) inverse[plan.Perm[i]] = i;
        return v.Permute(inverse);
    }

    /// <summary>x[plan] = values (or += with <paramref name="accumulate"/>), in place.</summary>
    internal Tensor IndexPut_(IndexPlan plan, Tensor values, bool accumulate)
    {
        CheckWritable();
        var layout = ToLayout(plan, values);
        if (GradMode.IsEnabled && (RequiresGrad || layout.RequiresGrad))
            return InPlace(layout, (snapshot, v) => snapshot.IndexPutCopy(plan, v, accumulate));
        PutLayout(this, plan, layout, accumulate);
        return this;
    }

    // ---- torch's index_put / index_put_ ------------------------------------------------------------------

    /// <summary>self[indices] = values in place (torch's index_put_): one index tensor per leading dim, null for a full slice; repeats add up with <paramref name="accumulate"/>.</summary>
    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false) =>
        IndexPut_(IndexPlan.Build(this, indices.Select(t => t is null ? TensorIndex.Slice(null, null) : (TensorIndex)t).ToArray()), values, accumulate);

    /// <summary>Out-of-place <see cref="IndexPut_(Tensor?[], Tensor, bool)"/>.</summary>
    public Tensor IndexPut(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var plan = IndexPlan.Build(this, indices.Select(t => t is null ? TensorIndex.Slice(null, null) : (TensorIndex)t).ToArray());
        return IndexPutCopy(plan, ToLayout(plan, values), accumulate);
    }

    // ---- gather / scatter ------------------------------------------------------------------------------

    /// <summary>out[i][j][k] = self[i][index[i][j][k]][k] for dim 1 (and likewise for the others); ∂self = scatter_add of g.</summary>
    public Tensor Gather(int dim, Tensor index)
    {
        var plan = AlongDim("gather", dim, index, null);  // the index may be longer than self along dim itself, as in torch
        return GatherLayout(this, plan);
    }

    /// <summary>A copy with self[i][index[i][j][k]][k] = src[i][j][k] for dim 1; ∂src = g.gather(dim, index).</summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src) => ScatterCore(dim, index, src, accumulate: false, "scatter");

    /// <summary>A copy with <paramref name="value"/> written at the positions <paramref name="index"/> names along <paramref name="dim"/>.</summary>
    public Tensor Scatter(int dim, Tensor index, double value) => ScatterCore(dim, index, Scalar(value, this), accumulate: false, "scatter");

    /// <summary>A copy with self[i][index[i][j][k]][k] += src[i][j][k] for dim 1 (repeats add up).</summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src) => ScatterCore(dim, index, src, accumulate: true, "scatter_add");

    /// <summary>
    /// In place: this[i][index[i][j][k]][k] = src[i][j][k] for dim 1 (int64 <paramref name="index"/>, same rank);
    /// returns this (torch's <c>scatter_</c>).
    /// </summary>
    public Tensor Scatter_(int dim, Tensor index, Tensor src) => ScatterInPlace(dim, index, src, accumulate: false, "scatter_");
    /// <summary>
    /// In place: writes <paramref name="value"/> at the positions <paramref name="index"/> names along <paramref
    /// name="dim"/>; returns this.
    /// </summary>
    public Tensor Scatter_(int dim, Tensor index, double value) => ScatterInPlace(dim, index, Scalar(value, this), accumulate: false, "scatter_");
    /// <summary>
    /// In place: this[i][index[i][j][k]][k] += src[i][j][k] for dim 1, repeated indices adding up; returns this
    /// (torch's <c>scatter_add_</c>).
    /// </summary>
    public Tensor ScatterAdd_(int dim, Tensor index, Tensor src) => ScatterInPlace(dim, index, src, accumulate: true, "scatter_add_");

    Tensor ScatterCore(int dim, Tensor index, Tensor src, bool accumulate, string op)
    {
        var plan = AlongDim(op, dim, index, src.Dim() == 0 ? null : src.Shape64);
        return IndexPutCopy(plan, ScatterSource(src, index), accumulate);
    }

    Tensor ScatterInPlace(int dim, Tensor index, Tensor src, bool accumulate, string op)
    {
        var plan = AlongDim(op, dim, index, src.Dim() == 0 ? null : src.Shape64);
        return IndexPut_(plan, ScatterSource(src, index), accumulate);
    }

    /// <summary>The part of src that scatter reads: its leading index.size(d) elements along every dim.</summary>
    static Tensor ScatterSource(Tensor src, Tensor index)
    {
        if (src.Dim() == 0) return src;
        var s = src;
        for (int d = 0; d < index.Dim(); d++) s = s.Narrow(d, 0, index.Shape64[d]);
        return s;
    }

    /// <summary>The plan of gather/scatter: every dim indexed, by index along <paramref name="dim"/> and by position elsewhere.</summary>
    IndexPlan AlongDim(string op, int dim, Tensor index, long[]? srcShape)
    {
        if (index.DType != DType.Int64) throw new ArgumentException($"{op}(): Expected dtype int64 for index");
        if (Dim() == 0 || index.Dim() == 0)
            throw new NotSupportedException($"{op}() on 0-d tensors is not supported by bridge; reshape to 1-D first");
        int n = Dim();
        var self = Shape64;
        var idxShape = index.Shape64;
        int d = ShapeMath.WrapDim(dim, n);
        if (idxShape.Length != n)
            throw new ArgumentException("Index tensor must have the same number of dimensions as " + (op == "gather" ? "input" : "self") + " tensor");
        for (int k = 0; k < n && index.Numel() > 0; k++)
        {
            if (k != d && idxShape[k] > self[k])
                throw new ArgumentException($"Size does not match at dimension {k} expected index {ShapeMath.FormatList(idxShape)} to be smaller than self {ShapeMath.FormatList(self)} apart from dimension {d}");
            if (srcShape is not null && idxShape[k] > srcShape[k])
                throw new ArgumentException($"Size does not match at dimension {k} expected index {ShapeMath.FormatList(idxShape)} to be smaller than src {ShapeMath.FormatList(srcShape)}");
        }
        var positions = IndexPlan.Positions(index, self[d], d, allowNegative: false);
        long count = positions.LongLength;
        var idx = new long[n][];
        var counter = new long[n];
        for (int k = 0; k < n; k++) idx[k] = k == d ? positions : new long[count];
        for (long b = 0; b < count; b++)
        {
            for (int k = 0; k < n; k++) if (k != d) idx[k][b] = counter[k];
            for (int k = n - 1; k >= 0; k--)
            {
                if (++counter[k] < idxShape[k]) break;
                counter[k] = 0;
            }
        }
        return IndexPlan.Direct(Shape64, Enumerable.Range(0, n).ToArray(), idx, idxShape);
    }
}
