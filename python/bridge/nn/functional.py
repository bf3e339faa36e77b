"""torch.nn.functional over the engine's kernels (losses and softmax are engine primitives, for torch's rounding)."""

from .._core import call


def relu(input, inplace=False):
    return input.relu()


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def softmax(input, dim=None, dtype=None):
    if dim is None:
        raise TypeError("softmax(): bridge needs an explicit dim (torch's implicit choice is deprecated)")
    return (input if dtype is None else input.to(dtype)).softmax(dim)


def log_softmax(input, dim=None, dtype=None):
    if dim is None:
        raise TypeError("log_softmax(): bridge needs an explicit dim (torch's implicit choice is deprecated)")
    return (input if dtype is None else input.to(dtype)).log_softmax(dim)


def linear(input, weight, bias=None):
    return call("linear", input, weight, bias)


def dropout(input, p=0.5, training=True, inplace=False):
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return call("dropout", input, float(p), bool(training))


def mse_loss(input, target, reduction="mean"):
    return call("mse_loss", input, target, reduction)


def cross_entropy(input, target, reduction="mean"):
    return call("cross_entropy", input, target, reduction)


def nll_loss(input, target, reduction="mean"):
    return call("nll_loss", input, target, reduction)
