"""The pickle inside torch's checkpoint files, written and read with torch 1.13's names.

Writing: a tensor pickles as ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)``
whose storage is a persistent id ``('storage', torch.<Type>Storage, key, location, numel)``; the storage's bytes go to
record ``data/<key>``, one per engine storage, so views of one storage stay one storage. A Parameter pickles as
``torch._utils._rebuild_parameter(data, requires_grad, hooks)``, dtypes as ``torch.float32``..., devices as
``torch.device``, ``bridge.Size`` as ``torch.Size`` and bridge's nn layers under ``torch.nn.modules`` with the hook
dictionaries torch's Module expects, so torch 1.13 loads what bridge writes without bridge installed.

Reading maps torch's names back (``torch.X`` to bridge's counterpart); ``weights_only`` admits only the globals torch's
own restricted unpickler admits (tensors, Parameters, OrderedDict, dtypes, storage types, rebuild functions).
"""

import collections
import copyreg
import ctypes
import importlib
import pickle

import numpy as np

from . import _dtype
from ._tensor import Tensor

# torch storage type name -> (NumPy dtype of the stored bytes, element size); bfloat16 is read as raw uint16.
STORAGE_TYPES = {
    "FloatStorage": (np.dtype("<f4"), 4), "DoubleStorage": (np.dtype("<f8"), 8), "LongStorage": (np.dtype("<i8"), 8),
    "BoolStorage": (np.dtype("|b1"), 1), "HalfStorage": (np.dtype("<f2"), 2), "BFloat16Storage": (np.dtype("<u2"), 2),
    "IntStorage": (np.dtype("<i4"), 4), "ShortStorage": (np.dtype("<i2"), 2), "CharStorage": (np.dtype("|i1"), 1),
    "ByteStorage": (np.dtype("|u1"), 1), "UntypedStorage": (np.dtype("|u1"), 1),
}
_STORAGE_OF_DTYPE = {d.name: d.scalar_name + "Storage" for d in _dtype.BY_ID}
# The stored types the engine holds natively (tensors share the storage's memory); only UntypedStorage's bytes
# read as uint8 either way.
_NATIVE = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")

UNSAFE_MESSAGE = ("Weights only load failed. Re-running `torch.load` with `weights_only` set to `False` will likely "
                  "succeed, but it can result in arbitrary code execution.Do it only if you get the file from a "
                  "trusted source. WeightsUnpickler error: ")


class StorageType:
    """What ``torch.FloatStorage`` and friends unpickle to: a name and the layout of its bytes."""
    __slots__ = ("name", "np_dtype", "itemsize")

    def __init__(self, name):
        self.name = name
        self.np_dtype, self.itemsize = STORAGE_TYPES[name]

    def __repr__(self):
        return f"torch.{self.name}"


