"""Arithmetic, math, reductions and linear algebra of bridge.Tensor (a mixin), and the fast call paths.

Kept apart from _tensor.py so each file has one job. This layer sits below the class: it recognises tensors
as ``TensorBase`` and creates results through ``_core.wrap``.
"""

import collections
import numbers
import operator

from . import _core, _lib
from ._core import TensorBase, wrap as _wrap

_call_t, _call_tt, _call_ts, _call_ti = _lib.call_t, _lib.call_tt, _lib.call_ts, _lib.call_ti
_op = _lib.op
Tensor = TensorBase  # isinstance checks; results are bridge.Tensor (see _core.wrap)

max_result = collections.namedtuple("max", ["values", "indices"])
min_result = collections.namedtuple("min", ["values", "indices"])


def _fail():
    raise _lib.error(_lib.last_status())


class TensorMath(TensorBase):
    """Operators and math methods of Tensor, mirroring torch.Tensor's."""
    __slots__ = ()

    # ---- arithmetic ---------------------------------------------------------------------------------
    # __add__, __sub__, __mul__ and __truediv__ are made by _hot_binary (below, once the op ids exist).

    def __radd__(self, other):
        return _arith(self, other, _ADD)

    def __rsub__(self, other):
        return _arith(self, other, _RSUB)

    def __rmul__(self, other):
        return _arith(self, other, _MUL)

    def __rtruediv__(self, other):
        if _is_ndarray(other):  # torch's __rdiv__ is reciprocal() * other, so NumPy then computes (as with torch)
            return self.reciprocal() * other
        return _arith(self, other, _RDIV)

    def __pow__(self, other):
        return _arith(self, other, _POW)

    def __rpow__(self, other):
        return _arith(self, other, _RPOW)

    def __matmul__(self, other):
        if not isinstance(other, Tensor):  # torch turns the TypeError into NotImplemented: NumPy may then compute
            return NotImplemented
        return _tt("matmul", self, other)

    def __rmatmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return _tt("matmul", other, self)

    def __neg__(self):
        return _unary("neg", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary("abs", self)

    def __eq__(self, other):
        return _arith(self, other, _EQ)

    def __ne__(self, other):
        return _arith(self, other, _NE)

    def __lt__(self, other):
        return _arith(self, other, _LT)

    def __le__(self, other):
        return _arith(self, other, _LE)

    def __gt__(self, other):
        return _arith(self, other, _GT)

    def __ge__(self, other):
        return _arith(self, other, _GE)

    def __iadd__(self, other):
        return _inplace(self, other, "add_")

    def __isub__(self, other):
        return _inplace(self, other, "sub_")

    def __imul__(self, other):
        return _inplace(self, other, "mul_")

    def __itruediv__(self, other):
        return _inplace(self, other, "div_")

    def add(self, other, alpha=1, out=None):
        """self + alpha * other, broadcast; ``out`` receives the result without autograd."""
        if out is not None:
            return _into("add_out", self, other, out, alpha)
        if alpha != 1:
            return _core.call("add_alpha", self, _as_tensor(other, self), float(alpha))
        return self + other

    def sub(self, other, alpha=1, out=None):
        """self - alpha * other, broadcast."""
        if out is not None:
            return _into("sub_out", self, other, out, alpha)
        return self.add(other, -alpha) if alpha != 1 else self - other

    def mul(self, other, out=None):
        """self * other, broadcast."""
        return self * other if out is None else _into("mul_out", self, other, out)

    def div(self, other, out=None):
        """self / other, broadcast (true division)."""
        return self / other if out is None else _into("div_out", self, other, out)

    def pow(self, exponent):
        """self raised to ``exponent`` (a number or a tensor)."""
        return self ** exponent

    def add_(self, other, alpha=1):
        """In place: self += alpha * other."""
        if alpha != 1:
            _core.call("add_", self, _as_tensor(other, self), float(alpha))
            return self
        return _inplace(self, other, "add_")

    def sub_(self, other, alpha=1):
        """In place: self -= alpha * other."""
        return self.add_(other, -alpha) if alpha != 1 else _inplace(self, other, "sub_")

    def mul_(self, other):
        """In place: self *= other."""
        return _inplace(self, other, "mul_")

    def div_(self, other):
        """In place: self /= other."""
        return _inplace(self, other, "div_")

    def pow_(self, exponent):
        """In place: self = self ** exponent."""
        _core.call("pow_scalar_", self, float(exponent))
        return self

    def zero_(self):
        """Sets every element to 0 in place."""
        if _call_t(_ZERO_, self._h) == 0:
            _fail()
        return self

    def fill_(self, value):
        """Sets every element to ``value`` in place."""
        _core.call("fill_", self, float(value))
        return self

    def copy_(self, src):
        """Copies ``src`` (broadcast, converted) into self."""
        _core.call("copy_", self, _as_tensor(src, self))
        return self

    def clamp(self, min=None, max=None):
        """Limits each element to [min, max] (either bound may be None)."""
        return _core.call("clamp", self, _opt_float(min), _opt_float(max))

    clip = clamp

    def clamp_(self, min=None, max=None):
        """clamp in place."""
        _core.call("clamp_", self, _opt_float(min), _opt_float(max))
        return self

    def clamp_min(self, min):
        """Limits each element to at least ``min``."""
        return self.clamp(min=min)

    def square(self):
        """x * x for each element."""
        return self * self

    def maximum(self, other):
        """Elementwise maximum (NaN propagates)."""
        return _tt("maximum", self, other)

    def minimum(self, other):
        """Elementwise minimum (NaN propagates)."""
        return _tt("minimum", self, other)

    def eq(self, other):
        """self == other as a bool tensor."""
        return self == other

    def ne(self, other):
        """self != other as a bool tensor."""
        return self != other

    def lt(self, other):
        """self < other as a bool tensor."""
        return self < other

    def le(self, other):
        """self <= other as a bool tensor."""
        return self <= other

    def gt(self, other):
        """self > other as a bool tensor."""
        return self > other

    def ge(self, other):
        """self >= other as a bool tensor."""
        return self >= other

    def equal(self, other):
        """True when both tensors have the same shape and elements."""
        return self.shape == other.shape and bool((self == other).all())

    # ---- reductions ---------------------------------------------------------------------------------

    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None, out=None):
        """Sum of all elements, or over ``dim`` (int or tuple)."""
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        x = self if dtype is None else self.to(dtype)
        if dim is None:
            return _unary("sum", x)
        return _core.call("sum_dim", x, _dims(dim), bool(keepdim))

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None, out=None):
        """Mean of all elements, or over ``dim``."""
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        x = self if dtype is None else self.to(dtype)
        if dim is None:
            return _unary("mean", x)
        return _core.call("mean_dim", x, _dims(dim), bool(keepdim))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        """Largest element; with ``dim`` a (values, indices) pair; with a tensor the elementwise maximum."""
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if dim is None:
            return _unary("max", self)
        return max_result(*_core.call("max_dim", self, dim, bool(keepdim)))

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        """Smallest element; with ``dim`` a (values, indices) pair; with a tensor the elementwise minimum."""
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if dim is None:
            return _unary("min", self)
        return min_result(*_core.call("min_dim", self, dim, bool(keepdim)))

    def argmax(self, dim=None, keepdim=False):
        """Index of the first largest element (flat, or along ``dim``)."""
        if dim is None:
            return _unary("argmax", self)
        return _core.call("argmax_dim", self, dim, bool(keepdim))

    def argmin(self, dim=None, keepdim=False):
        """Index of the first smallest element (flat, or along ``dim``)."""
        if dim is None:
            return _core.call("argmin_dim", self.reshape(-1), 0, False)
        return _core.call("argmin_dim", self, dim, bool(keepdim))

    def softmax(self, dim):
        """exp(x) / sum(exp(x)) along ``dim``."""
        return _core.call("softmax", self, dim)

    def log_softmax(self, dim):
        """log(softmax(x)) along ``dim``."""
        return _core.call("log_softmax", self, dim)

    # ---- linear algebra -----------------------------------------------------------------------------

    def mm(self, other):
        """Matrix product of two 2-D tensors."""
        return _tt("mm", self, other)

    def matmul(self, other):
        """Matrix product with torch's rules for 1-D, 2-D and batched operands."""
        return _tt("matmul", self, other)

    def bmm(self, other):
        """Batched matrix product of two 3-D tensors."""
        return _tt("bmm", self, other)

    def dot(self, other):
        """Inner product of two 1-D tensors."""
        return _tt("dot", self, other)

    def mv(self, other):
        """Matrix-vector product."""
        return _tt("mv", self, other)


