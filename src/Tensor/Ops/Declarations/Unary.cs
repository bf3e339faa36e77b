using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge.Ops;

// Elementwise ops of one tensor: torch name, .NET name, operator (kernel), derivative, doc. Each derivative
// names what it reads (Saves) and is written in terms of g (grad), x (self) and y (result), as derivatives.yaml.
// Fused backward kernels are not recorded: under create_graph (grad mode on in backward) the composite formula runs.
// Tensor.X(), Torch.X(x), Functional.X(x) and the Python binding are generated from these entries
// (tests/Bridge.Tensor.Tests/OpInfo/CodegenTests.cs).
public static partial class Declarations
{
    /// <summary>
    /// torch's <c>neg</c> (.NET <c>Neg</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Neg = Number<NegateOperator>("neg", nameof(Neg),
        "Returns -x for each element.", Surface.Tensor,
        "NegBackward0", "-grad", Saves.Nothing, (g, x, y) => -g);

    /// <summary>
    /// torch's <c>abs</c> (.NET <c>Abs</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Abs = Number<AbsOperator>("abs", nameof(Abs),
        "Returns the absolute value |x| of each element.", Surface.Tensor,
        "AbsBackward0", "grad * self.sgn()", Saves.Input, (g, x, y) => g * x.Sign());

    /// <summary>
    /// torch's <c>sign</c> (.NET <c>Sign</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Sign = Number<SignOperator>("sign", nameof(Sign),
        "Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).", Surface.Tensor,
        "SignBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g));

    /// <summary>
    /// torch's <c>relu</c> (.NET <c>Relu</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Relu = Number<ReluOperator>("relu", nameof(Relu),
        "Returns max(x, 0) for each element (NaN and -0.0 pass through).", Surface.Tensor | Surface.Functional,
        "ReluBackward0", "threshold_backward(grad, result, 0)", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (y > 0.0).To(g.DType) : Tensor.Fused<ReluBackwardOperator>(g, y));

    /// <summary>
    /// torch's <c>exp</c> (.NET <c>Exp</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Exp = Float<ExpOperator>("exp", nameof(Exp),
        "Returns e raised to each element.", Surface.Tensor | Surface.InPlace,
        "ExpBackward0", "grad * result", Saves.Result, (g, x, y) => g * y);

    /// <summary>
    /// torch's <c>log</c> (.NET <c>Log</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Log = Float<LogOperator>("log", nameof(Log),
        "Returns the natural logarithm of each element.", Surface.Tensor,
        "LogBackward0", "grad / self", Saves.Input, (g, x, y) => g / x);

    /// <summary>
    /// torch's <c>sqrt</c> (.NET <c>Sqrt</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Sqrt = Float<SqrtOperator>("sqrt", nameof(Sqrt),
        "Returns the square root of each element.", Surface.Tensor,
        "SqrtBackward0", "grad / (2 * result)", Saves.Result, (g, x, y) => g / (2.0 * y));

    /// <summary>
    /// torch's <c>tanh</c> (.NET <c>Tanh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Tanh = Float<TanhOperator>("tanh", nameof(Tanh),
        "Returns the hyperbolic tangent of each element.", Surface.Tensor | Surface.Functional | Surface.InPlace,
        "TanhBackward0", "tanh_backward(grad, result) = grad * (1 - result^2)", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (1.0 - y * y) : Tensor.Fused<TanhBackwardOperator>(g, y));

    /// <summary>
    /// torch's <c>sigmoid</c> (.NET <c>Sigmoid</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Sigmoid = Float<SigmoidOperator>("sigmoid", nameof(Sigmoid),
        "Returns the logistic sigmoid 1 / (1 + e^-x) of each element.", Surface.Tensor | Surface.Functional | Surface.InPlace,
        "SigmoidBackward0", "sigmoid_backward(grad, result) = grad * (1 - result) * result", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (1.0 - y) * y : Tensor.Fused<SigmoidBackwardOperator>(g, y));

    /// <summary>
    /// torch's <c>sin</c> (.NET <c>Sin</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Sin = Float<SinOperator>("sin", nameof(Sin),
        "Returns the sine of each element (radians).", Surface.Tensor | Surface.InPlace,
        "SinBackward0", "grad * self.cos()", Saves.Input, (g, x, y) => g * x.Cos());

    /// <summary>
    /// torch's <c>cos</c> (.NET <c>Cos</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Cos = Float<CosOperator>("cos", nameof(Cos),
        "Returns the cosine of each element (radians).", Surface.Tensor | Surface.InPlace,
        "CosBackward0", "grad * -self.sin()", Saves.Input, (g, x, y) => g * -x.Sin());

    /// <summary>An op for float32/float64 (other dtypes are promoted to float32, as torch does).</summary>
    static UnaryOp Float<TOp>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward) where TOp : IFloatUnaryOperator =>
        Declare(new UnaryOp(torch, dotNet, Floating, TOp.Name, Gradient.Declared(node, formula), doc, surface,
            x => Tensor.FloatUnary<TOp>(x, node, backward, saves), Tensor.FloatUnary_<TOp>));

    /// <summary>An op for every numeric dtype (bool is promoted to int64).</summary>
    static UnaryOp Number<TOp>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward) where TOp : IUnaryOperator =>
        Declare(new UnaryOp(torch, dotNet, Numeric, TOp.Name, Gradient.Declared(node, formula), doc, surface,
            x => Tensor.NumberUnary<TOp>(x, node, backward, saves), Tensor.NumberUnary_<TOp>));
}
