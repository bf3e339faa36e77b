"""Math of issue 16 beyond the generated elementwise ops: binary math (atan2, fmod, lerp ...), bitwise and logical
ops with their operators, reductions along dims (var, std, logsumexp, amax, norm, prod, any, all), sorting and
selection (sort, topk, kthvalue, median, unique), running sums and products, and ``out=`` for them.

Tensor methods live in the ``MathMethods`` mixin; the torch-level functions below call them, as torch's do.
"""

import collections
import operator

from . import _core, _dtype
from ._core import TensorBase
from ._out import write as _out  # noqa: F401 (the generated _declared.py imports it from here)
from ._tensor_math import TensorMath, _tt

__all__ = ["atan2", "arctan2", "hypot", "fmod", "remainder", "floor_divide", "logaddexp", "lerp", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "logical_and", "logical_or", "logical_xor", "logical_not", "var", "std",
           "var_mean", "std_mean", "logsumexp", "amax", "amin", "any", "all", "norm", "prod", "cumsum", "cumprod",
           "sort", "argsort", "topk", "kthvalue", "median", "unique", "nan_to_num", "matmul", "arcsin", "arccos",
           "arctan", "arcsinh", "arccosh", "arctanh", "fix", "negative", "absolute", "clamp_max", "square"]

sort_result = collections.namedtuple("sort", ["values", "indices"])
topk_result = collections.namedtuple("topk", ["values", "indices"])
kthvalue_result = collections.namedtuple("kthvalue", ["values", "indices"])
median_result = collections.namedtuple("median", ["values", "indices"])


_TYPE_NAMES = {str(d): d.scalar_name for d in _dtype.BY_ID}


def _scalar(value, like):
    """A Python number as a 0-d tensor on ``like``'s device, typed as torch types a Python scalar (int64, bool or
    the default float), so promotion with ``like`` follows torch's rules."""
    from . import _functions
    if isinstance(value, TensorBase):
        return value
    if isinstance(value, bool):
        dtype = _dtype.bool_
    elif isinstance(value, int):
        dtype = _dtype.int64
    elif isinstance(value, float):
        dtype = like.dtype if like.dtype.is_floating_point else _functions.get_default_dtype()
    else:
        raise TypeError(f"expected a Tensor or a number, got {type(value).__name__}")
    return _functions.tensor(value, dtype=dtype, device=like.device)


def _binary(name, a, b):
    if not isinstance(a, TensorBase):
        a = _scalar(a, b)
    return _tt(name, a, _scalar(b, a))


def _dims_or_none(dim):
    if dim is None:
        return None
    return tuple(dim) if isinstance(dim, (tuple, list)) else (operator.index(dim),)


def _correction(unbiased, correction):
    if correction is not None:
        return float(correction)
    return 0.0 if unbiased is False else 1.0


def _norm_p(p):
    if p is None or p == "fro":
        return 2.0
    if isinstance(p, str):
        raise NotImplementedError(f"bridge: norm with p='{p}' needs a singular value decomposition, not implemented")
    return float(p)


