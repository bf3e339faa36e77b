"""Only rank 0 calls all_reduce on a group with a 2 s timeout; it catches the error, reports it and both exit 0."""
import datetime

import bridge as torch
import bridge.distributed as dist

dist.init_process_group("mpi")
group = dist.new_group([0, 1], timeout=datetime.timedelta(seconds=2))
if dist.get_rank() == 0:
    try:
        dist.all_reduce(torch.ones(3), group=group)
    except RuntimeError as e:
        print("CAUGHT:", e, flush=True)
dist.barrier()
print(f"rank {dist.get_rank()} done", flush=True)
