"""torch.autograd: gradients of chosen outputs (grad, backward), custom functions, higher-order tools and grad modes."""

from .._grad_mode import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .._tensor import Tensor
from ._callbacks import engine_call
from .function import Function, FunctionCtx, InplaceFunction, NestedIOFunction
from . import functional
from .gradcheck import gradcheck, gradgradcheck

__all__ = ["grad", "backward", "Function", "FunctionCtx", "functional", "gradcheck", "gradgradcheck", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "Variable"]

Variable = Tensor  # torch's legacy name


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _grad_outputs(outputs, grad_outputs):
    from .._functions import ones_like
    given = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(given) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(given)} grad_outputs and {len(outputs)} outputs")
    result = []
    for i, (o, g) in enumerate(zip(outputs, given)):
        if g is None:
            if not o.requires_grad:
                raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
            if o.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = ones_like(o)
        elif not isinstance(g, Tensor):
            raise TypeError(f"grad_outputs must be tensors or None, got {type(g).__name__}")
        result.append(g)
    return result


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=False, is_grads_batched=False):
    """Σ grad_output·∂output/∂input for each input, without touching any .grad (torch.autograd.grad)."""
    if is_grads_batched:
        raise NotImplementedError("bridge: is_grads_batched=True is not supported")
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    for t in (*outputs, *inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad expects tensors, got {type(t).__name__}")
    grads = _grad_outputs(outputs, grad_outputs)
    result = engine_call("autograd_grad", list(outputs), list(inputs), grads,
                         None if retain_graph is None else bool(retain_graph), bool(create_graph), bool(allow_unused))
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulates into the leaves' .grad the gradients of ``tensors`` (torch.autograd.backward)."""
    if inputs is not None:
        raise NotImplementedError("bridge: backward(inputs=...) is not supported; use autograd.grad")
    tensors = _as_tuple(tensors)
    grads = _grad_outputs(tensors, grad_tensors)
    for t, g in zip(tensors, grads):
        t.backward(g, retain_graph=True if len(tensors) > 1 and t is not tensors[-1] else retain_graph,
                   create_graph=create_graph)
