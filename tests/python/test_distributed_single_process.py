"""bridge.distributed in one plain process (no mpirun): backends that are not there say so clearly, nothing is
initialised by accident, and DistributedSampler draws torch's exact shards. The collectives themselves run under
mpirun in tests/distributed (scripts/test-distributed.sh)."""

import os
import subprocess
import sys

import pytest
import torch
import torch.utils.data.distributed as torch_data

import bridge
import bridge.distributed as dist
from bridge.utils.data import DistributedSampler


def test_nccl_without_a_gpu_is_not_available():
    if dist.is_nccl_available():
        pytest.skip("libnccl.so.2 is installed here: the not-available path cannot be observed")
    with pytest.raises(RuntimeError, match="backend 'nccl' is not available: libnccl.so.2 not found"):
        dist.init_process_group(backend="nccl")
    assert not dist.is_initialized()


def test_unknown_and_missing_backends_raise_clearly():
    with pytest.raises(RuntimeError, match="backend 'gloo' is not available in Bridge"):
        dist.init_process_group(backend="gloo")
    with pytest.raises(RuntimeError, match="Invalid backend: 'tcp'"):
        dist.init_process_group(backend="tcp")
    assert not dist.is_initialized()


def test_calls_before_init_name_the_problem():
    with pytest.raises(RuntimeError, match="Default process group has not been initialized"):
        dist.get_rank()
    with pytest.raises(RuntimeError, match="Default process group has not been initialized"):
        dist.all_reduce(bridge.ones(2))
    with pytest.raises(RuntimeError, match="Default process group has not been initialized"):
        bridge.nn.parallel.DistributedDataParallel(bridge.nn.Linear(2, 2))


def test_mpi_library_missing_is_not_available_and_not_a_crash():
    code = ("import bridge.distributed as d\n"
            "print('AVAILABLE', d.is_mpi_available())\n"
            "try:\n    d.init_process_group('mpi')\nexcept RuntimeError as e:\n    print('ERROR', e)\n")
    env = dict(os.environ, BRIDGE_MPI_LIBRARY="/nonexistent/libmpi.so.40")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "AVAILABLE False" in out.stdout
    assert "ERROR backend 'mpi' is not available: /nonexistent/libmpi.so.40 not found" in out.stdout


class Dataset:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


@pytest.mark.parametrize("n", [0, 1, 7, 10, 33, 100])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_draws_torch_shards(n, replicas, shuffle, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(Dataset(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=5,
                                  drop_last=drop_last)
        theirs = torch_data.DistributedSampler(Dataset(n), num_replicas=replicas, rank=rank, shuffle=shuffle,
                                               seed=5, drop_last=drop_last)
        for epoch in (0, 1, 7):
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs), (rank, epoch)
            assert len(ours) == len(theirs)


def test_distributed_sampler_rejects_bad_rank_like_torch():
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(Dataset(4), num_replicas=2, rank=2)
