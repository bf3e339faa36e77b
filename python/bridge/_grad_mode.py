"""no_grad / enable_grad / set_grad_enabled: the engine's thread-local grad mode, as context managers and decorators."""

import functools

from ._core import call


class _Mode:
    enabled = None

    def __enter__(self):
        self._prev = call("set_grad_enabled", self.enabled)
        return self

    def __exit__(self, *exc):
        call("set_grad_enabled", self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    enabled = False


class enable_grad(_Mode):
    enabled = True


class set_grad_enabled(_Mode):
    """Sets the mode at once (as a function call) and restores it when used as a context manager."""

    def __init__(self, mode):
        self.enabled = bool(mode)
        self._prev = call("set_grad_enabled", self.enabled)

    def __enter__(self):
        return self


def is_grad_enabled():
    prev = call("set_grad_enabled", True)
    call("set_grad_enabled", prev)
    return prev
