"""torch.nn.functional over the engine's kernels (losses and softmax are engine primitives, for torch's rounding)."""

from .._core import call
from .._declared_functional import *  # noqa: F401,F403 (declared ops that nn.functional publishes, generated)
from .._declared_functional import __all__ as _declared
from ._functional_sequence import *  # noqa: F401,F403 (embedding, layer_norm, gelu, attention)
from ._functional_sequence import __all__ as _sequence


def relu(input, inplace=False):
    """Returns max(x, 0) for each element (NaN and -0.0 pass through); ``inplace`` is accepted and ignored."""
    return input.relu()


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (required), optionally after casting to ``dtype``."""
    if dim is None:
        raise TypeError("softmax(): bridge needs an explicit dim (torch's implicit choice is deprecated)")
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim=None, dtype=None):
    """log(softmax(x)) along ``dim`` (required), computed stably."""
    if dim is None:
        raise TypeError("log_softmax(): bridge needs an explicit dim (torch's implicit choice is deprecated)")
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def linear(input, weight, bias=None):
    """x @ weight.T + bias (one fused addmm for 2-D input, as torch)."""
    return call("linear", input, weight, bias)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes elements with probability ``p`` and scales the rest by 1/(1-p) while training."""
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return call("dropout", input, float(p), bool(training))


def mse_loss(input, target, reduction="mean"):
    """Squared error (input - target)^2, reduced by ``reduction`` ("mean", "sum" or "none")."""
    return call("mse_loss", input, target, reduction)


def cross_entropy(input, target, reduction="mean"):
    """nll_loss(log_softmax(input, 1), target): logits against class indices."""
    return call("cross_entropy", input, target, reduction)


def nll_loss(input, target, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input`` at class indices ``target``."""
    return call("nll_loss", input, target, reduction)


__all__ = sorted(set(_declared) | set(_sequence) | {"relu", "softmax", "log_softmax", "linear", "dropout", "mse_loss", "cross_entropy",
                                   "nll_loss"})
