// Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.
// Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen

using Bridge.Ops;

namespace Bridge
{
    public sealed partial class Tensor
    {
        /// <summary>Returns the absolute value |x| of each element.</summary>
        public Tensor Abs() => Declarations.Abs.Apply(this);

        /// <summary>Returns the arccosine of each element (NaN outside [-1, 1]).</summary>
        public Tensor Acos() => Declarations.Acos.Apply(this);

        /// <summary>Returns the inverse hyperbolic cosine of each element (NaN below 1).</summary>
        public Tensor Acosh() => Declarations.Acosh.Apply(this);

        /// <summary>Returns the arcsine of each element (NaN outside [-1, 1]).</summary>
        public Tensor Asin() => Declarations.Asin.Apply(this);

        /// <summary>Returns the inverse hyperbolic sine of each element.</summary>
        public Tensor Asinh() => Declarations.Asinh.Apply(this);

        /// <summary>Returns the arctangent of each element.</summary>
        public Tensor Atan() => Declarations.Atan.Apply(this);

        /// <summary>Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside).</summary>
        public Tensor Atanh() => Declarations.Atanh.Apply(this);

        /// <summary>Returns the smallest integer not below each element (integers unchanged).</summary>
        public Tensor Ceil() => Declarations.Ceil.Apply(this);

        /// <summary>Returns the cosine of each element (radians).</summary>
        public Tensor Cos() => Declarations.Cos.Apply(this);

        /// <summary>Returns the hyperbolic cosine of each element.</summary>
        public Tensor Cosh() => Declarations.Cosh.Apply(this);

        /// <summary>Returns the digamma function (the derivative of lgamma) of each element.</summary>
        public Tensor Digamma() => Declarations.Digamma.Apply(this);

        /// <summary>Returns the error function of each element.</summary>
        public Tensor Erf() => Declarations.Erf.Apply(this);

        /// <summary>Returns the complementary error function 1 - erf(x) of each element.</summary>
        public Tensor Erfc() => Declarations.Erfc.Apply(this);

        /// <summary>Returns the inverse error function of each element (±inf at ±1, NaN outside).</summary>
        public Tensor Erfinv() => Declarations.Erfinv.Apply(this);

        /// <summary>Returns e raised to each element.</summary>
        public Tensor Exp() => Declarations.Exp.Apply(this);

        /// <summary>Returns 2 raised to each element.</summary>
        public Tensor Exp2() => Declarations.Exp2.Apply(this);

        /// <summary>Returns e^x - 1 for each element, accurate near 0.</summary>
        public Tensor Expm1() => Declarations.Expm1.Apply(this);

        /// <summary>Returns the largest integer not above each element (integers unchanged).</summary>
        public Tensor Floor() => Declarations.Floor.Apply(this);

        /// <summary>Returns the fractional part x - trunc(x) of each element.</summary>
        public Tensor Frac() => Declarations.Frac.Apply(this);

        /// <summary>Returns the modified Bessel function of the first kind of order 0 of each element.</summary>
        public Tensor I0() => Declarations.I0.Apply(this);

        /// <summary>Returns whether each element is finite (not NaN, not ±inf).</summary>
        public Tensor IsFinite() => Declarations.IsFinite.Apply(this);

        /// <summary>Returns whether each element is +inf or -inf.</summary>
        public Tensor IsInf() => Declarations.IsInf.Apply(this);

        /// <summary>Returns whether each element is NaN.</summary>
        public Tensor IsNan() => Declarations.IsNan.Apply(this);

        /// <summary>Returns the natural logarithm of the absolute value of the gamma function of each element.</summary>
        public Tensor Lgamma() => Declarations.Lgamma.Apply(this);

        /// <summary>Returns the natural logarithm of each element.</summary>
        public Tensor Log() => Declarations.Log.Apply(this);

        /// <summary>Returns the base-10 logarithm of each element.</summary>
        public Tensor Log10() => Declarations.Log10.Apply(this);

        /// <summary>Returns ln(1 + x) for each element, accurate near 0.</summary>
        public Tensor Log1p() => Declarations.Log1p.Apply(this);

        /// <summary>Returns the base-2 logarithm of each element.</summary>
        public Tensor Log2() => Declarations.Log2.Apply(this);

        /// <summary>Returns -x for each element.</summary>
        public Tensor Neg() => Declarations.Neg.Apply(this);

        /// <summary>Returns 1 / x for each element (integers give float32).</summary>
        public Tensor Reciprocal() => Declarations.Reciprocal.Apply(this);

        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public Tensor Relu() => Declarations.Relu.Apply(this);

        /// <summary>Returns each element rounded to the nearest integer, halves to even.</summary>
        public Tensor Round() => Declarations.Round.Apply(this);

