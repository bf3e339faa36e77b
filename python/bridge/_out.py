"""torch's ``out=``: one way to write a result into a caller's tensor, and the functions that gain the keyword here.

torch's rules (1.13): ``out`` is resized to the result's shape (silently when it has no elements, with torch's
deprecation warning otherwise); the result must be castable to ``out``'s dtype (torch.can_cast: no float into an
integer tensor, nothing but bool into bool); ``out`` must be on the result's device; autograd never records an
``out=`` call, so it refuses when grad mode is on and a tensor involved requires grad. Functions that return
several tensors (``max(dim)``, ``sort``, ``topk``) take a tuple of outs and return it as their named tuple.
"""

import functools
import inspect
import warnings

from ._core import TensorBase

# torch-level functions written without out= that torch 1.13 accepts it for (checked by calling torch).
WRAPPED = ("absolute", "addmm", "arccos", "baddbmm", "bmm", "cat", "clamp", "clamp_max", "clip", "concat", "diag",
           "dot", "eq", "fix", "gather", "ge", "ger", "gt", "index_add", "index_copy", "index_select", "le", "log_softmax",
           "lt", "masked_select", "max", "argmax", "maximum", "mean", "minimum", "mm", "mv", "ne", "negative", "nonzero",
           "outer", "pow", "softmax", "square", "stack", "take", "tensordot", "tril", "triu", "where")
# With out= and no dtype=, these compute in out's dtype: the factories (torch.zeros(2, out=long_tensor) is long) and
# sum (torch.sum(x, 0, out=long_tensor) is torch.sum(x, 0, dtype=torch.long)).
DTYPE_FROM_OUT = ("arange", "empty", "eye", "full", "linspace", "logspace", "ones", "randint", "randperm", "sum", "zeros")


def write(result, out):
    """Writes ``result`` (a tensor, or a tuple of them) into ``out`` under torch's rules and returns ``out``."""
    if out is None:
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"out= must be a tuple of {len(result)} tensors for this function, got {type(out).__name__}")
        for r, o in zip(result, out):
            write(r, o)
        return type(result)(*out) if hasattr(result, "_fields") else tuple(out)
    if not isinstance(out, TensorBase):
        raise TypeError(f"out= must be a Tensor, not {type(out).__name__}")
    from ._dtype_info import can_cast
    from ._grad_mode import is_grad_enabled, no_grad
    if is_grad_enabled() and (out.requires_grad or result.requires_grad):
        raise RuntimeError("functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if not can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {_torch_type_name(result.dtype)} can't be cast to the desired output type "
                           f"{_torch_type_name(out.dtype)}")
    if out.device != result.device:
        raise RuntimeError(f"Expected out tensor to have device {result.device}, but got {out.device} instead")
    with no_grad():
        if tuple(out.shape) != tuple(result.shape):
            if out.numel() != 0:
                warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                              f"which does not match the required output shape {list(result.shape)}. This behavior is "
                              "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                              "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                              "elements with t.resize_(0).", UserWarning, stacklevel=3)
            out.resize_(*result.shape)
        out.copy_(result.detach())
    return out


def _torch_type_name(dtype):
    """torch's scalar type name in messages: Float, Long, Bool, BFloat16..."""
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
             "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
    short = str(dtype).rpartition(".")[2]
    return names.get(short, short)


def type_meta_name(dtype):
    """How torch's C++ messages print a dtype (caffe2::TypeMeta's name): float, double, long int, c10::Half..."""
    names = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
             "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
             "bool": "bool"}
    short = str(dtype).rpartition(".")[2]
    return names.get(short, short)


def _with_out_parameter(fn, dtype_from_out):
    """``fn`` with a keyword-only ``out=None`` added; its signature (for help() and the stubs) shows it."""
    @functools.wraps(fn)
    def function(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if dtype_from_out and kwargs.get("dtype") is None:
            kwargs["dtype"] = out.dtype
        return write(fn(*args, **kwargs), out)

    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
    keyword_tail = [p for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD]
    out_param = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
    function.__signature__ = sig.replace(parameters=params + [out_param] + keyword_tail)
    return function


def add_out_parameters(namespace):
    """Gives the functions of WRAPPED and DTYPE_FROM_OUT in ``namespace`` (bridge's) their out= keyword."""
    for names, dtype_from_out in ((WRAPPED, False), (DTYPE_FROM_OUT, True)):
        for name in names:
            fn = namespace[name]
            if "out" in inspect.signature(fn).parameters:
                raise AssertionError(f"bridge.{name} already takes out=: remove it from bridge/_out.py's lists")
            namespace[name] = _with_out_parameter(fn, dtype_from_out)
