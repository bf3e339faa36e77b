using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Reductions. The kernel always reduces the last dim of a view, so the reduced dims are permuted last
// (and flattened when there are several); the gradient is the output gradient broadcast back.
public sealed partial class Tensor
{
    /// <summary>Σ of all elements; ∂ = g broadcast to the input shape</summary>
    public Tensor Sum() => Fits32 ? SumOver(AllDims(), keepDim: false, "SumBackward0") : SumLarge(mean: false);

    /// <summary>Σ along <paramref name="dim"/>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => SumOver([dim], keepDim, "SumBackward1");

    /// <summary>Σ along several dims.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false) => SumOver(dims, keepDim, "SumBackward1");

    /// <summary>Σx / n of all elements</summary>
    public Tensor Mean() => Fits32 ? MeanOver(AllDims(), keepDim: false, "MeanBackward0") : SumLarge(mean: true);

    /// <summary>Σx / n along <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => MeanOver([dim], keepDim, "MeanBackward1");

    /// <summary>
    /// Mean over <paramref name="dims"/> (each removed, or kept as size 1 with <paramref name="keepDim"/>);
    /// floating-point dtypes only (torch.mean(x, dims)).
    /// </summary>
    public Tensor Mean(int[] dims, bool keepDim = false) => MeanOver(dims, keepDim, "MeanBackward1");

    /// <summary>Largest element; ∂ shared evenly among the elements equal to it</summary>
    public Tensor Max() => Fits32 ? ExtremeAll(max: true, "MaxBackward1") : ExtremeLarge(max: true).Values;

    /// <summary>Smallest element; ∂ shared evenly among the elements equal to it</summary>
    public Tensor Min() => Fits32 ? ExtremeAll(max: false, "MinBackward1") : ExtremeLarge(max: false).Values;

    /// <summary>(values, indices) of the largest elements along <paramref name="dim"/>; ∂ goes to the index taken</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ExtremeAlong(dim, keepDim, max: true, "MaxBackward0");

    /// <summary>(values, indices) of the smallest elements along <paramref name="dim"/>.</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ExtremeAlong(dim, keepDim, max: false, "MinBackward0");

    /// <summary>Flat index of the first largest element.</summary>
    public Tensor Argmax() => !Fits32 ? RefuseBoolArg("argmax").ExtremeLarge(max: true).Indices : RefuseBoolArg("argmax").Reshape(-1).ExtremeAlong(0, false, true, NotRecorded).Indices;

    // torch's argmax/argmin kernels do not dispatch for bool, though max/min do.
    Tensor RefuseBoolArg(string op) =>
        DType == DType.Bool ? throw Backends.Cpu.HalfWidening.NotImplemented($"{op}_{(Device.IsCuda ? "cuda" : "cpu")}", DType) : this;

    /// <summary>Index of the first largest element along <paramref name="dim"/>.</summary>
    public Tensor Argmax(int dim, bool keepDim = false) => RefuseBoolArg("argmax").ExtremeAlong(dim, keepDim, true, NotRecorded).Indices;

    /// <summary>
    /// Index of the first smallest element along <paramref name="dim"/>, int64 (removed, or kept as size 1 with
    /// <paramref name="keepDim"/>).
    /// </summary>
    public Tensor Argmin(int dim, bool keepDim = false) => RefuseBoolArg("argmin").ExtremeAlong(dim, keepDim, false, NotRecorded).Indices;

    /// <summary>Node name meaning "record nothing": the op is not differentiable (argmax) or its caller records the whole op (mean).</summary>
    const string? NotRecorded = null;

    int[] AllDims() => Enumerable.Range(0, Dim()).ToArray();

    Tensor SumOver(int[] dims, bool keepDim, string? name)
    {
        if (!Fits32) return Sum64(dims, keepDim, name);
        // torch sums bool and every integer type into int64.
        var x = DType.IsFloatingPoint() ? this : To(DType.Int64);
        Tensor result;
        int[] keptShape;
        if (x.DType is DType.Float32 or DType.Float64) result = x.SumInTorchOrder(dims, out keptShape);
        else
        {
            // Integers are exact in any order; half types accumulate in float over one flattened row.
            (var view, var outShape, keptShape) = x.ReductionView(dims);
            result = Allocate(outShape, x.DType, x.Device);
            Backend.Sum(view, result);
        }
        result = keepDim ? result.Reshape(keptShape) : result;
        if (name is null || !Recording.Needed(x)) return result;
        return Recording.Record(result, name, [x], g => [g.Reshape(keptShape).Expand(x.ShapeArray)]);
    }

