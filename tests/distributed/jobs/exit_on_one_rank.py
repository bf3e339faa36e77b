"""Rank 1 exits with status 3 while rank 0 waits in an all_reduce: rank 0's timeout (5 s) must end the job."""
import datetime
import sys

import bridge as torch
import bridge.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=5))
if dist.get_rank() == 1:
    sys.exit(3)
dist.all_reduce(torch.ones(3))
print("rank 0 should never get here", flush=True)