        /// <summary>Returns 1 / sqrt(x) for each element.</summary>
        public Tensor Rsqrt() => Declarations.Rsqrt.Apply(this);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public Tensor Sigmoid() => Declarations.Sigmoid.Apply(this);

        /// <summary>Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).</summary>
        public Tensor Sign() => Declarations.Sign.Apply(this);

        /// <summary>Returns the sine of each element (radians).</summary>
        public Tensor Sin() => Declarations.Sin.Apply(this);

        /// <summary>Returns the hyperbolic sine of each element.</summary>
        public Tensor Sinh() => Declarations.Sinh.Apply(this);

        /// <summary>Returns the square root of each element.</summary>
        public Tensor Sqrt() => Declarations.Sqrt.Apply(this);

        /// <summary>Returns the tangent of each element (radians).</summary>
        public Tensor Tan() => Declarations.Tan.Apply(this);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public Tensor Tanh() => Declarations.Tanh.Apply(this);

        /// <summary>Returns each element rounded toward zero.</summary>
        public Tensor Trunc() => Declarations.Trunc.Apply(this);

        /// <summary>In place (acos_): Returns the arccosine of each element (NaN outside [-1, 1]).</summary>
        public Tensor Acos_() => Declarations.Acos.ApplyInPlace(this);

        /// <summary>In place (acosh_): Returns the inverse hyperbolic cosine of each element (NaN below 1).</summary>
        public Tensor Acosh_() => Declarations.Acosh.ApplyInPlace(this);

        /// <summary>In place (asin_): Returns the arcsine of each element (NaN outside [-1, 1]).</summary>
        public Tensor Asin_() => Declarations.Asin.ApplyInPlace(this);

        /// <summary>In place (asinh_): Returns the inverse hyperbolic sine of each element.</summary>
        public Tensor Asinh_() => Declarations.Asinh.ApplyInPlace(this);

        /// <summary>In place (atan_): Returns the arctangent of each element.</summary>
        public Tensor Atan_() => Declarations.Atan.ApplyInPlace(this);

        /// <summary>In place (atanh_): Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside).</summary>
        public Tensor Atanh_() => Declarations.Atanh.ApplyInPlace(this);

        /// <summary>In place (ceil_): Returns the smallest integer not below each element (integers unchanged).</summary>
        public Tensor Ceil_() => Declarations.Ceil.ApplyInPlace(this);

        /// <summary>In place (cos_): Returns the cosine of each element (radians).</summary>
        public Tensor Cos_() => Declarations.Cos.ApplyInPlace(this);

        /// <summary>In place (cosh_): Returns the hyperbolic cosine of each element.</summary>
        public Tensor Cosh_() => Declarations.Cosh.ApplyInPlace(this);

        /// <summary>In place (digamma_): Returns the digamma function (the derivative of lgamma) of each element.</summary>
        public Tensor Digamma_() => Declarations.Digamma.ApplyInPlace(this);

        /// <summary>In place (erf_): Returns the error function of each element.</summary>
        public Tensor Erf_() => Declarations.Erf.ApplyInPlace(this);

        /// <summary>In place (erfc_): Returns the complementary error function 1 - erf(x) of each element.</summary>
        public Tensor Erfc_() => Declarations.Erfc.ApplyInPlace(this);

        /// <summary>In place (erfinv_): Returns the inverse error function of each element (±inf at ±1, NaN outside).</summary>
        public Tensor Erfinv_() => Declarations.Erfinv.ApplyInPlace(this);

        /// <summary>In place (exp_): Returns e raised to each element.</summary>
        public Tensor Exp_() => Declarations.Exp.ApplyInPlace(this);

        /// <summary>In place (exp2_): Returns 2 raised to each element.</summary>
        public Tensor Exp2_() => Declarations.Exp2.ApplyInPlace(this);

        /// <summary>In place (expm1_): Returns e^x - 1 for each element, accurate near 0.</summary>
        public Tensor Expm1_() => Declarations.Expm1.ApplyInPlace(this);

        /// <summary>In place (floor_): Returns the largest integer not above each element (integers unchanged).</summary>
        public Tensor Floor_() => Declarations.Floor.ApplyInPlace(this);

        /// <summary>In place (frac_): Returns the fractional part x - trunc(x) of each element.</summary>
        public Tensor Frac_() => Declarations.Frac.ApplyInPlace(this);

        /// <summary>In place (i0_): Returns the modified Bessel function of the first kind of order 0 of each element.</summary>
        public Tensor I0_() => Declarations.I0.ApplyInPlace(this);

