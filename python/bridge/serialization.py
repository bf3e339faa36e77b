"""bridge.save / bridge.load (torch's zip checkpoints; .npy, .npz, .safetensors by extension) and shared memory.

torch.save's format is written and read here (_torch_zip, _torch_pickle); the open formats are the engine's
(src/Tensor/Io): files NumPy and safetensors users already have, read as hostile input.
``bridge.shared(name, shape, dtype)`` creates a tensor in POSIX shared memory (/dev/shm/name, or a path) laid out as a
.npy file, so another process maps the same bytes: ``bridge.shared(name)`` from Python,
``np.load(path, mmap_mode="r+")`` from NumPy, ``SharedTensor.Open`` from C#.
"""

import collections
import collections.abc
import io
import os
import pickle
import struct

from . import _torch_zip
from ._core import call
from ._dtype import float32
from ._tensor import Tensor


_ENGINE_FORMATS = (".npy", ".npz", ".safetensors")


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Saves ``obj`` as torch.save does: torch 1.13's zip checkpoint (loadable by torch) for any picklable object holding
    tensors, to a path of any extension or a writable file object. A path ending in .npy (one tensor), .npz or
    .safetensors (a name -> tensor mapping such as a state_dict) is written in that open format instead."""
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("bridge.save: only the standard pickle module is supported")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("bridge.save writes torch's zip format only (_use_new_zipfile_serialization=True)")
    engine_format = _engine_format(f)
    if engine_format:
        return _save_engine_format(obj, os.fspath(f))
    if _is_path(f):
        directory = os.path.dirname(os.path.abspath(os.fspath(f)))
        if not os.path.isdir(directory):
            raise RuntimeError(f"Parent directory {directory} does not exist.")
        with open(f, "wb") as stream:
            _save_zip(obj, stream, _torch_zip.archive_name(f), pickle_protocol)
    else:
        if not hasattr(f, "write"):
            raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write' (bridge.save takes a path or "
                                 "a writable file object)")
        _save_zip(obj, f, "archive", pickle_protocol)


def load(f, map_location=None, pickle_module=None, *, weights_only=False, **pickle_load_args):
    """Loads what ``save`` wrote, or a torch.save file (torch 1.6+ zip format), from a path or a readable file object.

    ``map_location``: None (the devices the file names), a device or its name, a dict from saved to wanted location
    names, or a callable ``(storage, location)`` returning the storage (a 1-D tensor) on the wanted device.
    ``weights_only=True`` admits only tensors, Parameters, OrderedDict, containers and primitives, never running other
    code. .npy files load as a tensor, .npz and .safetensors files as an OrderedDict of name -> tensor."""
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("bridge.load: only the standard pickle module is supported")
    if _engine_format(f):
        return _load_engine_format(os.fspath(f))
    if _is_path(f):
        with open(f, "rb") as stream:
            return _load_zip(stream, repr(os.fspath(f)), map_location, weights_only)
    if not hasattr(f, "read"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'read' (bridge.load takes a path or a "
                             "readable file object)")
    if not (hasattr(f, "seek") and f.seekable()):
        f = io.BytesIO(f.read())
    return _load_zip(f, "<file object>", map_location, weights_only)


def _is_path(f):
    return isinstance(f, (str, bytes, os.PathLike))


def _engine_format(f):
    return _is_path(f) and os.fsdecode(f).lower().endswith(_ENGINE_FORMATS)


def _save_zip(obj, stream, archive, protocol):
    from ._torch_pickle import SavePickler
    survey = SavePickler(io.BytesIO(), protocol)
    survey.dump(obj)  # a first pass learns each storage's full extent (see SavePickler.extents)
    buffer = io.BytesIO()
    pickler = SavePickler(buffer, protocol, survey.extents)
    pickler.dump(obj)
    writer = _torch_zip.Writer(stream, archive)
    writer.write_record("data.pkl", buffer.getvalue())
    for key in sorted(pickler.storages):
        writer.write_record(f"data/{key}", pickler.storages[key].data)
    writer.close()


def _load_zip(stream, label, map_location, weights_only):
    start = stream.tell()
    magic = stream.read(4)
    stream.seek(start)
    if magic[:2] != b"PK":
        if magic[:1] == b"\x80":
            raise RuntimeError(f"{label} is in torch's legacy format (torch < 1.6, or "
                               "_use_new_zipfile_serialization=False); bridge reads the zip format: re-save it with a "
                               "current torch.save")
        raise RuntimeError(f"{label} is not a torch checkpoint: it does not start with a zip header (magic "
                           f"{magic.hex()})")
    from ._torch_pickle import LoadUnpickler, WeightsOnlyUnpickler
    reader = _torch_zip.Reader(stream, label)
    try:
        data = io.BytesIO(reader.read("data.pkl"))
        unpickler = (WeightsOnlyUnpickler if weights_only else LoadUnpickler)(data, reader,
                                                                             _location_restorer(map_location))
        try:
            return unpickler.load()
        except pickle.UnpicklingError as e:
            if weights_only:
                raise
            raise pickle.UnpicklingError(f"{label}: {e}") from e
        except RuntimeError:
            raise  # the rebuild's own errors name the problem
        except Exception as e:
            # A damaged pickle surfaces as whatever the opcode it garbled raises (struct.error, AttributeError...).
            # With weights_only everything the file can cause is a damaged file; otherwise only the parser's own
            # failures are, and errors raised by objects the file builds pass through as torch.load lets them.
            if weights_only or isinstance(e, (EOFError, ValueError, TypeError, IndexError, KeyError, struct.error)):
                raise pickle.UnpicklingError(f"{label}: damaged data.pkl ({type(e).__name__}: {e})") from e
            raise
    finally:
        reader.close()


def _location_restorer(map_location):
    """(storage array, saved location, storage type) -> the device name its tensors go to."""
    from ._dtype import device as device_type

    def check(location):
        location = str(location)
        if location.startswith("cuda"):
            from . import cuda
            if not cuda.is_available():
                raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
                                   "is False. If you are running on a CPU-only machine, please use torch.load with "
                                   "map_location=torch.device('cpu') to map your storages to the CPU.")
        elif location != "cpu":
            raise RuntimeError(f"don't know how to restore data location of {location}: bridge has cpu and cuda")
        return location

    if map_location is None:
        return lambda array, location, _: check(location)
    if isinstance(map_location, (str, device_type)):
        return lambda array, location, _: check(map_location)
    if isinstance(map_location, dict):
        return lambda array, location, _: check(map_location.get(location, location))
    if callable(map_location):
        def call_it(array, location, storage_type):
            from ._numpy import from_numpy
            from ._torch_pickle import _NATIVE
            storage = from_numpy(array) if array.dtype.name in _NATIVE else None
            result = map_location(storage, location)
            if result is None:
                return check(location)
            return check(getattr(result, "device", location))
        return call_it
    raise TypeError(f"map_location must be None, a device, a string, a dict or a callable, not "
                    f"{type(map_location).__name__}")


def _save_engine_format(obj, path):
    """.npy (a tensor), .npz and .safetensors (a name -> tensor mapping): the engine's own writers."""
    if isinstance(obj, Tensor):
        call("save_tensor", path, obj.detach())
        return
    if not isinstance(obj, collections.abc.Mapping):
        raise TypeError(f"a {os.path.splitext(path)[1]} file holds a Tensor or a mapping of names to tensors, not "
                        f"{type(obj).__name__} (save other objects to a .pt file)")
    names = [str(k) for k in obj]
    if any("\0" in n for n in names):
        raise ValueError("tensor names cannot contain NUL characters")
    tensors = [_as_tensor(v, n) for n, v in obj.items()]
    call("save_tensors", path, "\0".join(names), tensors, False)


def _load_engine_format(path):
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
