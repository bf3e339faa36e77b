"""Checkpoint recorder for the parity suite.

A case script calls ``rec.record(checkpoint, name, value, step=0)`` for every
value it wants compared across runtimes; ``rec.write(path)`` writes one CSV row
per element with the header ``HEADER`` below.

``value`` may be
  * a tensor (real torch or bridge): only ``.detach()``, ``.dtype``, ``.shape``
    and ``.reshape(-1).tolist()`` are used on it, so any runtime exposing those
    works;
  * a numpy array or numpy scalar;
  * a Python bool (dtype bool), int (int64) or float (float64).

Value text is the shortest string that round-trips in the value's own dtype:
float32 via numpy's shortest float32 repr (``str(numpy.float32(v))``), float64
via Python's ``repr(float)``; non-finite values are written ``nan``, ``inf``,
``-inf``; bools are ``1``/``0``; ints are decimal.
"""

import csv
import math

import numpy as np

HEADER = ["case", "checkpoint", "step", "name", "dtype", "shape", "index",
          "value", "runtime", "version"]

_DTYPE_ALIASES = {
    "float32": "float32", "float": "float32",
    "float64": "float64", "double": "float64",
    "int64": "int64", "long": "int64",
    "bool": "bool",
}


def _dtype_name(dtype):
    """Map a torch/bridge/numpy dtype object to float32|float64|int64|bool."""
    text = str(dtype)
    key = text.rsplit(".", 1)[-1].lower()  # 'torch.float32' -> 'float32'
    if key in _DTYPE_ALIASES:
        return _DTYPE_ALIASES[key]
    raise TypeError(f"unsupported dtype for recording: {text}")


def _format(value, dtype):
    if dtype == "bool":
        return "1" if value else "0"
    if dtype == "int64":
        return str(int(value))
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == "float32":
        return str(np.float32(v))  # shortest float32 round-trip text
    return repr(v)  # shortest float64 round-trip text


def _flatten(value):
    """Return (dtype, shape tuple, flat list of Python values)."""
    if isinstance(value, bool):
        return "bool", (), [value]
    if isinstance(value, int):
        return "int64", (), [value]
    if isinstance(value, float):
        return "float64", (), [value]
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        dtype = _dtype_name(arr.dtype.name)
        return dtype, tuple(arr.shape), arr.reshape(-1).tolist()
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        t = value.detach()
        dtype = _dtype_name(t.dtype)
        shape = tuple(int(d) for d in t.shape)
        flat = t.reshape(-1).tolist()
        if not isinstance(flat, list):  # defensive: a runtime returning a scalar
            flat = [flat]
        return dtype, shape, flat
    raise TypeError(f"cannot record value of type {type(value).__name__}")


class Recorder:
    def __init__(self, case, runtime, version):
        self.case = case
        self.runtime = runtime
        self.version = str(version)
        self.rows = []
        self._seen = set()

    def record(self, checkpoint, name, value, step=0):
        key = (checkpoint, int(step), name)
        if key in self._seen:
            raise ValueError(f"duplicate record {key} in case {self.case}")
        self._seen.add(key)
        dtype, shape, flat = _flatten(value)
        expected = 1
        for d in shape:
            expected *= d
        if len(flat) != expected:
            raise ValueError(f"{checkpoint}/{name}: {len(flat)} values for shape {shape}")
        shape_text = "x".join(str(d) for d in shape)
        for i, v in enumerate(flat):
            self.rows.append([self.case, checkpoint, int(step), name, dtype,
                              shape_text, i, _format(v, dtype), self.runtime,
                              self.version])

    def __len__(self):
        return len(self.rows)

    def write(self, path):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER)
            w.writerows(self.rows)