# Op ids of the hot paths, resolved once: (tensor-tensor op, tensor-scalar op, Python-float scalar op).
def _triple(tt, ts):
    return (_op(tt), _op(ts), _op(ts + "_f"))


_ADD = _triple("add", "add_scalar")
_SUB = _triple("sub", "sub_scalar")
_RSUB = (None, _op("rsub_scalar"), _op("rsub_scalar_f"))
_MUL = _triple("mul", "mul_scalar")
_DIV = _triple("div", "div_scalar")
_RDIV = (None, _op("rdiv_scalar"), _op("rdiv_scalar_f"))
_POW = _triple("pow", "pow_scalar")
_RPOW = (None, _op("rpow_scalar"), _op("rpow_scalar_f"))
_EQ = _triple("eq", "eq_scalar")
_NE = _triple("ne", "ne_scalar")
_LT = _triple("lt", "lt_scalar")
_LE = _triple("le", "le_scalar")
_GT = _triple("gt", "gt_scalar")
_GE = _triple("ge", "ge_scalar")
_GRAD, _ZERO_, _UNSQUEEZE, _SQUEEZE_DIM, _SELECT0 = (_op(n) for n in ("grad", "zero_", "unsqueeze", "squeeze_dim",
                                                                      "select0"))
_UNARY_IDS = {}
_object_new = object.__new__


