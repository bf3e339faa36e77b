using Bridge.Autograd;

namespace Bridge;

// Reductions along dims (sum, mean, max/min with indices, amax/amin, any/all) of tensors past int.MaxValue elements,
// piece by piece through AlongLines64. Several dims are reduced one after the other, the last first; once a partial
// result fits the int path, the ordinary reduction finishes it. Integer sums are exact in any order; float sums
// add piecewise partial sums, so their last bits may differ from one pass (torch's order is not defined at this size
// either). Only sum and mean record a gradient here; the value-selecting ones refuse while recording.
public sealed partial class Tensor
{
    /// <summary>Reduces each of <paramref name="dims"/> (all when empty) in turn, kept as size 1, then drops them unless <paramref name="keepDim"/>.</summary>
    Tensor ReduceDims64(string opName, int[] dims, bool keepDim, DType outDType, Func<Tensor, Tensor> reduceLast, Func<Tensor, int, Tensor> ordinary)
    {
        var reduced = Reduced64(dims);
        var result = Detach();
        foreach (int d in reduced.OrderDescending())
            result = result.Fits32 ? ordinary(result, d) : result.AlongLines64(opName, d, [outDType], null, p => [reduceLast(p)], FoldLongLine)[0];
        return keepDim ? result : result.Reshape(Enumerable.Range(0, Dim()).Where(d => !reduced.Contains(d)).Select(d => _shape[d]).ToArray());
    }

    int[] Reduced64(int[] dims) => dims.Length == 0 ? AllDims() : NormalizeDims(dims);

    long[] KeptShape64(int[] reduced) => _shape.Select((s, d) => reduced.Contains(d) ? 1 : s).ToArray();

    Tensor Sum64(int[] dims, bool keepDim, string? name)
    {
        var outType = DType.IsFloatingPoint() ? DType : DType.Int64;
        var result = ReduceDims64("sum", dims, keepDim, outType, p => p.Sum(-1), (t, d) => t.Sum(d, keepDim: true));
        if (name is null || !Recording.Needed(this)) return result;
        var x = this;
        var kept = KeptShape64(Reduced64(dims));
        return Recording.Record(result, name, [x], g => [g.Reshape(kept).Expand(x.Shape64)]);
    }

    Tensor Mean64(int[] dims, bool keepDim, string name)
    {
        if (!DType.IsFloatingPoint())
            throw new InvalidOperationException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {DType.ScalarTypeName()}");
        var reduced = Reduced64(dims);
        long count = reduced.Aggregate(1L, (n, d) => n * _shape[d]);
        Tensor result;
        using (GradMode.Set(false)) result = Sum64(dims, keepDim, NotRecorded) / (double)count;
        if (!Recording.Needed(this)) return result;
        var x = this;
        var kept = KeptShape64(reduced);
        return Recording.Record(result, name, [x], g => [g.Reshape(kept).Expand(x.Shape64) / (double)count]);
    }

    (Tensor Values, Tensor Indices) ExtremeAlong64(int dim, bool keepDim, bool max, string? name)
    {
        string op = max ? "max" : "min";
        RefuseGradient64(name is not null, op);
        int d = ShapeMath.WrapDim(dim, Dim());
        var outs = AlongLines64(op, d, [DType, DType.Int64], null, p =>
        {
            var (values, indices) = max ? p.Max(-1) : p.Min(-1);
            return [values, indices];
        }, FoldLongLine);
        return keepDim ? (outs[0], outs[1]) : (outs[0].Squeeze(d), outs[1].Squeeze(d));
    }

    Tensor Extremes64(int[] dims, bool keepDim, bool max)
    {
        string op = max ? "amax" : "amin";
        RefuseGradient64(true, op);
        return ReduceDims64(op, dims, keepDim, DType, p => max ? p.Amax([-1]) : p.Amin([-1]), (t, d) => max ? t.Amax([d], true) : t.Amin([d], true));
    }

    Tensor Truth64(int[] dims, bool keepDim, bool all) => all
        ? ReduceDims64("all", dims, keepDim, DType.Bool, p => p.All([-1]), (t, d) => t.All([d], true))
        : ReduceDims64("any", dims, keepDim, DType.Bool, p => p.Any([-1]), (t, d) => t.Any([d], true));

    void RefuseGradient64(bool recorded, string op)
    {
        if (recorded && Recording.Needed(this))
            throw new TensorTooLargeException($"{op} along a dim does not record a gradient for tensors of more than {TensorTooLargeException.Limit} elements yet " +
                $"(got {Numel()}); run it without grad (torch.no_grad() / detach()) to get its values");
    }
}
