"""The engine's CPython extension entry point: the hot calls without ctypes.

libbridge.so also exports ``PyInit__bridge_fast`` (src/Interop/PythonExtension): a CPython extension module whose
METH_FASTCALL functions call the engine directly. It is loaded from the very file ctypes loaded, so both paths
share one .NET runtime and one handle table. Three steps put it in place, each run at the end of the module it
speeds up: ``speed_up_lib`` (the fast calls of bridge._lib), ``speed_up_core`` (bridge._core.call) and
``speed_up_tensor`` (Tensor's operators, ``grad`` and ``__del__`` as C-level descriptors).

``BRIDGE_PYTHON_EXTENSION=0`` keeps the ctypes path (the fallback, also taken when the extension fails to load);
``=1`` makes a failure to load an ImportError instead of a silent fallback.
"""

import importlib.machinery
import importlib.util
import os
import sys

_MODE = os.environ.get("BRIDGE_PYTHON_EXTENSION", "").strip()
if _MODE not in ("", "0", "1"):
    raise ImportError(f"bridge: BRIDGE_PYTHON_EXTENSION={_MODE!r}: use 0 (ctypes) or 1 (the extension, or fail)")

ext = None
"""The extension module, or None where the ctypes path is in use."""

load_error = None
"""Why the extension is not in use (None when it is, or when BRIDGE_PYTHON_EXTENSION=0)."""

# Tensor's operators with a C-level version; each falls back to the Python method for other operand kinds.
TENSOR_OPERATORS = ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
                    "__rtruediv__", "__pow__", "__rpow__", "__iadd__", "__isub__", "__imul__", "__itruediv__")


def enabled():
    """True when the hot calls go through the extension rather than ctypes."""
    return ext is not None


def _supported_interpreter():
    # The extension reads only what every CPython 3.8-3.12 lays out alike (see CPython.cs); other
    # implementations and later versions (the free-threaded build among them) keep ctypes.
    return sys.implementation.name == "cpython" and (3, 8) <= sys.version_info[:2] <= (3, 12)


def _load(path):
    name = __name__.rpartition(".")[0] + "._bridge_fast"
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def speed_up_lib(ns):
    """Loads the extension from the library bridge._lib loaded and swaps in its fast calls (ns: _lib's globals)."""
    global ext, load_error
    if _MODE == "0":
        return
    try:
        if not _supported_interpreter():
            raise ImportError(f"bridge: no fast path for {sys.implementation.name} {sys.version.split()[0]}")
        module = _load(ns["lib"]._name)
        exceptions = ns["_EXCEPTIONS"]
        module.init(tuple(exceptions.get(s, RuntimeError) for s in range(max(exceptions) + 1)))
    except Exception as e:  # noqa: BLE001 (any failure means: keep ctypes)
        load_error = e
        if _MODE == "1":
            raise ImportError(f"bridge: BRIDGE_PYTHON_EXTENSION=1 but the extension did not load: {e}") from e
        return
    ext = module
    for name in ("call_t", "call_tt", "call_ts", "call_ti", "grad_mode_set"):
        ns[name] = getattr(module, name)


def speed_up_core(ns):
    """Replaces bridge._core.call with the extension's (ns: _core's globals); the Python one stays its fallback."""
    if ext is None:
        return
    python_call, python_flush = ns["call"], ns["flush"]
    ext.bind_core(python_call, ns["drain_released"], ns["EngineObject"], ns["_dtype_cls"])

    def flush():
        """Frees the batched handles (the extension's batch, then bridge._core's) and runs the queued releases."""
        ext.flush_dead()
        python_flush()

    ns["_python_call"], ns["_python_flush"] = python_call, python_flush
    ns["call"], ns["flush"] = ext.call, flush


_MISSING = object()
_replaced = {}  # (class, attribute) -> what the class's own __dict__ held before (or _MISSING)


