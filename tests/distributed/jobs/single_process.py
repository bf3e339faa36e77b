"""Without mpirun: MPI starts as a singleton (rank 0 of 1), and collectives are the identity."""
import bridge as torch
import bridge.distributed as dist

dist.init_process_group("mpi")
t = torch.tensor([1.0, 2.0])
dist.all_reduce(t)
dist.broadcast(t, src=0)
print("SINGLE", dist.get_rank(), dist.get_world_size(), t.tolist(), flush=True)
dist.destroy_process_group()
print("DESTROYED", dist.is_initialized(), flush=True)
