"""Calling the engine: argument packing for bridge_call, handle release in batches, foreign-memory release."""

import ctypes
import gc
import itertools
import threading

from . import _lib
from ._lib import Value, lib
from ._dtype import dtype as _dtype_cls

# Handles whose Python wrappers died, freed in one call per batch (a ctypes call per object would double
# the cost of small ops).
_dead = []
_BATCH = 256

# Objects that must outlive the engine's use of their memory (NumPy arrays behind from_numpy, DLPack
# producers), by token; the engine queues a token when its last tensor over that memory dies.
_keep = {}
_tokens = itertools.count(1)


def keep_alive(obj):
    token = next(_tokens)
    _keep[token] = obj
    return token


def release_later(handle):
    _dead.append(handle)
    if len(_dead) >= _BATCH:
        flush()


# Two threads must not take the same batch (a double free stops a batch early); re-entrant because a release
# run by drain_released can drop the last reference to a tensor, whose finalizer may flush again.
_flush_lock = threading.RLock()


def flush():
    """Frees the batched handles and runs the releases the engine has queued."""
    with _flush_lock:
        n = len(_dead)
        if n:
            arr = (ctypes.c_int64 * n)(*_dead[:n])
            del _dead[:n]
            _lib.check(_lib.handles_free(arr, n))
        drain_released()


_take_buf = (ctypes.c_int64 * 256)()


def drain_released():
    count = ctypes.c_int32()
    while True:
        _lib.check(_lib.released_take(_take_buf, 256, ctypes.byref(count)))
        for i in range(count.value):
            obj = _keep.pop(_take_buf[i], None)
            if callable(obj):
                obj()  # a DLPack deleter, run here with the GIL held
        if count.value < 256:
            return


def collect():
    """Frees everything unreachable now, on both sides: Python objects, batched handles, engine storages."""
    gc.collect()
    flush()
    _lib.check(_lib.gc_collect())
    drain_released()


def _after_gc(phase, info):
    if phase == "stop" and info.get("generation") == 2:
        try:
            drain_released()
        except Exception:  # never raise out of a gc callback
            pass


gc.callbacks.append(_after_gc)


class EngineObject:
    """A non-tensor engine object (optimizer) held by handle."""
    __slots__ = ("_h",)

    def __init__(self, handle):
        self._h = handle

    def __del__(self):
        try:
            release_later(self._h)
        except Exception:
            pass


class TensorBase:
    """What the layers below bridge.Tensor know of it: an engine handle (``_h``) and how results are wrapped.

    bridge.Tensor names itself the result type when it is defined (``class Tensor(..., result_type=True)``), so
    modules below it create and recognise tensors without importing the module that defines the class.
    """
    __slots__ = ()
    _result = None

    def __init_subclass__(cls, result_type=False, **kwargs):
        super().__init_subclass__(**kwargs)
        if result_type:
            TensorBase._result = cls


_object_new = object.__new__


def wrap(h):
    """A bridge.Tensor owning engine handle ``h``."""
    t = _object_new(TensorBase._result)
    t._h, t._meta = h, None
    return t


def _pack(v, arg, keep):
    T = TensorBase
    if v is None:
        arg.kind = _lib.NONE
    elif isinstance(v, T):
        arg.kind, arg.i = _lib.TENSOR, v._h
    elif isinstance(v, bool):
        arg.kind, arg.i = _lib.BOOL, int(v)
    elif isinstance(v, int):
        arg.kind, arg.i = _lib.INT, _int64(v)
    elif isinstance(v, float):
        arg.kind, arg.d = _lib.FLOAT, v
    elif isinstance(v, _dtype_cls):
        arg.kind, arg.i = _lib.INT, v.id
    elif isinstance(v, str):
        b = v.encode()
        keep.append(b)
        arg.kind, arg.i, arg.p = _lib.STRING, len(b), ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p)
    elif isinstance(v, (bytes, bytearray)):
        buf = (ctypes.c_char * len(v)).from_buffer_copy(v)
        keep.append(buf)
        arg.kind, arg.i, arg.p = _lib.BYTES, len(v), ctypes.addressof(buf)
    elif isinstance(v, EngineObject):
        arg.kind, arg.i = _lib.OBJECT, v._h
    elif isinstance(v, FloatList):
        buf = (ctypes.c_double * len(v.values))(*v.values)
        keep.append(buf)
        arg.kind, arg.i, arg.p = _lib.FLOAT_LIST, len(v.values), ctypes.addressof(buf)
    elif isinstance(v, (list, tuple)):
        if v and all(isinstance(x, T) for x in v):
            buf = (ctypes.c_int64 * len(v))(*(x._h for x in v))
            kind = _lib.TENSOR_LIST
        else:
            buf = (ctypes.c_int64 * len(v))(*(_as_int(x) for x in v))
            kind = _lib.INT_LIST
        keep.append(buf)
        arg.kind, arg.i, arg.p = kind, len(v), ctypes.addressof(buf)
    else:
        raise TypeError(f"cannot pass a {type(v).__name__} to the engine")


def _as_int(x):
    if isinstance(x, bool) or not hasattr(x, "__index__"):
        raise TypeError(f"expected a sequence of ints, got an element of type {type(x).__name__}")
    return _int64(x.__index__())


def _int64(v):
    """v itself, or OverflowError: ctypes would silently keep only the low 64 bits (2**64 + 2 would become 2)."""
    if not -(1 << 63) <= v < (1 << 63):
        raise OverflowError(f"Python int {v} does not fit in a signed 64-bit integer")
    return v


class FloatList:
    """Marks a list of numbers to go to the engine as float64 values."""
    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values


def call(name, *args):
    """Calls an op by name with Python values; returns the result as a Python value."""
    n = len(args)
    arr = (Value * max(n, 1))()
    keep = []
    for k, v in enumerate(args):
        _pack(v, arr[k], keep)
    result = Value()
    status = _lib.call(_lib.op(name), arr, n, ctypes.byref(result))
    if status:
        raise _lib.error(status)
    return _unpack(result)


def _unpack(r):
    kind = r.kind
    if kind == _lib.NONE:
        return None
    if kind == _lib.TENSOR:
        return wrap(r.i)
    if kind == _lib.INT:
        return r.i
    if kind == _lib.FLOAT:
        return r.d
    if kind == _lib.BOOL:
        return bool(r.i)
    if kind == _lib.STRING:
        return ctypes.string_at(r.p, r.i).decode("utf-8")
    if kind == _lib.BYTES:
        return ctypes.string_at(r.p, r.i)
    if kind == _lib.TENSOR_LIST:
        handles = (ctypes.c_int64 * r.i).from_address(r.p)
        return [wrap(h) if h else None for h in list(handles)]
    if kind == _lib.INT_LIST:
        return list((ctypes.c_int64 * r.i).from_address(r.p))
    if kind == _lib.OBJECT:
        return EngineObject(r.i)
    raise RuntimeError(f"unexpected result kind {kind}")


# call() through the library's CPython extension when it loaded; the Python version above is its fallback.
from ._fast import speed_up_core as _speed_up_core  # noqa: E402
_speed_up_core(globals())
