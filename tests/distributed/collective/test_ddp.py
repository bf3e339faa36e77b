"""DistributedDataParallel over two ranks, each on half the batch, against one process on the whole batch: PyTorch
1.13 (the oracle) and Bridge itself without DDP, from the same initial parameters."""

import numpy as np
import pytest

import bridge as torch
import bridge.distributed as dist
from bridge.nn.parallel import DistributedDataParallel as DDP

try:
    import torch as real_torch
except ImportError:  # the Bridge baseline still runs
    real_torch = None

BATCH, STEPS, LR = 8, 3, 0.1


def make_model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                               torch.nn.Linear(16, 3))


def data():
    rng = np.random.default_rng(42)
    return rng.standard_normal((BATCH, 5)).astype(np.float32), rng.standard_normal((BATCH, 3)).astype(np.float32)


def params(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


def train_ddp(bucket_cap_mb=25):
    rank, size = dist.get_rank(), dist.get_world_size()
    model = make_model(seed=rank)  # different on each rank: wrapping must make them rank 0's
    ddp = DDP(model, bucket_cap_mb=bucket_cap_mb)
    start = params(model)
    x, y = data()
    share = slice(rank * BATCH // size, (rank + 1) * BATCH // size)
    opt = torch.optim.SGD(ddp.parameters(), lr=LR)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(ddp(torch.from_numpy(x[share])), torch.from_numpy(y[share]))
        loss.backward()
        opt.step()
    return start, params(model), ddp


def train_bridge_alone(start):
    model = make_model(seed=0)
    with torch.no_grad():
        for p, v in zip(model.parameters(), start):
            p.copy_(torch.from_numpy(v))
    x, y = data()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(STEPS):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        opt.step()
    return params(model)


def train_torch_alone(start):
    model = real_torch.nn.Sequential(real_torch.nn.Linear(5, 16), real_torch.nn.Tanh(), real_torch.nn.Linear(16, 16),
                                     real_torch.nn.Tanh(), real_torch.nn.Linear(16, 3))
    with real_torch.no_grad():
        for p, v in zip(model.parameters(), start):
            p.copy_(real_torch.from_numpy(v))
    x, y = data()
    opt = real_torch.optim.SGD(model.parameters(), lr=LR)
    for _ in range(STEPS):
        opt.zero_grad()
        real_torch.nn.functional.mse_loss(model(real_torch.from_numpy(x)), real_torch.from_numpy(y)).backward()
        opt.step()
    return [p.detach().numpy() for p in model.parameters()]


def gather_all(arrays):
    """Every rank's copy of each array (to check that replicas agree)."""
    size = dist.get_world_size()
    result = []
    for a in arrays:
        outs = [torch.zeros(*a.shape) for _ in range(size)]
        dist.all_gather(outs, torch.from_numpy(np.ascontiguousarray(a)))
        result.append([o.numpy() for o in outs])
    return result


@pytest.mark.parametrize("bucket_cap_mb", [25, 0.0001], ids=["one-bucket", "bucket-per-parameter"])
def test_ddp_half_batches_match_one_process_on_the_full_batch(bucket_cap_mb):
    start, final, ddp = train_ddp(bucket_cap_mb)
    replicas_start, replicas_final = gather_all(start), gather_all(final)
    bridge_alone = train_bridge_alone(start)
    for copies in replicas_start:  # broadcast at wrap time: every rank starts from rank 0's parameters
        np.testing.assert_array_equal(copies[1], copies[0])
    np.testing.assert_array_equal(start[0], params(make_model(seed=0))[0])
    for copies in replicas_final:
        np.testing.assert_array_equal(copies[1], copies[0])
    for got, want in zip(final, bridge_alone):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    if real_torch is not None:
        for got, want in zip(final, train_torch_alone(start)):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    buckets = torch._core.call("ddp_bucket_count", ddp._reducer)
    assert buckets == (1 if bucket_cap_mb == 25 else 6)  # 0.0001 MiB = 104 bytes: each parameter alone
    # Every bucket's all-reduce started from a gradient hook, while backward still ran, not after it.
    assert torch._core.call("ddp_buckets_started_during_backward", ddp._reducer) == buckets


def test_no_sync_accumulates_locally_then_averages_the_sum():
    rank, size = dist.get_rank(), dist.get_world_size()
    model = make_model(seed=3)
    ddp = DDP(model)
    start = params(model)
    x, y = data()
    a = slice(rank * 2, rank * 2 + 2)  # micro-batch A of this rank
    b = slice(4 + rank * 2, 4 + rank * 2 + 2)
    with ddp.no_sync():
        torch.nn.functional.mse_loss(ddp(torch.from_numpy(x[a])), torch.from_numpy(y[a])).backward()
    local = [p.grad.numpy().copy() for p in model.parameters()]
    torch.nn.functional.mse_loss(ddp(torch.from_numpy(x[b])), torch.from_numpy(y[b])).backward()
    averaged = [p.grad.numpy().copy() for p in model.parameters()]
    local_copies = gather_all(local)
    # The same sum from one process: the mean over ranks of (loss on A_r + loss on B_r).
    ref = make_model(seed=3)
    with torch.no_grad():
        for p, v in zip(ref.parameters(), start):
            p.copy_(torch.from_numpy(v))
    total = None
    for r in range(size):
        for s in (slice(r * 2, r * 2 + 2), slice(4 + r * 2, 4 + r * 2 + 2)):
            term = torch.nn.functional.mse_loss(ref(torch.from_numpy(x[s])), torch.from_numpy(y[s]))
            total = term if total is None else total + term
    (total / size).backward()
    assert not all(np.array_equal(c[0], c[1]) for c in local_copies)  # no_sync really did not reduce
    for got, p in zip(averaged, ref.parameters()):
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=0, atol=1e-6)


class TwoHeads(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.used = torch.nn.Linear(3, 2)
        self.unused = torch.nn.Linear(3, 2)
        self.register_buffer("running", torch.zeros(2))

    def forward(self, x):
        return self.used(x)


def test_unused_parameters_do_not_hang_and_buffers_come_from_rank_0():
    rank = dist.get_rank()
    torch.manual_seed(11)
    model = TwoHeads()
    model.running.fill_(float(rank + 5))
    ddp = DDP(model)
    running_after_wrap = model.running.numpy().copy()
    ddp(torch.ones(4, 3)).sum().backward()
    used_grad = model.used.weight.grad.numpy().copy()
    unused_grad = model.unused.weight.grad
    # The bucket holding the unused head can only start when backward ends, with zeros in its place.
    started_early = torch._core.call("ddp_buckets_started_during_backward", ddp._reducer)
    np.testing.assert_array_equal(running_after_wrap, [5.0, 5.0])
    np.testing.assert_array_equal(used_grad, np.full((2, 3), 4.0, np.float32))  # d(sum)/dW = batch of ones
    assert unused_grad is None or not unused_grad.numpy().any()
    assert started_early == 0  # one bucket (25 MiB) with the unused parameters in it


def test_a_backward_that_raises_before_any_gradient_leaves_ddp_usable():
    model = make_model(seed=0)
    ddp = DDP(model)
    dist.barrier()
    out = ddp(torch.ones(2, 5)).sum()
    out.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        out.backward()  # nothing reduced: the graph's buffers were freed before any hook ran
    ddp(torch.ones(2, 5)).sum().backward()  # the reducer is still consistent: this pass reduces normally
    np.testing.assert_array_equal(model[4].bias.grad.numpy(), np.full(3, 2 + 2, np.float32))  # 2 rows, 2 passes


def test_dropping_the_wrapper_removes_its_hooks():
    import gc
    rank = dist.get_rank()
    model = make_model(seed=0)
    ddp = DDP(model)
    del ddp
    gc.collect()
    model(torch.ones(2, 5) * (rank + 1)).sum().backward()  # alone again: no averaging
    copies = gather_all([model[4].weight.grad.numpy()])[0]
    assert not np.array_equal(copies[0], copies[1])
