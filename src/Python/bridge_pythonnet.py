"""Python half of Bridge.Python (loaded by PyBridge.Initialize): the few steps easier written in Python.

Kept small on purpose: each function is one conversion step the C# side calls under the GIL.
"""

import ctypes

import numpy as np

_api = ctypes.pythonapi
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_api.PyCapsule_GetPointer.restype = ctypes.c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_IsValid.restype = ctypes.c_int
_api.PyCapsule_IsValid.argtypes = [ctypes.py_object, ctypes.c_char_p]
_api.PyCapsule_SetName.restype = ctypes.c_int
_api.PyCapsule_SetName.argtypes = [ctypes.py_object, ctypes.c_char_p]

# A capsule keeps a pointer to its name, so the names live as long as the module.
_DLTENSOR = ctypes.create_string_buffer(b"dltensor")
_USED = ctypes.create_string_buffer(b"used_dltensor")


def c_api():
    """Addresses of the C functions the C# side calls directly (they need no Python frame)."""
    return tuple(ctypes.cast(f, ctypes.c_void_p).value
                 for f in (_api.PyCapsule_IsValid, _api.PyCapsule_GetPointer, _api.PyGILState_Check,
                           _api.PyObject_GetBuffer, _api.PyBuffer_Release, _api.PyErr_Clear))


class _StorageView:
    """What an array from ToNumPy keeps as its base: the .NET storage (hence its memory stays put)."""
    __slots__ = ("storage", "__array_interface__")


def to_numpy(storage, data, typestr, readonly, *dims):
    """An ndarray over ``data``; ``dims`` is the shape followed by the strides in bytes."""
    view = _StorageView()
    view.storage = storage
    n = len(dims) // 2
    view.__array_interface__ = {"version": 3, "shape": dims[:n], "strides": dims[n:], "typestr": typestr,
                                "data": (data, readonly)}
    return np.asarray(view)


def capsule(managed, destructor):
    """A "dltensor" capsule owning the DLManagedTensor at ``managed``."""
    return _api.PyCapsule_New(managed, ctypes.cast(_DLTENSOR, ctypes.c_char_p), destructor)


def dlpack_capsule(obj):
    """(capsule, DLManagedTensor address) of a DLPack producer, or (None, message) when it is not one."""
    capsule = obj.__dlpack__() if hasattr(obj, "__dlpack__") else obj
    if type(capsule).__name__ != "PyCapsule" or not _api.PyCapsule_IsValid(capsule, _DLTENSOR):
        return None, (f"expected a torch.Tensor (or another object with __dlpack__, or a 'dltensor' capsule), "
                      f"got {type(obj).__module__}.{type(obj).__qualname__}")
    return capsule, _api.PyCapsule_GetPointer(capsule, _DLTENSOR)


def mark_used(capsule):
    """Renames a consumed capsule so its destructor leaves the tensor to its new owner (DLPack's protocol)."""
    _api.PyCapsule_SetName(capsule, ctypes.cast(_USED, ctypes.c_char_p))


def describe(obj):
    """Type name and dtype (when it has one) of an object FromNumPy refused, for the error message."""
    dtype = getattr(obj, "dtype", None)
    return f"{type(obj).__module__}.{type(obj).__qualname__}", "" if dtype is None else str(dtype)


def tensor_source(cls):
    """What a Python type holding tensor data is to the decoder: "numpy", "torch" or "" (neither)."""
    if issubclass(cls, np.ndarray):
        return "numpy"
    torch = __import__("sys").modules.get("torch")  # never import torch just to ask
    return "torch" if torch is not None and issubclass(cls, torch.Tensor) else ""