_STORAGE_TYPE_OBJECTS = {name: StorageType(name) for name in STORAGE_TYPES}


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, metadata=None):
    """torch._utils._rebuild_tensor_v2: a tensor viewing ``storage`` (a LoadedStorage) from ``storage_offset``."""
    return storage.view(storage_offset, size, stride, requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """torch._utils._rebuild_parameter."""
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_tensor(storage, storage_offset, size, stride):
    """torch._utils._rebuild_tensor (older files)."""
    return storage.view(storage_offset, size, stride, False)


# ---- writing --------------------------------------------------------------------------------------------

class _StorageRef:
    """A storage to be written: its persistent id and its bytes."""
    __slots__ = ("pid", "data", "owner")

    def __init__(self, pid, data, owner):
        self.pid, self.data, self.owner = pid, data, owner


class SavePickler(pickle._Pickler):
    """Pickles with torch's names (the pure-Python pickler, because only it lets a global be written under another
    module's name without importing that module)."""

    def __init__(self, file, protocol=2, extents=None):
        super().__init__(file, protocol)
        # Largest byte extent seen per (address, location): tensors over one memory block can each know a different
        # extent (views made over a loaded storage), so a first pass collects them and the second writes the largest.
        self.extents = dict(extents or {})
        self.storages = {}  # key -> _StorageRef
        self._by_address = {}  # engine storage address -> (_StorageRef, dtype name)
        from .nn.parameter import Parameter
        self._parameter = Parameter
        self._globals = {id(_rebuild_tensor_v2): ("torch._utils", "_rebuild_tensor_v2"),
                         id(_rebuild_parameter): ("torch._utils", "_rebuild_parameter")}
        for name, obj in _STORAGE_TYPE_OBJECTS.items():
            self._globals[id(obj)] = ("torch", name)
        for obj in _dtype.BY_ID:
            self._globals[id(obj)] = ("torch", obj.name)
        self._globals[id(_dtype.device)] = ("torch", "device")
        self._globals[id(_dtype.Size)] = ("torch", "Size")

    def persistent_id(self, obj):
        return obj.pid if type(obj) is _StorageRef else None

    def reducer_override(self, obj):
        if id(obj) in self._globals:
            return self._globals[id(obj)][1]  # written by save_global below
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if type(obj) is _dtype.device:
            return (_dtype.device, (str(obj),))
        if type(obj) is _dtype.Size:
            return (_dtype.Size, (tuple(obj),))
        module = _bridge_module_class(obj)
        if module is not None:
            return _reduce_module(obj)
        return NotImplemented

    def save_global(self, obj, name=None):
        target = self._globals.get(id(obj))
        if target is None and isinstance(obj, type):
            target = _torch_name_of_layer(obj)
        if target is None:
            return super().save_global(obj, name)
        module, name = target
        self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("utf-8"))
        self.memoize(obj)

    def _reduce_tensor(self, t):
        if isinstance(t, self._parameter):
            return (_rebuild_parameter, (t.detach(), t.requires_grad, collections.OrderedDict()))
        ref, offset, stride = self._storage_of(t)
        return (_rebuild_tensor_v2, (ref, offset, tuple(t.shape), stride, t.requires_grad, collections.OrderedDict()))

    def _storage_of(self, t):
        """(storage reference, offset, strides) of t: its engine storage, shared by every tensor viewing it."""
        dtype, shape, strides, device_type, device_index = t._info()
        location = "cpu" if device_type == 1 else f"cuda:{device_index}"
        meta = t._live_meta()
        if device_type == 1 and meta.storage:
            address, nbytes, owner, offset = meta.storage, meta.storage_bytes, t, t.storage_offset()
        else:
            # A device tensor (or one without memory) is written as its own storage, its elements in order.
            owner = t.detach().contiguous().cpu()
            m = owner._live_meta()
            address, nbytes, offset = m.data or 0, owner.numel() * dtype.itemsize, 0
            strides = owner.stride()
        if address:
            nbytes = self.extents[(address, location)] = max(nbytes, self.extents.get((address, location), 0))
        known = self._by_address.get((address, location)) if address else None
        if known is not None:
            ref, known_dtype = known
            if known_dtype != dtype.name:
                raise RuntimeError("Cannot save multiple tensors or storages that view the same data as different types")
            return ref, offset, tuple(strides)
        key = str(len(self.storages))
        type_name = _STORAGE_OF_DTYPE[dtype.name]
        data = memoryview((ctypes.c_char * nbytes).from_address(address)).cast("B") if nbytes else b""
        ref = _StorageRef(("storage", _STORAGE_TYPE_OBJECTS[type_name], key, location, nbytes // dtype.itemsize),
                          data, owner)
        self.storages[key] = ref
        if address:
            self._by_address[(address, location)] = (ref, dtype.name)
        return ref, offset, tuple(strides)


def _bridge_module_class(obj):
    from .nn.modules import Module
    return type(obj) if isinstance(obj, Module) else None


# The hook dictionaries torch 1.13's Module reads in __call__ and state_dict; bridge's layers keep fewer.
_TORCH_MODULE_FIELDS = ("_backward_hooks", "_forward_hooks", "_forward_pre_hooks", "_state_dict_hooks",
                        "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks")


# Attributes torch's layers read in forward that bridge's layers do not keep, with the only values bridge computes
# (torch.load of a whole bridge model then runs it as torch would). Layers that keep torch's own attribute names need
# no entry here.
_TORCH_LAYER_DEFAULTS = {
    "ReLU": {"inplace": False}, "Dropout": {"inplace": False}, "ELU": {"inplace": False},
    "LeakyReLU": {"inplace": False}, "SiLU": {"inplace": False}, "Hardtanh": {"inplace": False},
    "CrossEntropyLoss": {"ignore_index": -100, "label_smoothing": 0.0}, "NLLLoss": {"ignore_index": -100},
}


def _reduce_module(module):
    state = dict(module.__getstate__() if hasattr(type(module), "__getstate__") and
                 type(module).__getstate__ is not object.__getstate__ else module.__dict__)
    if _torch_name_of_layer(type(module)) is not None:
        for name, value in _TORCH_LAYER_DEFAULTS.get(type(module).__name__, {}).items():
            state.setdefault(name, value)
        if type(module).__name__ in ("CrossEntropyLoss", "NLLLoss"):
            state["_buffers"] = collections.OrderedDict(state.get("_buffers", {}))
            state["_buffers"].setdefault("weight", None)
    for name in _TORCH_MODULE_FIELDS:
        state.setdefault(name, collections.OrderedDict())
    state.setdefault("_non_persistent_buffers_set", set())
    state.setdefault("_is_full_backward_hook", None)
    return (copyreg.__newobj__, (type(module),), state)


def _torch_name_of_layer(cls):
    """torch's name for one of bridge's own nn layers (bridge.nn.modules.Linear -> torch.nn.modules.Linear)."""
    module = getattr(cls, "__module__", "") or ""
    if module.startswith("bridge.nn.") and getattr(importlib.import_module(module), cls.__qualname__, None) is cls:
        from .nn.modules import Module
        if issubclass(cls, Module):
            return (cls.__dict__.get("_torch_module", "torch.nn.modules"), cls.__qualname__)
    return None


# ---- reading --------------------------------------------------------------------------------------------

class LoadedStorage:
    """One storage record, as NumPy memory; tensors rebuilt over it share it (on the CPU)."""
    __slots__ = ("array", "device", "type_name")

    def __init__(self, array, device, type_name):
        self.array, self.device, self.type_name = array, device, type_name

    def view(self, offset, size, stride, requires_grad):
        from ._numpy import from_numpy, over_buffer
        size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
        if len(size) != len(stride):
            raise RuntimeError(f"mismatch in length of strides and shape ({len(stride)} and {len(size)})")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise RuntimeError(f"storage offset {offset!r} is not a non-negative integer")
        if any(d < 0 for d in size) or any(s < 0 for s in stride):
            raise RuntimeError(f"negative size or stride in size {size}, stride {stride}")
        numel = self.array.shape[0]
        if 0 not in size:
            last = offset + sum((d - 1) * s for d, s in zip(size, stride))
            if last >= numel:
                raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)} and storage offset "
                                   f"{offset} need {last + 1} elements, but the storage ({self.type_name}) has {numel}")
        if (0 in size or len(size) > 63) and self.type_name == "BFloat16Storage":
            view = np.lib.stride_tricks.as_strided(self.array[offset:], shape=size,
                                                   strides=tuple(s * self.array.itemsize for s in stride))
            t = from_numpy((view.astype(np.uint32) << 16).view(np.float32)).bfloat16()  # exact: the same values
        elif 0 in size or len(size) > 63:
            t = from_numpy(np.lib.stride_tricks.as_strided(self.array[offset:], shape=size,
                                                           strides=tuple(s * self.array.itemsize for s in stride)))
        elif self.array.dtype.name in _NATIVE or self.type_name == "BFloat16Storage":
            # A view of the storage's memory with torch's offset and strides: tensors of one storage share it. The
            # buffer interface has no offset, so an offset view is element 1 of a [2, *size] view whose first stride
            # is the offset.
            # bfloat16 bytes are read as uint16 (NumPy has no bfloat16) and viewed as bfloat16 by the engine.
            as_dtype = _dtype.bfloat16 if self.type_name == "BFloat16Storage" else None
            if offset == 0:
                t = over_buffer(self.array, size, stride, as_dtype)
            else:
                t = over_buffer(self.array, (2,) + size, (offset,) + stride, as_dtype).select(0, 1)
        else:
            view = np.lib.stride_tricks.as_strided(self.array[offset:], shape=size,
                                                   strides=tuple(s * self.array.itemsize for s in stride))
            t = from_numpy(np.ascontiguousarray(view))
        if self.device != "cpu":
            t = t.to(self.device)
        if requires_grad:
            t.requires_grad_(True)
        return t


