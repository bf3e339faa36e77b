#!/usr/bin/python3
"""The peer side of GemmBest: torch.matmul, best of many short samples, same sizes and layouts.

    LD_LIBRARY_PATH=bench/.cache/openblas/x/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/gemm-best/torch_best.py 1 f32 nn,tn,nt 64 128 256 512 1024 2048
"""
import sys
import time

import torch

threads, dt, layouts, sizes = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(","), [int(s) for s in sys.argv[4:]]
torch.set_num_threads(threads)
dtype = torch.float64 if dt == "f64" else torch.float32
for n in sizes:
    for lay in layouts:
        torch.manual_seed(0)
        a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
        if lay[0] == "t":
            a = a.t()
        if lay[1] == "t":
            b = b.t()
        flops = 2.0 * n ** 3
        reps = max(1, int(2e7 / flops))
        for _ in range(3):
            torch.matmul(a, b)
        best = float("inf")
        for _ in range(12 if n >= 2048 else 50 if n >= 1024 else 300):
            t0 = time.perf_counter()
            for _ in range(reps):
                torch.matmul(a, b)
            best = min(best, (time.perf_counter() - t0) / reps)
        print(f"{dt} n={n:5d} {lay} {threads}t: {flops / best / 1e9:7.1f} GFLOP/s")
