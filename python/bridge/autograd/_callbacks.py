"""The engine's calls back into Python (custom Function backwards, tensor hooks) through one ctypes function pointer.

The engine hands new handles (ours to own) and expects result handles that stay alive until the outermost backward
returns, so results are parked in a per-thread list that ``engine_call`` clears. An exception raised by Python code
never crosses into the engine: it is stored for this thread, the callback returns 1, the engine unwinds with an error,
and ``engine_call`` raises the stored exception instead of the engine's message.
"""

import ctypes
import threading

from .. import _core, _lib

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_int32, ctypes.c_int64, ctypes.POINTER(ctypes.c_int64),
                             ctypes.c_int32, ctypes.POINTER(ctypes.c_int64), ctypes.c_int32)

_FUNCTION_BACKWARD, _TENSOR_HOOK, _COMPILED_STEP = 0, 1, 2
_state = threading.local()


def _parked():
    p = getattr(_state, "parked", None)
    if p is None:
        p = _state.parked = []
    return p


def _dispatch(kind, token, args, nargs, results, nresults):
    try:
        tensors = [_core.wrap(args[i]) if args[i] else None for i in range(nargs)]
        target = _core._keep.get(token)
        if target is None:
            raise RuntimeError("bridge: the Python side of a backward node is gone (released too early)")
        if kind == _FUNCTION_BACKWARD:
            out = target.run_backward(tensors, nresults)
        elif kind == _TENSOR_HOOK:
            out = [target.fn(tensors[0])]
        elif kind == _COMPILED_STEP:
            out = target.run_body(tensors, nresults)
        else:
            raise RuntimeError(f"bridge: unknown callback kind {kind}")
        parked = _parked()
        for i in range(nresults):
            t = out[i] if i < len(out) else None
            if t is None:
                results[i] = 0
            else:
                parked.append(t)
                results[i] = t._h
        return 0
    except BaseException as e:  # noqa: B902 - nothing may cross into the engine
        _state.error = e
        return 1


_callback = _CALLBACK(_dispatch)  # kept referenced for the life of the process
_core.call("set_python_callback", ctypes.cast(_callback, ctypes.c_void_p).value)


def engine_call(name, *args):
    """Calls an engine op that may run Python callbacks; re-raises what a callback raised."""
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        return _core.call(name, *args)
    except Exception:
        error = getattr(_state, "error", None)
        if error is not None:
            _state.error = None
            raise error.with_traceback(error.__traceback__) from None
        raise
    finally:
        _state.depth = depth
        if depth == 0:
            parked = getattr(_state, "parked", None)
            if parked:
                parked.clear()
