/* Open MPI's own all-reduce cost, the floor Bridge's figure is compared with (osu_allreduce style): float32 sums in
 * place over MPI_COMM_WORLD, a barrier, then `iters` back-to-back calls timed with MPI_Wtime. Two forms:
 * "blocking" MPI_Allreduce, and "nonblocking" MPI_Iallreduce + MPI_Test with sched_yield, which is what Bridge does
 * (so that a timeout can interrupt it), so the gap to the second is Bridge's own overhead.
 * Usage: mpirun -np 2 allreduce BYTES ITERS   -> rank 0 prints "allreduce c-blocking BYTES S" and "... c-nonblocking ..." */
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static void iallreduce(float* buffer, int count) {
    MPI_Request request;
    int done = 0;
    MPI_Iallreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
    for (int spins = 0; !done; spins++) {
        MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (!done && spins > 64) sched_yield();
    }
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    long bytes = argc > 1 ? atol(argv[1]) : 4096;
    int iters = argc > 2 ? atoi(argv[2]) : 100, rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int count = (int)(bytes / sizeof(float));
    float* buffer = calloc((size_t)count, sizeof(float));
    for (int i = 0; i < 5; i++) MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    for (int i = 0; i < iters; i++) MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    double blocking = (MPI_Wtime() - start) / iters;
    for (int i = 0; i < 5; i++) iallreduce(buffer, count);
    MPI_Barrier(MPI_COMM_WORLD);
    start = MPI_Wtime();
    for (int i = 0; i < iters; i++) iallreduce(buffer, count);
    double nonblocking = (MPI_Wtime() - start) / iters;
    if (rank == 0) printf("allreduce c-blocking %ld %.9f\nallreduce c-nonblocking %ld %.9f\n", bytes, blocking, bytes, nonblocking);
    free(buffer);
    MPI_Finalize();
    return 0;
}
