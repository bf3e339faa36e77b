"""bridge.backends.cpu: the CPU kernels' vector width, chosen at run time."""

from .._core import call


def get_cpu_capability() -> str:
    """The widest vector unit the CPU kernels use here: ``"AVX512"``, ``"AVX2"`` or ``"DEFAULT"`` (torch's names)."""
    return call("cpu_capability")


__all__ = ["get_cpu_capability"]