class MathMethods(TensorMath):
    """Methods of bridge.Tensor for the math above, mirroring torch.Tensor's."""
    __slots__ = ()

    # ---- binary math --------------------------------------------------------------------------------

    def atan2(self, other):
        """atan(self / other) by quadrant."""
        return _binary("atan2", self, other)

    arctan2 = atan2

    def hypot(self, other):
        """sqrt(self^2 + other^2)."""
        return _binary("hypot", self, other)

    def fmod(self, other):
        """self - trunc(self / other) * other (C's fmod)."""
        return _binary("fmod", self, other)

    def remainder(self, other):
        """self - floor(self / other) * other (Python's %)."""
        return _binary("remainder", self, other)

    def __mod__(self, other):
        return _binary("remainder", self, other)

    def floor_divide(self, other):
        """floor(self / other) in the promoted dtype (integers stay integers), as torch 1.13's // ."""
        return _binary("floor_divide", self, other)

    def __floordiv__(self, other):
        return _binary("floor_divide", self, other)

    def __rfloordiv__(self, other):
        return _binary("floor_divide", other, self)

    def floor_divide_(self, other):
        """floor_divide in place."""
        return self._assign(self.floor_divide(other))

    __ifloordiv__ = floor_divide_

    def __rmod__(self, other):
        return _binary("remainder", other, self)

    def logaddexp(self, other):
        """log(e^self + e^other)."""
        return _binary("logaddexp", self, other)

    def lerp(self, end, weight):
        """self + weight * (end - self)."""
        if isinstance(weight, TensorBase):
            return _core.call("lerp", self, end, weight)
        return _core.call("lerp_scalar", self, end, float(weight))

    def lerp_(self, end, weight):
        """lerp in place."""
        return self.copy_(self.lerp(end, weight))

    # ---- bitwise and logical ------------------------------------------------------------------------

    def bitwise_and(self, other):
        """self & other bit by bit (logical and for bool)."""
        return _binary("bitwise_and", self, other)

    def bitwise_or(self, other):
        """self | other bit by bit."""
        return _binary("bitwise_or", self, other)

    def bitwise_xor(self, other):
        """self ^ other bit by bit."""
        return _binary("bitwise_xor", self, other)

    def bitwise_not(self):
        """~self bit by bit (logical not for bool)."""
        return _core.call("bitwise_not", self)

    __and__ = bitwise_and
    __or__ = bitwise_or
    __xor__ = bitwise_xor
    __invert__ = bitwise_not

    def __rand__(self, other):
        return _binary("bitwise_and", other, self)

    def __ror__(self, other):
        return _binary("bitwise_or", other, self)

    def __rxor__(self, other):
        return _binary("bitwise_xor", other, self)

    def __iand__(self, other):
        return self.copy_(self & other)

    def __ior__(self, other):
        return self.copy_(self | other)

    def __ixor__(self, other):
        return self.copy_(self ^ other)

    def logical_and(self, other):
        """Whether both are nonzero, as bool."""
        return _binary("logical_and", self, other)

    def logical_or(self, other):
        """Whether either is nonzero, as bool."""
        return _binary("logical_or", self, other)

    def logical_xor(self, other):
        """Whether exactly one is nonzero, as bool."""
        return _binary("logical_xor", self, other)

    def logical_not(self):
        """Whether the element is zero, as bool."""
        return _core.call("logical_not", self)

    # ---- in-place forms of the binary ops (the result must fit self's dtype, as torch requires) -------

    def _assign(self, result):
        if result.dtype != self.dtype and result.dtype.is_floating_point and not self.dtype.is_floating_point:
            raise RuntimeError(f"result type {_TYPE_NAMES.get(str(result.dtype), result.dtype)} can't be cast to "
                               f"the desired output type {_TYPE_NAMES.get(str(self.dtype), self.dtype)}")
        return self.copy_(result)

    def atan2_(self, other):
        """atan2 in place."""
        return self._assign(self.atan2(other))

    def hypot_(self, other):
        """hypot in place."""
        return self._assign(self.hypot(other))

    def fmod_(self, other):
        """fmod in place."""
        return self._assign(self.fmod(other))

    def remainder_(self, other):
        """remainder in place."""
        return self._assign(self.remainder(other))

    def bitwise_and_(self, other):
        """bitwise_and in place."""
        return self._assign(self.bitwise_and(other))

    def bitwise_or_(self, other):
        """bitwise_or in place."""
        return self._assign(self.bitwise_or(other))

    def bitwise_xor_(self, other):
        """bitwise_xor in place."""
        return self._assign(self.bitwise_xor(other))

    def bitwise_not_(self):
        """bitwise_not in place."""
        return self._assign(self.bitwise_not())

    def logical_and_(self, other):
        """logical_and in place (into self's dtype)."""
        return self.copy_(self.logical_and(other))

    def logical_or_(self, other):
        """logical_or in place (into self's dtype)."""
        return self.copy_(self.logical_or(other))

    def logical_xor_(self, other):
        """logical_xor in place (into self's dtype)."""
        return self.copy_(self.logical_xor(other))

    def logical_not_(self):
        """logical_not in place (into self's dtype)."""
        return self.copy_(self.logical_not())

    # ---- aliases of generated ops -------------------------------------------------------------------

    def arcsin(self):
        """Alias of asin."""
        return self.asin()

    def arccos(self):
        """Alias of acos."""
        return self.acos()

    def arctan(self):
        """Alias of atan."""
        return self.atan()

    def arcsinh(self):
        """Alias of asinh."""
        return self.asinh()

    def arccosh(self):
        """Alias of acosh."""
        return self.acosh()

    def arctanh(self):
        """Alias of atanh."""
        return self.atanh()

    def fix(self):
        """Alias of trunc."""
        return self.trunc()

    def negative(self):
        """-input."""
        return -self

    def absolute(self):
        """Alias of abs."""
        return self.abs()

    def clamp_max(self, max):
        """Limits each element to at most ``max``."""
        return self.clamp(max=max)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced (by 0 and the dtype's largest and lowest finite values unless given)."""
        return _core.call("nan_to_num", self, float(nan), None if posinf is None else float(posinf),
                          None if neginf is None else float(neginf))

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        """nan_to_num in place."""
        return self.copy_(self.nan_to_num(nan, posinf, neginf))

    # ---- reductions ---------------------------------------------------------------------------------

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Variance over ``dim`` (all dims when None), with Bessel's correction unless unbiased=False."""
        if isinstance(dim, bool):  # x.var(False): the unbiased flag in dim's place, as torch allows
            dim, unbiased = None, dim
        return _core.call("var", self, _dims_or_none(dim), _correction(unbiased, correction), bool(keepdim))

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Standard deviation over ``dim`` (all dims when None)."""
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        return _core.call("std", self, _dims_or_none(dim), _correction(unbiased, correction), bool(keepdim))

    def logsumexp(self, dim, keepdim=False):
        """log(sum(exp(x))) over ``dim``, without overflow."""
        return _core.call("logsumexp", self, _dims_or_none(dim), bool(keepdim))

    def amax(self, dim=(), keepdim=False):
        """Largest element over ``dim`` (all dims when empty); the gradient is shared among ties."""
        return _core.call("amax", self, _dims_or_none(dim) or (), bool(keepdim))

    def amin(self, dim=(), keepdim=False):
        """Smallest element over ``dim`` (all dims when empty)."""
        return _core.call("amin", self, _dims_or_none(dim) or (), bool(keepdim))

    def any(self, dim=None, keepdim=False):
        """Whether any element (over ``dim``) is nonzero, as a bool tensor."""
        return _core.call("any_dims", self, _dims_or_none(dim), bool(keepdim))

    def all(self, dim=None, keepdim=False):
        """Whether every element (over ``dim``) is nonzero, as a bool tensor."""
        return _core.call("all_dims", self, _dims_or_none(dim), bool(keepdim))

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """The vector p-norm over ``dim`` (all elements when None): 'fro' and 2, 1, inf, -inf, 0 or any p."""
        x = self if dtype is None else self.to(dtype)
        return _core.call("norm", x, _norm_p(p), _dims_or_none(dim), bool(keepdim))

    def prod(self, dim=None, keepdim=False, dtype=None):
        """Product of all elements, or along ``dim``."""
        if dim is None:
            return _core.call("prod", self, dtype)
        return _core.call("prod_dim", self, operator.index(dim), bool(keepdim), dtype)

    def cumsum(self, dim, dtype=None):
        """Running sum along ``dim``."""
        return _core.call("cumsum", self, operator.index(dim), dtype)

    def cumprod(self, dim, dtype=None):
        """Running product along ``dim``."""
        return _core.call("cumprod", self, operator.index(dim), dtype)

    def cumsum_(self, dim, dtype=None):
        """cumsum in place."""
        return self.copy_(self.cumsum(dim, dtype))

    # ---- sorting and selection ----------------------------------------------------------------------

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) of each line along ``dim`` in order (NaN last ascending); ties keep their order."""
        return sort_result(*_core.call("sort", self, operator.index(dim), bool(descending)))

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort each line along ``dim``."""
        return _core.call("argsort", self, operator.index(dim), bool(descending))

    def msort(self):
        """Sorted along dim 0."""
        return self.sort(0).values

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (or smallest) elements along ``dim``, in order."""
        return topk_result(*_core.call("topk", self, operator.index(k), operator.index(dim), bool(largest),
                                       bool(sorted)))

    def kthvalue(self, k, dim=-1, keepdim=False):
        """(values, indices) of the k-th smallest element along ``dim``."""
        return kthvalue_result(*_core.call("kthvalue", self, operator.index(k), operator.index(dim), bool(keepdim)))

    def median(self, dim=None, keepdim=False):
        """The lower median of all elements, or (values, indices) along ``dim``."""
        if dim is None:
            return _core.call("median", self)
        return median_result(*_core.call("median_dim", self, operator.index(dim), bool(keepdim)))

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        """The distinct elements, sorted; optionally the inverse indices and the counts."""
        if dim is not None:
            raise NotImplementedError("bridge: unique(dim=...) is not implemented; unique of the flattened tensor is")
        values, inverse, counts = _core.call("unique", self)
        extra = ([inverse] if return_inverse else []) + ([counts] if return_counts else [])
        return (values, *extra) if extra else values


def atan2(input, other, *, out=None):
    """atan(input / other) by quadrant."""
    return _out(_binary("atan2", input, other), out)


arctan2 = atan2


def hypot(input, other, *, out=None):
    """sqrt(input^2 + other^2)."""
    return _out(_binary("hypot", input, other), out)


def fmod(input, other, *, out=None):
    """input - trunc(input / other) * other."""
    return _out(_binary("fmod", input, other), out)


def floor_divide(input, other, *, out=None):
    """floor(input / other) elementwise; integer operands stay integer (Python's //)."""
    return _out(_binary("floor_divide", input, other), out)


def remainder(input, other, *, out=None):
    """input - floor(input / other) * other."""
    return _out(_binary("remainder", input, other), out)


def logaddexp(input, other, *, out=None):
    """log(e^input + e^other)."""
    return _out(_binary("logaddexp", input, other), out)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input)."""
    return _out(input.lerp(end, weight), out)


def bitwise_and(input, other, *, out=None):
    """input & other bit by bit (logical and for bool)."""
    return _out(_binary("bitwise_and", input, other), out)


def bitwise_or(input, other, *, out=None):
    """input | other bit by bit (logical or for bool)."""
    return _out(_binary("bitwise_or", input, other), out)


def bitwise_xor(input, other, *, out=None):
    """input ^ other bit by bit (logical xor for bool)."""
    return _out(_binary("bitwise_xor", input, other), out)


def bitwise_not(input, *, out=None):
    """~input bit by bit (logical not for bool)."""
    return _out(input.bitwise_not(), out)


def logical_and(input, other, *, out=None):
    """Whether both are nonzero, as bool."""
    return _out(_binary("logical_and", input, other), out)


def logical_or(input, other, *, out=None):
    """Whether either is nonzero, as bool."""
    return _out(_binary("logical_or", input, other), out)


def logical_xor(input, other, *, out=None):
    """Whether exactly one is nonzero, as bool."""
    return _out(_binary("logical_xor", input, other), out)


def logical_not(input, *, out=None):
    """Whether the element is zero, as bool."""
    return _out(input.logical_not(), out)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` (all dims when None), with Bessel's correction unless unbiased=False."""
    return _out(input.var(dim, unbiased, keepdim, correction=correction), out)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim`` (all dims when None)."""
    return _out(input.std(dim, unbiased, keepdim, correction=correction), out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) over ``dim``."""
    dims = _dims_or_none(dim) or tuple(range(input.dim()))
    mean = input.mean() if dim is None and not keepdim else input.mean(dims, keepdim)
    return input.var(dim, unbiased, keepdim, correction=correction), mean


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(standard deviation, mean) over ``dim``."""
    v, mean = var_mean(input, dim, unbiased, keepdim, correction=correction)
    return v.sqrt(), mean


def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) over ``dim``, without overflow."""
    return _out(input.logsumexp(dim, keepdim), out)


