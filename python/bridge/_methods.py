"""Functional forms of tensor methods: bridge.exp(x) is x.exp(), as in torch. Kept apart because their
names (sum, max, abs, all ...) would shadow Python builtins in any module that defines them."""

__all__ = ["max", "min"]


def _method(name):
    def f(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    f.__name__ = name
    return f


for _name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sign", "reciprocal", "neg", "clamp",
              "clip", "sum", "mean", "argmax", "argmin", "softmax", "log_softmax", "mm", "matmul", "bmm", "dot",
              "mv", "transpose", "reshape", "flatten", "squeeze", "unsqueeze", "permute", "t", "numel", "clone",
              "detach", "pow", "add", "sub", "mul", "div", "eq", "ne", "lt", "le", "gt", "ge", "maximum",
              "minimum", "narrow", "select", "square", "logical_not", "equal", "all", "any"):
    globals()[_name] = _method(_name)
    __all__.append(_name)


def max(input, dim=None, keepdim=False):
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    return input.min(dim, keepdim)
