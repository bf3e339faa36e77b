"""Zero-copy exchange with NumPy (array interface, from_numpy) and DLPack peers (capsules both ways)."""

import ctypes

import numpy as np

from . import _core, _lib
from ._lib import lib
from ._dtype import from_numpy_dtype
from ._tensor import Tensor

_SUPPORTED = "float64, float32, float16, int64, int32, int16, int8, uint8, and bool"


def array_interface(t, owner):
    """NumPy's array interface for ``t``'s memory; the array NumPy builds keeps ``owner`` alive."""
    dtype, shape, strides, device_type, _ = t._info()
    if device_type != 1:
        raise TypeError("can't convert a CUDA tensor to numpy: copy it to the host first (.cpu())")
    if dtype.numpy_typestr is None:
        raise TypeError(f"Got unsupported ScalarType {dtype.scalar_name}")
    _core.call("share_address", t)  # NumPy keeps the address: the engine must never move this memory
    meta = t._live_meta()
    item = dtype.itemsize
    return {
        "version": 3,
        "shape": tuple(shape),
        "typestr": dtype.numpy_typestr,
        "strides": tuple(s * item for s in strides),
        # NumPy refuses a NULL pointer even for empty arrays; any aligned address does for zero bytes.
        "data": (meta.data or item, not meta.flags & _lib.WRITABLE),
    }


class _Holder:
    """What an array from .numpy() keeps as its base: the tensor, hence its storage."""
    __slots__ = ("tensor", "__array_interface__")

    def __init__(self, tensor):
        # An alias of the storage, not the tensor itself: if the tensor later gets other memory (Module.to), the
        # memory this array views stays alive as long as the array does.
        self.tensor = tensor.detach()
        self.__array_interface__ = array_interface(self.tensor, self)


def refuse_grad(t):
    """NumPy computes without autograd: handing it a tensor that requires grad would lose the gradient silently."""
    if t.requires_grad:
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")


def to_numpy(t):
    """A NumPy array over the tensor's memory."""
    refuse_grad(t)
    return np.asarray(_Holder(t))


# What a NumPy result becomes when wrapped back into a tensor: torch's __array_wrap__ turns bool into uint8 and keeps
# the other types it has; the types torch lacks (uint16, uint32, uint64, float128) widen to int64 or narrow to float64.
_WRAP_AS = {"b": np.dtype("uint8"), "i": np.dtype("int64"), "u": np.dtype("int64"), "f": np.dtype("float64")}


def wrap_result(array):
    """Tensor.__array_wrap__: the result array of a NumPy function applied to a tensor, as a tensor."""
    array = np.asarray(array)
    if array.dtype not in _BY_NUMPY or array.dtype == np.bool_:
        target = _WRAP_AS.get(array.dtype.kind)
        if target is None:
            raise TypeError(f"can't convert np.ndarray of type {array.dtype} to a tensor. The only supported types "
                            f"are: {_SUPPORTED}")
        array = array.astype(target)
    if not array.flags.aligned or any(s < 0 for s in array.strides):
        array = np.ascontiguousarray(array)
    return from_numpy(array)


