"""Fork safety: the .NET runtime's threads (GC, finalizer) do not survive fork(), so a forked child that
touches the engine could hang forever. The child gets a clear error on first use instead, naming the fix;
releasing handles is a no-op there (the parent's engine still owns everything)."""

import os
import sys

from . import _lib

_MESSAGE = ("bridge cannot be used in a process created by fork() from one that had already loaded it: the .NET "
            "runtime's threads do not survive fork, so the engine would hang. Start worker processes with the "
            "'spawn' or 'forkserver' method instead, e.g. multiprocessing.get_context('spawn'), "
            "multiprocessing.set_start_method('spawn'), or DataLoader(..., multiprocessing_context='spawn').")

# Releases the child may run at exit or from finalizers: nothing to do, and nothing must be raised from __del__.
_QUIET = {"handle_free": 0, "handles_free": 0, "released_take": 0, "gc_collect": 0, "handles_live": 0,
          "dlpack_exported_live": 0}
_ENTRY_POINTS = ("abi_version", "last_error", "last_status", "op_id", "call", "call_t", "call_tt", "call_ts", "call_ti",
                 "grad_mode_set", "tensor_meta", "tensor_from_buffer", "tensor_to_dlpack", "tensor_from_dlpack")

forked = False


def _refuse(*args, **kwargs):
    raise RuntimeError(_MESSAGE)


def _quiet(result):
    return lambda *args, **kwargs: result


def _after_fork_in_child():
    global forked
    forked = True
    replacements = {}
    for name in _ENTRY_POINTS:
        if hasattr(_lib, name):
            replacements[id(getattr(_lib, name))] = _refuse
    for name, result in _QUIET.items():
        if hasattr(_lib, name):
            replacements[id(getattr(_lib, name))] = _quiet(result)
    # Fast paths bind some entry points as module globals (_tensor_math._call_t, ...): replace every binding.
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name == "bridge" or module_name.startswith("bridge.")):
            continue
        namespace = getattr(module, "__dict__", {})
        for key, value in list(namespace.items()):
            replacement = replacements.get(id(value))
            if replacement is not None:
                namespace[key] = replacement


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
