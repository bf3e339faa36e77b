"""Activation modules (torch.nn.modules.activation): each holds its options and calls nn.functional."""

from . import functional as F
from .module import Module
from .parameter import Parameter

__all__ = ["Hardswish", "Hardsigmoid", "SiLU", "LeakyReLU", "ELU", "Softplus", "Hardtanh", "ReLU6", "LogSigmoid", "Mish", "Softsign",
           "Tanhshrink", "Softmax", "LogSoftmax", "PReLU"]


def _inplace_repr(inplace, lead=""):
    return (lead + "inplace=True") if inplace else ""


class SiLU(Module):
    """x * sigmoid(x), elementwise (also called swish). Any shape; the output has the input's."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class Mish(SiLU):
    """x * tanh(softplus(x)), elementwise. Any shape; the output has the input's."""

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class Hardswish(SiLU):
    """x * min(max(x + 3, 0), 6) / 6, elementwise. Any shape; the output has the input's."""

    def forward(self, input):
        return F.hardswish(input, inplace=self.inplace)

    def extra_repr(self):
        return ""  # torch prints no options for it


class Hardsigmoid(SiLU):
    """min(max(x + 3, 0), 6) / 6, elementwise. Any shape; the output has the input's."""

    def forward(self, input):
        return F.hardsigmoid(input, inplace=self.inplace)

    def extra_repr(self):
        return ""  # torch prints no options for it


class LeakyReLU(Module):
    """x if x >= 0 else ``negative_slope`` * x, elementwise. Any shape."""

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + _inplace_repr(self.inplace, ", ")


class ELU(Module):
    """x if x > 0 else ``alpha`` * (exp(x) - 1), elementwise. Any shape."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + _inplace_repr(self.inplace, ", ")


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta, elementwise; linear where beta * x > ``threshold``. Any shape."""

    def __init__(self, beta=1, threshold=20):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """Clamps each element to [``min_val``, ``max_val``] (``min_value``/``max_value``: deprecated spellings). Any shape."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        if min_value is not None or max_value is not None:
            import warnings
            warnings.warn("keyword argument min_value/max_value is deprecated and will be removed in future "
                          "releases, use min_val/max_val instead")
            min_val = min_val if min_value is None else min_value
            max_val = max_val if max_value is None else max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        assert self.max_val > self.min_val

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace_repr(self.inplace, ", ")


class ReLU6(Hardtanh):
    """min(max(x, 0), 6), elementwise (Hardtanh over [0, 6]). Any shape."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class LogSigmoid(Module):
    """log(sigmoid(x)), elementwise, computed stably. Any shape."""

    def forward(self, input):
        return F.logsigmoid(input)


class Softsign(Module):
    """x / (1 + |x|), elementwise. Any shape."""

    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """x - tanh(x), elementwise. Any shape."""

    def forward(self, input):
        return F.tanhshrink(input)


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim`` (torch's implicit choice of dim, with its warning, when None). Any shape."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log(softmax(x)) along ``dim``, computed stably. Any shape."""

    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


class PReLU(Module):
    """x if x > 0 else a * x, with a learnable ``a`` (one, or one per channel) starting at ``init``."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        from .._functions import empty
        self.num_parameters, self.init = num_parameters, init
        kwargs = {} if dtype is None else {"dtype": dtype}
        self.weight = Parameter(empty(num_parameters, **kwargs).fill_(init))
        if device is not None:
            self.to(device)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"
