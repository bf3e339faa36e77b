"""torch.polygamma and torch.mvlgamma (issue 17): elementwise ops with an integer argument beside the tensor
(src/Tensor/Ops/Tensor.Special.cs). erfc, lgamma, digamma and i0 are declared ops (``_declared.py``)."""

import operator

from ._core import call, TensorBase
from ._out import write as _out

__all__ = ["polygamma", "mvlgamma"]


def _int(value, what):
    """An int argument as torch's argument parser takes it (a bool or float is a TypeError)."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            return operator.index(value)
        except TypeError:
            raise TypeError(f"{what} must be int, not {type(value).__name__}") from None
    return value


class SpecialMethods:
    """The Tensor methods polygamma, polygamma_, mvlgamma and mvlgamma_."""
    __slots__ = ()

    def polygamma(self, n):
        """The n-th derivative of the digamma function of each element (n = 0 is digamma)."""
        return call("polygamma", _int(n, "polygamma(): argument 'n'"), self)

    def polygamma_(self, n):
        """In place: self = polygamma(n, self)."""
        call("polygamma_", self, _int(n, "polygamma_(): argument 'n'"))
        return self

    def mvlgamma(self, p):
        """The multivariate log-gamma function of dimension p of each element."""
        return call("mvlgamma", self, _int(p, "mvlgamma(): argument 'p'"))

    def mvlgamma_(self, p):
        """In place: self = mvlgamma(self, p)."""
        call("mvlgamma_", self, _int(p, "mvlgamma_(): argument 'p'"))
        return self


def polygamma(n, input, *, out=None):
    """The n-th derivative of the digamma function of each element of ``input`` (n >= 0)."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"polygamma(): argument 'input' (position 2) must be Tensor, not {type(input).__name__}")
    return _out(input.polygamma(n), out)


def mvlgamma(input, p, *, out=None):
    """The multivariate log-gamma function of dimension ``p`` of each element of ``input``."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"mvlgamma(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return _out(input.mvlgamma(p), out)
