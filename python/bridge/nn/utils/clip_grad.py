"""clip_grad_norm_ and clip_grad_value_ (the engine's Bridge.Nn.NnUtils)."""

import warnings

from ..._core import call
from ..._tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_"]


def _with_grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scales the gradients in place so that their joint ``norm_type``-norm is at most ``max_norm``; returns that
    norm (before clipping) as a tensor. ``norm_type`` may be ``inf``."""
    parameters = _with_grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not parameters:
        from ..._functions import tensor
        return tensor(0.0)
    return call("clip_grad_norm_", parameters, max_norm, norm_type, bool(error_if_nonfinite))


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Deprecated alias of :func:`clip_grad_norm_` (warns)."""
    warnings.warn("torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.",
                  stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)


def clip_grad_value_(parameters, clip_value):
    """Clamps every gradient in place to [-clip_value, clip_value]."""
    parameters = _with_grads(parameters)
    if parameters:
        call("clip_grad_value_", parameters, float(clip_value))
