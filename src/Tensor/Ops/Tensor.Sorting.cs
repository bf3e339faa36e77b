using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// Ops that walk each line along a dim in order: sort, argsort, topk, kthvalue, median, unique. They run on host
// copies of the lines (HostLines) on every device. Each value result's gradient goes back to the index it came
// from (torch's value_selecting_reduction_backward / sort's scatter).
public sealed partial class Tensor
{
    /// <summary>(values, indices) of each line along <paramref name="dim"/>, ascending (NaN last) or descending; ties keep their order.</summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        if (!Fits32) return Sort64(dim, descending);
        var lines = new HostLines(this, dim);
        int n = lines.Length;
        var index = new long[lines.Count * n];
        for (int line = 0; line < lines.Count; line++)
        {
            var order = lines.Order(line, descending);
            for (int i = 0; i < n; i++) index[line * n + i] = order[i];
        }
        return Selected(lines, index, n, dim, "SortBackward0");
    }

    /// <summary>The indices that sort each line along <paramref name="dim"/>.</summary>
    public Tensor Argsort(int dim = -1, bool descending = false) => Detach().Sort(dim, descending).Indices;

    /// <summary>(values, indices) of the <paramref name="k"/> largest (or smallest) elements of each line, in order.</summary>
    public (Tensor Values, Tensor Indices) Topk(int k, int dim = -1, bool largest = true, bool sorted = true)
    {
        _ = sorted;   // the result is always in order, which sorted=False allows
        if (!Fits32) return Topk64(k, dim, largest);
        var lines = new HostLines(this, dim);
        if (k < 0 || k > lines.Length) throw new ArgumentException("selected index k out of range");
        var index = new long[lines.Count * k];
        for (int line = 0; line < lines.Count; line++)
        {
            var order = lines.Order(line, descending: largest);
            for (int i = 0; i < k; i++) index[line * k + i] = order[i];
        }
        return Selected(lines, index, k, dim, "TopkBackward0");
    }

    /// <summary>(values, indices) of the <paramref name="k"/>-th smallest element (1-based) of each line.</summary>
    public (Tensor Values, Tensor Indices) Kthvalue(int k, int dim = -1, bool keepDim = false)
    {
        var lines = new HostLines(this, dim);
        if (k < 1 || k > lines.Length) throw new ArgumentException($"kthvalue(): selected number k out of range for dimension {dim}");
        var index = new long[lines.Count];
        for (int line = 0; line < lines.Count; line++) index[line] = lines.Order(line, false)[k - 1];
        return Squeezed(Selected(lines, index, 1, dim, "KthvalueBackward0"), dim, keepDim);
    }

    /// <summary>(values, indices) of the lower median of each line along <paramref name="dim"/> (NaN if the line has one).</summary>
    public (Tensor Values, Tensor Indices) Median(int dim, bool keepDim = false)
    {
        var lines = new HostLines(this, dim);
        if (lines.Length == 0) throw new ArgumentOutOfRangeException(null, $"median(): Expected reduction dim {dim} to have non-zero size.");
        var index = new long[lines.Count];
        for (int line = 0; line < lines.Count; line++)
        {
            var order = lines.Order(line, false);
            // Ascending order puts NaN last: a line with NaN takes its first NaN, as torch's median does.
            index[line] = lines.IsReal && double.IsNaN(lines.At(line, order[^1])) ? order.First(i => double.IsNaN(lines.At(line, i))) : order[(lines.Length - 1) / 2];
        }
        return Squeezed(Selected(lines, index, 1, dim, "MedianBackward1"), dim, keepDim);
    }

    /// <summary>The lower median of all elements (NaN if any is NaN); ∂ goes to the element chosen.</summary>
    public Tensor Median()
    {
        if (Numel() == 0) return Full([], double.NaN, DType, device: Device);
        var flat = Reshape(-1);
        Tensor values, indices;
        using (GradMode.Set(false)) (values, indices) = flat.Median(0);
        if (!Recording.Needed(this)) return values;
        var input = this;
        return Recording.Record(values, "MedianBackward0", [input], g =>
        {
            if (GradMode.IsEnabled) // create_graph: the same scatter, recorded
                return [Zeros([input.Numel()], g.DType, g.Device).ScatterAdd(0, indices.Reshape(1), g.Reshape(1)).Reshape(input.ShapeArray)];
            var grad = Zeros([input.Numel()], g.DType, g.Device);
            grad.ScatterAlong(0, indices.Reshape(1), g.Reshape(1));
            return [grad.Reshape(input.ShapeArray)];
        }, indices);
    }

    /// <summary>
    /// The distinct elements, sorted; with the index of each input element's value among them (inverse) and how
    /// often each occurs (counts), as torch.unique(sorted=True, return_inverse, return_counts) over the flattened tensor.
    /// </summary>
    public (Tensor Values, Tensor Inverse, Tensor Counts) Unique()
    {
        var lines = new HostLines(Reshape(-1), 0);
        int n = lines.Length;
        var order = n == 0 ? [] : lines.Order(0, false);
        var firsts = new List<int>();
        var inverse = new long[n];
        var counts = new List<long>();
        for (int i = 0; i < n; i++)
        {
            // NaN != NaN, so each NaN is its own value, as in torch.
            bool same = firsts.Count > 0 && lines.At(0, order[i]) == lines.At(0, firsts[^1]);
            if (!same) { firsts.Add(order[i]); counts.Add(0); }
            counts[^1]++;
            inverse[order[i]] = firsts.Count - 1;
        }
        Array values = lines.IsReal ? firsts.Select(i => lines.Real![i]).ToArray() : firsts.Select(i => lines.Integer![i]).ToArray();
        var v = Torch.Tensor(values, lines.IsReal ? DType.Float64 : DType.Int64, device: Device.Cpu).To(DType).To(Device);
        return (v, Torch.Tensor(inverse, DType.Int64, device: Device).Reshape(ShapeArray), Torch.Tensor(counts.ToArray(), DType.Int64, device: Device));
    }

    /// <summary>Values at the chosen line indices, and those indices; the values' gradient is scattered back to them.</summary>
    (Tensor Values, Tensor Indices) Selected(HostLines lines, long[] index, int length, int dim, string node)
    {
        var indices = lines.Result(index, length, DType.Int64);
        int d = ShapeMath.WrapDim(dim, Math.Max(Dim(), 1));
        var x = Dim() == 0 ? Reshape(1) : this;
        Tensor values;
        using (GradMode.Set(false)) values = x.GatherAlong(d, indices);
        if (Dim() == 0) { values = values.Reshape(); indices = indices.Reshape(); }
        if (!Recording.Needed(this)) return (values, indices);
        var input = this;
        var kept = Dim() == 0 ? indices.Reshape(1) : indices;
        Recording.Record(values, node, [input], g =>
        {
            if (GradMode.IsEnabled) // create_graph: the same scatter (the indices of a line are distinct), recorded
                return [Zeros(x.ShapeArray, g.DType, g.Device).ScatterAdd(d, kept, g.Reshape(kept.ShapeArray)).Reshape(input.ShapeArray)];
            var grad = Zeros(x.ShapeArray, g.DType, g.Device);
            grad.ScatterAlong(d, kept, g.Reshape(kept.ShapeArray));
            return [grad.Reshape(input.ShapeArray)];
        }, indices);
        return (values, indices);
    }

    /// <summary>Drops the (size-1) dim <paramref name="dim"/> of both results unless <paramref name="keepDim"/>.</summary>
    (Tensor Values, Tensor Indices) Squeezed((Tensor Values, Tensor Indices) r, int dim, bool keepDim)
    {
        if (keepDim || Dim() == 0) return r;
        int d = ShapeMath.WrapDim(dim, Dim());
        return (r.Values.Squeeze(d), r.Indices.Squeeze(d));
    }

    /// <summary>this[..., index[...], ...] along <paramref name="dim"/> (torch.gather without autograd; index on this device).</summary>
    Tensor GatherAlong(int dim, Tensor index)
    {
        // A one-hot contraction would cost n² memory; the host path copies once and picks directly.
        var lines = new HostLines(this, dim);
        var idx = new HostLines(index, dim);
        int n = lines.Length, k = idx.Length;
        Array picked = lines.IsReal ? new double[idx.Count * k] : new long[idx.Count * k];
        for (int line = 0; line < idx.Count; line++)
        {
            for (int i = 0; i < k; i++)
            {
                int from = line * n + (int)idx.Integer![line * k + i];
                if (picked is double[] r) r[line * k + i] = lines.Real![from];
                else ((long[])picked)[line * k + i] = lines.Integer![from];
            }
        }
        return lines.Result(picked, k, DType);
    }
}
