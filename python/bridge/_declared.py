"""Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.
Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen

The declared elementwise ops of one tensor: Tensor methods (a mixin) and torch-level functions.
"""

from ._math import _out
from ._tensor_math import TensorMath, _self_op, _unary

__all__ = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "digamma", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "floor", "frac", "i0", "isfinite", "isinf", "isnan", "lgamma", "log", "log10", "log1p", "log2", "neg", "reciprocal", "relu", "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sqrt", "tan", "tanh", "trunc"]


class DeclaredMethods(TensorMath):
    """Methods of bridge.Tensor generated from the op declarations."""
    __slots__ = ()

    def abs(self):
        """Returns the absolute value |x| of each element."""
        return _unary("abs", self)

    def acos(self):
        """Returns the arccosine of each element (NaN outside [-1, 1])."""
        return _unary("acos", self)

    def acosh(self):
        """Returns the inverse hyperbolic cosine of each element (NaN below 1)."""
        return _unary("acosh", self)

    def asin(self):
        """Returns the arcsine of each element (NaN outside [-1, 1])."""
        return _unary("asin", self)

    def asinh(self):
        """Returns the inverse hyperbolic sine of each element."""
        return _unary("asinh", self)

    def atan(self):
        """Returns the arctangent of each element."""
        return _unary("atan", self)

    def atanh(self):
        """Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside)."""
        return _unary("atanh", self)

    def ceil(self):
        """Returns the smallest integer not below each element (integers unchanged)."""
        return _unary("ceil", self)

    def cos(self):
        """Returns the cosine of each element (radians)."""
        return _unary("cos", self)

    def cosh(self):
        """Returns the hyperbolic cosine of each element."""
        return _unary("cosh", self)

    def digamma(self):
        """Returns the digamma function (the derivative of lgamma) of each element."""
        return _unary("digamma", self)

    def erf(self):
        """Returns the error function of each element."""
        return _unary("erf", self)

    def erfc(self):
        """Returns the complementary error function 1 - erf(x) of each element."""
        return _unary("erfc", self)

    def erfinv(self):
        """Returns the inverse error function of each element (±inf at ±1, NaN outside)."""
        return _unary("erfinv", self)

    def exp(self):
        """Returns e raised to each element."""
        return _unary("exp", self)

    def exp2(self):
        """Returns 2 raised to each element."""
        return _unary("exp2", self)

    def expm1(self):
        """Returns e^x - 1 for each element, accurate near 0."""
        return _unary("expm1", self)

    def floor(self):
        """Returns the largest integer not above each element (integers unchanged)."""
        return _unary("floor", self)

    def frac(self):
        """Returns the fractional part x - trunc(x) of each element."""
        return _unary("frac", self)

    def i0(self):
        """Returns the modified Bessel function of the first kind of order 0 of each element."""
        return _unary("i0", self)

    def isfinite(self):
        """Returns whether each element is finite (not NaN, not ±inf)."""
        return _unary("isfinite", self)

    def isinf(self):
        """Returns whether each element is +inf or -inf."""
        return _unary("isinf", self)

    def isnan(self):
        """Returns whether each element is NaN."""
        return _unary("isnan", self)

    def lgamma(self):
        """Returns the natural logarithm of the absolute value of the gamma function of each element."""
        return _unary("lgamma", self)

    def log(self):
        """Returns the natural logarithm of each element."""
        return _unary("log", self)

    def log10(self):
        """Returns the base-10 logarithm of each element."""
        return _unary("log10", self)

    def log1p(self):
        """Returns ln(1 + x) for each element, accurate near 0."""
        return _unary("log1p", self)

    def log2(self):
        """Returns the base-2 logarithm of each element."""
        return _unary("log2", self)

    def neg(self):
        """Returns -x for each element."""
        return _unary("neg", self)

    def reciprocal(self):
        """Returns 1 / x for each element (integers give float32)."""
        return _unary("reciprocal", self)

    def relu(self):
        """Returns max(x, 0) for each element (NaN and -0.0 pass through)."""
        return _unary("relu", self)

    def round(self):
        """Returns each element rounded to the nearest integer, halves to even."""
        return _unary("round", self)

    def rsqrt(self):
        """Returns 1 / sqrt(x) for each element."""
        return _unary("rsqrt", self)

    def sigmoid(self):
        """Returns the logistic sigmoid 1 / (1 + e^-x) of each element."""
        return _unary("sigmoid", self)

    def sign(self):
        """Returns the sign of each element as -1, 0 or 1 (NaN stays NaN)."""
        return _unary("sign", self)

    def sin(self):
        """Returns the sine of each element (radians)."""
        return _unary("sin", self)

    def sinh(self):
        """Returns the hyperbolic sine of each element."""
        return _unary("sinh", self)

    def sqrt(self):
        """Returns the square root of each element."""
        return _unary("sqrt", self)

    def tan(self):
        """Returns the tangent of each element (radians)."""
        return _unary("tan", self)

    def tanh(self):
        """Returns the hyperbolic tangent of each element."""
        return _unary("tanh", self)

    def trunc(self):
        """Returns each element rounded toward zero."""
        return _unary("trunc", self)

    def acos_(self):
        """In place (acos_): Returns the arccosine of each element (NaN outside [-1, 1])."""
        return _self_op("acos_", self)

    def acosh_(self):
        """In place (acosh_): Returns the inverse hyperbolic cosine of each element (NaN below 1)."""
        return _self_op("acosh_", self)

    def asin_(self):
        """In place (asin_): Returns the arcsine of each element (NaN outside [-1, 1])."""
        return _self_op("asin_", self)

    def asinh_(self):
        """In place (asinh_): Returns the inverse hyperbolic sine of each element."""
        return _self_op("asinh_", self)

    def atan_(self):
        """In place (atan_): Returns the arctangent of each element."""
        return _self_op("atan_", self)

    def atanh_(self):
        """In place (atanh_): Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside)."""
        return _self_op("atanh_", self)

    def ceil_(self):
        """In place (ceil_): Returns the smallest integer not below each element (integers unchanged)."""
        return _self_op("ceil_", self)

    def cos_(self):
        """In place (cos_): Returns the cosine of each element (radians)."""
        return _self_op("cos_", self)

    def cosh_(self):
        """In place (cosh_): Returns the hyperbolic cosine of each element."""
        return _self_op("cosh_", self)

    def digamma_(self):
        """In place (digamma_): Returns the digamma function (the derivative of lgamma) of each element."""
        return _self_op("digamma_", self)

    def erf_(self):
        """In place (erf_): Returns the error function of each element."""
        return _self_op("erf_", self)

    def erfc_(self):
        """In place (erfc_): Returns the complementary error function 1 - erf(x) of each element."""
        return _self_op("erfc_", self)

    def erfinv_(self):
        """In place (erfinv_): Returns the inverse error function of each element (±inf at ±1, NaN outside)."""
        return _self_op("erfinv_", self)

    def exp_(self):
        """In place (exp_): Returns e raised to each element."""
        return _self_op("exp_", self)

    def exp2_(self):
        """In place (exp2_): Returns 2 raised to each element."""
        return _self_op("exp2_", self)

    def expm1_(self):
        """In place (expm1_): Returns e^x - 1 for each element, accurate near 0."""
        return _self_op("expm1_", self)

    def floor_(self):
        """In place (floor_): Returns the largest integer not above each element (integers unchanged)."""
        return _self_op("floor_", self)

    def frac_(self):
        """In place (frac_): Returns the fractional part x - trunc(x) of each element."""
        return _self_op("frac_", self)

    def i0_(self):
        """In place (i0_): Returns the modified Bessel function of the first kind of order 0 of each element."""
        return _self_op("i0_", self)

    def lgamma_(self):
        """In place (lgamma_): Returns the natural logarithm of the absolute value of the gamma function of each element."""
        return _self_op("lgamma_", self)

    def log10_(self):
        """In place (log10_): Returns the base-10 logarithm of each element."""
        return _self_op("log10_", self)

    def log1p_(self):
        """In place (log1p_): Returns ln(1 + x) for each element, accurate near 0."""
        return _self_op("log1p_", self)

    def log2_(self):
        """In place (log2_): Returns the base-2 logarithm of each element."""
        return _self_op("log2_", self)

    def reciprocal_(self):
        """In place (reciprocal_): Returns 1 / x for each element (integers give float32)."""
        return _self_op("reciprocal_", self)

    def round_(self):
        """In place (round_): Returns each element rounded to the nearest integer, halves to even."""
        return _self_op("round_", self)

    def rsqrt_(self):
        """In place (rsqrt_): Returns 1 / sqrt(x) for each element."""
        return _self_op("rsqrt_", self)

    def sigmoid_(self):
        """In place (sigmoid_): Returns the logistic sigmoid 1 / (1 + e^-x) of each element."""
        return _self_op("sigmoid_", self)

    def sin_(self):
        """In place (sin_): Returns the sine of each element (radians)."""
        return _self_op("sin_", self)

    def sinh_(self):
        """In place (sinh_): Returns the hyperbolic sine of each element."""
        return _self_op("sinh_", self)

    def tan_(self):
        """In place (tan_): Returns the tangent of each element (radians)."""
        return _self_op("tan_", self)

    def tanh_(self):
        """In place (tanh_): Returns the hyperbolic tangent of each element."""
        return _self_op("tanh_", self)

    def trunc_(self):
        """In place (trunc_): Returns each element rounded toward zero."""
        return _self_op("trunc_", self)


