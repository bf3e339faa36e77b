using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge;

// Preallocated outputs (torch's out=) and the in-place drivers of declared unary ops: the forms a loop uses to run
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

    /// <summary>The in-place driver of declared float ops (x.exp_()): the kernel writes into this tensor; under autograd, or on integer tensors, the op runs out of place and is written back.</summary>
    internal static Tensor FloatUnary_<TOp>(Tensor self, Func<Tensor, Tensor> op) where TOp : IFloatUnaryOperator
    {
        if (!self.DType.IsFloatingPoint() || Recording.Needed(self)) return self.InPlace(self, (a, _) => op(a));
        self.CheckWritable();
        self.CheckInternalOverlap();
        Backend.FloatUnary<TOp>(self, self);
        self.BumpVersion();
        return self;
    }

    /// <summary>The in-place driver of declared numeric ops (x.neg_()); bool tensors and autograd take the out-of-place form.</summary>
    internal static Tensor NumberUnary_<TOp>(Tensor self, Func<Tensor, Tensor> op) where TOp : IUnaryOperator
    {
        if (self.DType == DType.Bool || Recording.Needed(self)) return self.InPlace(self, (a, _) => op(a));
        self.CheckWritable();
        self.CheckInternalOverlap();
        Backend.Unary<TOp>(self, self);
        self.BumpVersion();
        return self;
    }
}
