"""torch-level functions: factories, random draws, and the functional forms of tensor methods."""

import numbers

from . import _core
from ._core import _as_int, FloatList, call
from ._dtype import Size, bool_, device as _device, float32, float64, int64
from ._tensor import Tensor, _shape_args
from ._out import write as _out
from ._random import Generator, default_generator, gen

__all__ = ["set_default_dtype", "get_default_dtype", "set_num_threads", "get_num_threads", "tensor", "as_tensor", "zeros", "ones", "empty", "full",
           "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "eye", "Generator",
           "manual_seed", "seed", "initial_seed", "default_generator", "logspace", "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "get_rng_state",
           "set_rng_state", "where", "cat", "concat", "stack", "addmm", "is_tensor", "numel", "allclose"]

_default_dtype = float32


def set_default_dtype(d):
    """Sets the dtype of new floating-point tensors (float32 or float64)."""
    global _default_dtype
    if d not in (float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = d


def get_default_dtype():
    """The dtype of new floating-point tensors."""
    return _default_dtype


def set_num_threads(n):
    """Threads the engine's CPU kernels may use (large ops only; small ones stay on the calling thread)."""
    call("set_num_threads", int(n))


def get_num_threads():
    """Threads the engine's CPU kernels may use."""
    return call("get_num_threads")


def _finish(t, device, requires_grad):
    """Factories build on the host, move once (as the engine's own factories do for CUDA), then become leaves."""
    if device is not None and _device(device) != t.device:
        t = t.to(device)
    return t.requires_grad_(True) if requires_grad else t


def _flatten(data, shape, out, depth=0):
    if isinstance(data, (list, tuple)):
        if len(shape) <= depth:
            shape.append(len(data))
        elif shape[depth] != len(data):
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {len(data)})")
        for x in data:
            _flatten(x, shape, out, depth + 1)
    elif isinstance(data, Tensor):
        if data.dim() != 0:
            raise ValueError("only one element tensors can be converted to Python scalars")
        out.append(data.item())
    elif isinstance(data, numbers.Number):
        if len(shape) > depth:
            raise ValueError(f"expected a sequence at dim {depth}, got {type(data).__name__}")
        out.append(data)
    else:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def tensor(data, dtype=None, device=None, requires_grad=False):
    """torch.tensor: always copies; infers bool, int64 or the default float type from the data."""
    if isinstance(data, Tensor):
        return _finish(data.detach().clone().to(dtype or data.dtype), device, requires_grad)
    if type(data).__module__ == "numpy":
        import numpy as np
        a = np.array(data, order="C")  # a copy, as torch.tensor makes (ascontiguousarray would turn 0-d into 1-d)
        from ._numpy import from_numpy
        # NumPy's own dtype where Bridge has it (float16, int32, uint8...), as torch.tensor keeps it; the rest widen.
        if a.dtype.kind == "f" and a.dtype.name not in ("float16", "float32", "float64"):
            a = a.astype(np.float64)
        elif a.dtype.kind in "iu" and a.dtype.name not in ("int8", "int16", "int32", "int64", "uint8"):
            a = a.astype(np.int64)
        t = from_numpy(a).clone()
        return _finish(t.to(dtype or t.dtype), device, requires_grad)
    shape, flat = [], []
    _flatten(data, shape, flat)
    if dtype is None:
        if any(isinstance(x, float) or (not isinstance(x, (bool, int)) and isinstance(x, numbers.Real)
                                         and not float(x).is_integer()) for x in flat):
            dtype = _default_dtype
        elif all(isinstance(x, bool) for x in flat) and flat:
            dtype = bool_
        elif any(isinstance(x, complex) for x in flat):
            raise TypeError("bridge has no complex dtype")
        else:
            dtype = int64 if flat else _default_dtype
    if all(isinstance(x, int) for x in flat):
        values = [int(x) for x in flat]
    else:
        values = FloatList([float(x) for x in flat])
    return _finish(call("tensor", values, shape, dtype, False), device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """A tensor from data, sharing memory where possible."""
    if isinstance(data, Tensor) and (dtype is None or dtype is data.dtype):
        return data
    return tensor(data, dtype=dtype, device=device)


def _size(size):
    # as torch: a float is a TypeError (2.5 is not a size), an int beyond 64 bits an OverflowError
    return tuple(_as_int(d) for d in _shape_args(size))


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros.

    ``size``: ints, or one tuple, list or Size of them. ``dtype``: the default float type if None; ``device``: the
    CPU if None. Bridge differs from torch: no ``out=``, ``layout=`` or ``pin_memory=``.
    """
    return _finish(call("zeros", _size(size), dtype or _default_dtype, False), device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones.

    ``size``: ints, or one tuple, list or Size of them. ``dtype``: the default float type if None; ``device``: the
    CPU if None. Bridge differs from torch: no ``out=``, ``layout=`` or ``pin_memory=``.
    """
    return _finish(call("ones", _size(size), dtype or _default_dtype, False), device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor.

    ``size``: ints, or one tuple, list or Size of them. ``dtype``: the default float type if None; ``device``: the
    CPU if None. Bridge differs from torch: no ``out=``, ``layout=`` or ``pin_memory=``.
    """
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``."""
    if dtype is None:
        dtype = bool_ if isinstance(fill_value, bool) else int64 if isinstance(fill_value, int) else _default_dtype
    return _finish(call("full", _size((size,)), float(fill_value), dtype, False), device, requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    """Zeros with ``input``'s shape, dtype and device."""
    return _finish(call("zeros_like", t, dtype), device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    """Ones with ``input``'s shape, dtype and device."""
    return _finish(call("ones_like", t, dtype), device, requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    """Uninitialised, with ``input``'s shape, dtype and device."""
    return zeros_like(t, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    """``fill_value`` with ``input``'s shape, dtype and device."""
    return _finish(call("full_like", t, float(fill_value), dtype), device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) in steps of ``step``."""
    if end is None:
        start, end = 0, start
    if dtype is None and all(isinstance(v, int) for v in (start, end, step)):
        t = call("arange_int", start, end, step)
    else:
        t = call("arange", float(start), float(end), float(step), dtype or _default_dtype)
    return _finish(t, device, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``."""
    t = call("linspace", float(start), float(end), int(steps), dtype or _default_dtype)
    return _finish(t, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """An identity matrix."""
    t = call("eye", n, m, dtype or _default_dtype)
    return _finish(t, device, requires_grad)


# ---- random ---------------------------------------------------------------------------------------------

def manual_seed(seed):
    """Seeds the default generator (torch's Mersenne Twister stream); returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator nondeterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def rand(*size, dtype=None, device=None, requires_grad=False, generator=None, out=None):
    """Uniform draws in [0, 1)."""
    dtype = dtype or (out.dtype if out is not None else _default_dtype)  # torch draws in out's dtype
    t = call("rand", _size(size), dtype, gen(generator))
    return _out(_finish(t, device, requires_grad), out)


def randn(*size, dtype=None, device=None, requires_grad=False, generator=None, out=None):
    """Standard normal draws."""
    dtype = dtype or (out.dtype if out is not None else _default_dtype)  # torch draws in out's dtype
    t = call("randn", _size(size), dtype, gen(generator))
    return _out(_finish(t, device, requires_grad), out)


def randint(*args, size=None, dtype=None, device=None, generator=None, requires_grad=False):
    """randint(high, size) or randint(low, high, size)."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, (high, shape) = 0, args
    elif len(args) == 3:
        low, high, shape = args
    else:
        raise TypeError("randint() expects (high, size) or (low, high, size)")
    t = call("randint", int(low), int(high), _size((shape,)), gen(generator))
    return _finish(t if dtype is None else t.to(dtype), device, False)


def randperm(n, dtype=None, device=None, generator=None, requires_grad=False):
    """A random permutation of 0..n-1."""
    t = call("randperm", int(n), gen(generator))
    return _finish(t if dtype is None else t.to(dtype), device, False)


def rand_like(t, dtype=None, device=None, requires_grad=False):
    """Uniform draws with ``input``'s shape (and dtype unless given)."""
    return _finish(call("rand_like", t if dtype is None else t.to(dtype)), device, requires_grad)


def randn_like(t, dtype=None, device=None, requires_grad=False):
    """Normal draws with ``input``'s shape (and dtype unless given)."""
    return _finish(call("randn_like", t if dtype is None else t.to(dtype)), device, requires_grad)


def get_rng_state():
    """The default generator's state as torch lays it out (5056 bytes), in an int64 tensor of byte values."""
    return default_generator.get_state()


def set_rng_state(state):
    """Restores the default generator from get_rng_state()."""
    default_generator.set_state(state)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """``steps`` values base^x for x evenly spaced from ``start`` to ``end``."""
    t = call("logspace", float(start), float(end), int(steps), float(base), dtype or _default_dtype)
    return _finish(t, device, requires_grad)


# ---- functional forms -----------------------------------------------------------------------------------

def where(condition, input=None, other=None):
    """condition ? input : other, elementwise, broadcast; ``where(condition)`` alone is ``nonzero(as_tuple=True)``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    like = input if isinstance(input, Tensor) else other
    return call("where", condition, _coerce(input, like), _coerce(other, like))


def _coerce(v, like):
    if isinstance(v, Tensor):
        return v
    return tensor(v, dtype=like.dtype if isinstance(like, Tensor) and like.dtype.is_floating_point else None)


def cat(tensors, dim=0):
    """Concatenates tensors along ``dim``."""
    return call("cat", list(tensors), dim)


concat = cat


def stack(tensors, dim=0):
    """Stacks tensors along a new dim ``dim``."""
    return call("stack", list(tensors), dim)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2) (one fused op when both are 1)."""
    return input.addmm(mat1, mat2, beta=beta, alpha=alpha)


def is_tensor(obj):
    """True for bridge tensors."""
    return isinstance(obj, Tensor)


def numel(t):
    """Number of elements of ``input``."""
    return t.numel()


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when |input - other| <= atol + rtol * |other| everywhere."""
    import numpy as np
    return bool(np.allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=atol, equal_nan=equal_nan))
