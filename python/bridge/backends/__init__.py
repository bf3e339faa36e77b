"""bridge.backends: what the engine chose for this machine (torch.backends' names)."""

from . import cpu

__all__ = ["cpu"]
