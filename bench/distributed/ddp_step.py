"""Time per data-parallel training step of an MLP 784-256-256-10 (SGD, cross-entropy), global batch split over the
ranks, one thread per rank: Bridge's DistributedDataParallel over Open MPI, or PyTorch's over gloo; "bridge-local"
is the same step without DDP (each rank alone on its share), which separates communication from the machine's load.
Usage: mpirun -np N python ddp_step.py bridge|bridge-local|torch [GLOBAL_BATCH] [STEPS] -> rank 0 prints
"ddp <impl> <ranks> <median seconds per step>"."""
import os
import statistics
import sys
import time

import numpy as np

impl = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 512
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 40
if impl == "torch":
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=os.environ.get("BENCH_PORT", "29512"),
                      RANK=os.environ["OMPI_COMM_WORLD_RANK"], WORLD_SIZE=os.environ["OMPI_COMM_WORLD_SIZE"])
    dist.init_process_group("gloo")
else:
    import bridge as torch
    import bridge.distributed as dist
    from bridge.nn.parallel import DistributedDataParallel as DDP
    dist.init_process_group("mpi")
torch.set_num_threads(1)
rank, size = dist.get_rank(), dist.get_world_size()
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(),
                          torch.nn.Linear(256, 10))
model = net if impl == "bridge-local" else DDP(net)
opt = torch.optim.SGD(model.parameters(), lr=0.01)
rng = np.random.default_rng(rank)
x = torch.from_numpy(rng.standard_normal((batch // size, 784)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 10, batch // size).astype(np.int64))
times = []
for step in range(steps + 5):
    dist.barrier()
    start = time.perf_counter()
    opt.zero_grad()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
    if step >= 5:
        times.append(time.perf_counter() - start)
if rank == 0:
    print("ddp", impl, size, f"{statistics.median(times):.6f}", flush=True)
