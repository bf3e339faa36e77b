"""libsleef's AVX2 vector functions (what torch 1.13 calls) applied to whole numpy arrays, for lane-by-lane checks.

The vector functions take and return __m256 in registers, which ctypes cannot pass, so a tiny C shim
(sleef_oracle/oracle.c) is compiled against the system's libsleef.so.3 on first use. `load()` returns None where
gcc, libsleef or AVX2 is missing; the tests then skip and say why."""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import tempfile

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_cache = {}


def _libsleef():
    for path in ("/usr/lib/x86_64-linux-gnu/libsleef.so.3", ctypes.util.find_library("sleef") or ""):
        if path and os.path.exists(path):
            return path
    return None


def load():
    """The compiled shim as a ctypes library, or None (with the reason in `why()`)."""
    if "lib" in _cache:
        return _cache["lib"]
    lib, reason = None, None
    sleef = _libsleef()
    if sleef is None:
        reason = "libsleef.so.3 is not installed"
    elif shutil.which("gcc") is None:
        reason = "gcc is not installed (needed to build the libsleef shim)"
    elif "avx2" not in open("/proc/cpuinfo").read():
        reason = "the CPU has no AVX2"
    else:
        out = os.path.join(tempfile.mkdtemp(prefix="sleef_oracle"), "liboracle.so")
        subprocess.run(["gcc", "-O2", "-mavx2", "-mfma", "-shared", "-fPIC", "-o", out,
                        os.path.join(_HERE, "sleef_oracle", "oracle.c"), sleef], check=True)
        lib = ctypes.CDLL(out)
    _cache["lib"], _cache["why"] = lib, reason
    return lib


def why():
    load()
    return _cache["why"]


def apply(name, x):
    """Sleef_<name>f8_u10 (float32) or Sleef_<name>d4_u10 (float64) on x, in vectors from x[0]; the last
    partial vector padded with zeros, as ATen's vec::map pads it."""
    lib = load()
    x = np.ascontiguousarray(x)
    lanes = 8 if x.dtype == np.float32 else 4
    n = len(x)
    m = -(-n // lanes) * lanes
    xp = np.zeros(m, x.dtype)
    xp[:n] = x
    y = np.empty(m, x.dtype)
    fn = getattr(lib, "o_" + name + ("f" if x.dtype == np.float32 else "d"))
    fn(xp.ctypes.data_as(ctypes.c_void_p), y.ctypes.data_as(ctypes.c_void_p), ctypes.c_long(m))
    return y[:n]
