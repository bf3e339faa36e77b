"""torch.utils.data.distributed.DistributedSampler over the engine's (the same shards torch draws)."""

from ... import distributed as _dist
from ..._core import call


class DistributedSampler:
    """Each rank's share of a dataset's indices: a permutation seeded with seed + epoch (torch.randperm, bit for bit),
    padded with its own head to a multiple of num_replicas (or cut, with drop_last), rank r taking every
    num_replicas-th index from r. Call set_epoch(e) at the start of each epoch for a new shuffle."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None:
            if not _dist.is_initialized():
                raise RuntimeError("Requires distributed package to be available")
            num_replicas = _dist.get_world_size()
        if rank is None:
            if not _dist.is_initialized():
                raise RuntimeError("Requires distributed package to be available")
            rank = _dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = -(-(n - num_replicas) // num_replicas)
        else:
            self.num_samples = -(-n // num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        indices = call("sampler_indices", len(self.dataset), self.num_replicas, self.rank, self.shuffle,
                       int(self.seed), self.drop_last, self.epoch)
        assert len(indices) == self.num_samples
        return iter(indices)

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Sets the epoch that seeds the next shuffle (``seed + epoch``); call it before each epoch."""
        self.epoch = epoch
