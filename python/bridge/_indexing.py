"""Python's index expressions for the engine: ints, slices, None and ... travel as 4-int groups (bridge.h);
tensors, lists, ranges and NumPy arrays become index tensors (advanced indexing, torch's rules)."""

import operator

from . import _core
from ._core import TensorBase
from ._dtype import bool_, int64

_NO_BOUND = -(2 ** 63)  # absent slice bound in an encoded index (bridge.h)


def encode(key):
    """(code, tensors): the index code and the index tensors it names by position (kind 4)."""
    if not isinstance(key, tuple):
        key = (key,)
    code, tensors = [], []
    for k in key:
        if k is None:
            code += (2, 0, 0, 0)
        elif k is Ellipsis:
            code += (3, 0, 0, 0)
        elif isinstance(k, slice):
            code += (1, _bound(k.start), _bound(k.stop), _bound(k.step))
        elif isinstance(k, TensorBase):
            code += (4, len(tensors), 0, 0)
            tensors.append(k)
        elif isinstance(k, bool):
            raise NotImplementedError("bridge does not support indexing with a Python bool (x[True]); use a bool tensor")
        elif isinstance(k, (list, tuple, range)) or _is_array(k):
            code += (4, len(tensors), 0, 0)
            tensors.append(_index_tensor(k))
        elif hasattr(k, "__index__"):
            code += (0, k.__index__(), 0, 0)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                             f"(got {type(k).__name__})")
    return code, tensors


def _is_array(k):
    return type(k).__module__ == "numpy" and hasattr(k, "dtype") and hasattr(k, "shape")


def _index_tensor(k):
    from ._functions import tensor
    if isinstance(k, range):
        from ._functions import arange
        return arange(k.start, k.stop, k.step)
    if _is_array(k):
        import numpy as np
        return tensor(k.tolist(), dtype=bool_ if k.dtype == np.bool_ else int64)
    values = list(k)
    if any(isinstance(v, TensorBase) for v in values):
        from ._functions import stack
        return stack([v if isinstance(v, TensorBase) else tensor(v) for v in values])
    if not values:
        return tensor([], dtype=int64)
    return tensor(values, dtype=bool_ if _all_bools(values) else int64)


def _all_bools(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            if not _all_bools(v):
                return False
        elif not isinstance(v, bool):
            return False
    return True


def _bound(b):
    return _NO_BOUND if b is None else operator.index(b)


def getitem(self, key):
    code, tensors = encode(key)
    if tensors:
        return _core.call("index_adv", self, code, tensors)
    return _core.call("index", self, code)


def setitem(self, key, value):
    code, tensors = encode(key)
    if not isinstance(value, TensorBase):
        if isinstance(value, (int, float, bool)):
            value = float(value)
        else:
            from ._tensor_math import _as_tensor
            value = _as_tensor(value, self)
    if tensors:
        _core.call("index_put_adv", self, code, tensors, value, False)
    else:
        _core.call("index_put", self, code, value)


def index_put(self, indices, values, accumulate, in_place):
    code, tensors = encode(tuple(indices))
    if not isinstance(values, TensorBase):
        from ._tensor_math import _as_tensor
        values = _as_tensor(values, self)
    if in_place:
        _core.call("index_put_adv", self, code, tensors, values, bool(accumulate))
        return self
    return _core.call("index_put_copy", self, code, tensors, values, bool(accumulate))
