"""nn.Parameter: a leaf tensor that requires grad and that modules register when assigned."""

from .._core import call
from .._tensor import Tensor


class Parameter(Tensor):
    """A tensor that a Module registers as a parameter when assigned to one of its attributes.

    ``Parameter(data, requires_grad=True)`` shares ``data``'s storage, as torch's does; ``Parameter()`` is an empty one.
    """
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._functions import zeros
            data = zeros(0)
        t = call("parameter", data, bool(requires_grad))  # shares data's storage, as torch's does
        return cls._adopt(t)

    def __init__(self, data=None, requires_grad=True):
        pass

    @classmethod
    def _adopt(cls, t):
        """Re-labels a fresh wrapper as a Parameter (it takes over the handle)."""
        p = object.__new__(cls)
        p._h, p._meta = t._h, None
        t._h = 0
        return p

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
