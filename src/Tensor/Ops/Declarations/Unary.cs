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
        "NegBackward0", "-grad", Saves.Nothing, (g, x, y) => -g, boolMessage: "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");

    /// <summary>
    /// torch's <c>abs</c> (.NET <c>Abs</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Abs = Number<AbsOperator>("abs", nameof(Abs),
        "Returns the absolute value |x| of each element.", Surface.Tensor,
        "AbsBackward0", "grad * self.sgn()", Saves.Input, (g, x, y) => g * x.Sign(), boolMessage: "\"abs_cpu\" not implemented for 'Bool'");

    /// <summary>
    /// torch's <c>sign</c> (.NET <c>Sign</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Sign = Number<SignOperator>("sign", nameof(Sign),
        "Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).", Surface.Tensor,
        "SignBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g), boolIdentity: true);

    /// <summary>
    /// torch's <c>relu</c> (.NET <c>Relu</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Relu = Number<ReluOperator>("relu", nameof(Relu),
        "Returns max(x, 0) for each element (NaN and -0.0 pass through).", Surface.Tensor | Surface.Functional,
        "ReluBackward0", "threshold_backward(grad, result, 0)", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (y > 0.0).To(g.DType) : Tensor.Fused<ReluBackwardOperator>(g, y), halfKernel: "clamp_min_cpu", boolMessage: "Boolean inputs not supported for relu");

    /// <summary>
    /// torch's <c>exp</c> (.NET <c>Exp</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Exp = Float<ExpOperator>("exp", nameof(Exp),
        "Returns e raised to each element.", Surface.Tensor | Surface.InPlace,
        "ExpBackward0", "grad * result", Saves.Result, (g, x, y) => g * y, halfKernel: "exp_vml_cpu");

    /// <summary>
    /// torch's <c>log</c> (.NET <c>Log</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Log = Float<LogOperator>("log", nameof(Log),
        "Returns the natural logarithm of each element.", Surface.Tensor,
        "LogBackward0", "grad / self", Saves.Input, (g, x, y) => g / x, halfKernel: "log_vml_cpu");

    /// <summary>
    /// torch's <c>sqrt</c> (.NET <c>Sqrt</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Sqrt = Float<SqrtOperator>("sqrt", nameof(Sqrt),
        "Returns the square root of each element.", Surface.Tensor,
        "SqrtBackward0", "grad / (2 * result)", Saves.Result, (g, x, y) => g / (2.0 * y), halfKernel: "sqrt_vml_cpu");

    /// <summary>
    /// torch's <c>tanh</c> (.NET <c>Tanh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Tanh = Float<TanhOperator>("tanh", nameof(Tanh),
        "Returns the hyperbolic tangent of each element.", Surface.Tensor | Surface.Functional | Surface.InPlace,
        "TanhBackward0", "tanh_backward(grad, result) = grad * (1 - result^2)", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (1.0 - y * y) : Tensor.Fused<TanhBackwardOperator>(g, y), halfKernel: "tanh_vml_cpu");

    /// <summary>
    /// torch's <c>sigmoid</c> (.NET <c>Sigmoid</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Sigmoid = Float<SigmoidOperator>("sigmoid", nameof(Sigmoid),
        "Returns the logistic sigmoid 1 / (1 + e^-x) of each element.", Surface.Tensor | Surface.Functional | Surface.InPlace,
        "SigmoidBackward0", "sigmoid_backward(grad, result) = grad * (1 - result) * result", Saves.Result,
        (g, x, y) => GradMode.IsEnabled ? g * (1.0 - y) * y : Tensor.Fused<SigmoidBackwardOperator>(g, y), halfKernel: "sigmoid_cpu");

    /// <summary>
    /// torch's <c>sin</c> (.NET <c>Sin</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Sin = Float<SinOperator>("sin", nameof(Sin),
        "Returns the sine of each element (radians).", Surface.Tensor | Surface.InPlace,
        "SinBackward0", "grad * self.cos()", Saves.Input, (g, x, y) => g * x.Cos(), halfKernel: "sin_vml_cpu");

    /// <summary>
    /// torch's <c>cos</c> (.NET <c>Cos</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Cos = Float<CosOperator>("cos", nameof(Cos),
        "Returns the cosine of each element (radians).", Surface.Tensor | Surface.InPlace,
        "CosBackward0", "grad * -self.sin()", Saves.Input, (g, x, y) => g * -x.Sin(), halfKernel: "cos_vml_cpu");

    /// <summary>
    /// An op for the floating dtypes (integers and bool are promoted to float32, as torch does). <paramref name="halfKernel"/>
    /// names torch's CPU kernel that refuses float16 (<c>exp_vml_cpu</c>); null where torch computes float16.
    /// </summary>
    static UnaryOp Float<TOp>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward, string? halfKernel = null) where TOp : IFloatUnaryOperator =>
        Float<TOp>(torch, dotNet, doc, surface, node, formula, saves, backward, halfKernel, Promoting(float16: halfKernel is null), [DType.Float16]);

    /// <summary>A float op with its declared dtypes and the ones torch's CPU refuses with <paramref name="kernel"/>'s message.</summary>
    static UnaryOp Float<TOp>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward, string? kernel, DType[] dtypes, DType[] refused) where TOp : IFloatUnaryOperator =>
        Float<TOp, TOp>(torch, dotNet, doc, surface, node, formula, saves, backward, kernel, dtypes, refused);

    /// <summary>
    /// A float op whose bfloat16 inputs (on the CPU) run <typeparamref name="TBFloat16"/>, where torch's vectorised
    /// bfloat16 kernel rounds between steps (rsqrt: <c>1 / sqrt</c>, each rounded to bfloat16).
    /// </summary>
    static UnaryOp Float<TOp, TBFloat16>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward, string? kernel, DType[] dtypes, DType[] refused)
        where TOp : IFloatUnaryOperator where TBFloat16 : IFloatUnaryOperator
    {
        static bool Stepwise(Tensor x) => typeof(TBFloat16) != typeof(TOp) && x.DType == DType.BFloat16 && !x.Device.IsCuda;
        return Declare(new UnaryOp(torch, dotNet, dtypes, TOp.Name, Gradient.Declared(node, formula), doc, surface,
            x =>
            {
                RefuseOnCpu(kernel, refused, x);
                return Stepwise(x) ? Tensor.FloatUnary<TBFloat16>(x, node, backward, saves) : Tensor.FloatUnary<TOp>(x, node, backward, saves);
            },
            (x, f) =>
            {
                RefuseOnCpu(kernel, refused, x);
                return Stepwise(x) ? Tensor.FloatUnary_<TBFloat16>(x, f) : Tensor.FloatUnary_<TOp>(x, f);
            }));
    }

    /// <summary>
    /// An op for every numeric dtype. <paramref name="halfKernel"/> names torch's CPU kernel that refuses float16
    /// (<c>floor_vml_cpu</c>), null where torch computes float16; <paramref name="boolMessage"/> is torch's refusal of
    /// bool, null where bool is promoted to int64 and computed; <paramref name="boolIdentity"/> says the op maps a bool
    /// tensor to itself, as torch's sign does (its result stays bool).
    /// </summary>
    static UnaryOp Number<TOp>(string torch, string dotNet, string doc, Surface surface, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward, string? halfKernel = null, string? boolMessage = null, bool boolIdentity = false) where TOp : IUnaryOperator
    {
        DType[] dtypes = halfKernel is null ? AllNumeric : [.. AllNumeric.Where(d => d != DType.Float16)];
        if (boolIdentity) dtypes = [.. dtypes, DType.Bool];
        return Declare(new UnaryOp(torch, dotNet, dtypes, TOp.Name, Gradient.Declared(node, formula), doc, surface,
            x =>
            {
                RefuseOnCpu(halfKernel, [DType.Float16], x);
                RefuseBool(boolMessage, x);
                return boolIdentity && x.DType == DType.Bool ? x.Clone() : Tensor.NumberUnary<TOp>(x, node, backward, saves);
            },
            (x, f) =>
            {
                RefuseOnCpu(halfKernel, [DType.Float16], x);
                RefuseBool(boolMessage, x);
                return boolIdentity && x.DType == DType.Bool ? x : Tensor.NumberUnary_<TOp>(x, f);
            }));
    }
}
