using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Elementwise functions of one tensor, forward kernel and derivative side by side. Where torch has a
// dedicated backward kernel (sigmoid, tanh, relu) the formula follows its order of operations.
public sealed partial class Tensor
{
    /// <summary>e^x; ∂ = g·result</summary>
    public Tensor Exp() => FloatUnary<ExpOperator>("ExpBackward0", (g, x, y) => g * y, savesResult: true);

    /// <summary>ln x; ∂ = g / x</summary>
    public Tensor Log() => FloatUnary<LogOperator>("LogBackward0", (g, x, y) => g / x, savesInput: true);

    /// <summary>√x; ∂ = g / (2·result)</summary>
    public Tensor Sqrt() => FloatUnary<SqrtOperator>("SqrtBackward0", (g, x, y) => g / (2.0 * y), savesResult: true);

    // The fused backward operators (one pass, the composite form's roundings) have CPU kernels only: on a
    // device the composite form runs, giving the same values. CUDA dispatch.

    /// <summary>tanh x; ∂ = g·(1 - result²)</summary>
    public Tensor Tanh() => FloatUnary<TanhOperator>("TanhBackward0", (g, x, y) => g.Device.IsCuda ? g * (1.0 - y * y) : Binary<TanhBackwardOperator>(ref g, ref y), savesResult: true);

    /// <summary>1 / (1 + e^-x); ∂ = g·(1 - result)·result</summary>
    public Tensor Sigmoid() => FloatUnary<SigmoidOperator>("SigmoidBackward0", (g, x, y) => g.Device.IsCuda ? g * (1.0 - y) * y : Binary<SigmoidBackwardOperator>(ref g, ref y), savesResult: true);

    /// <summary>max(x, 0); ∂ = g where result &gt; 0, else 0</summary>
    public Tensor Relu() => NumberUnary<ReluOperator>("ReluBackward0", (g, x, y) => g.Device.IsCuda ? Where(y <= 0.0, ZerosLike(g), g) : Binary<ReluBackwardOperator>(ref g, ref y), savesResult: true);

    /// <summary>|x|; ∂ = g·sign(x)</summary>
    public Tensor Abs() => NumberUnary<AbsOperator>("AbsBackward0", (g, x, y) => g * x.Sign(), savesInput: true);

    /// <summary>-x; ∂ = -g</summary>
    public Tensor Neg() => NumberUnary<NegateOperator>("NegBackward0", (g, x, y) => -g);

    /// <summary>sign(x) ∈ {-1, 0, 1}; ∂ = 0</summary>
    public Tensor Sign() => NumberUnary<SignOperator>("SignBackward0", (g, x, y) => ZerosLike(g));

    /// <summary>1 / x</summary>
    public Tensor Reciprocal() => 1.0 / this;

    /// <summary>min(max(x, min), max); ∂ = g where min ≤ x ≤ max, else 0</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        var x = this;
        var result = x;
        using (GradMode.Set(false))
        {
            if (min is double lo) result = Where(result < lo, Full([], lo, DType, device: Device), result);
            if (max is double hi) result = Where(result > hi, Full([], hi, DType, device: Device), result);
            if (ReferenceEquals(result.Storage, Storage)) result = result.Clone();
        }
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "ClampBackward1", [x], g =>
        {
            var keep = (min is double l ? x >= l : OnesLike(x).To(DType.Bool)) & (max is double h ? x <= h : OnesLike(x).To(DType.Bool));
            return [Where(keep, g, ZerosLike(g))];
        }, x);
    }

    Tensor FloatUnary<TOp>(string name, Func<Tensor, Tensor, Tensor, Tensor> backward, bool savesInput = false, bool savesResult = false)
        where TOp : IFloatUnaryOperator
    {
        var x = DType.IsFloatingPoint() ? this : To(DType.Float32);
        var result = Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
        ElementwiseKernels.FloatUnary<TOp>(x, result);
        return RecordUnary(x, result, name, backward, savesInput, savesResult);
    }

    Tensor NumberUnary<TOp>(string name, Func<Tensor, Tensor, Tensor, Tensor> backward, bool savesInput = false, bool savesResult = false)
        where TOp : IUnaryOperator
    {
        var x = DType == DType.Bool ? To(DType.Int64) : this;
        var result = Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
        ElementwiseKernels.Unary<TOp>(x, result);
        return RecordUnary(x, result, name, backward, savesInput, savesResult);
    }

    static Tensor RecordUnary(Tensor x, Tensor result, string name, Func<Tensor, Tensor, Tensor, Tensor> backward, bool savesInput, bool savesResult)
    {
        if (!Recording.Needed(x)) return result;
        var saved = savesInput && savesResult ? new[] { x, result } : savesInput ? [x] : savesResult ? [result] : [];
        // The closure must not keep the result alive through the node it belongs to once released,
        // so it reads it from a detached alias.
        var y = result.Detach();
        return Recording.Record(result, name, [x], g => [backward(g, x, y)], saved);
    }
}
