"""``bridge.compile``: a training or inference step traced once and replayed inside the engine.

The step is a Python function of tensors. The engine's ``Torch.Compile`` runs it eagerly on the first call (a
warm-up that creates ``.grad`` tensors and optimizer state), traces it on the second (every kernel it dispatches,
forward, the autograd engine's backward and in-place updates, is recorded over the buffers it touched), and later
calls replay the recording in C#: the new inputs are copied into the traced input buffers and the kernels rerun,
with no Python code, no per-op call and no allocation. Results are bit-identical to eager calls.

Guards send a call to eager execution, with one ``UserWarning`` per reason naming the guard that failed: a different
number, shape, dtype or device of inputs, an input that requires grad, another grad mode, a tensor of the trace
given new memory or a replaced ``.grad`` (the step is then traced again). A step that reads tensor data on the host
while traced (``.item()`` feeding an ``if``, random numbers, ``.numpy()``, ``.tolist()``, an optimizer that keeps
its step count in Python) is never replayed: it stays eager. Python values the step computes itself (a learning
rate from a counter) are replayed as they were traced.
"""

import warnings

from . import _compile_state, _core
from .autograd._callbacks import engine_call

__all__ = ["compile", "CompiledStep"]

_STATES = ("warming_up", "traced", "eager")


class CompiledStep:
    """A step compiled by :func:`bridge.compile`; call it as the function it wraps.

    Returns what the function returns (a tensor, a tuple of tensors, or None) as fresh tensors without autograd
    history. ``close()`` (or garbage collection) releases the trace's buffers.
    """

    def __init__(self, fn):
        """Wraps ``fn``; nothing is traced until the second call."""
        if not callable(fn):
            raise TypeError(f"compile(): expected a callable, got {type(fn).__name__}")
        self._fn = fn
        self._returns = None  # "none", "tensor" or "tuple", from the eager calls
        self._opaque_tokens = []  # updates traced as opaque calls: kept until close()
        self._token = _core.keep_alive(self)
        self._step = _core.call("compile_step", self._token)
        self.__doc__ = getattr(fn, "__doc__", None)

    def run_body(self, tensors, nresults):
        """The engine's callback: runs the Python function on ``tensors`` and lists its outputs."""
        _compile_state.depth += 1
        _compile_state.opaque_tokens = self._opaque_tokens
        try:
            out = self._fn(*tensors)
        finally:
            _compile_state.depth -= 1
        if out is None:
            self._returns = "none"
            return []
        if isinstance(out, (tuple, list)):
            self._returns = "tuple"
            out = list(out)
        else:
            self._returns = "tensor"
            out = [out]
        if len(out) > nresults:
            raise ValueError(f"compile(): a compiled step returns at most {nresults} tensors, got {len(out)}")
        for o in out:
            if not hasattr(o, "_h"):
                raise TypeError(f"compile(): a compiled step returns tensors (or a tuple of them, or None), got {type(o).__name__}")
        return out

    def __call__(self, *inputs):
        """Runs the step: a replay when the guards pass, the Python function otherwise."""
        if self._step is None:
            raise RuntimeError("compile(): this compiled step was closed")
        for i, x in enumerate(inputs):
            if not hasattr(x, "_h"):
                raise TypeError(f"compile(): input {i} must be a Tensor, got {type(x).__name__}")
        result = engine_call("compiled_step_call", self._step, list(inputs))
        if isinstance(result, str):
            for message in dict.fromkeys(result.split("\n")):
                warnings.warn(message.replace("Torch.Compile", "bridge.compile"), UserWarning, stacklevel=2)
            result = _core.call("compiled_step_outputs", self._step)
        if self._returns == "tensor":
            return result[0]
        if self._returns == "tuple":
            return tuple(result)
        return None

    @property
    def state(self):
        """``"warming_up"``, ``"traced"`` (calls that pass the guards replay) or ``"eager"`` (for good)."""
        return _STATES[_core.call("compiled_step_info", self._step)[0]]

    @property
    def replays(self):
        """Number of calls that replayed the trace."""
        return _core.call("compiled_step_info", self._step)[1]

    @property
    def eager_calls(self):
        """Number of calls after the warm-up that ran the Python function (guard failures, untraceable steps)."""
        return _core.call("compiled_step_info", self._step)[2]

    @property
    def fallback_reason(self):
        """The latest reason a call ran eagerly instead of replaying, or None."""
        return _core.call("compiled_step_fallback_reason", self._step)

    def close(self):
        """Releases the trace's buffers; calling the step afterwards raises RuntimeError."""
        if self._step is not None:
            _core.call("compiled_step_dispose", self._step)
            self._step = None
            _core._keep.pop(self._token, None)
            for token in self._opaque_tokens:
                _core._keep.pop(token, None)
            self._opaque_tokens.clear()

    def __enter__(self):
        """``with bridge.compile(fn) as step:`` closes the step at the end of the block."""
        return self

    def __exit__(self, *exc):
        """Closes the step."""
        self.close()
        return False


class _Opaque:
    """A callable the engine reruns at every replay (an optimizer's ``step``)."""

    def __init__(self, update):
        self.update = update

    def run_body(self, tensors, nresults):
        """The engine's callback: runs the update."""
        self.update()
        return []


def run_opaque(update):
    """Inside a compiled step's traced call: runs ``update`` once now and makes every replay rerun it; True then.

    False when nothing is being traced (the caller then runs its update itself). Optimizers call it from ``step``,
    so their Python-side state (Adam's step count) advances at every replay.
    """
    token = _core.keep_alive(_Opaque(update))
    if _core.call("compile_opaque", token):
        _compile_state.opaque_tokens.append(token)
        return True
    _core._keep.pop(token, None)
    return False


def compile(fn=None, **options):
    """Compiles a step (torch.compile's role, Bridge's mechanism): ``step = bridge.compile(fn)``; ``step(x, y)``.

    ``fn`` takes tensors and returns a tensor, a tuple of tensors or None; it may run forward, ``backward()`` and
    in-place updates (``p -= lr * p.grad`` under ``no_grad``). The first call runs eagerly, the second is traced,
    later calls replay the trace inside the engine. Usable as a decorator, with or without parentheses. Keyword
    options of ``torch.compile`` (``mode``, ``fullgraph``, ``backend``, ``dynamic``) are accepted and ignored.
    """
    unknown = set(options) - {"mode", "fullgraph", "backend", "dynamic", "options", "disable"}
    if unknown:
        raise TypeError(f"compile() got an unexpected keyword argument '{sorted(unknown)[0]}'")
    if fn is None:
        return lambda f: CompiledStep(f)
    return CompiledStep(fn)
