"""The parity CSV: one row per recorded element, written and read here only.

Header, exactly ``case,checkpoint,step,name,dtype,shape,index,value,runtime,version``. A record is the
group of rows sharing ``(checkpoint, step, name)``; ``index`` is the flat row-major position, ``shape`` the
dims joined by ``x`` (empty for scalars), ``dtype`` one of float32/float64/int64/bool, and ``value`` the
shortest text that round-trips in that dtype (numpy's float32 str, Python's float repr, ``nan``/``inf``/
``-inf``, bools ``1``/``0``). parity/README.md documents the same schema for the suite.
"""

import csv
import math

import numpy as np

HEADER = ["case", "checkpoint", "step", "name", "dtype", "shape", "index", "value", "runtime", "version"]
DTYPES = ("float32", "float64", "int64", "bool")

_DTYPE_ALIASES = {
    "float32": "float32", "float": "float32",
    "float64": "float64", "double": "float64",
    "int64": "int64", "long": "int64",
    "bool": "bool",
}


class UnusableInput(Exception):
    """A file the diff cannot compare (missing, wrong schema, malformed row): the CLI's exit code 2."""


def dtype_name(dtype):
    """torch/bridge/numpy dtype (or its text) -> float32|float64|int64|bool."""
    text = str(dtype)
    key = text.rsplit(".", 1)[-1].lower()  # 'torch.float32' -> 'float32'
    if key in _DTYPE_ALIASES:
        return _DTYPE_ALIASES[key]
    raise TypeError(f"unsupported dtype for recording: {text} (the parity schema holds float32, float64, int64 "
                    f"and bool; convert with .float(), .double() or .long() first)")


def format_value(value, dtype):
    """The shortest text that round-trips ``value`` in ``dtype``, spelled as Python spells it."""
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
        return str(np.float32(v))
    return repr(v)


def flatten(value):
    """(dtype, shape tuple, flat list of Python values) of a tensor (torch or bridge), array or number."""
    if isinstance(value, bool):
        return "bool", (), [value]
    if isinstance(value, int):
        return "int64", (), [value]
    if isinstance(value, float):
        return "float64", (), [value]
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        return dtype_name(arr.dtype.name), tuple(arr.shape), arr.reshape(-1).tolist()
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        t = value.detach()
        if getattr(t, "device", None) is not None and str(t.device) != "cpu" and hasattr(t, "cpu"):
            t = t.cpu()
        dtype = dtype_name(t.dtype)
        shape = tuple(int(d) for d in t.shape)
        flat = t.reshape(-1).tolist()
        if not isinstance(flat, list):  # a runtime returning a bare scalar for a 0-d tensor
            flat = [flat]
        return dtype, shape, flat
    raise TypeError(f"cannot record a value of type {type(value).__name__} (record tensors, numpy arrays, "
                    f"bools, ints or floats)")


def write_rows(path, rows):
    """rows: lists in HEADER order; '\\n' line ends, as the C# recorder writes."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)


def parse_float(text, dtype):
    """The value a float row's text stands for, rounded to its dtype (ValueError if it is not a number)."""
    v = float(text)  # accepts nan, inf, -inf
    return float(np.float32(v)) if dtype == "float32" else v


class Record:
    """The rows of one (checkpoint, step, name): dtype, shape text and value texts by index."""
    __slots__ = ("checkpoint", "step", "name", "dtype", "shape", "values", "position")

    def __init__(self, checkpoint, step, name, dtype, shape, position):
        self.checkpoint, self.step, self.name = checkpoint, step, name
        self.dtype, self.shape, self.position = dtype, shape, position
        self.values = []

    @property
    def key(self):
        """``(checkpoint, step, name)``: what identifies a record within a recording."""
        return (self.checkpoint, self.step, self.name)

    @property
    def label(self):
        """``checkpoint/name``: what a JUnit test case and a report row are called."""
        return f"{self.checkpoint}/{self.name}"


class Recording:
    """A parsed CSV: records in file order (``position`` = order of first appearance), plus its runtime."""

    def __init__(self, path, records, runtime, version):
        self.path, self.records, self.runtime, self.version = path, records, runtime, version
        self.by_key = {r.key: r for r in records}


def read_recording(path):
    """Parses and checks a parity CSV; raises UnusableInput naming the file and line for anything wrong."""
    try:
        f = open(path, newline="")
    except FileNotFoundError:
        raise UnusableInput(f"{path}: no such file") from None
    except OSError as e:
        raise UnusableInput(f"{path}: cannot open ({e.strerror or e})") from None
    records, by_key = [], {}
    runtime = version = ""
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
            if header is None:
                raise UnusableInput(f"{path}: empty file (expected the header {','.join(HEADER)})")
            if header != HEADER:
                raise UnusableInput(f"{path}: schema mismatch: header is '{','.join(header)}', expected "
                                    f"'{','.join(HEADER)}'")
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(HEADER):
                    raise UnusableInput(f"{path}:{line}: {len(row)} fields, the schema has {len(HEADER)}")
                _case, checkpoint, step, name, dtype, shape, index, value, runtime, version = row
                try:
                    step, index = int(step), int(index)
                except ValueError:
                    raise UnusableInput(f"{path}:{line}: step '{row[2]}' and index '{row[6]}' must be integers") from None
                if dtype not in DTYPES:
                    raise UnusableInput(f"{path}:{line}: dtype '{dtype}' is not one of {', '.join(DTYPES)}")
                _check_value(path, line, value, dtype)
                key = (checkpoint, step, name)
                rec = by_key.get(key)
                if rec is None:
                    rec = by_key[key] = Record(checkpoint, step, name, dtype, shape, len(records))
                    records.append(rec)
                elif rec.dtype != dtype or rec.shape != shape:
                    raise UnusableInput(f"{path}:{line}: {checkpoint}/{name}@{step} changes dtype/shape within the record")
                if index != len(rec.values):
                    raise UnusableInput(f"{path}:{line}: {checkpoint}/{name}@{step} index {index}, expected "
                                        f"{len(rec.values)} (a record's rows come in index order, each index once)")
                rec.values.append(value)
        except csv.Error as e:
            raise UnusableInput(f"{path}:{reader.line_num}: not a CSV file ({e})") from None
        except UnicodeDecodeError:
            raise UnusableInput(f"{path}: not a text CSV file (undecodable bytes)") from None
    for rec in records:
        expected = 1
        for d in rec.shape.split("x") if rec.shape else ():
            if not d.isdigit():
                raise UnusableInput(f"{path}: {rec.label}@{rec.step} has shape '{rec.shape}' (dims joined by x)")
            expected *= int(d)
        if expected != len(rec.values):
            raise UnusableInput(f"{path}: {rec.label}@{rec.step} has {len(rec.values)} values for shape "
                                f"[{rec.shape}]")
    return Recording(path, records, runtime, version)


def _check_value(path, line, text, dtype):
    try:
        if dtype == "bool":
            ok = text in ("0", "1")
        elif dtype == "int64":
            int(text)
            ok = True
        else:
            float(text)
            ok = True
    except ValueError:
        ok = False
    if not ok:
        raise UnusableInput(f"{path}:{line}: value '{text}' is not a {dtype}")