        /// <summary>In place (lgamma_): Returns the natural logarithm of the absolute value of the gamma function of each element.</summary>
        public Tensor Lgamma_() => Declarations.Lgamma.ApplyInPlace(this);

        /// <summary>In place (log10_): Returns the base-10 logarithm of each element.</summary>
        public Tensor Log10_() => Declarations.Log10.ApplyInPlace(this);

        /// <summary>In place (log1p_): Returns ln(1 + x) for each element, accurate near 0.</summary>
        public Tensor Log1p_() => Declarations.Log1p.ApplyInPlace(this);

        /// <summary>In place (log2_): Returns the base-2 logarithm of each element.</summary>
        public Tensor Log2_() => Declarations.Log2.ApplyInPlace(this);

        /// <summary>In place (reciprocal_): Returns 1 / x for each element (integers give float32).</summary>
        public Tensor Reciprocal_() => Declarations.Reciprocal.ApplyInPlace(this);

        /// <summary>In place (round_): Returns each element rounded to the nearest integer, halves to even.</summary>
        public Tensor Round_() => Declarations.Round.ApplyInPlace(this);

        /// <summary>In place (rsqrt_): Returns 1 / sqrt(x) for each element.</summary>
        public Tensor Rsqrt_() => Declarations.Rsqrt.ApplyInPlace(this);

        /// <summary>In place (sigmoid_): Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public Tensor Sigmoid_() => Declarations.Sigmoid.ApplyInPlace(this);

        /// <summary>In place (sin_): Returns the sine of each element (radians).</summary>
        public Tensor Sin_() => Declarations.Sin.ApplyInPlace(this);

        /// <summary>In place (sinh_): Returns the hyperbolic sine of each element.</summary>
        public Tensor Sinh_() => Declarations.Sinh.ApplyInPlace(this);

        /// <summary>In place (tan_): Returns the tangent of each element (radians).</summary>
        public Tensor Tan_() => Declarations.Tan.ApplyInPlace(this);

        /// <summary>In place (tanh_): Returns the hyperbolic tangent of each element.</summary>
        public Tensor Tanh_() => Declarations.Tanh.ApplyInPlace(this);

        /// <summary>In place (trunc_): Returns each element rounded toward zero.</summary>
        public Tensor Trunc_() => Declarations.Trunc.ApplyInPlace(this);
    }

    public static partial class Torch
    {
        /// <summary>Returns the absolute value |x| of each element.</summary>
        public static Tensor Abs(Tensor x) => Declarations.Abs.Apply(x);

        /// <summary>Returns the arccosine of each element (NaN outside [-1, 1]).</summary>
        public static Tensor Acos(Tensor x) => Declarations.Acos.Apply(x);

        /// <summary>Returns the inverse hyperbolic cosine of each element (NaN below 1).</summary>
        public static Tensor Acosh(Tensor x) => Declarations.Acosh.Apply(x);

        /// <summary>Returns the arcsine of each element (NaN outside [-1, 1]).</summary>
        public static Tensor Asin(Tensor x) => Declarations.Asin.Apply(x);

        /// <summary>Returns the inverse hyperbolic sine of each element.</summary>
        public static Tensor Asinh(Tensor x) => Declarations.Asinh.Apply(x);

        /// <summary>Returns the arctangent of each element.</summary>
        public static Tensor Atan(Tensor x) => Declarations.Atan.Apply(x);

        /// <summary>Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside).</summary>
        public static Tensor Atanh(Tensor x) => Declarations.Atanh.Apply(x);

        /// <summary>Returns the smallest integer not below each element (integers unchanged).</summary>
        public static Tensor Ceil(Tensor x) => Declarations.Ceil.Apply(x);

        /// <summary>Returns the cosine of each element (radians).</summary>
        public static Tensor Cos(Tensor x) => Declarations.Cos.Apply(x);

        /// <summary>Returns the hyperbolic cosine of each element.</summary>
        public static Tensor Cosh(Tensor x) => Declarations.Cosh.Apply(x);

        /// <summary>Returns the digamma function (the derivative of lgamma) of each element.</summary>
        public static Tensor Digamma(Tensor x) => Declarations.Digamma.Apply(x);

        /// <summary>Returns the error function of each element.</summary>
        public static Tensor Erf(Tensor x) => Declarations.Erf.Apply(x);

        /// <summary>Returns the complementary error function 1 - erf(x) of each element.</summary>
        public static Tensor Erfc(Tensor x) => Declarations.Erfc.Apply(x);

        /// <summary>Returns the inverse error function of each element (±inf at ±1, NaN outside).</summary>
        public static Tensor Erfinv(Tensor x) => Declarations.Erfinv.Apply(x);

        /// <summary>Returns e raised to each element.</summary>
        public static Tensor Exp(Tensor x) => Declarations.Exp.Apply(x);

