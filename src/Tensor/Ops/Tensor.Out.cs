using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge;

// Preallocated outputs (torch's out=) and in-place transcendental functions: the forms a loop uses to run
// without allocating. Neither records autograd history, as in torch.
public sealed partial class Tensor
{
    /// <summary>out = a + b (torch.add(a, b, out=out)); <paramref name="out"/> must already have the broadcast shape and dtype.</summary>
    public static Tensor Add(Tensor a, Tensor b, Tensor @out) => IntoOut<AddOperator>("add", a, b, @out);

    /// <summary>out = a - b</summary>
    public static Tensor Sub(Tensor a, Tensor b, Tensor @out) => IntoOut<SubtractOperator>("sub", a, b, @out);

    /// <summary>out = a * b</summary>
    public static Tensor Mul(Tensor a, Tensor b, Tensor @out) => IntoOut<MultiplyOperator>("mul", a, b, @out);

    /// <summary>out = a / b</summary>
    public static Tensor Div(Tensor a, Tensor b, Tensor @out) => IntoOut<DivideOperator>("div", a, b, @out);

    static Tensor IntoOut<TOp>(string op, Tensor a, Tensor b, Tensor @out) where TOp : IBinaryOperator
    {
        CheckSameDevice(a, b);
        CheckSameDevice(a, @out);
        if (GradMode.IsEnabled && (a.RequiresGrad || b.RequiresGrad || @out.RequiresGrad))
            throw new InvalidOperationException($"{op}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
        if (a.DType != @out.DType || b.DType != @out.DType)
            throw new ArgumentException($"{op}(): out= needs operands of its dtype, got {a.DType.TorchName()} and {b.DType.TorchName()} into {@out.DType.TorchName()}");
        var shape = ShapeMath.Broadcast(a.ShapeArray, b.ShapeArray);
        if (!shape.AsSpan().SequenceEqual(@out.ShapeArray))
            throw new ArgumentException($"{op}(): out has shape {ShapeMath.FormatList(@out.ShapeArray)} but the result has shape {ShapeMath.FormatList(shape)}");
        @out.CheckWritable();
        Backend.Binary<TOp>(a, b, @out);
        @out.BumpVersion();
        return @out;
    }

    /// <summary>x = 1 / (1 + e^-x) in place</summary>
    public Tensor Sigmoid_() => FloatUnary_<SigmoidOperator>(x => x.Sigmoid());

    /// <summary>x = e^x in place</summary>
    public Tensor Exp_() => FloatUnary_<ExpOperator>(x => x.Exp());

    /// <summary>x = tanh x in place</summary>
    public Tensor Tanh_() => FloatUnary_<TanhOperator>(x => x.Tanh());

    Tensor FloatUnary_<TOp>(Func<Tensor, Tensor> op) where TOp : IFloatUnaryOperator
    {
        if (!DType.IsFloatingPoint() || Recording.Needed(this)) return InPlace(this, (a, _) => op(a));
        CheckWritable();
        Backend.FloatUnary<TOp>(this, this);
        BumpVersion();
        return this;
    }
}
