using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge.Ops;

// The special functions of issue 17 (torch.erfc, lgamma, digamma, i0 and torch.special's own kernels), declared as
// torch 1.13 declares them, with derivatives.yaml's formulas. Backward rules call other declarations through Apply,
// since the generated facades (Tensor.Digamma()...) come from these very entries.
public static partial class Declarations
{
    /// <summary>
    /// torch's <c>erfc</c> (.NET <c>Erfc</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Erfc = Float<ErfcOperator>("erfc", nameof(Erfc),
        "Returns the complementary error function 1 - erf(x) of each element.", MethodAndInPlace,
        "ErfcBackward0", "-2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad", Saves.Input, (g, x, y) => -TwoOverSqrtPi * (-(x * x)).Exp() * g, halfKernel: "erfc_vml_cpu");

    /// <summary>
    /// torch's <c>lgamma</c> (.NET <c>Lgamma</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Lgamma = Float<LgammaOperator>("lgamma", nameof(Lgamma),
        "Returns the natural logarithm of the absolute value of the gamma function of each element.", MethodAndInPlace,
        "LgammaBackward0", "grad * digamma(self)", Saves.Input, (g, x, y) => g * Digamma!.Apply(x), halfKernel: "lgamma_vml_cpu");

    /// <summary>
    /// torch's <c>digamma</c> (.NET <c>Digamma</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Digamma = Float<DigammaOperator>("digamma", nameof(Digamma),
        "Returns the digamma function (the derivative of lgamma) of each element.", MethodAndInPlace,
        "DigammaBackward0", "grad * polygamma(1, self)", Saves.Input, (g, x, y) => g * x.Polygamma(1), halfKernel: "digamma");

    /// <summary>
    /// torch's <c>i0</c> (.NET <c>I0</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp I0 = Float<I0Operator>("i0", nameof(I0),
        "Returns the modified Bessel function of the first kind of order 0 of each element.", MethodAndInPlace,
        "I0Backward0", "grad * at::special_i1(self)", Saves.Input, (g, x, y) => g * SpecialI1!.Apply(x), halfKernel: "i0_vml_cpu");

    /// <summary>
    /// torch's <c>special_i0e</c> (.NET <c>Torch.Special.I0e</c>), an elementwise op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialI0e = Float<I0eOperator>("special_i0e", nameof(SpecialI0e),
        "Returns the exponentially scaled modified Bessel function exp(-|x|) * I0(x) of each element.", Surface.Abi,
        "SpecialI0EBackward0", "grad * (at::special_i1e(self) - self.sgn() * result)", Saves.Input,
        (g, x, y) => g * (SpecialI1e!.Apply(x) - x.Sign() * SpecialI0e!.Apply(x)), "i0e_cpu",
        [.. Floating, DType.Int64, DType.Bool, .. NewIntegers], [DType.Float16]); // bfloat16 computed in float32 (OpSamples.UndeclaredOnPurpose)

    /// <summary>
    /// torch's <c>special_i1</c> (.NET <c>Torch.Special.I1</c>), an elementwise op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialI1 = FloatOnly<I1Operator>("special_i1", nameof(SpecialI1),
        "Returns the modified Bessel function of the first kind of order 1 of each element.",
        "SpecialI1Backward0", "i1_backward(grad, self, result) = grad * (i0(self) - result / self), 1/2 at 0", Saves.Input,
        (g, x, y) => g * Bridge.Tensor.Where(x == 0.0, 0.5, I0!.Apply(x) - SpecialI1!.Apply(x) / x), "i1_cpu");

    /// <summary>
    /// torch's <c>special_i1e</c> (.NET <c>Torch.Special.I1e</c>), an elementwise op: its dtypes, kernel, gradient
    /// and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialI1e = FloatOnly<I1eOperator>("special_i1e", nameof(SpecialI1e),
        "Returns the exponentially scaled modified Bessel function exp(-|x|) * I1(x) of each element.",
        "SpecialI1EBackward0", "i1e_backward(grad, self, result) = grad * (i0e(self) - result * (sgn(self) + 1 / self)), 1/2 at 0", Saves.Input,
        (g, x, y) => g * Bridge.Tensor.Where(x == 0.0, 0.5, SpecialI0e!.Apply(x) - SpecialI1e!.Apply(x) * (x.Sign() + 1.0 / x)), "i1e_cpu");

    /// <summary>
    /// torch's <c>special_ndtri</c> (.NET <c>Torch.Special.Ndtri</c>), an elementwise op: its dtypes, kernel,
    /// gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialNdtri = FloatOnly<NdtriOperator>("special_ndtri", nameof(SpecialNdtri),
        "Returns the argument x for which the standard normal CDF equals each element (NaN outside [0, 1]).",
        "SpecialNdtriBackward0", "grad * std::sqrt(2 * M_PI) * (result.square() / 2).exp()", Saves.Result,
        (g, x, y) => g * Math.Sqrt(2 * Math.PI) * (y * y / 2.0).Exp(), "ndtri_cpu");

    /// <summary>
    /// torch's <c>special_erfcx</c> (.NET <c>Torch.Special.Erfcx</c>), an elementwise op: its dtypes, kernel,
    /// gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialErfcx = FloatOnly<ErfcxOperator>("special_erfcx", nameof(SpecialErfcx),
        "Returns the scaled complementary error function exp(x^2) * erfc(x) of each element.",
        "SpecialErfcxBackward0", "(2.0 * self * result - 2.0 / sqrt(M_PI)) * grad", Saves.Input,
        (g, x, y) => (2.0 * x * SpecialErfcx!.Apply(x) - TwoOverSqrtPi) * g, "erfcx_cpu");

    /// <summary>
    /// torch's <c>special_log_ndtr</c> (.NET <c>Torch.Special.LogNdtr</c>), an elementwise op: its dtypes, kernel,
    /// gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialLogNdtr = FloatOnly<LogNdtrOperator>("special_log_ndtr", nameof(SpecialLogNdtr),
        "Returns the log of the standard normal CDF of each element, accurate far into the left tail.",
        "SpecialLogNdtrBackward0", "grad / std::sqrt(2 * M_PI) * (result + self.pow(2) / 2).neg().exp()", Saves.Input,
        (g, x, y) => g / Math.Sqrt(2 * Math.PI) * (-(SpecialLogNdtr!.Apply(x) + x * x / 2.0)).Exp(), "log_ndtr_cpu");

    /// <summary>
    /// torch's <c>special_entr</c> (.NET <c>Torch.Special.Entr</c>), an elementwise op: its dtypes, kernel, gradient
    /// and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp SpecialEntr = Float<EntrOperator>("special_entr", nameof(SpecialEntr),
        "Returns -x * ln(x) of each element: 0 at 0, -inf below 0.", Surface.Abi,
        "SpecialEntrBackward0", "grad * (-(1 + self.log()))", Saves.Input, (g, x, y) => g * -(1.0 + Log!.Apply(x)), halfKernel: "entr_cpu");

    /// <summary>A float op torch's CPU computes for float32 and float64 only: integers and bool promote, both half types are refused with <paramref name="kernel"/>'s message.</summary>
    static UnaryOp FloatOnly<TOp>(string torch, string dotNet, string doc, string node, string formula, Saves saves,
        Func<Tensor, Tensor, Tensor, Tensor> backward, string kernel) where TOp : IFloatUnaryOperator =>
        Float<TOp>(torch, dotNet, doc, Surface.Abi, node, formula, saves, backward, kernel, [.. Floating, DType.Int64, DType.Bool, .. NewIntegers], [.. Halves]);
}
