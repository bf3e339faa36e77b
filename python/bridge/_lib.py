"""The one ctypes symbol table of libbridge.so, and the one place that turns its errors into exceptions."""

import ctypes
import os
import pathlib

_HERE = pathlib.Path(__file__).resolve().parent


# The wheel carries two builds of the same library: one for any x86-64-v3 CPU (AVX2, FMA) and one for x86-64-v4
# (AVX-512). NativeAOT fixes the vector width at build time, so the choice between them is made here, at run time.
_AVX512 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}


def _cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return _AVX512 <= set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return False


def _library_names():
    """libbridge_avx512.so first where the CPU runs it, unless BRIDGE_CPU_CAPABILITY (torch's
    ATEN_CPU_CAPABILITY) asks for less."""
    wanted = os.environ.get("BRIDGE_CPU_CAPABILITY", "").lower()
    if wanted not in ("", "avx512", "avx2", "default"):
        raise ImportError(f"bridge: BRIDGE_CPU_CAPABILITY={wanted!r}: use avx512, avx2 or default")
    if wanted in ("", "avx512") and _cpu_has_avx512():
        yield "libbridge_avx512.so"
    yield "libbridge.so"


def _candidates():
    env = os.environ.get("BRIDGE_LIB")
    if env:  # an explicit choice is the only candidate
        yield pathlib.Path(env)
        return
    root = _HERE.parent.parent
    for name in _library_names():
        yield _HERE / name
        # A source checkout: `dotnet publish src/Interop -c Release -o build/native` (the Makefile's target).
        yield root / "build" / "native" / name


def _load():
    tried = []
    for path in _candidates():
        if path.is_file():
            return ctypes.CDLL(str(path))
        tried.append(str(path))
    raise ImportError("bridge: libbridge.so not found (tried " + ", ".join(tried) +
                      "); build it with `pip install .` or `make native` from the repository root")


lib = _load()

c_int32, c_int64, c_double, c_void_p, c_char_p = (ctypes.c_int32, ctypes.c_int64, ctypes.c_double,
                                                  ctypes.c_void_p, ctypes.c_char_p)
P_int64 = ctypes.POINTER(c_int64)


class Value(ctypes.Structure):
    """bridge_value: a tagged union of 32 bytes (kinds as in bridge.h)."""
    _fields_ = [("kind", c_int32), ("reserved", c_int32), ("i", c_int64), ("d", c_double), ("p", c_void_p)]


NONE, TENSOR, INT, FLOAT, BOOL, INT_LIST, TENSOR_LIST, STRING, OBJECT, BYTES, FLOAT_LIST = range(11)


class Meta(ctypes.Structure):
    """bridge_tensor_meta."""
    _fields_ = [("dtype", c_int32), ("ndim", c_int32), ("device_type", c_int32), ("device_index", c_int32),
                ("flags", c_int32), ("version", c_int32), ("numel", c_int64), ("data", c_void_p),
                ("storage", c_void_p), ("storage_bytes", c_int64)]


REQUIRES_GRAD, IS_LEAF, WRITABLE, IS_PARAMETER, CONTIGUOUS, HAS_GRAD_FN = 1, 2, 4, 8, 16, 32


def _declare(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


abi_version = _declare("bridge_abi_version", c_int32)
last_error = _declare("bridge_last_error", c_char_p)
last_status = _declare("bridge_last_status", c_int32)
op_id = _declare("bridge_op_id", c_int32, c_char_p, ctypes.POINTER(c_int32))
call = _declare("bridge_call", c_int32, c_int32, ctypes.POINTER(Value), c_int32, ctypes.POINTER(Value))
call_t = _declare("bridge_call_t", c_int64, c_int32, c_int64)
call_tt = _declare("bridge_call_tt", c_int64, c_int32, c_int64, c_int64)
call_ts = _declare("bridge_call_ts", c_int64, c_int32, c_int64, c_double)
call_ti = _declare("bridge_call_ti", c_int64, c_int32, c_int64, c_int64)
grad_mode_set = _declare("bridge_grad_mode_set", c_int32, c_int32)
handle_free = _declare("bridge_handle_free", c_int32, c_int64)
handles_free = _declare("bridge_handles_free", c_int32, P_int64, c_int32)
handles_live = _declare("bridge_handles_live", c_int64)
gc_collect = _declare("bridge_gc_collect", c_int32)
tensor_meta = _declare("bridge_tensor_meta", c_int32, c_int64, ctypes.POINTER(Meta), P_int64, P_int64, c_int32)
tensor_from_buffer = _declare("bridge_tensor_from_buffer", c_int32, c_void_p, c_int32, c_int32, P_int64, P_int64,
                              c_int32, c_void_p, c_void_p, P_int64)
released_take = _declare("bridge_released_take", c_int32, P_int64, c_int32, ctypes.POINTER(c_int32))
tensor_to_dlpack = _declare("bridge_tensor_to_dlpack", c_int32, c_int64, ctypes.POINTER(c_void_p))
tensor_from_dlpack = _declare("bridge_tensor_from_dlpack", c_int32, c_void_p, c_int64, P_int64)

if abi_version() != 1:
    raise ImportError(f"bridge: libbridge.so has C ABI version {abi_version()}, this package needs 1")

_EXCEPTIONS = {1: RuntimeError, 2: ValueError, 3: TypeError, 4: IndexError, 5: NotImplementedError,
               6: MemoryError, 7: OSError, 8: FileNotFoundError}


def error(status):
    """The exception for a failed call: its type from the status, its text from the engine."""
    message = (last_error() or b"").decode("utf-8", "replace")
    return _EXCEPTIONS.get(status, RuntimeError)(message)


def check(status):
    if status:
        raise error(status)


_ids = {}


def op(name):
    """Id of an op, resolved once per name."""
    i = _ids.get(name)
    if i is None:
        out = c_int32()
        check(op_id(name.encode(), ctypes.byref(out)))
        i = _ids[name] = out.value
    return i

dlpack_exported_live = _declare("bridge_dlpack_exported_live", c_int64)

# The same library's CPython extension entry point replaces the fast calls above when it loads (bridge/_fast.py).
from ._fast import speed_up_lib as _speed_up_lib  # noqa: E402
_speed_up_lib(globals())
