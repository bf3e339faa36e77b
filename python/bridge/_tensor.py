"""bridge.Tensor: a Python handle on an engine tensor, with torch's methods and operators."""

import ctypes

from . import _core, _lib
from ._declared import DeclaredMethods
from ._math import MathMethods
from ._hooks import RemovableHandle
from ._grad_fn import GradFn, grad_fn_of
from ._dtype import BY_ID, Size, device as _device, float32, int64, bool_
from ._tensor_copy import CopyProtocols
from ._tensor_shape import ShapeMethods
from ._tensor_creation import CreationMethods
from . import _fast, _random
from . import _indexing
from ._tensor_autograd import _AutogradMethods
from ._composites import CompositeMethods
from ._scans import ScanMethods
from ._special_functions import SpecialMethods
from ._tensor_math import (_GRAD, _SELECT0, _SQUEEZE_DIM, _UNSQUEEZE, _as_tensor, _call_t, _fail,
                           _ti, _unary)

_dead = _core._dead
_LARGE = 1 << 62
_handle_free = _lib.handle_free


# Callbacks run after every completed backward() (what torch's engine queue_callback gives a hook):
# bridge.parity records parameter gradients from here. Registered through _register_post_backward_hook.
_post_backward_hooks = {}


def _register_post_backward_hook(hook):
    """Runs ``hook()`` after each backward(); returns a handle whose ``remove()`` unregisters it."""
    return RemovableHandle(_post_backward_hooks, hook)


