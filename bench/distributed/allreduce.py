"""All-reduce cost from Python: bridge.distributed (Open MPI through the engine) or torch.distributed (gloo), the
same loop as allreduce.c. Usage: mpirun -np 2 python allreduce.py bridge|torch BYTES:ITERS ... -> rank 0 prints
"allreduce <impl> BYTES SECONDS_PER_CALL" per size."""
import os
import sys
import time

impl, sizes = sys.argv[1], [tuple(map(int, s.split(":"))) for s in sys.argv[2:]]
if impl == "torch":
    import torch
    import torch.distributed as dist
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=os.environ.get("BENCH_PORT", "29511"),
                      RANK=os.environ["OMPI_COMM_WORLD_RANK"], WORLD_SIZE=os.environ["OMPI_COMM_WORLD_SIZE"])
    dist.init_process_group("gloo")
else:
    import bridge as torch
    import bridge.distributed as dist
    dist.init_process_group("mpi")
torch.set_num_threads(1)
for nbytes, iters in sizes:
    t = torch.zeros(nbytes // 4)
    for _ in range(5):
        dist.all_reduce(t)
    dist.barrier()
    start = time.perf_counter()
    for _ in range(iters):
        dist.all_reduce(t)
    seconds = (time.perf_counter() - start) / iters
    if dist.get_rank() == 0:
        print("allreduce", impl, nbytes, f"{seconds:.9f}", flush=True)
