"""Unary float transcendental ops on 1M elements (ms per call, 1 thread, mean of 50 calls after a warm-up), for one
runtime: run it under PyTorch and under Bridge (before and after the SLEEF port) and compare.

    /usr/bin/python3 bench/torchmath/probe.py torch
    .venv/bin/python bench/torchmath/probe.py bridge
"""
import sys
import time

if sys.argv[1:] == ["bridge"]:
    import bridge as torch
else:
    import torch
torch.set_num_threads(1)
torch.manual_seed(0)


def ms(body, n=50):
    body()
    start = time.perf_counter()
    for _ in range(n):
        body()
    return (time.perf_counter() - start) / n * 1e3


x32 = torch.rand(1 << 20) * 6 - 3
p32 = torch.rand(1 << 20) * 10 + 0.01
x64 = x32.double()
out = torch.empty(1 << 20)
for name, x in [("sin", x32), ("exp", x32), ("tanh", x32), ("log", p32), ("sigmoid", x32), ("sinh", x32)]:
    fn = getattr(torch, name)
    print(f"{name} float32 1M: {ms(lambda: fn(x)):.3f}")
for name, x in [("exp", x64), ("tanh", x64)]:
    fn = getattr(torch, name)
    print(f"{name} float64 1M: {ms(lambda: fn(x)):.3f}")