    Tensor MeanOver(int[] dims, bool keepDim, string name)
    {
        if (!Fits32) return Mean64(dims, keepDim, name);
        if (!DType.IsFloatingPoint())
            throw new InvalidOperationException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {DType.ScalarTypeName()}");
        int count = 1;
        foreach (int d in dims.Length == 0 && Dim() == 0 ? [] : NormalizeDims(dims)) count *= ShapeArray[d];
        Tensor result;
        // torch's CPU mean is sum(...).div_(n): the same rounding.
        using (GradMode.Set(false)) result = SumOver(dims, keepDim, NotRecorded) / (double)count;
        if (!Recording.Needed(this)) return result;
        var x = this;
        var (_, _, keptShape) = ReductionView(dims);
        return Recording.Record(result, name, [x], g => [g.Reshape(keptShape).Expand(x.ShapeArray) / (double)count]);
    }

    Tensor ExtremeAll(bool max, string name)
    {
        if (Numel() == 0) throw new ArgumentException($"{(max ? "max" : "min")}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        Tensor result;
        using (GradMode.Set(false)) result = Reshape(-1).ExtremeAlong(0, false, max, NotRecorded).Values;
        if (!Recording.Needed(this)) return result;
        var x = this;
        return Recording.Record(result, name, [x], g =>
        {
            var mask = (x == result).To(g.DType);
            return [mask * (g / mask.Sum())];
        }, x, result);
    }

    (Tensor Values, Tensor Indices) ExtremeAlong(int dim, bool keepDim, bool max, string? name)
    {
        if (!Fits32) return ExtremeAlong64(dim, keepDim, max, name);
        int d = ShapeMath.WrapDim(dim, Dim());
        var x = Dim() == 0 ? Reshape(1) : this;
        var (view, outShape, keptShape) = x.ReductionView([d]);
        var values = Allocate(outShape, x.DType, x.Device);
        var indices = Allocate(outShape, DType.Int64, x.Device);
        Backend.Extreme(view, values, indices, max);
        if (keepDim) { values = values.Reshape(keptShape); indices = indices.Reshape(keptShape); }
        if (Dim() == 0) { values = values.Reshape(); indices = indices.Reshape(); }
        if (name is null || !Recording.Needed(this)) return (values, indices);
        var input = this;
        var kept = indices.Reshape(keptShape);
        Recording.Record(values, name, [input], g =>
        {
            if (GradMode.IsEnabled) return [OneHotAlong(input.ShapeArray, d, kept, g.DType) * g.Reshape(keptShape)]; // create_graph
            var grad = Zeros(input.ShapeArray, g.DType, g.Device);
            grad.ScatterAlong(d, kept, g.Reshape(keptShape));
            return [grad];
        }, indices);
        return (values, indices);
    }

    int[] NormalizeDims(int[] dims)
    {
        var wrapped = dims.Select(d => ShapeMath.WrapDim(d, Dim())).Distinct().Order().ToArray();
        if (wrapped.Length != dims.Length) throw new ArgumentException($"dim {dims[0]} appears multiple times in the list of dims");
        return wrapped;
    }

    /// <summary>
    /// A view with the kept dims first and the reduced dims flattened into one last dim, plus the
    /// result shape without and with the reduced dims (as 1s).
    /// </summary>
    (Tensor View, int[] OutShape, int[] KeptShape) ReductionView(int[] dims)
    {
        if (Dim() == 0) return (Reshape(1), [], []);
        var reduced = NormalizeDims(dims);
        var kept = Enumerable.Range(0, Dim()).Where(d => !reduced.Contains(d)).ToArray();
        var outShape = kept.Select(d => ShapeArray[d]).ToArray();
        var keptShape = ShapeArray.Select((s, d) => reduced.Contains(d) ? 1 : s).ToArray();
        var permuted = Permute([.. kept, .. reduced]);
        int reducedCount = reduced.Aggregate(1, (n, d) => n * ShapeArray[d]);
        var view = reduced.Length == 1 ? permuted : permuted.Contiguous().View([.. outShape, reducedCount]);
        return (view.Detach(), outShape, keptShape);
    }

    /// <summary>1 where the position along <paramref name="dim"/> equals <paramref name="index"/> (size 1 there), else 0: a differentiable scatter mask.</summary>
    internal static Tensor OneHotAlong(int[] shape, int dim, Tensor index, DType dtype)
    {
        var positionShape = Enumerable.Repeat(1, shape.Length).ToArray();
        positionShape[dim] = shape[dim];
        var positions = Arange(shape[dim]).To(index.Device).Reshape(positionShape);
        return (positions == index).To(dtype).Expand(shape);
    }

    /// <summary>this[..., index[...], ...] = src along <paramref name="dim"/> (no autograd; used by backward formulas).</summary>
    internal void ScatterAlong(int dim, Tensor index, Tensor src)
    {
        CheckSameDevice(this, index);
        CheckSameDevice(this, src);
        Backend.Scatter(this, dim, index, src);
    }
}
