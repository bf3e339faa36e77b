namespace Bridge.Ops;

// Whole-tensor reductions to a 0-d result. The kernels (ReduceKernels / CudaReduce) serve every reduction; the
// rules are recorded by the forward methods in Tensor.Reduce.cs.
public static partial class Declarations
{
    /// <summary>
    /// torch's <c>sum</c> (.NET <c>Sum</c>), a whole-tensor reduction: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly ReductionOp Sum = Reduction("sum", nameof(Sum), [.. AllNumeric, DType.Bool], "Returns the sum of all elements (pairwise, as torch).",
        Gradient.InForward("SumBackward0", "grad.expand(self.sizes())"), x => x.Sum());

    /// <summary>
    /// torch's <c>mean</c> (.NET <c>Mean</c>), a whole-tensor reduction: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly ReductionOp Mean = Reduction("mean", nameof(Mean), [.. Floating, .. Halves], "Returns the mean of all elements.",
        Gradient.InForward("MeanBackward0", "grad.expand(self.sizes()) / self.numel()"), x => x.Mean());

    /// <summary>
    /// torch's <c>max</c> (.NET <c>Max</c>), a whole-tensor reduction: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly ReductionOp Max = Reduction("max", nameof(Max), [.. AllNumeric, DType.Bool], "Returns the largest element (NaN if any).",
        Gradient.InForward("MaxBackward1", "evenly_distribute_backward(grad, self, result)"), x => x.Max());

    /// <summary>
    /// torch's <c>min</c> (.NET <c>Min</c>), a whole-tensor reduction: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly ReductionOp Min = Reduction("min", nameof(Min), [.. AllNumeric, DType.Bool], "Returns the smallest element (NaN if any).",
        Gradient.InForward("MinBackward1", "evenly_distribute_backward(grad, self, result)"), x => x.Min());

    /// <summary>
    /// torch's <c>argmax</c> (.NET <c>Argmax</c>), a whole-tensor reduction: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly ReductionOp Argmax = Reduction("argmax", nameof(Argmax), AllNumeric, "Returns the flat index of the first largest element.",
        Gradient.NotDifferentiable("returns int64 indices"), x => x.Argmax());

    static ReductionOp Reduction(string torch, string dotNet, DType[] dtypes, string doc, Gradient gradient, Func<Tensor, Tensor> forward) =>
        Declare(new ReductionOp(torch, dotNet, dtypes, kernel: null, gradient, doc, forward));
}
