"""Tensor methods of autograd beyond .grad: backward with create_graph, register_hook, retain_grad."""

from . import _core


# Bound on first use (bridge.autograd and bridge._tensor import this module): an import per backward costs microseconds.
_late = [None]


def _bind():
    from .autograd._callbacks import engine_call
    from ._tensor import _post_backward_hooks
    _late[0] = (engine_call, _post_backward_hooks)
    return _late[0]


class _AutogradMethods:
    __slots__ = ()

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Computes the gradient of this tensor with respect to the graph leaves (create_graph: differentiably)."""
        if inputs is not None:
            raise NotImplementedError("bridge: backward(inputs=...) is not supported; use torch.autograd.grad")
        engine_call, hooks = _late[0] or _bind()
        engine_call("backward", self, gradient, None if retain_graph is None else bool(retain_graph), bool(create_graph))
        if hooks:
            for hook in list(hooks.values()):
                hook()

    def register_hook(self, hook):
        """Runs ``hook(grad)`` whenever this tensor's gradient is computed; a returned tensor replaces the gradient."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .autograd import _callbacks  # noqa: F401 (registers the engine's callback)
        token = _core.keep_alive(_Hook(hook))  # not callable itself: released tokens of callables are called
        return _HookHandle(_core.call("register_hook", self, token), token)

    def retain_grad(self):
        """Keeps this non-leaf tensor's gradient in .grad after backward."""
        _core.call("retain_grad", self)

    @property
    def retains_grad(self):
        """True when retain_grad() was called on this non-leaf tensor."""
        return _core.call("retains_grad", self)


class _HookHandle:
    """What register_hook returns: ``remove()`` unregisters the hook."""

    def __init__(self, engine_handle, token):
        self._engine, self._token = engine_handle, token

    def remove(self):
        if self._engine is not None:
            _core.call("hook_remove", self._engine)
            self._engine = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _Hook:
    """A registered hook as the engine's callback finds it."""
    __slots__ = ("fn",)

    def __init__(self, fn):
        self.fn = fn
