"""Generated from src/Tensor/Ops/Declarations by tests/Bridge.Tensor.Tests/OpInfo/Codegen.cs: do not edit.
Regenerate: BRIDGE_REGENERATE=1 dotnet test tests/Bridge.Tensor.Tests --filter Codegen

The declared elementwise ops of one tensor: Tensor methods (a mixin) and torch-level functions.
"""

from ._tensor_math import TensorMath, _self_op, _unary

__all__ = ["abs", "cos", "exp", "log", "neg", "relu", "sigmoid", "sign", "sin", "sqrt", "tanh"]


class DeclaredMethods(TensorMath):
    """Methods of bridge.Tensor generated from the op declarations."""
    __slots__ = ()

    def abs(self):
        """Returns the absolute value |x| of each element."""
        return _unary("abs", self)

    def cos(self):
        """Returns the cosine of each element (radians)."""
        return _unary("cos", self)

    def exp(self):
        """Returns e raised to each element."""
        return _unary("exp", self)

    def log(self):
        """Returns the natural logarithm of each element."""
        return _unary("log", self)

    def neg(self):
        """Returns -x for each element."""
        return _unary("neg", self)

    def relu(self):
        """Returns max(x, 0) for each element (NaN and -0.0 pass through)."""
        return _unary("relu", self)

    def sigmoid(self):
        """Returns the logistic sigmoid 1 / (1 + e^-x) of each element."""
        return _unary("sigmoid", self)

    def sign(self):
        """Returns the sign of each element as -1, 0 or 1 (NaN stays NaN)."""
        return _unary("sign", self)

    def sin(self):
        """Returns the sine of each element (radians)."""
        return _unary("sin", self)

    def sqrt(self):
        """Returns the square root of each element."""
        return _unary("sqrt", self)

    def tanh(self):
        """Returns the hyperbolic tangent of each element."""
        return _unary("tanh", self)

    def cos_(self):
        """In place (cos_): Returns the cosine of each element (radians)."""
        return _self_op("cos_", self)

    def exp_(self):
        """In place (exp_): Returns e raised to each element."""
        return _self_op("exp_", self)

    def sigmoid_(self):
        """In place (sigmoid_): Returns the logistic sigmoid 1 / (1 + e^-x) of each element."""
        return _self_op("sigmoid_", self)

    def sin_(self):
        """In place (sin_): Returns the sine of each element (radians)."""
        return _self_op("sin_", self)

    def tanh_(self):
        """In place (tanh_): Returns the hyperbolic tangent of each element."""
        return _self_op("tanh_", self)


def abs(input):
    """Returns the absolute value |x| of each element."""
    return _unary("abs", input)


def cos(input):
    """Returns the cosine of each element (radians)."""
    return _unary("cos", input)


def exp(input):
    """Returns e raised to each element."""
    return _unary("exp", input)


def log(input):
    """Returns the natural logarithm of each element."""
    return _unary("log", input)


def neg(input):
    """Returns -x for each element."""
    return _unary("neg", input)


def relu(input):
    """Returns max(x, 0) for each element (NaN and -0.0 pass through)."""
    return _unary("relu", input)


def sigmoid(input):
    """Returns the logistic sigmoid 1 / (1 + e^-x) of each element."""
    return _unary("sigmoid", input)


def sign(input):
    """Returns the sign of each element as -1, 0 or 1 (NaN stays NaN)."""
    return _unary("sign", input)


def sin(input):
    """Returns the sine of each element (radians)."""
    return _unary("sin", input)


def sqrt(input):
    """Returns the square root of each element."""
    return _unary("sqrt", input)


def tanh(input):
    """Returns the hyperbolic tangent of each element."""
    return _unary("tanh", input)
