"""The issue's check, as a user would write it: all_reduce and broadcast give the right sums on both ranks, and
3 DistributedDataParallel steps on half batches end on the parameters of 3 plain steps on the full batch."""
import numpy as np

import bridge as torch
import bridge.distributed as dist
from bridge.nn.parallel import DistributedDataParallel

dist.init_process_group("mpi")
rank, size = dist.get_rank(), dist.get_world_size()
t = torch.tensor([float(rank + 1)] * 4)
dist.all_reduce(t)
assert t.tolist() == [size * (size + 1) / 2] * 4, t
b = torch.tensor([float(rank * 10)])
dist.broadcast(b, src=size - 1)
assert b.item() == (size - 1) * 10

N = 12  # divisible by 2 and 3: equal shards, so the mean of shard means is the full-batch mean
x = torch.from_numpy(np.linspace(-1, 1, N * 5, dtype=np.float32).reshape(N, 5))
y = torch.from_numpy(np.cos(np.arange(N * 2, dtype=np.float32)).reshape(N, 2))


def model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2))


def train(net, inputs, targets):
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(inputs), targets).backward()
        opt.step()


plain = model()
train(plain, x, y)
ddp = DistributedDataParallel(model())
half = slice(rank * N // size, (rank + 1) * N // size)
train(ddp, x[half], y[half])
worst = max(float((p - q).abs().max().item()) for p, q in zip(ddp.module.parameters(), plain.parameters()))
assert worst <= 1e-6, worst
print(f"CHECK rank {rank}/{size}: sums right, DDP within {worst:.1e} of one process", flush=True)