def _hot_binary(name, ops):
    """A binary operator whose tensor-tensor case is one ctypes call and a bare wrapper (the hot case of ctypes
    runs; the C extension's number slots replace these where it loads); everything else goes through _arith."""
    tensor_tensor = ops[0]

    def method(self, other):
        if type(other) is type(self):
            h = _call_tt(tensor_tensor, self._h, other._h)
            if h > 0:
                t = _object_new(TensorBase._result)
                t._h, t._meta = h, None
                return t
            _fail()  # the engine's error, raised once: the op must not run again through _arith
        return _arith(self, other, ops)

    method.__name__, method.__qualname__ = name, "TensorMath." + name
    return method


for _name, _ops in (("__add__", _ADD), ("__sub__", _SUB), ("__mul__", _MUL), ("__truediv__", _DIV)):
    setattr(TensorMath, _name, _hot_binary(_name, _ops))
del _name, _ops


def _ti(op_id, a, i):
    h = _call_ti(op_id, a._h, i)
    if h > 0:
        return _wrap(h)
    _fail()


def _arith(a, b, ops):
    tb = type(b)
    if tb is float:
        h = _call_ts(ops[2], a._h, b)
    elif tb is bool and ops[0] is not None:  # a 0-d bool tensor, so bool op bool stays bool as in torch
        from ._functions import tensor
        scalar = tensor(b)  # held until the call returns: a dropped temporary's handle may be freed at once
        h = _call_tt(ops[0], a._h, scalar._h)
    elif tb is bool and ops is _RSUB:  # True - tensor: a bool tensor on the left, so torch's refusal names it
        from ._functions import tensor
        return tensor(b) - a
    elif tb is int or tb is bool:
        h = _call_ts(ops[1], a._h, b)
    elif isinstance(b, Tensor):
        if ops[0] is None:  # reflected op with a tensor on the left: Python calls the other's own method
            return NotImplemented
        h = _call_tt(ops[0], a._h, b._h)
    elif isinstance(b, (int, float)):  # numpy scalars and other number types
        h = _call_ts(ops[2] if isinstance(b, float) else ops[1], a._h, float(b))
    elif isinstance(b, numbers.Integral):  # np.int64 and friends, as Python ints (torch takes them so)
        h = _call_ts(ops[1], a._h, float(int(b)))
    elif isinstance(b, numbers.Real) and not _is_ndarray(b):
        h = _call_ts(ops[2], a._h, float(b))
    else:
        return NotImplemented
    if h > 0:
        return _wrap(h)
    _fail()