def _shape_args(args):
    """view(2, 3), view((2, 3)) and view([2, 3]) all mean the same shape."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return args


class Tensor(_AutogradMethods, CopyProtocols, MathMethods, DeclaredMethods, ShapeMethods, CreationMethods,
             CompositeMethods, ScanMethods, SpecialMethods, result_type=True):
    """A view of engine memory with autograd state. Methods mirror torch.Tensor's."""
    __slots__ = ("_h", "_meta", "__weakref__")

    @classmethod
    def _wrap(cls, h):
        t = object.__new__(cls)
        t._h = h
        t._meta = None
        return t

    def __del__(self):
        # Inlined batch release (this runs once per tensor, so it is on every op's path). Handles of tensors
        # over large storages (bit 62, bridge.h) are freed at once: a batch of them would hold real memory.
        h = self._h
        if h:
            try:
                if h & _LARGE:
                    _handle_free(h)
                    return
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
        """The element type (bridge.float32, ...)."""
        return self._info()[0]

    @property
    def shape(self):
        """The dims as a bridge.Size."""
        return self._info()[1]

    def size(self, dim=None):
        """The dims as a bridge.Size, or the size of dim ``dim``."""
        shape = self._info()[1]
        return shape if dim is None else shape[dim]

    def stride(self, dim=None):
        """Element strides of every dim, or of dim ``dim``."""
        strides = self._info()[2]
        return strides if dim is None else strides[dim]

    def dim(self):
        """Number of dims."""
        return len(self._info()[1])

    ndim = property(dim)

    def numel(self):
        """Number of elements."""
        return self._info()[1].numel()

    nelement = numel

    def element_size(self):
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def device(self):
        """The device holding the memory (cpu or cuda:N)."""
        _, _, _, kind, index = self._info()
        return _device("cpu") if kind == 1 else _device("cuda", index)

    @property
    def is_cuda(self):
        """True when the tensor lives on a GPU."""
        return self._info()[3] == 2

    def is_contiguous(self):
        """True when the elements are laid out row-major without gaps."""
        return bool(self._live_meta().flags & _lib.CONTIGUOUS)

    def is_floating_point(self):
        """True for float32 and float64 tensors."""
        return self.dtype.is_floating_point

    def data_ptr(self):
        """Address of the first element."""
        return self._live_meta().data or 0

    def storage_offset(self):
        """Offset of the first element in its storage, in elements."""
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
        """The value of a one-element tensor as a Python number."""
        try:
            return _core.call("item", self)
        except RuntimeError:
            if self.numel() != 1:  # torch's type and text; checked only on failure, off the fast path
                raise ValueError("only one element tensors can be converted to Python scalars") from None
            raise

    def tolist(self):
        """The elements as (nested) Python lists."""
        if self.dim() == 0:
            return self.item()
        t = self.detach()
        if t.dtype.numpy_typestr is None:
            t = t.float()  # bfloat16: NumPy has no such type, and float32 holds every value exactly
        return t.numpy().tolist()

    # ---- autograd -----------------------------------------------------------------------------------

    @property
    def requires_grad(self):
        """Whether autograd records operations on this tensor."""
        return bool(self._live_meta().flags & _lib.REQUIRES_GRAD)

    @requires_grad.setter
    def requires_grad(self, value):
        """Whether autograd records operations on this tensor."""
        self.requires_grad_(bool(value))

    def requires_grad_(self, requires_grad=True):
        """Sets requires_grad in place and returns the tensor."""
        _core.call("requires_grad_", self, bool(requires_grad))
        return self

    @property
    def is_leaf(self):
        """True for tensors not produced by a recorded operation."""
        return bool(self._live_meta().flags & _lib.IS_LEAF)

    @property
    def grad(self):
        """The accumulated gradient, or None."""
        h = _call_t(_GRAD, self._h)
        if h > 0:
            return _wrap(h)
        if h == 0:
            _fail()
        return None

    @grad.setter
    def grad(self, value):
        """The accumulated gradient, or None."""
        _core.call("set_grad", self, value)

    @property
    def grad_fn(self):
        """The backward node that produced this tensor, or None."""
        return grad_fn_of(self)

    @property
    def data(self):
        """The tensor detached from autograd (shares memory)."""
        return self.detach()

    def detach(self):
        """A view sharing memory that autograd does not track."""
        return _unary("detach", self)

    def detach_(self):
        """Detaches this tensor from the graph in place: it becomes a leaf that does not require grad."""
        _core.call("detach_", self)
        return self

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
        """A float32 copy (self when already float32)."""
        return self.to(float32)

    def double(self):
        """A float64 copy (self when already float64)."""
        from ._dtype import float64
        return self.to(float64)

    def long(self):
        """An int64 copy (self when already int64)."""
        return self.to(int64)

    def bool(self):
        """A bool copy (self when already bool)."""
        return self.to(bool_)

    def int(self):
        """An int32 copy, floats truncated toward zero (self when already int32)."""
        from ._dtype import int32
        return self.to(int32)

    def short(self):
        """An int16 copy (self when already int16)."""
        from ._dtype import int16
        return self.to(int16)

    def char(self):
        """An int8 copy (self when already int8)."""
        from ._dtype import int8
        return self.to(int8)

    def byte(self):
        """A uint8 copy (self when already uint8)."""
        from ._dtype import uint8
        return self.to(uint8)

    def half(self):
        """A float16 copy, rounded to nearest even (self when already float16)."""
        from ._dtype import float16
        return self.to(float16)

    def bfloat16(self):
        """A bfloat16 copy, rounded to nearest even (self when already bfloat16)."""
        from ._dtype import bfloat16
        return self.to(bfloat16)

    def type_as(self, other):
        """A copy with ``other``'s dtype."""
        return self.to(other.dtype)

    def cpu(self):
        """The tensor on the CPU (self when already there)."""
        return self.to("cpu")

    def cuda(self, device=None):
        """The tensor on GPU ``device`` (default 0)."""
        return self.to(_device("cuda", 0 if device is None else int(device)))

    def numpy(self):
        """A NumPy array sharing memory (CPU tensors without grad)."""
        from . import _numpy
        return _numpy.to_numpy(self)

    # NumPy defers to the tensor's reflected operators (ndarray * tensor asks Tensor.__rmul__), as with torch's.
    __array_priority__ = 1000

    def __array__(self, dtype=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None):
        """A NumPy function's result as a tensor again (np.exp(t) is a tensor), as torch's."""
        from . import _numpy
        return _numpy.wrap_result(array)

    @property
    def __array_interface__(self):
        from . import _numpy
        _numpy.refuse_grad(self)  # NumPy reads this before __array__: a tensor that requires grad must not slip through
        return _numpy.array_interface(self, self)

    def __dlpack__(self, stream=None):
        from . import _numpy, cuda
        if self._info()[3] == 2:
            cuda._before_export(self._info()[4], stream)
        return _numpy.to_dlpack(self)

    def __dlpack_device__(self):
        kind, index = self._info()[3:5]
        return (kind, index)  # kDLCPU = 1, kDLCUDA = 2, as the engine numbers devices

    # ---- shape --------------------------------------------------------------------------------------

    def view(self, *shape):
        """A view with a new shape over the same memory (must be compatible with the strides)."""
        return _core.call("view", self, _shape_args(shape))

    def reshape(self, *shape):
        """The elements in a new shape: a view when possible, else a copy."""
        return _core.call("reshape", self, _shape_args(shape))

    def view_as(self, other):
        """A view with ``other``'s shape."""
        return self.view(other.shape)

    def reshape_as(self, other):
        """Reshape to ``other``'s shape."""
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        """Dims ``start_dim`` to ``end_dim`` merged into one."""
        return _core.call("flatten", self, start_dim, end_dim)

    def t(self):
        """Transpose of a tensor of at most 2 dims."""
        return _unary("t", self)

    @property
    def T(self):
        """The dims reversed."""
        return self.permute(*reversed(range(self.dim())))

    def transpose(self, dim0, dim1):
        """A view with dims ``dim0`` and ``dim1`` swapped."""
        return _core.call("transpose", self, dim0, dim1)

    def permute(self, *dims):
        """A view with the dims reordered."""
        return _core.call("permute", self, _shape_args(dims))

    def squeeze(self, dim=None):
        """Removes dims of size 1 (all, or just ``dim``)."""
        if dim is None:
            return _unary("squeeze", self)
        return _ti(_SQUEEZE_DIM, self, dim)

    def unsqueeze(self, dim):
        """Inserts a dim of size 1 at ``dim``."""
        return _ti(_UNSQUEEZE, self, dim)

    def expand(self, *sizes):
        """A broadcast view to a larger shape (no copy)."""
        return _core.call("expand", self, _shape_args(sizes))

    def expand_as(self, other):
        """A broadcast view to ``other``'s shape."""
        return self.expand(other.shape)

    def contiguous(self):
        """Self when row-major, else a row-major copy."""
        return _unary("contiguous", self)

    def clone(self):
        """A copy with its own memory (recorded by autograd)."""
        return _unary("clone", self)

    def select(self, dim, index):
        """A view of one index along ``dim`` (that dim removed)."""
        return _core.call("select", self, dim, index)

    def narrow(self, dim, start, length):
        """A view of ``length`` elements of ``dim`` from ``start``."""
        return _core.call("narrow", self, dim, start, length)

    def resize_(self, *shape):
        """Changes the shape in place, growing the storage when needed."""
        _core.call("resize_", self, _shape_args(shape))
        self._meta = None
        return self

    def __getitem__(self, key):
        if type(key) is int and -(1 << 63) <= key < (1 << 63):  # the common x[i]; bigger ints: OverflowError below
            return _ti(_SELECT0, self, key)
        return _indexing.getitem(self, key)

    def __setitem__(self, key, value):
        _indexing.setitem(self, key, value)

    # ---- random fills -------------------------------------------------------------------------------

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fills with draws from N(mean, std^2), in place."""
        _core.call("normal_", self, float(mean), float(std), _random.gen(generator))
        return self

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        """Fills with draws from U(from, to), in place."""
        _core.call("uniform_", self, float(a), float(b), _random.gen(generator))
        return self

    def random_(self, *args, generator=None, **bounds):
        """Fills in place with integers: ``random_()`` over the dtype's range, ``random_(to)`` in [0, to),
        ``random_(from, to)`` in [from, to) (``to=None``: up to the dtype's largest value); torch's draws."""
        if len(args) > 2 or set(bounds) - {"from", "to"}:
            raise TypeError(f"random_() takes at most 2 bounds (from, to), got {args} {sorted(bounds)}")
        if len(args) == 1 and "to" not in bounds and "from" not in bounds:
            args = (0, args[0])
        low, high = (list(args) + [None, None])[:2]
        low, high = bounds.get("from", low), bounds.get("to", high)
        if low is None and high is None and not args and not bounds:
            _core.call("random_", self, None, None, _random.gen(generator))
        else:
            _core.call("random_", self, int(low or 0), None if high is None else int(high), _random.gen(generator))
        return self

    def bernoulli_(self, p=0.5, *, generator=None):
        """Fills with 1 (probability p) or 0, in place."""
        _core.call("bernoulli_", self, float(p), _random.gen(generator))
        return self


_wrap = Tensor._wrap

# Operators, grad and __del__ as C-level descriptors when the library's CPython extension loaded (bridge/_fast.py).
_fast.speed_up_tensor(Tensor)
