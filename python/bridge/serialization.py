"""bridge.save / bridge.load (format by extension: .npy, .npz, .safetensors) and shared-memory tensors.

The formats are the engine's (src/Tensor/Io): files NumPy and safetensors users already have, read as hostile
input. ``bridge.shared(name, shape, dtype)`` creates a tensor in POSIX shared memory (/dev/shm/name, or a path)
laid out as a .npy file, so another process maps the same bytes: ``bridge.shared(name)`` from Python,
``np.load(path, mmap_mode="r+")`` from NumPy, ``SharedTensor.Open`` from C#.
"""

import collections
import collections.abc
import os

from ._core import call
from ._dtype import float32
from ._tensor import Tensor


def save(obj, f):
    """Saves a tensor (.npy) or a name -> tensor mapping such as a state_dict (.npz, .safetensors)."""
    path = os.fspath(f)
    if isinstance(obj, Tensor):
        call("save_tensor", path, obj.detach())
        return
    if not isinstance(obj, collections.abc.Mapping):
        raise TypeError(f"bridge.save takes a Tensor or a mapping of names to tensors, not {type(obj).__name__} "
                        "(Bridge writes tensor files, not pickles)")
    names = [str(k) for k in obj]
    if any("\0" in n for n in names):
        raise ValueError("tensor names cannot contain NUL characters")
    tensors = [_as_tensor(v, n) for n, v in obj.items()]
    call("save_tensors", path, "\0".join(names), tensors, False)


def load(f):
    """Loads a .npy file as a tensor, a .npz or .safetensors file as an OrderedDict of name -> tensor."""
    path = os.fspath(f)
    if path.lower().endswith(".npy"):
        return call("load_tensor", path)
    table = call("load_tensors", path)
    names = call("dict_names", table)
    tensors = call("dict_tensors", table)
    return collections.OrderedDict(zip(names.split("\0") if tensors else [], tensors))


def shared(name, shape=None, dtype=None, overwrite=False, writable=True):
    """Creates (with ``shape``) or opens (without) the shared-memory tensor /dev/shm/``name``; no copy either way.

    ``name`` is a plain name (no '/', not '.' or '..'); for a file elsewhere use ``shared_file(path, ...)``.
    The mapping lasts as long as the returned tensor (and its views); the file stays until
    ``unlink_shared(name)``. ``overwrite=True`` replaces only an existing shared tensor, never another file.
    Opening with a ``dtype`` or ``shape`` the file does not hold raises ValueError.
    """
    return _shared("", name, shape, dtype, overwrite, writable)


def shared_file(path, shape=None, dtype=None, overwrite=False, writable=True):
    """As ``shared``, for the memory-mapped .npy file at ``path`` (any directory)."""
    return _shared("_file", os.fspath(path), shape, dtype, overwrite, writable)


def _shared(kind, where, shape, dtype, overwrite, writable):
    if shape is not None:
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        return call("shared_create" + kind, where, shape, dtype or float32, bool(overwrite))
    return call("shared_open" + kind, where, None, dtype, bool(writable))


def unlink_shared(name):
    """Removes the shared-memory file (mappings that exist stay valid until their tensors die)."""
    call("shared_unlink", name)


def shared_path(name):
    """The file a shared-memory name maps to (/dev/shm/name for a bare name)."""
    return call("shared_path", name)


def _as_tensor(v, name):
    if isinstance(v, Tensor):
        return v.detach()
    import numpy as np
    if isinstance(v, np.ndarray):
        from ._numpy import from_numpy
        return from_numpy(np.array(v, order="C"))
    raise TypeError(f"value for '{name}' is a {type(v).__name__}, not a tensor")
