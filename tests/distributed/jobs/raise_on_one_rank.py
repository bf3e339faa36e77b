"""Rank 1 raises while rank 0 waits in an all_reduce with torch's default 30-minute timeout: the job must end at once."""
import bridge as torch
import bridge.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    raise ValueError("rank 1 failed on purpose")
dist.all_reduce(torch.ones(3))
print("rank 0 should never get here", flush=True)
