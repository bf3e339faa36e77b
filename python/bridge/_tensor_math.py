"""Arithmetic, math, reductions and linear algebra of bridge.Tensor (a mixin), and the fast call paths.

Kept apart from _tensor.py so each file has one job; ``Tensor`` below is bound by _tensor.py once the class
exists (the operators compare types against it and create its instances).
"""

import collections
import operator

from . import _core, _lib

_call_t, _call_tt, _call_ts, _call_ti = _lib.call_t, _lib.call_tt, _lib.call_ts, _lib.call_ti
_op = _lib.op
Tensor = None  # bound by _tensor
_wrap = None  # Tensor._wrap, bound by _tensor

max_result = collections.namedtuple("max", ["values", "indices"])
min_result = collections.namedtuple("min", ["values", "indices"])


def _fail():
    raise _lib.error(_lib.last_status())


class TensorMath:
    """Operators and math methods of Tensor, mirroring torch.Tensor's."""
    __slots__ = ()

    # ---- arithmetic ---------------------------------------------------------------------------------

    def __add__(self, other):
        if type(other) is Tensor:  # the hot case, inlined: one ctypes call and a bare wrapper
            h = _call_tt(_ADD_TT, self._h, other._h)
            if h > 0:
                t = _object_new(Tensor)
                t._h, t._meta = h, None
                return t
        return _arith(self, other, _ADD)

    def __radd__(self, other):
        return _arith(self, other, _ADD)

    def __sub__(self, other):
        if type(other) is Tensor:  # the hot case, inlined: one ctypes call and a bare wrapper
            h = _call_tt(_SUB_TT, self._h, other._h)
            if h > 0:
                t = _object_new(Tensor)
                t._h, t._meta = h, None
                return t
        return _arith(self, other, _SUB)

    def __rsub__(self, other):
        return _arith(self, other, _RSUB)

    def __mul__(self, other):
        if type(other) is Tensor:  # the hot case, inlined: one ctypes call and a bare wrapper
            h = _call_tt(_MUL_TT, self._h, other._h)
            if h > 0:
                t = _object_new(Tensor)
                t._h, t._meta = h, None
                return t
        return _arith(self, other, _MUL)

    def __rmul__(self, other):
        return _arith(self, other, _MUL)

    def __truediv__(self, other):
        if type(other) is Tensor:  # the hot case, inlined: one ctypes call and a bare wrapper
            h = _call_tt(_DIV_TT, self._h, other._h)
            if h > 0:
                t = _object_new(Tensor)
                t._h, t._meta = h, None
                return t
        return _arith(self, other, _DIV)

    def __rtruediv__(self, other):
        return _arith(self, other, _RDIV)

    def __pow__(self, other):
        return _arith(self, other, _POW)

    def __rpow__(self, other):
        return _arith(self, other, _RPOW)

    def __matmul__(self, other):
        return _tt("matmul", self, other)

    def __rmatmul__(self, other):
        return _tt("matmul", other, self)

    def __neg__(self):
        return _unary("neg", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _unary("abs", self)

    def __invert__(self):
        return _unary("logical_not", self)

    def __and__(self, other):
        return _tt("logical_and", self, _as_tensor(other, self))

    def __or__(self, other):
        return _tt("logical_or", self, _as_tensor(other, self))

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
        if out is not None:
            return _into("add_out", self, other, out, alpha)
        if alpha != 1:
            return _core.call("add_alpha", self, _as_tensor(other, self), float(alpha))
        return self + other

    def sub(self, other, alpha=1, out=None):
        if out is not None:
            return _into("sub_out", self, other, out, alpha)
        return self.add(other, -alpha) if alpha != 1 else self - other

    def mul(self, other, out=None):
        return self * other if out is None else _into("mul_out", self, other, out)

    def div(self, other, out=None):
        return self / other if out is None else _into("div_out", self, other, out)

    def pow(self, exponent):
        return self ** exponent

    def add_(self, other, alpha=1):
        if alpha != 1:
            _core.call("add_", self, _as_tensor(other, self), float(alpha))
            return self
        return _inplace(self, other, "add_")

    def sub_(self, other, alpha=1):
        return self.add_(other, -alpha) if alpha != 1 else _inplace(self, other, "sub_")

    def mul_(self, other):
        return _inplace(self, other, "mul_")

    def div_(self, other):
        return _inplace(self, other, "div_")

    def pow_(self, exponent):
        _core.call("pow_scalar_", self, float(exponent))
        return self

    def zero_(self):
        if _call_t(_ZERO_, self._h) == 0:
            _fail()
        return self

    def fill_(self, value):
        _core.call("fill_", self, float(value))
        return self

    def copy_(self, src):
        _core.call("copy_", self, _as_tensor(src, self))
        return self

    def clamp(self, min=None, max=None):
        return _core.call("clamp", self, _opt_float(min), _opt_float(max))

    clip = clamp

    def clamp_(self, min=None, max=None):
        _core.call("clamp_", self, _opt_float(min), _opt_float(max))
        return self

    def clamp_min(self, min):
        return self.clamp(min=min)

    def exp(self):
        return _unary("exp", self)

    def exp_(self):
        return _self_op("exp_", self)

    def sigmoid_(self):
        return _self_op("sigmoid_", self)

    def tanh_(self):
        return _self_op("tanh_", self)

    def log(self):
        return _unary("log", self)

    def sqrt(self):
        return _unary("sqrt", self)

    def tanh(self):
        return _unary("tanh", self)

    def sigmoid(self):
        return _unary("sigmoid", self)

    def relu(self):
        return _unary("relu", self)

    def abs(self):
        return _unary("abs", self)

    def sign(self):
        return _unary("sign", self)

    def reciprocal(self):
        return _unary("reciprocal", self)

    def neg(self):
        return _unary("neg", self)

    def square(self):
        return self * self

    def maximum(self, other):
        return _tt("maximum", self, other)

    def minimum(self, other):
        return _tt("minimum", self, other)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    def logical_not(self):
        return ~self

    def equal(self, other):
        return self.shape == other.shape and bool((self == other).all())

    def all(self):
        return _core.call("all", self)

    def any(self):
        return _core.call("any", self)

    # ---- reductions ---------------------------------------------------------------------------------

    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None, out=None):
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        x = self if dtype is None else self.to(dtype)
        if dim is None:
            return _unary("sum", x)
        return _core.call("sum_dim", x, _dims(dim), bool(keepdim))

    def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None, out=None):
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        x = self if dtype is None else self.to(dtype)
        if dim is None:
            return _unary("mean", x)
        return _core.call("mean_dim", x, _dims(dim), bool(keepdim))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        if dim is None:
            return _unary("max", self)
        return max_result(*_core.call("max_dim", self, dim, bool(keepdim)))

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None, out=None):
        dim, keepdim = _numpy_aliases(dim, keepdim, axis, keepdims, out)
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        if dim is None:
            return _unary("min", self)
        return min_result(*_core.call("min_dim", self, dim, bool(keepdim)))

    def argmax(self, dim=None, keepdim=False):
        if dim is None:
            return _unary("argmax", self)
        return _core.call("argmax_dim", self, dim, bool(keepdim))

    def argmin(self, dim=None, keepdim=False):
        if dim is None:
            return _core.call("argmin_dim", self.reshape(-1), 0, False)
        return _core.call("argmin_dim", self, dim, bool(keepdim))

    def softmax(self, dim):
        return _core.call("softmax", self, dim)

    def log_softmax(self, dim):
        return _core.call("log_softmax", self, dim)

    # ---- linear algebra -----------------------------------------------------------------------------

    def mm(self, other):
        return _tt("mm", self, other)

    def matmul(self, other):
        return _tt("matmul", self, other)

    def bmm(self, other):
        return _tt("bmm", self, other)

    def dot(self, other):
        return _tt("dot", self, other)

    def mv(self, other):
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
_ADD_TT, _SUB_TT, _MUL_TT, _DIV_TT = _ADD[0], _SUB[0], _MUL[0], _DIV[0]


def _ti(op_id, a, i):
    h = _call_ti(op_id, a._h, i)
    if h > 0:
        return _wrap(h)
    _fail()


def _arith(a, b, ops):
    tb = type(b)
    if tb is float:
        h = _call_ts(ops[2], a._h, b)
    elif tb is int or tb is bool:
        h = _call_ts(ops[1], a._h, b)
    elif isinstance(b, Tensor):
        if ops[0] is None:  # reflected op with a tensor on the left: Python calls the other's own method
            return NotImplemented
        h = _call_tt(ops[0], a._h, b._h)
    elif isinstance(b, (int, float)):  # numpy scalars and other number types
        h = _call_ts(ops[2] if isinstance(b, float) else ops[1], a._h, float(b))
    else:
        return NotImplemented
    if h > 0:
        return _wrap(h)
    _fail()


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


def _into(name, a, b, out, alpha=1):
    """add/sub/mul/div(a, b, out=out): the result written into out's memory, without autograd (torch's rule)."""
    if alpha != 1:
        b = b * alpha
    _core.call(name, a, _as_tensor(b, a), out)
    return out


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