def python_version(cls, attr, default=None):
    """The Python method or property that a C-level descriptor stands for on ``cls`` (for introspection such as
    scripts/python-stubs.py), else ``default``."""
    mro = cls.__mro__
    for i, klass in enumerate(mro):
        if (klass, attr) in _replaced:
            if _replaced[klass, attr] is not _MISSING:
                return _replaced[klass, attr]
            return next(base.__dict__[attr] for base in mro[i + 1:] if attr in base.__dict__)
    return default


def speed_up_tensor(tensor_type):
    """Installs the C-level operators, ``grad`` and ``__del__`` on bridge.Tensor."""
    if ext is None:
        return
    probe = object.__new__(tensor_type)
    handle_marker, meta_marker = object(), object()
    probe._h, probe._meta = handle_marker, meta_marker
    try:
        fallbacks = tuple(getattr(tensor_type, name) for name in TENSOR_OPERATORS)
        descriptors = ext.bind_tensor(tensor_type, probe, handle_marker, meta_marker, TENSOR_OPERATORS, fallbacks,
                                      tensor_type.__dict__["grad"])
    finally:
        probe._h = 0  # nothing for its __del__ to free
    names = TENSOR_OPERATORS + ("__del__", "grad")
    for name, descriptor in zip(names, descriptors):
        _replaced[tensor_type, name] = tensor_type.__dict__.get(name, _MISSING)
        setattr(tensor_type, name, descriptor)
    _speed_up_slots(tensor_type, tensor_type)

    def __init_subclass__(cls, **kwargs):
        """Gives a new subclass of bridge.Tensor the extension's slots for the methods it does not override."""
        super(tensor_type, cls).__init_subclass__(**kwargs)
        _speed_up_slots(cls, tensor_type)

    _replaced[tensor_type, "__init_subclass__"] = tensor_type.__dict__.get("__init_subclass__", _MISSING)
    tensor_type.__init_subclass__ = classmethod(__init_subclass__)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_python_paths_after_fork)


# The slots bind_slots can point at the extension, in the order of its mask (src/Interop/PythonExtension/
# FastSlots.cs), each with the methods it stands for: a class gets the fast slot only where it overrides none of them.
SLOT_GROUPS = (("__add__", "__radd__"), ("__sub__", "__rsub__"), ("__mul__", "__rmul__"), ("__truediv__", "__rtruediv__"),
               ("__pow__", "__rpow__"), ("__iadd__",), ("__isub__",), ("__imul__",), ("__itruediv__",), ("__del__",))


class _SlotReference:
    """Every method of SLOT_GROUPS in Python: its type slots are CPython's generic ones (bind_slots' check)."""
    __slots__ = ()


for _name in sum(SLOT_GROUPS, ()):
    setattr(_SlotReference, _name, lambda self, *args: NotImplemented)


class _SlotPlain:
    """None of them: its slots are empty (bind_slots' check)."""
    __slots__ = ()


def _speed_up_slots(cls, tensor_type):
    """Points the number slots and finalizer of ``cls`` (bridge.Tensor or a subclass) at the extension, for each
    group of methods ``cls`` still has from bridge.Tensor (CPython recomputes a slot when a method is assigned)."""
    mask = 0
    for i, group in enumerate(SLOT_GROUPS):
        if all(getattr(cls, name, None) is tensor_type.__dict__.get(name) for name in group):
            mask |= 1 << i
    if mask:
        ext.bind_slots(cls, _SlotReference, _SlotPlain, mask)


def _python_paths_after_fork():
    """In a forked child the engine must not run (bridge/_fork.py): put the Python versions back, which reach the
    engine only through bridge._lib's entry points, and those _fork replaces with a clear error."""
    for (cls, name), value in _replaced.items():
        if value is _MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, value)
    core = sys.modules.get(__name__.rpartition(".")[0] + "._core")
    python_call = getattr(core, "_python_call", None)
    if python_call is None:
        return
    originals = {id(ext.call): python_call, id(core.flush): core._python_flush}
    package = core.__name__.rpartition(".")[0]
    for module_name, module in list(sys.modules.items()):
        if module is not None and (module_name == package or module_name.startswith(package + ".")):
            namespace = getattr(module, "__dict__", {})
            for key, value in list(namespace.items()):
                if id(value) in originals:
                    namespace[key] = originals[id(value)]