def abs(input, *, out=None):
    """Returns the absolute value |x| of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("abs", input) if out is None else _out(_unary("abs", input), out)


def acos(input, *, out=None):
    """Returns the arccosine of each element (NaN outside [-1, 1]).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("acos", input) if out is None else _out(_unary("acos", input), out)


def acosh(input, *, out=None):
    """Returns the inverse hyperbolic cosine of each element (NaN below 1).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("acosh", input) if out is None else _out(_unary("acosh", input), out)


def asin(input, *, out=None):
    """Returns the arcsine of each element (NaN outside [-1, 1]).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("asin", input) if out is None else _out(_unary("asin", input), out)


def asinh(input, *, out=None):
    """Returns the inverse hyperbolic sine of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("asinh", input) if out is None else _out(_unary("asinh", input), out)


def atan(input, *, out=None):
    """Returns the arctangent of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("atan", input) if out is None else _out(_unary("atan", input), out)


def atanh(input, *, out=None):
    """Returns the inverse hyperbolic tangent of each element (±inf at ±1, NaN outside).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("atanh", input) if out is None else _out(_unary("atanh", input), out)


def ceil(input, *, out=None):
    """Returns the smallest integer not below each element (integers unchanged).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("ceil", input) if out is None else _out(_unary("ceil", input), out)


