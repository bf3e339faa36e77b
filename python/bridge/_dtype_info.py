"""torch.iinfo, torch.finfo, torch.promote_types, torch.result_type and torch.can_cast over Bridge's dtypes."""

import builtins

from . import _core
from ._core import TensorBase
from ._dtype import BY_ID, bfloat16, bool_, float16, float32, float64, int16, int32, int64, int8, uint8

_INT_RANGES = {uint8: (0, 255), int8: (-128, 127), int16: (-32768, 32767), int32: (-2**31, 2**31 - 1),
               int64: (-2**63, 2**63 - 1)}


class iinfo:
    """Machine limits of an integer dtype, as torch.iinfo: ``bits``, ``min``, ``max``, ``dtype``."""

    def __init__(self, type):
        if type not in _INT_RANGES:
            if type is bool_:
                raise TypeError("torch.bool is not supported by torch.iinfo")
            raise TypeError(f"{type} is not supported by torch.iinfo")
        self.bits = type.itemsize * 8
        self.min, self.max = _INT_RANGES[type]
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


# bits, eps, max, smallest normal (tiny), resolution: IEEE binary16, bfloat16, binary32, binary64.
_FLOAT_LIMITS = {
    float16: (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 0.001),
    bfloat16: (16, 2.0 ** -7, 3.3895313892515355e+38, 1.1754943508222875e-38, 0.01),
    float32: (32, 2.0 ** -23, 3.4028234663852886e+38, 1.1754943508222875e-38, 1e-06),
    float64: (64, 2.0 ** -52, 1.7976931348623157e+308, 2.2250738585072014e-308, 1e-15),
}


class finfo:
    """Machine limits of a floating dtype, as torch.finfo: ``bits``, ``eps``, ``max``, ``min``, ``tiny``, ``resolution``."""

    def __init__(self, type=None):
        if type is None:
            from ._functions import get_default_dtype
            type = get_default_dtype()
        if type not in _FLOAT_LIMITS:
            raise TypeError(f"{type} is not supported by torch.finfo")
        self.bits, self.eps, self.max, self.tiny, self.resolution = _FLOAT_LIMITS[type]
        self.min = -self.max
        self.smallest_normal = self.tiny
        self.dtype = type.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:.6e}, max={self.max:.6e}, eps={self.eps:.6e}, "
                f"smallest_normal={self.tiny:.6e}, tiny={self.tiny:.6e}, dtype={self.dtype})")


def promote_types(type1, type2):
    """The smallest dtype both ``type1`` and ``type2`` convert to without losing their category (torch.promote_types)."""
    return BY_ID[_core.call("promote_types", type1, type2)]


def _operand(x):
    if isinstance(x, TensorBase):
        return x.dtype, 0 if x.dim() else 1
    if isinstance(x, builtins.bool):
        return bool_, 2
    if isinstance(x, builtins.int):
        return int64, 2
    if isinstance(x, builtins.float):
        from ._functions import get_default_dtype
        return get_default_dtype(), 2
    raise TypeError(f"result_type(): argument must be a Tensor or a Number, not {type(x).__name__}")


def result_type(tensor1, tensor2):
    """The dtype an arithmetic op on ``tensor1`` and ``tensor2`` (tensors or numbers) computes in (torch.result_type)."""
    args = []
    for x in (tensor1, tensor2):
        args.extend(_operand(x))
    return BY_ID[_core.call("result_type", *args)]


def can_cast(from_, to):
    """Whether torch's type promotion allows casting ``from_`` to ``to`` (no float to integer, nothing to bool)."""
    def category(d):
        return 0 if d is bool_ else 2 if d.is_floating_point else 1
    return category(from_) <= category(to)
