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