def cos(input, *, out=None):
    """Returns the cosine of each element (radians).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("cos", input) if out is None else _out(_unary("cos", input), out)


def cosh(input, *, out=None):
    """Returns the hyperbolic cosine of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("cosh", input) if out is None else _out(_unary("cosh", input), out)


def digamma(input, *, out=None):
    """Returns the digamma function (the derivative of lgamma) of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("digamma", input) if out is None else _out(_unary("digamma", input), out)


def erf(input, *, out=None):
    """Returns the error function of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("erf", input) if out is None else _out(_unary("erf", input), out)


def erfc(input, *, out=None):
    """Returns the complementary error function 1 - erf(x) of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("erfc", input) if out is None else _out(_unary("erfc", input), out)


def erfinv(input, *, out=None):
    """Returns the inverse error function of each element (±inf at ±1, NaN outside).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("erfinv", input) if out is None else _out(_unary("erfinv", input), out)


def exp(input, *, out=None):
    """Returns e raised to each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("exp", input) if out is None else _out(_unary("exp", input), out)


def exp2(input, *, out=None):
    """Returns 2 raised to each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("exp2", input) if out is None else _out(_unary("exp2", input), out)


def expm1(input, *, out=None):
    """Returns e^x - 1 for each element, accurate near 0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("expm1", input) if out is None else _out(_unary("expm1", input), out)


def floor(input, *, out=None):
    """Returns the largest integer not above each element (integers unchanged).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("floor", input) if out is None else _out(_unary("floor", input), out)