_BY_NUMPY = {np.dtype(name): from_numpy_dtype(np.dtype(name))
             for name in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")}
_INT64_ARRAYS = [ctypes.c_int64 * max(n, 1) for n in range(65)]


def from_numpy(a):
    """A tensor over ``a``'s memory (no copy); ``a`` stays alive while any tensor uses it."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(a).__name__})")
    dtype = _BY_NUMPY.get(a.dtype)
    if dtype is None:
        if not a.dtype.isnative:
            raise ValueError(f"array is byte-swapped ({a.dtype.str}): convert it with "
                             f"a.astype(a.dtype.newbyteorder('=')) first")
        raise TypeError(f"can't convert np.ndarray of type numpy.{a.dtype}. The only supported types are: {_SUPPORTED}.")
    if not a.flags.aligned:
        raise ValueError("array is not aligned to its element size: copy it with np.ascontiguousarray(a) first")
    item = dtype.itemsize
    steps = []
    for s in a.strides:
        if s < 0:
            raise ValueError(f"At least one stride in the given numpy array is negative (strides {a.strides}): "
                             f"copy it with np.ascontiguousarray(a) first")
        if s % item:
            raise ValueError(f"array strides {a.strides} are not multiples of the element size {item}: "
                             f"copy it with np.ascontiguousarray(a) first")
        steps.append(s // item)
    n = a.ndim
    if n > 64:
        raise ValueError(f"{n} dimensions: Bridge tensors have at most 64")
    array_type = _INT64_ARRAYS[n]
    token = _core.keep_alive(a)
    out = ctypes.c_int64()
    status = _lib.tensor_from_buffer(a.__array_interface__["data"][0], dtype.id, n, array_type(*a.shape),
                                     array_type(*steps), int(a.flags.writeable), None, token, ctypes.byref(out))
    if status:
        _core._keep.pop(token, None)
        raise _lib.error(status)
    return Tensor._wrap(out.value)


def over_buffer(array, shape, strides, dtype=None):
    """A tensor of ``shape`` and element ``strides`` over the memory of the 1-D array ``array`` from its first element
    (the caller has checked that every element it reaches lies inside ``array``); ``array`` stays alive with it.
    ``dtype`` reads the elements as another bridge dtype of the same size (bfloat16 over uint16 memory)."""
    dtype = dtype or _BY_NUMPY[array.dtype]
    n = len(shape)
    array_type = _INT64_ARRAYS[n]
    token = _core.keep_alive(array)
    out = ctypes.c_int64()
    status = _lib.tensor_from_buffer(array.__array_interface__["data"][0], dtype.id, n, array_type(*shape),
                                     array_type(*strides), int(array.flags.writeable), None, token, ctypes.byref(out))
    if status:
        _core._keep.pop(token, None)
        raise _lib.error(status)
    return Tensor._wrap(out.value)


# ---- DLPack ---------------------------------------------------------------------------------------------

_api = ctypes.pythonapi
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_SetName.restype = ctypes.c_int
_api.PyCapsule_SetName.argtypes = [ctypes.py_object, ctypes.c_char_p]

# The capsule keeps a pointer to its name, so the names must live as long as the module.
_DLTENSOR = ctypes.create_string_buffer(b"dltensor")
_USED = ctypes.create_string_buffer(b"used_dltensor")
_DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_DELETER_OFFSET = 56  # offsetof(DLManagedTensor, deleter): 48-byte DLTensor, then manager_ctx


def _run_deleter(managed):
    fn = ctypes.c_void_p.from_address(managed + _DELETER_OFFSET).value
    if fn:
        _DELETER(fn)(managed)


# Capsules are destroyed by the library's own destructor (bridge.h explains why not a Python one).
lib.bridge_dlpack_set_capsule_api(ctypes.cast(_api.PyCapsule_IsValid, ctypes.c_void_p),
                                  ctypes.cast(_api.PyCapsule_GetPointer, ctypes.c_void_p))
_capsule_destructor = ctypes.cast(lib.bridge_dlpack_capsule_destructor, ctypes.c_void_p)


def to_dlpack(t):
    """A DLPack capsule over the tensor's memory."""
    managed = ctypes.c_void_p()
    _lib.check(_lib.tensor_to_dlpack(t._h, ctypes.byref(managed)))
    return _api.PyCapsule_New(managed, ctypes.cast(_DLTENSOR, ctypes.c_char_p), _capsule_destructor)


def from_dlpack(obj):
    """Takes a DLPack producer (an object with __dlpack__, or a "dltensor" capsule) without copying."""
    if isinstance(obj, Tensor):
        return obj
    if hasattr(obj, "__dlpack__"):
        from . import cuda
        capsule = obj.__dlpack__(**cuda._import_stream(obj))
    else:
        capsule = obj
    if type(capsule).__name__ != "PyCapsule" or not _api.PyCapsule_IsValid(capsule, _DLTENSOR):
        raise TypeError(f"from_dlpack: expected an object with __dlpack__ or a 'dltensor' capsule, "
                        f"got {type(obj).__name__}")
    managed = _api.PyCapsule_GetPointer(capsule, _DLTENSOR)
    token = _core.keep_alive(lambda: _run_deleter(managed))
    out = ctypes.c_int64()
    status = _lib.tensor_from_dlpack(managed, token, ctypes.byref(out))
    if status:
        _core._keep.pop(token, None)
        raise _lib.error(status)  # the capsule still owns the memory and frees it when it dies
    _api.PyCapsule_SetName(capsule, ctypes.cast(_USED, ctypes.c_char_p))
    return Tensor._wrap(out.value)
