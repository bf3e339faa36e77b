"""torch.nn.functional over the engine's kernels (losses and softmax are engine primitives, for torch's rounding)."""

from .._core import call
from .._declared_functional import *  # noqa: F401,F403 (declared ops that nn.functional publishes, generated)
from .._declared_functional import __all__ as _declared
from ._functional_nn import *  # noqa: F401,F403 (activations, losses, distances)
from ._functional_nn import __all__ as _nn_api
from .functional_conv import *  # noqa: F401,F403 (convolutions and pad)
from .functional_conv import __all__ as _conv
from .functional_pool import *  # noqa: F401,F403 (pooling, normalisation, dropout2d)
from .functional_pool import __all__ as _pool
from ._functional_sequence import *  # noqa: F401,F403 (embedding, layer_norm, gelu, attention)
from ._functional_sequence import __all__ as _sequence


def relu(input, inplace=False):
    """Returns max(x, 0) for each element (NaN and -0.0 pass through); ``inplace`` is accepted and ignored."""
    return input.relu()


def _get_softmax_dim(name, ndim, stacklevel=3):
    import warnings
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (torch's legacy implicit dim, with its warning, when None)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably (torch's legacy implicit dim when None)."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def linear(input, weight, bias=None):
    """x @ weight.T + bias (one fused addmm for 2-D input, as torch).

    Shapes: input [*, in_features]; weight [out_features, in_features]; bias [out_features] or None; output
    [*, out_features].
    """
    return call("linear", input, weight, bias)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes elements with probability ``p`` and scales the rest by 1/(1-p) while training."""
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return call("dropout", input, float(p), bool(training))


__all__ = sorted(set(_declared) | set(_nn_api) | set(_conv) | set(_pool) | set(_sequence)
                 | {"relu", "softmax", "log_softmax", "linear", "dropout"})
