"""The managed engine inside this Python, through pythonnet: ``import bridge.clr``.

Importing this module starts .NET in-process (a small hostfxr loader written with ctypes, the role PyPI's
``clr_loader`` plays), initialises pythonnet's ``Python.Runtime`` for this interpreter, and references the
engine's assemblies, after which ``from Bridge import Torch`` gives the C# API. ``to_numpy``/``from_numpy`` and
``to_torch``/``from_torch`` share memory with managed tensors, as ``PyBridge`` does on the C# side.

The assemblies come with the package (``bridge/_clr``, published at ``pip install``); ``BRIDGE_CLR_PATH`` points
elsewhere, ``DOTNET_ROOT`` names the .NET install.
"""

import ctypes
import os
import pathlib
import shutil

__all__ = ["to_numpy", "from_numpy", "to_torch", "from_torch", "assembly_dir", "dotnet_root"]

# hostfxr.h / coreclr_delegates.h
_HDT_GET_FUNCTION_POINTER = 6
_HDT_LOAD_ASSEMBLY = 7  # loads into the default context (.NET 8+), where pythonnet's AddReference also loads
_HOSTFXR_SUCCESS = (0, 1, 2)  # Success, Success_HostAlreadyInitialized, Success_DifferentRuntimeProperties
# Loaded first so that later assemblies bind to these copies; the rest follow in any order.
_FIRST = ("Python.Runtime.dll", "System.Numerics.Tensors.dll", "Bridge.Tensor.dll", "Bridge.Python.dll")


class _InitParameters(ctypes.Structure):
    _fields_ = [("size", ctypes.c_size_t), ("host_path", ctypes.c_char_p), ("dotnet_root", ctypes.c_char_p)]


def assembly_dir():
    """Where the managed assemblies are: BRIDGE_CLR_PATH, else the package's _clr folder."""
    path = pathlib.Path(os.environ.get("BRIDGE_CLR_PATH") or pathlib.Path(__file__).parent / "_clr")
    if not (path / "Bridge.Python.dll").is_file():
        raise ImportError(f"bridge.clr: no Bridge.Python.dll in {path}: reinstall the package (pip install .), or set "
                          f"BRIDGE_CLR_PATH to a `dotnet publish src/Python` output")
    return path


def dotnet_root():
    """The .NET install holding host/fxr: DOTNET_ROOT, else where `dotnet` on PATH lives, else the usual places."""
    candidates = [os.environ.get("DOTNET_ROOT")]
    exe = shutil.which("dotnet")
    if exe:
        candidates.append(str(pathlib.Path(exe).resolve().parent))
    candidates += ["/usr/share/dotnet", "/usr/lib/dotnet", str(pathlib.Path.home() / ".dotnet")]
    for root in filter(None, candidates):
        if (pathlib.Path(root) / "host" / "fxr").is_dir():
            return pathlib.Path(root)
    raise ImportError("bridge.clr: no .NET runtime found (looked for host/fxr under DOTNET_ROOT, the `dotnet` on "
                      "PATH, /usr/share/dotnet, /usr/lib/dotnet, ~/.dotnet): install the .NET 10 runtime")


def _version_key(path):
    return tuple(int(p) if p.isdigit() else -1 for p in path.name.split("-")[0].split("."))


def _check(status, what):
    if status not in _HOSTFXR_SUCCESS:
        raise ImportError(f"bridge.clr: {what} failed with status 0x{status & 0xFFFFFFFF:08x} (see hostfxr's error codes)")


