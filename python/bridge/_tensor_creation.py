"""Creation on bridge.Tensor: the legacy constructor (``torch.Tensor(data)``, ``torch.Tensor(2, 3)``), ``new_*``,
``type()``, and the random methods that draw into a tensor (exponential_, multinomial)."""

from . import _core
from ._core import TensorBase
from ._dtype import BY_ID, Size, bool_, dtype as _dtype_cls, float32, float64, int64

# torch's legacy type names and the dtypes they stand for (torch.HalfTensor is float16...)
TYPE_NAMES = {f"torch.{d.scalar_name}Tensor": d for d in BY_ID}
_NAME_OF = {v.name: k for k, v in TYPE_NAMES.items()}


def legacy_new(dtype, args, kwargs):
    """torch.Tensor(*args) and torch.FloatTensor(*args): sizes make an (uninitialised) tensor, a sequence its values."""
    from ._functions import empty, tensor
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not args:
        return empty(0, dtype=dtype, device=device)
    if len(args) == 1 and isinstance(args[0], Size):
        return empty(*args[0], dtype=dtype, device=device)
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        return empty(*args, dtype=dtype, device=device)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, TensorBase):
            if data.dtype is not dtype:
                raise TypeError(f"expected {_NAME_OF[dtype.name]} (got {_NAME_OF[data.dtype.name]})")
            return data
        return tensor(data, dtype=dtype, device=device)
    raise TypeError("new(): invalid arguments: expected sizes (ints) or one sequence of data")


class _LegacyType(type):
    """isinstance(x, torch.FloatTensor) is true for float32 tensors, as in torch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, TensorBase) and obj.dtype is cls._dtype


def _legacy_class(name, dt):
    def __new__(cls, *args, **kwargs):
        return legacy_new(dt, args, kwargs)
    return _LegacyType(name, (), {"__new__": __new__, "_dtype": dt, "__doc__": f"torch.{name}: a {dt.name} tensor from sizes or data.",
                                  "__module__": "bridge"})


FloatTensor = _legacy_class("FloatTensor", float32)
DoubleTensor = _legacy_class("DoubleTensor", float64)
LongTensor = _legacy_class("LongTensor", int64)
BoolTensor = _legacy_class("BoolTensor", bool_)
HalfTensor = _legacy_class("HalfTensor", TYPE_NAMES["torch.HalfTensor"])
BFloat16Tensor = _legacy_class("BFloat16Tensor", TYPE_NAMES["torch.BFloat16Tensor"])
ByteTensor = _legacy_class("ByteTensor", TYPE_NAMES["torch.ByteTensor"])
CharTensor = _legacy_class("CharTensor", TYPE_NAMES["torch.CharTensor"])
ShortTensor = _legacy_class("ShortTensor", TYPE_NAMES["torch.ShortTensor"])
IntTensor = _legacy_class("IntTensor", TYPE_NAMES["torch.IntTensor"])


class CreationMethods(TensorBase):
    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        """torch.Tensor(data) / torch.Tensor(2, 3): a float32 tensor (the default dtype)."""
        from ._functions import get_default_dtype
        return legacy_new(get_default_dtype(), list(args), dict(kwargs))

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """Zeros of ``size`` with this tensor's dtype and device (unless given)."""
        from ._functions import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        """Ones of ``size`` with this tensor's dtype and device (unless given)."""
        from ._functions import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        """An uninitialised tensor of ``size`` with this tensor's dtype and device (unless given)."""
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        """``fill_value`` everywhere, with this tensor's dtype and device (unless given)."""
        from ._functions import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A copy of ``data`` with this tensor's dtype and device (unless given)."""
        from ._functions import tensor
        if isinstance(data, TensorBase):
            t = data.detach().clone().to(dtype or self.dtype)
            return t.requires_grad_(requires_grad) if requires_grad else t
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """The legacy type name ('torch.FloatTensor') without an argument; else a copy as that dtype or type name."""
        if dtype is None:
            return _NAME_OF[self.dtype.name] if self.device.type == "cpu" else _NAME_OF[self.dtype.name].replace("torch.", "torch.cuda.")
        if isinstance(dtype, str):
            name = dtype.replace("torch.cuda.", "torch.")
            if name not in TYPE_NAMES:
                raise ValueError(f"invalid type: '{dtype}'")
            t = self.to(TYPE_NAMES[name])
            return t.to("cuda") if dtype.startswith("torch.cuda.") else t
        if isinstance(dtype, _LegacyType):
            return self.to(dtype._dtype)
        if isinstance(dtype, _dtype_cls):
            return self.to(dtype)
        raise TypeError(f"type(): expected a dtype or a type name, got {type(dtype).__name__}")

    def exponential_(self, lambd=1.0, *, generator=None):
        """Fills with Exp(lambd) draws, in place."""
        from ._random import gen
        _core.call("exponential_", self, float(lambd), gen(generator))
        return self

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        """Category indices drawn with this tensor's (row) weights."""
        from ._random import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, p=None, *, generator=None):
        """0/1 draws, 1 with probability self (per element) or ``p``."""
        from ._random import bernoulli
        return bernoulli(self, p, generator=generator)
