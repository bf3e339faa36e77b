"""Rank 1 is killed (SIGKILL: no exception, no exit handler) while rank 0 waits in an all_reduce with the default
30-minute timeout: mpirun must notice and end the job."""
import os
import signal

import bridge as torch
import bridge.distributed as dist

dist.init_process_group("mpi")
if dist.get_rank() == 1:
    os.kill(os.getpid(), signal.SIGKILL)
dist.all_reduce(torch.ones(3))
print("rank 0 should never get here", flush=True)