def _start_runtime(root, assemblies):
    """Starts .NET from Bridge.Python's runtimeconfig, loads the assemblies, and initialises pythonnet."""
    fxr_dirs = sorted((root / "host" / "fxr").iterdir(), key=_version_key)
    if not fxr_dirs:
        raise ImportError(f"bridge.clr: {root / 'host' / 'fxr'} is empty")
    hostfxr = ctypes.CDLL(str(fxr_dirs[-1] / "libhostfxr.so"))
    hostfxr.hostfxr_initialize_for_runtime_config.argtypes = [ctypes.c_char_p, ctypes.POINTER(_InitParameters),
                                                               ctypes.POINTER(ctypes.c_void_p)]
    hostfxr.hostfxr_initialize_for_runtime_config.restype = ctypes.c_int32
    hostfxr.hostfxr_get_runtime_delegate.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
    hostfxr.hostfxr_get_runtime_delegate.restype = ctypes.c_int32
    hostfxr.hostfxr_close.argtypes = [ctypes.c_void_p]
    hostfxr.hostfxr_close.restype = ctypes.c_int32

    params = _InitParameters(ctypes.sizeof(_InitParameters), None, str(root).encode())
    handle = ctypes.c_void_p()
    config = assemblies / "Bridge.Python.runtimeconfig.json"
    _check(hostfxr.hostfxr_initialize_for_runtime_config(str(config).encode(), ctypes.byref(params),
                                                         ctypes.byref(handle)), f"starting .NET from {config}")
    try:
        load_ptr, get_ptr = ctypes.c_void_p(), ctypes.c_void_p()
        _check(hostfxr.hostfxr_get_runtime_delegate(handle, _HDT_LOAD_ASSEMBLY, ctypes.byref(load_ptr)),
               "getting load_assembly")
        _check(hostfxr.hostfxr_get_runtime_delegate(handle, _HDT_GET_FUNCTION_POINTER, ctypes.byref(get_ptr)),
               "getting get_function_pointer")
    finally:
        hostfxr.hostfxr_close(handle)

    load_assembly = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p)(load_ptr.value)
    names = list(_FIRST) + sorted(p.name for p in assemblies.glob("*.dll") if p.name not in _FIRST)
    for name in names:
        if (assemblies / name).is_file():
            _check(load_assembly(str(assemblies / name).encode(), None, None), f"loading {name}")

    get_function_pointer = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                            ctypes.c_void_p, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_void_p))(get_ptr.value)
    entry = ctypes.c_void_p()
    # NULL delegate type: the default `int ComponentEntryPoint(IntPtr args, int size)`, Loader.Initialize's shape.
    _check(get_function_pointer(b"Python.Runtime.Loader, Python.Runtime", b"Initialize", None, None, None,
                                ctypes.byref(entry)), "finding Python.Runtime.Loader.Initialize")
    # An empty library path tells pythonnet to use the Python already running in this process. PyDLL keeps the
    # GIL held across the call, as pythonnet expects of a call from Python.
    initialize = ctypes.PYFUNCTYPE(ctypes.c_int32, ctypes.c_char_p, ctypes.c_int32)(entry.value)
    if initialize(b"", 0) != 0:
        raise ImportError("bridge.clr: Python.Runtime.Loader.Initialize failed (its message is on stderr)")


def _load():
    import sys
    if "clr" in sys.modules and hasattr(sys.modules["clr"], "AddReference"):
        return sys.modules["clr"]  # pythonnet is already running here (loaded by us or by pythonnet itself)
    _start_runtime(dotnet_root(), assembly_dir())
    import clr
    return clr


_clr = _load()
_clr.AddReference("Bridge.Tensor")
_clr.AddReference("Bridge.Python")

from Bridge.Python import PyBridge  # noqa: E402  (a .NET namespace, importable only after the references)

PyBridge.Initialize()


def to_numpy(tensor):
    """An ndarray viewing a managed tensor's memory (no copy; read-only stays read-only)."""
    return PyBridge.ToNumPy(tensor)


def from_numpy(array):
    """A managed tensor over an ndarray's memory (no copy); the tensor keeps the array alive."""
    return PyBridge.FromNumPy(array)


def to_torch(tensor):
    """A torch.Tensor sharing a managed tensor's memory, through DLPack."""
    return PyBridge.ToTorch(tensor)


def from_torch(tensor):
    """A managed tensor sharing a torch.Tensor's memory, through DLPack."""
    return PyBridge.FromTorch(tensor)