def frac(input, *, out=None):
    """Returns the fractional part x - trunc(x) of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("frac", input) if out is None else _out(_unary("frac", input), out)


def i0(input, *, out=None):
    """Returns the modified Bessel function of the first kind of order 0 of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("i0", input) if out is None else _out(_unary("i0", input), out)


def isfinite(input):
    """Returns whether each element is finite (not NaN, not ±inf).

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("isfinite", input)


def isinf(input):
    """Returns whether each element is +inf or -inf.

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("isinf", input)


def isnan(input):
    """Returns whether each element is NaN.

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("isnan", input)


def lgamma(input, *, out=None):
    """Returns the natural logarithm of the absolute value of the gamma function of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("lgamma", input) if out is None else _out(_unary("lgamma", input), out)


def log(input, *, out=None):
    """Returns the natural logarithm of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("log", input) if out is None else _out(_unary("log", input), out)


def log10(input, *, out=None):
    """Returns the base-10 logarithm of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("log10", input) if out is None else _out(_unary("log10", input), out)


def log1p(input, *, out=None):
    """Returns ln(1 + x) for each element, accurate near 0.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("log1p", input) if out is None else _out(_unary("log1p", input), out)


def log2(input, *, out=None):
    """Returns the base-2 logarithm of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("log2", input) if out is None else _out(_unary("log2", input), out)


def neg(input, *, out=None):
    """Returns -x for each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("neg", input) if out is None else _out(_unary("neg", input), out)


def reciprocal(input, *, out=None):
    """Returns 1 / x for each element (integers give float32).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("reciprocal", input) if out is None else _out(_unary("reciprocal", input), out)


def relu(input, *, out=None):
    """Returns max(x, 0) for each element (NaN and -0.0 pass through).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("relu", input) if out is None else _out(_unary("relu", input), out)


def round(input, *, out=None):
    """Returns each element rounded to the nearest integer, halves to even.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("round", input) if out is None else _out(_unary("round", input), out)


def rsqrt(input, *, out=None):
    """Returns 1 / sqrt(x) for each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("rsqrt", input) if out is None else _out(_unary("rsqrt", input), out)


def sigmoid(input, *, out=None):
    """Returns the logistic sigmoid 1 / (1 + e^-x) of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("sigmoid", input) if out is None else _out(_unary("sigmoid", input), out)


def sign(input, *, out=None):
    """Returns the sign of each element as -1, 0 or 1 (NaN stays NaN).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("sign", input) if out is None else _out(_unary("sign", input), out)


def sin(input, *, out=None):
    """Returns the sine of each element (radians).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("sin", input) if out is None else _out(_unary("sin", input), out)


def sinh(input, *, out=None):
    """Returns the hyperbolic sine of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("sinh", input) if out is None else _out(_unary("sinh", input), out)


def sqrt(input, *, out=None):
    """Returns the square root of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("sqrt", input) if out is None else _out(_unary("sqrt", input), out)


def tan(input, *, out=None):
    """Returns the tangent of each element (radians).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("tan", input) if out is None else _out(_unary("tan", input), out)


def tanh(input, *, out=None):
    """Returns the hyperbolic tangent of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("tanh", input) if out is None else _out(_unary("tanh", input), out)


def trunc(input, *, out=None):
    """Returns each element rounded toward zero.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor, written without autograd (as torch does).
    """
    return _unary("trunc", input) if out is None else _out(_unary("trunc", input), out)
