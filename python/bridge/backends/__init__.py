"""bridge.backends: what the engine chose for this machine (torch.backends' names)."""

from . import cpu
from . import cuda, cudnn

__all__ = ["cpu", "cuda", "cudnn"]