def _int_tuple(values, what):
    try:
        out = tuple(values)
    except TypeError:
        raise RuntimeError(f"{what} {values!r} is not a sequence of integers") from None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in out):
        raise RuntimeError(f"{what} {values!r} is not a sequence of integers")
    return out


def _weights_only_globals():
    from .nn.parameter import Parameter
    allowed = {("collections", "OrderedDict"): collections.OrderedDict,
               ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
               ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
               ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
               ("torch.nn.parameter", "Parameter"): Parameter,
               ("torch", "Size"): _dtype.Size,
               ("torch", "Tensor"): Tensor}
    # Containers torch 1.13's list leaves out (protocol 2 writes a set as a call of builtins.set): harmless to build.
    for module in ("__builtin__", "builtins"):
        allowed[(module, "set")] = set
        allowed[(module, "frozenset")] = frozenset
    for name, obj in _STORAGE_TYPE_OBJECTS.items():
        allowed[("torch", name)] = obj
    for obj in _dtype.BY_ID:
        allowed[("torch", obj.name)] = obj
    return allowed


class _Loading:
    """What both unpicklers share: storages from the archive's records, torch's names as bridge's objects."""

    def _setup(self, reader, restore_location, weights_only):
        self._reader = reader
        self._restore = restore_location
        self._weights_only = weights_only
        self._allowed = _weights_only_globals() if weights_only else None
        self._storages = {}

    def find_class(self, module, name):
        if self._weights_only:
            found = self._allowed.get((module, name))
            if found is None:
                raise pickle.UnpicklingError(UNSAFE_MESSAGE + f"Unsupported class {module}.{name}")
            return found
        if module == "torch" and name in _STORAGE_TYPE_OBJECTS:
            return _STORAGE_TYPE_OBJECTS[name]
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_parameter", "_rebuild_tensor"):
            return {"_rebuild_tensor_v2": _rebuild_tensor_v2, "_rebuild_parameter": _rebuild_parameter,
                    "_rebuild_tensor": _rebuild_tensor}[name]
        if module == "torch" or module.startswith("torch."):
            return _bridge_counterpart(module, name)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r} (torch files use ('storage', type, key, "
                                         f"location, numel))")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(f"persistent id names {storage_type!r}, not a torch storage type")
        if not isinstance(key, str) or not isinstance(location, str):
            raise pickle.UnpicklingError(f"persistent id {pid!r} has a malformed key or location")
        if not isinstance(numel, int) or isinstance(numel, bool) or numel < 0:
            raise pickle.UnpicklingError(f"persistent id {pid!r} declares an impossible element count")
        loaded = self._storages.get(key)
        if loaded is None:
            raw = self._reader.read(f"data/{key}", expected_size=numel * storage_type.itemsize)
            array = np.frombuffer(bytearray(raw), dtype=storage_type.np_dtype)
            loaded = self._storages[key] = LoadedStorage(array, self._restore(array, location, storage_type),
                                                         storage_type.name)
        elif loaded.type_name != storage_type.name:
            raise pickle.UnpicklingError(f"storage {key} is read as both {loaded.type_name} and {storage_type.name}")
        return loaded


def _refuse_allocation_bombs(self):
    raise pickle.UnpicklingError("unsupported pickle opcode (BYTEARRAY8 or an out-of-band buffer, which torch never "
                                 "writes; BYTEARRAY8 would allocate its declared length before reading it)")


class LoadUnpickler(_Loading, pickle._Unpickler):
    """The full unpickler (weights_only=False): like torch.load's, it builds whatever the file's pickle names, so only
    files from a trusted source should be loaded this way. It is the pure-Python unpickler, whose memo is a dict:
    the C one sizes its memo array by the largest index a file names, so a few bytes could claim gigabytes."""

    dispatch = dict(pickle._Unpickler.dispatch)
    for _op in (pickle.BYTEARRAY8, pickle.NEXT_BUFFER, pickle.READONLY_BUFFER):
        dispatch[_op[0]] = _refuse_allocation_bombs
    del _op

    def __init__(self, file, reader, restore_location, weights_only=False):
        super().__init__(file, encoding="utf-8")
        self._setup(reader, restore_location, False)


class WeightsOnlyUnpickler(_Loading, pickle._Unpickler):
    """weights_only=True: only the allowed globals, and no object construction or state setting beyond what a
    state_dict needs (an OrderedDict's ``_metadata``), so a hostile file can build nothing else and run no code."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file, reader, restore_location, weights_only=True):
        super().__init__(file, encoding="utf-8")
        self._setup(reader, restore_location, True)

    def _refuse(self, what):
        raise pickle.UnpicklingError(UNSAFE_MESSAGE + what)

    def load_build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        if type(inst) is collections.OrderedDict and type(state) is dict:
            inst.__dict__.update(state)
        elif isinstance(inst, Tensor) and not state:
            pass
        else:
            self._refuse(f"Unsupported BUILD of {type(inst).__name__}")
    dispatch[pickle.BUILD[0]] = load_build

    def load_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        if cls is not collections.OrderedDict:
            self._refuse(f"Trying to instantiate unsupported class {cls!r}")
        self.append(cls.__new__(cls, *args))
    dispatch[pickle.NEWOBJ[0]] = load_newobj

    def load_refused(self):
        self._refuse("Unsupported opcode (object construction outside the allowed globals)")
    # BYTEARRAY8 allocates its declared length before reading (a 16-byte file could ask for exabytes); torch never
    # writes it, nor out-of-band buffers.
    for _op in (pickle.NEWOBJ_EX, pickle.INST, pickle.OBJ, pickle.EXT1, pickle.EXT2, pickle.EXT4, pickle.BYTEARRAY8,
                pickle.NEXT_BUFFER, pickle.READONLY_BUFFER):
        dispatch[_op[0]] = load_refused
    del _op


def _bridge_counterpart(module, name):
    """bridge's object for torch's ``module.name``: the same path under bridge, else the nearest parent having it
    (torch.nn.modules.linear.Linear -> bridge.nn.modules.Linear)."""
    parts = ["bridge"] + module.split(".")[1:]
    while parts:
        try:
            found = getattr(importlib.import_module(".".join(parts)), name, None)
        except ImportError:
            found = None
        if found is not None:
            return found
        parts.pop()
    raise pickle.UnpicklingError(f"the checkpoint refers to {module}.{name}, which bridge does not have "
                         f"(load the state_dict instead of the whole object, or weights_only=True for tensors)")
