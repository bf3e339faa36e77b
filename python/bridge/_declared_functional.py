"""Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.
Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen

The declared ops that torch.nn.functional also publishes.
"""

from ._tensor_math import _unary

__all__ = ["relu", "sigmoid", "tanh"]


def relu(input):
    """Returns max(x, 0) for each element (NaN and -0.0 pass through).

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("relu", input)


def sigmoid(input):
    """Returns the logistic sigmoid 1 / (1 + e^-x) of each element.

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("sigmoid", input)


def tanh(input):
    """Returns the hyperbolic tangent of each element.

    Args:
        input (Tensor): the input tensor.
    """
    return _unary("tanh", input)
