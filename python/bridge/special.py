"""torch.special: special functions under torch's names. Each calls the engine op torch maps it onto; the aliases
(gammaln = lgamma, psi = digamma, expit = sigmoid, multigammaln = mvlgamma, ...) share that op's kernel and gradient.
erfc, lgamma, digamma, polygamma, i0, i0e, i1 and i1e compute torch 1.13's CPU values (SLEEF's erfc/lgamma, ATen's
scalar functions)."""

from ._core import call, TensorBase
from ._out import write as _out
from ._tensor_math import _unary

__all__ = ["erf", "erfc", "erfcx", "erfinv", "expit", "logit", "xlogy", "xlog1py", "gammaln", "digamma", "psi",
           "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "sinc", "entr",
           "logsumexp", "softmax", "log_softmax", "round", "exp2", "expm1", "log1p"]


def _check(input, name):
    if not isinstance(input, TensorBase):
        raise TypeError(f"special_{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


def _as_tensor(value, like):
    """A number operand as a 0-d tensor (torch's wrapped-number promotion keeps the tensor's dtype)."""
    if isinstance(value, TensorBase):
        return value
    from ._functions import tensor
    return tensor(value, dtype=like.dtype if like.dtype.is_floating_point else None, device=like.device)


def erf(input, *, out=None):
    """The error function of each element."""
    return _out(_check(input, "erf").erf(), out)


def erfc(input, *, out=None):
    """The complementary error function 1 - erf(x) of each element."""
    return _out(_unary("erfc", _check(input, "erfc")), out)


def erfcx(input, *, out=None):
    """The scaled complementary error function exp(x^2) * erfc(x) of each element."""
    return _out(_unary("special_erfcx", _check(input, "erfcx")), out)


def erfinv(input, *, out=None):
    """The inverse error function of each element."""
    return _out(_check(input, "erfinv").erfinv(), out)


def expit(input, *, out=None):
    """The logistic sigmoid 1 / (1 + exp(-x)) of each element."""
    return _out(_check(input, "expit").sigmoid(), out)


def logit(input, eps=None, *, out=None):
    """log(z / (1 - z)), z = input clamped to [eps, 1 - eps] when eps is given."""
    return _out(_check(input, "logit").logit(eps), out)


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0 (unless other is NaN); either may be a number."""
    if not isinstance(input, TensorBase):
        input = _as_tensor(input, other)
    return _out(input.xlogy(_as_tensor(other, input)), out)


def xlog1py(input, other, *, out=None):
    """input * log1p(other), 0 where input is 0 (unless other is NaN); either may be a number."""
    if not isinstance(input, TensorBase):
        input = _as_tensor(input, other)
    return _out(call("special_xlog1py", input, _as_tensor(other, input)), out)


def gammaln(input, *, out=None):
    """ln|Gamma(x)| of each element (torch.lgamma)."""
    return _out(_unary("lgamma", _check(input, "gammaln")), out)


def digamma(input, *, out=None):
    """The digamma function (the derivative of lgamma) of each element."""
    return _out(_unary("digamma", _check(input, "digamma")), out)


def psi(input, *, out=None):
    """The digamma function of each element (an alias of digamma)."""
    return _out(_unary("digamma", _check(input, "psi")), out)


def polygamma(n, input, *, out=None):
    """The n-th derivative of the digamma function of each element (n >= 0)."""
    from ._special_functions import polygamma as _polygamma
    return _polygamma(n, input, out=out)


def multigammaln(input, p, *, out=None):
    """The multivariate log-gamma function of dimension p of each element (torch.mvlgamma)."""
    return _out(_check(input, "multigammaln").mvlgamma(p), out)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0 of each element."""
    return _out(_unary("i0", _check(input, "i0")), out)


def i0e(input, *, out=None):
    """The exponentially scaled modified Bessel function exp(-|x|) * I0(x) of each element."""
    return _out(_unary("special_i0e", _check(input, "i0e")), out)


def i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1 of each element."""
    return _out(_unary("special_i1", _check(input, "i1")), out)


def i1e(input, *, out=None):
    """The exponentially scaled modified Bessel function exp(-|x|) * I1(x) of each element."""
    return _out(_unary("special_i1e", _check(input, "i1e")), out)


def ndtr(input, *, out=None):
    """The standard normal CDF (1 + erf(x / sqrt(2))) / 2 of each element."""
    return _out(call("special_ndtr", _check(input, "ndtr")), out)


def ndtri(input, *, out=None):
    """The inverse of the standard normal CDF of each element (NaN outside [0, 1])."""
    return _out(_unary("special_ndtri", _check(input, "ndtri")), out)


def log_ndtr(input, *, out=None):
    """The log of the standard normal CDF of each element, accurate far into the left tail."""
    return _out(_unary("special_log_ndtr", _check(input, "log_ndtr")), out)


def sinc(input, *, out=None):
    """sin(pi x) / (pi x) of each element, 1 at 0."""
    return _out(_check(input, "sinc").sinc(), out)


def entr(input, *, out=None):
    """-x * ln(x) of each element: 0 at 0, -inf below 0."""
    return _out(_unary("special_entr", _check(input, "entr")), out)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """ln(sum(exp(x))) over ``dim``, without overflow."""
    return _out(_check(input, "logsumexp").logsumexp(dim, keepdim), out)


def softmax(input, dim, *, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (in ``dtype`` when given)."""
    input = _check(input, "softmax")
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim, *, dtype=None):
    """x - ln(sum(exp(x))) along ``dim`` (in ``dtype`` when given)."""
    input = _check(input, "log_softmax")
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def round(input, *, decimals=0, out=None):  # noqa: A001 (torch's name)
    """Each element rounded to ``decimals`` decimal places, halves to even."""
    input = _check(input, "round")
    if decimals == 0:
        return _out(input.round(), out)
    if decimals > 0:  # ATen's round_decimals kernel: nearbyint(x * 10^d) / 10^d (the other way for d < 0)
        return _out((input * 10.0 ** decimals).round() / 10.0 ** decimals, out)
    return _out((input / 10.0 ** -decimals).round() * 10.0 ** -decimals, out)


def exp2(input, *, out=None):
    """2 raised to each element."""
    return _out(_check(input, "exp2").exp2(), out)


def expm1(input, *, out=None):
    """exp(x) - 1 of each element, accurate near 0."""
    return _out(_check(input, "expm1").expm1(), out)


def log1p(input, *, out=None):
    """ln(1 + x) of each element, accurate near 0."""
    return _out(_check(input, "log1p").log1p(), out)