def _is_ndarray(x):
    return type(x).__name__ == "ndarray" and type(x).__module__ == "numpy"


def _unary(name, a):
    i = _UNARY_IDS.get(name)
    if i is None:
        i = _UNARY_IDS[name] = _op(name)
    h = _call_t(i, a._h)
    if h > 0:
        return _wrap(h)
    _fail()


def _tt(name, a, b):
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError(f"{name}(): expected Tensor arguments, got {type(a).__name__} and {type(b).__name__}")
    i = _UNARY_IDS.get(name)
    if i is None:
        i = _UNARY_IDS[name] = _op(name)
    h = _call_tt(i, a._h, b._h)
    if h > 0:
        return _wrap(h)
    _fail()


_INPLACE_IDS = {}


def _inplace(a, b, name):
    ids = _INPLACE_IDS.get(name)
    if ids is None:
        ids = _INPLACE_IDS[name] = (_op(name), _op(name[:-1] + "_scalar_"))
    if isinstance(b, Tensor):
        h = _call_tt(ids[0], a._h, b._h)
    elif isinstance(b, (int, float)):
        h = _call_ts(ids[1], a._h, float(b))
    else:
        return NotImplemented
    if h == 0:
        _fail()
    return a


def _self_op(name, a):
    """An in-place op of one tensor: returns the tensor itself, as torch's trailing-underscore methods do."""
    if _call_t(_op(name), a._h) == 0:
        _fail()
    return a


_OUT_FALLBACK = {"add_out": operator.add, "sub_out": operator.sub, "mul_out": operator.mul, "div_out": operator.truediv}


def _into(name, a, b, out, alpha=1):
    """add/sub/mul/div(a, b, out=out). Where out already has the operands' shape and dtype, the engine writes into
    out's memory (no allocation: what a loop reusing its buffers needs); otherwise the result is computed and written
    under torch's out= rules (resize, cast: bridge/_out.py)."""
    if alpha != 1:
        b = b * alpha
    b = _as_tensor(b, a)
    if a.dtype == b.dtype == out.dtype and a.shape == b.shape == out.shape:
        _core.call(name, a, b, out)
        return out
    from ._out import write
    from ._grad_mode import is_grad_enabled, no_grad
    if is_grad_enabled() and (a.requires_grad or b.requires_grad):
        raise RuntimeError("functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    with no_grad():
        return write(_OUT_FALLBACK[name](a, b), out)


def _as_tensor(value, like):
    if isinstance(value, Tensor):
        return value
    from . import _functions
    return _functions.tensor(value, dtype=like.dtype if isinstance(value, (int, float, bool)) else None)


def _numpy_aliases(dim, keepdim, axis, keepdims, out):
    """NumPy's reductions call tensor methods with axis=/keepdims=/out=; accept them as torch does."""
    if out is not None:
        raise TypeError("bridge: out= is not supported")
    return (axis if dim is None else dim), (keepdims if keepdims is not None else keepdim)


def _opt_float(v):
    return None if v is None else float(v)


def _dims(dim):
    return tuple(dim) if isinstance(dim, (tuple, list)) else (operator.index(dim),)
