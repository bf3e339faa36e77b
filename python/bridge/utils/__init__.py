"""bridge.utils: the parts of torch.utils that Bridge provides."""

from . import data

__all__ = ["data"]
