"""bridge.backends.cuda: torch.backends.cuda's switches. Bridge's CUDA matrix products always compute in the
tensors' own precision (no TF32, no reduced-precision reductions), so the switches are kept for programs that set
or read them and change nothing."""

from .. import cuda as _cuda


def is_built():
    """Whether this build has a CUDA backend (Bridge always does; ``bridge.cuda.is_available()`` says if it can run)."""
    return True


class cuBLASModule:
    """``torch.backends.cuda.matmul``: the cuBLAS switches, as settable attributes."""
    _defaults = {"allow_tf32": False, "allow_fp16_reduced_precision_reduction": True,
                 "allow_bf16_reduced_precision_reduction": True}

    def __init__(self):
        object.__setattr__(self, "_values", dict(self._defaults))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AssertionError("Unknown attribute " + name)  # torch raises AssertionError here, not AttributeError

    def __setattr__(self, name, value):
        if name not in self._defaults:
            raise AssertionError("Unknown attribute " + name)  # torch raises AssertionError here, not AttributeError
        self._values[name] = bool(value)


matmul = cuBLASModule()

__all__ = ["is_built", "matmul", "cuBLASModule"]
del _cuda
