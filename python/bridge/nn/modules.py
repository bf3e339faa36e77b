"""The layers: pure Python modules (as torch's), numerics in the engine. Module is in module.py, containers in
containers.py, activations in activation.py, losses in loss.py."""

from .. import _core
from .._core import call
from .module import Module
from .parameter import Parameter
from . import functional as F


class Linear(Module):
    """y = x Wᵀ + b, initialised with torch's draws (kaiming-uniform weight, uniform bias) from the engine.

    Shapes: input [*, in_features]; weight [out_features, in_features]; bias [out_features] (none with
    ``bias=False``); output [*, out_features].
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        from .._functions import get_default_dtype
        self.in_features, self.out_features = in_features, out_features
        weight, b = call("linear_init", int(in_features), int(out_features), bool(bias), dtype or get_default_dtype())
        self.weight = Parameter._adopt(weight)
        if b is not None:
            self.bias = Parameter._adopt(b)
        else:
            self.register_parameter("bias", None)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """torch's name for MultiheadAttention's out_proj (a plain Linear). It lives in torch.nn.modules.linear and is
    not exported from torch.nn.modules, so pickles name it there (``_torch_module``)."""
    _torch_module = "torch.nn.modules.linear"


class ReLU(Module):
    """max(x, 0), elementwise (in place with ``inplace=True``). Any shape; the output has the input's."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """1 / (1 + exp(-x)), elementwise. Any shape."""

    def forward(self, input):
        return input.sigmoid()


class Tanh(Module):
    """Hyperbolic tangent, elementwise. Any shape."""

    def forward(self, input):
        return input.tanh()


class Dropout(Module):
    """In training mode, zeroes each element with probability ``p`` and scales the rest by 1 / (1 - p); the identity
    in eval mode. Any shape.

    Bridge differs from torch: ``inplace=True`` is accepted but the result is a new tensor.
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p

    def forward(self, input):
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace=False"


from .containers import Flatten, Identity, ModuleList, Sequential, Unflatten  # noqa: E402,F401 (their old home)
from .activation import LogSoftmax, Softmax  # noqa: E402,F401
from .loss import CrossEntropyLoss, MSELoss, NLLLoss  # noqa: E402,F401

del _core