def amax(input, dim=(), keepdim=False, *, out=None):
    """Largest element over ``dim`` (all dims when empty)."""
    return _out(input.amax(dim, keepdim), out)


def amin(input, dim=(), keepdim=False, *, out=None):
    """Smallest element over ``dim`` (all dims when empty)."""
    return _out(input.amin(dim, keepdim), out)


def any(input, dim=None, keepdim=False, *, out=None):
    """Whether any element (over ``dim``) is nonzero, as a bool tensor."""
    return _out(input.any(dim, keepdim), out)


def all(input, dim=None, keepdim=False, *, out=None):
    """Whether every element (over ``dim``) is nonzero, as a bool tensor."""
    return _out(input.all(dim, keepdim), out)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The vector p-norm over ``dim`` (all elements when None)."""
    return _out(input.norm(p, dim, keepdim, dtype), out)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of all elements, or along ``dim``."""
    return _out(input.prod(dim, keepdim, dtype), out)


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``."""
    return _out(input.cumsum(dim, dtype), out)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``."""
    return _out(input.cumprod(dim, dtype), out)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """(values, indices) of each line along ``dim`` in order."""
    return _out(input.sort(dim, descending), out)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort each line along ``dim``."""
    return input.argsort(dim, descending)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """(values, indices) of the k largest (or smallest) elements along ``dim``."""
    return _out(input.topk(k, dim, largest, sorted), out)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """(values, indices) of the k-th smallest element along ``dim``."""
    return _out(input.kthvalue(k, dim, keepdim), out)


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or (values, indices) along ``dim``."""
    return _out(input.median(dim, keepdim), out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements, sorted; optionally the inverse indices and the counts."""
    return input.unique(sorted, return_inverse, return_counts, dim)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced by finite values."""
    return _out(input.nan_to_num(nan, posinf, neginf), out)


def matmul(input, other, *, out=None):
    """Matrix product with torch's rules for 1-D, 2-D and batched operands; ``out`` receives it without autograd."""
    if out is None:
        return _tt("matmul", input, other)
    if out.dtype != input.dtype:
        from ._out import type_meta_name as name
        raise RuntimeError(f"Expected out tensor to have dtype {name(input.dtype)}, but got {name(out.dtype)} instead")
    if input.dim() == 2 and other.dim() == 2 and tuple(out.shape) == (input.shape[0], other.shape[1]):
        _core.call("matmul_out", input, other, out)  # straight into out's memory
        return out
    return _out(_tt("matmul", input, other), out)  # resized as torch does


def arcsin(input):
    """Alias of asin."""
    return input.asin()


def arccos(input):
    """Alias of acos."""
    return input.acos()


def arctan(input):
    """Alias of atan."""
    return input.atan()


def arcsinh(input):
    """Alias of asinh."""
    return input.asinh()


def arccosh(input):
    """Alias of acosh."""
    return input.acosh()


def arctanh(input):
    """Alias of atanh."""
    return input.atanh()


def fix(input):
    """Alias of trunc."""
    return input.trunc()


def negative(input):
    """-input."""
    return -input


def absolute(input):
    """Alias of abs."""
    return input.abs()


def clamp_max(input, max):
    """Limits each element to at most ``max``."""
    return input.clamp(max=max)


def square(input):
    """input * input for each element."""
    return input * input

