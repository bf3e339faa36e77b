using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge.Ops;

// The elementwise math families of one tensor (issue 16): trigonometric, hyperbolic, exponential and logarithmic,
// rounding, erf, and the float predicates. Derivatives as derivatives.yaml writes them, in g (grad), x (self) and
// y (result). Every float op also has its in-place form, as in torch.
public static partial class Declarations
{
    const Surface MethodAndInPlace = Surface.Tensor | Surface.InPlace;
    const double Ln2 = 0.6931471805599453, Ln10 = 2.302585092994046;
    static readonly double TwoOverSqrtPi = 2.0 / Math.Sqrt(Math.PI), HalfSqrtPi = 0.5 * Math.Sqrt(Math.PI);

    /// <summary>
    /// torch's <c>tan</c> (.NET <c>Tan</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Tan = Float<TanOperator>("tan", nameof(Tan),
        "Returns the tangent of each element (radians).", MethodAndInPlace,
        "TanBackward0", "grad * (1 + result.pow(2))", Saves.Result, (g, x, y) => g * (y * y + 1.0), halfKernel: "tan_vml_cpu");

    /// <summary>
    /// torch's <c>asin</c> (.NET <c>Asin</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Asin = Float<AsinOperator>("asin", nameof(Asin),
        "Returns the arcsine of each element (NaN outside [-1, 1]).", MethodAndInPlace,
        "AsinBackward0", "grad * (-self * self + 1).rsqrt()", Saves.Input, (g, x, y) => g * RsqrtOf(1.0 - x * x), halfKernel: "asin_vml_cpu");

    /// <summary>
    /// torch's <c>acos</c> (.NET <c>Acos</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Acos = Float<AcosOperator>("acos", nameof(Acos),
        "Returns the arccosine of each element (NaN outside [-1, 1]).", MethodAndInPlace,
        "AcosBackward0", "grad * -((-self * self + 1).rsqrt())", Saves.Input, (g, x, y) => g * -RsqrtOf(1.0 - x * x), halfKernel: "acos_vml_cpu");

    /// <summary>
    /// torch's <c>atan</c> (.NET <c>Atan</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Atan = Float<AtanOperator>("atan", nameof(Atan),
        "Returns the arctangent of each element.", MethodAndInPlace,
        "AtanBackward0", "grad / (self * self + 1)", Saves.Input, (g, x, y) => g / (x * x + 1.0), halfKernel: "atan_vml_cpu");

    /// <summary>
    /// torch's <c>sinh</c> (.NET <c>Sinh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Sinh = Float<SinhOperator>("sinh", nameof(Sinh),
        "Returns the hyperbolic sine of each element.", MethodAndInPlace,
        "SinhBackward0", "grad * self.cosh()", Saves.Input, (g, x, y) => g * CoshOf(x), halfKernel: "sinh_cpu");

    /// <summary>
    /// torch's <c>cosh</c> (.NET <c>Cosh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Cosh = Float<CoshOperator>("cosh", nameof(Cosh),
        "Returns the hyperbolic cosine of each element.", MethodAndInPlace,
        "CoshBackward0", "grad * self.sinh()", Saves.Input, (g, x, y) => g * SinhOf(x), halfKernel: "cosh_cpu");

    /// <summary>
    /// torch's <c>asinh</c> (.NET <c>Asinh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Asinh = Float<AsinhOperator>("asinh", nameof(Asinh),
        "Returns the inverse hyperbolic sine of each element.", MethodAndInPlace,
        "AsinhBackward0", "grad * (self.pow(2) + 1).rsqrt()", Saves.Input, (g, x, y) => g * RsqrtOf(x * x + 1.0), halfKernel: "asinh_cpu");

    /// <summary>
    /// torch's <c>acosh</c> (.NET <c>Acosh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Acosh = Float<AcoshOperator>("acosh", nameof(Acosh),
        "Returns the inverse hyperbolic cosine of each element (NaN below 1).", MethodAndInPlace,
        "AcoshBackward0", "grad * (self.pow(2) - 1).rsqrt()", Saves.Input, (g, x, y) => g * RsqrtOf(x * x - 1.0), halfKernel: "acosh_cpu");

    /// <summary>
    /// torch's <c>atanh</c> (.NET <c>Atanh</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Atanh = Float<AtanhOperator>("atanh", nameof(Atanh),
        "Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside).", MethodAndInPlace,
        "AtanhBackward0", "grad * 1 / (1 - self.pow(2))", Saves.Input, (g, x, y) => g / (1.0 - x * x), halfKernel: "atanh_cpu");

    /// <summary>
    /// torch's <c>exp2</c> (.NET <c>Exp2</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Exp2 = Float<Exp2Operator>("exp2", nameof(Exp2),
        "Returns 2 raised to each element.", MethodAndInPlace,
        "Exp2Backward0", "grad * result * M_LN2", Saves.Result, (g, x, y) => g * y * Ln2);

    /// <summary>
    /// torch's <c>expm1</c> (.NET <c>Expm1</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Expm1 = Float<Expm1Operator>("expm1", nameof(Expm1),
        "Returns e^x - 1 for each element, accurate near 0.", MethodAndInPlace,
        "Expm1Backward0", "grad * (result + 1)", Saves.Result, (g, x, y) => g * (y + 1.0), halfKernel: "expm1_vml_cpu");

    /// <summary>
    /// torch's <c>log2</c> (.NET <c>Log2</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Log2 = Float<Log2Operator>("log2", nameof(Log2),
        "Returns the base-2 logarithm of each element.", MethodAndInPlace,
        "Log2Backward0", "grad / (self * M_LN2)", Saves.Input, (g, x, y) => g / (x * Ln2), halfKernel: "log2_vml_cpu");

    /// <summary>
    /// torch's <c>log10</c> (.NET <c>Log10</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Log10 = Float<Log10Operator>("log10", nameof(Log10),
        "Returns the base-10 logarithm of each element.", MethodAndInPlace,
        "Log10Backward0", "grad / (self * M_LN10)", Saves.Input, (g, x, y) => g / (x * Ln10), halfKernel: "log10_vml_cpu");

    /// <summary>
    /// torch's <c>log1p</c> (.NET <c>Log1p</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Log1p = Float<Log1pOperator>("log1p", nameof(Log1p),
        "Returns ln(1 + x) for each element, accurate near 0.", MethodAndInPlace,
        "Log1PBackward0", "log1p_backward(grad, self) = grad / (self + 1)", Saves.Input, (g, x, y) => g / (x + 1.0), halfKernel: "log1p_vml_cpu");

    /// <summary>
    /// torch's <c>rsqrt</c> (.NET <c>Rsqrt</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Rsqrt = Float<RsqrtOperator, BFloat16RsqrtOperator>("rsqrt", nameof(Rsqrt),
        "Returns 1 / sqrt(x) for each element.", MethodAndInPlace,
        "RsqrtBackward0", "-0.5 * grad * result.pow(3)", Saves.Result, (g, x, y) => -0.5 * g * (y * y * y),
        "rsqrt_cpu", Promoting(float16: false), [DType.Float16]);

    /// <summary>
    /// torch's <c>reciprocal</c> (.NET <c>Reciprocal</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Reciprocal = Float<ReciprocalOperator>("reciprocal", nameof(Reciprocal),
        "Returns 1 / x for each element (integers give float32).", MethodAndInPlace,
        "ReciprocalBackward0", "-grad * (result * result)", Saves.Result, (g, x, y) => -g * (y * y));

    /// <summary>
    /// torch's <c>frac</c> (.NET <c>Frac</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Frac = Float<FracOperator>("frac", nameof(Frac),
        "Returns the fractional part x - trunc(x) of each element.", MethodAndInPlace,
        "FracBackward0", "grad", Saves.Nothing, (g, x, y) => g,
        "frac_cpu", [.. Floating, .. Halves], [DType.Int64, DType.Bool, .. NewIntegers]);

    /// <summary>
    /// torch's <c>erf</c> (.NET <c>Erf</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c> runs
    /// it.
    /// </summary>
    public static readonly UnaryOp Erf = Float<ErfOperator>("erf", nameof(Erf),
        "Returns the error function of each element.", MethodAndInPlace,
        "ErfBackward0", "2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad", Saves.Input, (g, x, y) => TwoOverSqrtPi * (-(x * x)).Exp() * g, halfKernel: "erf_vml_cpu");

    /// <summary>
    /// torch's <c>erfinv</c> (.NET <c>Erfinv</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp Erfinv = Float<ErfinvOperator>("erfinv", nameof(Erfinv),
        "Returns the inverse error function of each element (±inf at ±1, NaN outside).", MethodAndInPlace,
        "ErfinvBackward0", "0.5 * sqrt(M_PI) * exp(self.erfinv().pow(2)) * grad", Saves.Result, (g, x, y) => HalfSqrtPi * (y * y).Exp() * g, halfKernel: "erfinv_vml_cpu");

    /// <summary>
    /// torch's <c>floor</c> (.NET <c>Floor</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Floor = Number<FloorOperator>("floor", nameof(Floor),
        "Returns the largest integer not above each element (integers unchanged).", MethodAndInPlace,
        "FloorBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g), halfKernel: "floor_vml_cpu", boolMessage: "\"floor_vml_cpu\" not implemented for 'Bool'");

    /// <summary>
    /// torch's <c>ceil</c> (.NET <c>Ceil</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Ceil = Number<CeilOperator>("ceil", nameof(Ceil),
        "Returns the smallest integer not below each element (integers unchanged).", MethodAndInPlace,
        "CeilBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g), halfKernel: "ceil_vml_cpu", boolMessage: "\"ceil_vml_cpu\" not implemented for 'Bool'");

    /// <summary>
    /// torch's <c>round</c> (.NET <c>Round</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Round = Number<RoundOperator>("round", nameof(Round),
        "Returns each element rounded to the nearest integer, halves to even.", MethodAndInPlace,
        "RoundBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g), halfKernel: "round_vml_cpu", boolMessage: "\"round_vml_cpu\" not implemented for 'Bool'");

    /// <summary>
    /// torch's <c>trunc</c> (.NET <c>Trunc</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp Trunc = Number<TruncOperator>("trunc", nameof(Trunc),
        "Returns each element rounded toward zero.", MethodAndInPlace,
        "TruncBackward0", "zeros_like(grad)", Saves.Nothing, (g, x, y) => ZerosLike(g), halfKernel: "trunc_vml_cpu", boolMessage: "\"trunc_vml_cpu\" not implemented for 'Bool'");

    // The predicates compose from comparisons (x != x is NaN's test), so they run wherever comparisons do.
    /// <summary>
    /// torch's <c>isnan</c> (.NET <c>IsNan</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp IsNan = Predicate("isnan", nameof(IsNan), "Returns whether each element is NaN.",
        x => x.DType.IsFloatingPoint() ? x.Ne(x) : FalseLike(x));

    /// <summary>
    /// torch's <c>isinf</c> (.NET <c>IsInf</c>), an elementwise op: its dtypes, kernel, gradient and doc; <c>Apply</c>
    /// runs it.
    /// </summary>
    public static readonly UnaryOp IsInf = Predicate("isinf", nameof(IsInf), "Returns whether each element is +inf or -inf.",
        x => x.DType.IsFloatingPoint() ? x.Abs() == double.PositiveInfinity : FalseLike(x));

    /// <summary>
    /// torch's <c>isfinite</c> (.NET <c>IsFinite</c>), an elementwise op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly UnaryOp IsFinite = Predicate("isfinite", nameof(IsFinite), "Returns whether each element is finite (not NaN, not ±inf).",
        x => x.DType.IsFloatingPoint() ? (x - x) == 0.0 : ~FalseLike(x));

    // Formulas call declared ops through these, as field initializers cannot yet read fields declared after them.
    static Tensor RsqrtOf(Tensor x) => Rsqrt.Apply(x);
    static Tensor CoshOf(Tensor x) => Cosh.Apply(x);
    static Tensor SinhOf(Tensor x) => Sinh.Apply(x);

    static Tensor FalseLike(Tensor x) => Zeros(x.ShapeArray, DType.Bool, x.Device);

    /// <summary>A bool-valued test of each element, composed from other ops; it has no kernel and no gradient.</summary>
    static UnaryOp Predicate(string torch, string dotNet, string doc, Func<Tensor, Tensor> forward) =>
        Declare(new UnaryOp(torch, dotNet, Any, kernel: null, Gradient.NotDifferentiable("returns bool"), doc, Surface.Tensor,
            x => { using (Autograd.GradMode.Set(false)) return forward(x); },
            (x, _) => throw new NotSupportedException($"{torch} has no in-place form")));
}
