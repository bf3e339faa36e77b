"""bridge.utils.data: DistributedSampler (torch.utils.data's)."""

from .distributed import DistributedSampler

__all__ = ["DistributedSampler"]
