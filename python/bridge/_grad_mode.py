"""no_grad / enable_grad / set_grad_enabled: the engine's thread-local grad mode, as context managers and decorators."""

import functools

from ._lib import grad_mode_set


class _Mode:
    enabled = None

    def __enter__(self):
        self._prev = grad_mode_set(self.enabled)
        return self

    def __exit__(self, *exc):
        grad_mode_set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Context manager (and decorator) that disables autograd recording."""
    enabled = False


class enable_grad(_Mode):
    """Context manager that re-enables autograd recording."""
    enabled = True


class set_grad_enabled(_Mode):
    """Sets the mode at once (as a function call) and restores it when used as a context manager."""

    def __init__(self, mode):
        self.enabled = bool(mode)
        self._prev = grad_mode_set(self.enabled)

    def __enter__(self):
        return self


def is_grad_enabled():
    """True while autograd records operations."""
    prev = grad_mode_set(True)
    grad_mode_set(prev)
    return bool(prev)


_inference = __import__("threading").local()


class inference_mode(_Mode):
    """no_grad for inference (context manager and decorator); ``inference_mode(False)`` leaves grad mode as it is.

    Tensors made inside are ordinary tensors here: Bridge does not mark inference tensors, so using one in autograd
    later is not an error as it is in torch.
    """

    def __new__(cls, mode=True):
        if callable(mode):  # bare @inference_mode on a function (torch 2's form)
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self._prev_inference = getattr(_inference, "on", False)
        _inference.on = self.mode
        self._prev = grad_mode_set(False) if self.mode else None
        return self

    def __exit__(self, *exc):
        _inference.on = self._prev_inference
        if self._prev is not None:
            grad_mode_set(self._prev)
        return False

    def __call__(self, fn=None):
        if fn is None:  # @inference_mode() written with parentheses and no function yet
            return self
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper


def is_inference_mode_enabled():
    """True inside ``inference_mode()``."""
    return bool(getattr(_inference, "on", False))
