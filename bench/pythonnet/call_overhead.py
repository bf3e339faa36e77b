"""Per-call overhead from Python, side by side in one run: a 1-element add and from_numpy of 4 B vs 64 MiB,
through `import bridge` (the NativeAOT C ABI over ctypes), `bridge.clr` (the managed engine through pythonnet)
and PyTorch 1.13 (the reference). Prints a Markdown table; medians of 7 timeit repeats.

    .venv/bin/python bench/pythonnet/call_overhead.py
"""

import statistics
import timeit

import numpy as np
import torch

import bridge
import bridge.clr as bclr
from Bridge import Torch


def per_call_us(stmt, number):
    runs = timeit.repeat(stmt, number=number, repeat=7)
    return statistics.median(runs) / number * 1e6


small, big = np.zeros(1, dtype=np.float32), np.zeros(16 << 20, dtype=np.float32)
a, b = bridge.ones(1), bridge.ones(1)
ca, cb = Torch.Ones(1), Torch.Ones(1)
ta, tb = torch.ones(1), torch.ones(1)

rows = [
    ("1-element add `a + b`", lambda: a + b, lambda: ca + cb, lambda: ta + tb, 5_000),
    ("from_numpy, 4 B", lambda: bridge.from_numpy(small), lambda: bclr.from_numpy(small),
     lambda: torch.from_numpy(small), 5_000),
    ("from_numpy, 64 MiB", lambda: bridge.from_numpy(big), lambda: bclr.from_numpy(big),
     lambda: torch.from_numpy(big), 5_000),
    ("to_numpy / .numpy(), 4 B", lambda: a.numpy(), lambda: bclr.to_numpy(ca), lambda: ta.numpy(), 5_000),
]

print(f"numpy {np.__version__}, torch {torch.__version__}")
print("| call | `import bridge` (C ABI) | `bridge.clr` (pythonnet) | PyTorch 1.13 |")
print("|---|---:|---:|---:|")
for name, c_abi, clr, reference, number in rows:
    cells = [f"{per_call_us(f, number):.2f} µs" for f in (c_abi, clr, reference)]
    print(f"| {name} | " + " | ".join(cells) + " |")
