"""bridge.Tensor: a Python handle on an engine tensor, with torch's methods and operators."""

import collections
import ctypes
import operator

from . import _core, _lib
from ._dtype import BY_ID, Size, device as _device, float32, int64, bool_

_call_t, _call_tt, _call_ts, _call_ti = _lib.call_t, _lib.call_tt, _lib.call_ts, _lib.call_ti
_op = _lib.op
_dead = _core._dead
_NO_BOUND = -(2 ** 63)  # absent slice bound in an encoded index (bridge.h)

max_result = collections.namedtuple("max", ["values", "indices"])
min_result = collections.namedtuple("min", ["values", "indices"])


def _fail():
    raise _lib.error(_lib.last_status())


def _shape_args(args):
    """view(2, 3), view((2, 3)) and view([2, 3]) all mean the same shape."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return args


class GradFn:
    """The name of the op that made a tensor (torch's grad_fn, without graph traversal)."""
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object>"


class Tensor:
    """A view of engine memory with autograd state. Methods mirror torch.Tensor's."""
    __slots__ = ("_h", "_meta", "__weakref__")

    @classmethod
    def _wrap(cls, h):
        t = object.__new__(cls)
        t._h = h
        t._meta = None
        return t

    def __del__(self):
        # Inlined batch release (this runs once per tensor, so it is on every op's path).
        h = self._h
        if h:
            try:
                _dead.append(h)
                if len(_dead) >= 256:
                    _core.flush()
            except Exception:  # interpreter shutdown: the engine goes with the process
                pass

    # ---- what the tensor is -------------------------------------------------------------------------

    def _info(self):
        """(meta, shape, strides), cached: only resize_ changes a tensor's own layout, and it clears this."""
        m = self._meta
        if m is None:
            meta = _lib.Meta()
            shape = (ctypes.c_int64 * 64)()
            strides = (ctypes.c_int64 * 64)()
            _lib.check(_lib.tensor_meta(self._h, ctypes.byref(meta), shape, strides, 64))
            n = meta.ndim
            m = self._meta = (BY_ID[meta.dtype], Size(shape[:n]), tuple(strides[:n]), meta.device_type, meta.device_index)
        return m

    def _live_meta(self):
        """Fresh flags, version and addresses (these change without the layout changing)."""
        meta = _lib.Meta()
        _lib.check(_lib.tensor_meta(self._h, ctypes.byref(meta), None, None, 0))
        return meta

    @property
    def dtype(self):
        return self._info()[0]

    @property
    def shape(self):
        return self._info()[1]

    def size(self, dim=None):
        shape = self._info()[1]
        return shape if dim is None else shape[dim]

    def stride(self, dim=None):
        strides = self._info()[2]
        return strides if dim is None else strides[dim]

    def dim(self):
        return len(self._info()[1])

    ndim = property(dim)

    def numel(self):
        return self._info()[1].numel()

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def device(self):
        _, _, _, kind, index = self._info()
        return _device("cpu") if kind == 1 else _device("cuda", index)

    @property
    def is_cuda(self):
        return self._info()[3] == 2

    def is_contiguous(self):
        return bool(self._live_meta().flags & _lib.CONTIGUOUS)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def data_ptr(self):
        return self._live_meta().data or 0

    def storage_offset(self):
        m = self._live_meta()
        return ((m.data or 0) - (m.storage or 0)) // self.dtype.itemsize

    @property
    def _version(self):
        return self._live_meta().version

    def __len__(self):
        shape = self._info()[1]
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return _core.call("format", self)

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __hash__(self):
        return id(self)

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def item(self):
        return _core.call("item", self)

    def tolist(self):
        if self.dim() == 0:
            return self.item()
        return self.detach().numpy().tolist()

    # ---- autograd -----------------------------------------------------------------------------------

    @property
    def requires_grad(self):
        return bool(self._live_meta().flags & _lib.REQUIRES_GRAD)

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(bool(value))

    def requires_grad_(self, requires_grad=True):
        _core.call("requires_grad_", self, bool(requires_grad))
        return self

    @property
    def is_leaf(self):
        return bool(self._live_meta().flags & _lib.IS_LEAF)

    @property
    def grad(self):
        h = _call_t(_GRAD, self._h)
        if h > 0:
            return _wrap(h)
        if h == 0:
            _fail()
        return None

    @grad.setter
    def grad(self, value):
        _core.call("set_grad", self, value)

    @property
    def grad_fn(self):
        name = _core.call("grad_fn", self)
        return None if name is None else GradFn(name)

    @property
    def data(self):
        return self.detach()

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        if create_graph:
            raise NotImplementedError("bridge: create_graph=True (higher-order gradients) is not supported")
        _core.call("backward", self, gradient, bool(retain_graph))

    def detach(self):
        return _unary("detach", self)

    def detach_(self):
        raise NotImplementedError("bridge: detach_() is not supported; use detach()")

    # ---- conversions --------------------------------------------------------------------------------

    def to(self, *args, **kwargs):
        """to(dtype), to(device), to(other), to(device, dtype): a copy only where something changes."""
        target, where = kwargs.get("dtype"), kwargs.get("device")
        for a in args:
            if isinstance(a, Tensor):
                target, where = a.dtype, a.device
            elif isinstance(a, (str, _device)):
                where = a
            elif a is not None:
                target = a
        t = self
        if where is not None and _device(where) != t.device:
            t = _core.call("to_device", t, str(_device(where)))
        if target is not None and target is not t.dtype:
            t = _core.call("to_dtype", t, target)
        return t

    def float(self):
        return self.to(float32)

    def double(self):
        from ._dtype import float64
        return self.to(float64)

    def long(self):
        return self.to(int64)

    def bool(self):
        return self.to(bool_)

    def int(self):
        raise TypeError("bridge has no int32 dtype: use .long() (int64)")

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to(_device("cuda", 0 if device is None else int(device)))

    def numpy(self):
        from . import _numpy
        return _numpy.to_numpy(self)

    def __array__(self, dtype=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    @property
    def __array_interface__(self):
        from . import _numpy
        return _numpy.array_interface(self, self)

    def __dlpack__(self, stream=None):
        from . import _numpy
        return _numpy.to_dlpack(self)

    def __dlpack_device__(self):
        kind, index = self._info()[3:5]
        return (kind, index)  # kDLCPU = 1, kDLCUDA = 2, as the engine numbers devices

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

    def add(self, other, alpha=1):
        if alpha != 1:
            return _core.call("add_alpha", self, _as_tensor(other, self), float(alpha))
        return self + other

    def sub(self, other, alpha=1):
        return self.add(other, -alpha) if alpha != 1 else self - other

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

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

    # ---- shape --------------------------------------------------------------------------------------

    def view(self, *shape):
        return _core.call("view", self, _shape_args(shape))

    def reshape(self, *shape):
        return _core.call("reshape", self, _shape_args(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _core.call("flatten", self, start_dim, end_dim)

    def t(self):
        return _unary("t", self)

    @property
    def T(self):
        return self.permute(*reversed(range(self.dim())))

    def transpose(self, dim0, dim1):
        return _core.call("transpose", self, dim0, dim1)

    def permute(self, *dims):
        return _core.call("permute", self, _shape_args(dims))

    def squeeze(self, dim=None):
        if dim is None:
            return _unary("squeeze", self)
        return _ti(_SQUEEZE_DIM, self, dim)

    def unsqueeze(self, dim):
        return _ti(_UNSQUEEZE, self, dim)

    def expand(self, *sizes):
        return _core.call("expand", self, _shape_args(sizes))

    def expand_as(self, other):
        return self.expand(other.shape)

    def contiguous(self):
        return _unary("contiguous", self)

    def clone(self):
        return _unary("clone", self)

    def select(self, dim, index):
        return _core.call("select", self, dim, index)

    def narrow(self, dim, start, length):
        return _core.call("narrow", self, dim, start, length)

    def resize_(self, *shape):
        _core.call("resize_", self, _shape_args(shape))
        self._meta = None
        return self

    def __getitem__(self, key):
        if type(key) is int:  # the common x[i]
            return _ti(_SELECT0, self, key)
        return _core.call("index", self, _encode_index(key))

    def __setitem__(self, key, value):
        if not isinstance(value, Tensor):
            value = float(value) if isinstance(value, (int, float, bool)) else _as_tensor(value, self)
        _core.call("index_put", self, _encode_index(key), value)

    # ---- random fills -------------------------------------------------------------------------------

    def normal_(self, mean=0.0, std=1.0):
        _core.call("normal_", self, float(mean), float(std))
        return self

    def uniform_(self, a=0.0, b=1.0):
        _core.call("uniform_", self, float(a), float(b))
        return self

    def bernoulli_(self, p=0.5):
        _core.call("bernoulli_", self, float(p))
        return self


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
_wrap = Tensor._wrap
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


def _encode_index(key):
    if not isinstance(key, tuple):
        key = (key,)
    code = []
    for k in key:
        if k is None:
            code += (2, 0, 0, 0)
        elif k is Ellipsis:
            code += (3, 0, 0, 0)
        elif isinstance(k, slice):
            code += (1, _bound(k.start), _bound(k.stop), _bound(k.step))
        elif isinstance(k, bool) or isinstance(k, Tensor) or isinstance(k, (list, tuple)):
            raise TypeError("bridge supports basic indexing only (ints, slices, None, ...); "
                            f"advanced indexing with a {type(k).__name__} is not implemented")
        elif hasattr(k, "__index__"):
            code += (0, k.__index__(), 0, 0)
        else:
            raise TypeError(f"invalid index of type {type(k).__name__}")
    return code


def _bound(b):
    return _NO_BOUND if b is None else operator.index(b)


_core._tensor_cls = Tensor