        /// <summary>Returns 2 raised to each element.</summary>
        public static Tensor Exp2(Tensor x) => Declarations.Exp2.Apply(x);

        /// <summary>Returns e^x - 1 for each element, accurate near 0.</summary>
        public static Tensor Expm1(Tensor x) => Declarations.Expm1.Apply(x);

        /// <summary>Returns the largest integer not above each element (integers unchanged).</summary>
        public static Tensor Floor(Tensor x) => Declarations.Floor.Apply(x);

        /// <summary>Returns the fractional part x - trunc(x) of each element.</summary>
        public static Tensor Frac(Tensor x) => Declarations.Frac.Apply(x);

        /// <summary>Returns the modified Bessel function of the first kind of order 0 of each element.</summary>
        public static Tensor I0(Tensor x) => Declarations.I0.Apply(x);

        /// <summary>Returns whether each element is finite (not NaN, not ±inf).</summary>
        public static Tensor IsFinite(Tensor x) => Declarations.IsFinite.Apply(x);

        /// <summary>Returns whether each element is +inf or -inf.</summary>
        public static Tensor IsInf(Tensor x) => Declarations.IsInf.Apply(x);

        /// <summary>Returns whether each element is NaN.</summary>
        public static Tensor IsNan(Tensor x) => Declarations.IsNan.Apply(x);

        /// <summary>Returns the natural logarithm of the absolute value of the gamma function of each element.</summary>
        public static Tensor Lgamma(Tensor x) => Declarations.Lgamma.Apply(x);

        /// <summary>Returns the natural logarithm of each element.</summary>
        public static Tensor Log(Tensor x) => Declarations.Log.Apply(x);

        /// <summary>Returns the base-10 logarithm of each element.</summary>
        public static Tensor Log10(Tensor x) => Declarations.Log10.Apply(x);

        /// <summary>Returns ln(1 + x) for each element, accurate near 0.</summary>
        public static Tensor Log1p(Tensor x) => Declarations.Log1p.Apply(x);

        /// <summary>Returns the base-2 logarithm of each element.</summary>
        public static Tensor Log2(Tensor x) => Declarations.Log2.Apply(x);

        /// <summary>Returns -x for each element.</summary>
        public static Tensor Neg(Tensor x) => Declarations.Neg.Apply(x);

        /// <summary>Returns 1 / x for each element (integers give float32).</summary>
        public static Tensor Reciprocal(Tensor x) => Declarations.Reciprocal.Apply(x);

        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public static Tensor Relu(Tensor x) => Declarations.Relu.Apply(x);

        /// <summary>Returns each element rounded to the nearest integer, halves to even.</summary>
        public static Tensor Round(Tensor x) => Declarations.Round.Apply(x);

        /// <summary>Returns 1 / sqrt(x) for each element.</summary>
        public static Tensor Rsqrt(Tensor x) => Declarations.Rsqrt.Apply(x);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public static Tensor Sigmoid(Tensor x) => Declarations.Sigmoid.Apply(x);

        /// <summary>Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).</summary>
        public static Tensor Sign(Tensor x) => Declarations.Sign.Apply(x);

        /// <summary>Returns the sine of each element (radians).</summary>
        public static Tensor Sin(Tensor x) => Declarations.Sin.Apply(x);

        /// <summary>Returns the hyperbolic sine of each element.</summary>
        public static Tensor Sinh(Tensor x) => Declarations.Sinh.Apply(x);

        /// <summary>Returns the square root of each element.</summary>
        public static Tensor Sqrt(Tensor x) => Declarations.Sqrt.Apply(x);

        /// <summary>Returns the tangent of each element (radians).</summary>
        public static Tensor Tan(Tensor x) => Declarations.Tan.Apply(x);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public static Tensor Tanh(Tensor x) => Declarations.Tanh.Apply(x);

        /// <summary>Returns each element rounded toward zero.</summary>
        public static Tensor Trunc(Tensor x) => Declarations.Trunc.Apply(x);
    }
}

namespace Bridge.Nn
{
    public static partial class Functional
    {
        /// <summary>Returns max(x, 0) for each element (NaN and -0.0 pass through).</summary>
        public static Tensor Relu(Tensor x) => Declarations.Relu.Apply(x);

        /// <summary>Returns the logistic sigmoid 1 / (1 + e^-x) of each element.</summary>
        public static Tensor Sigmoid(Tensor x) => Declarations.Sigmoid.Apply(x);

        /// <summary>Returns the hyperbolic tangent of each element.</summary>
        public static Tensor Tanh(Tensor x) => Declarations.Tanh.Apply(x);
    }
}
