"""Writes <op>.bin: torch 1.13's float32 results (little-endian bit patterns) for the inputs TorchExactMathTests
builds, x[i] = low + (high - low) * ((i * 7919) % 1000) / 1000 in float64 rounded to float32, with the specials
below at fixed positions. Run with Debian's /usr/bin/python3 (torch 1.13): python3 generate.py"""

import numpy as np
import torch

N = 523  # 32 vectors and a tail of 11: both of torch's loops and their tails
OPS = {"sin": (-10, 10), "cos": (-10, 10), "tan": (-3, 3), "asin": (-1, 1), "acos": (-1, 1), "atan": (-20, 20),
       "exp": (-90, 90), "expm1": (-20, 20), "log": (0, 100), "log2": (0, 100), "log10": (0, 100),
       "log1p": (-1, 100), "tanh": (-10, 10), "sinh": (-10, 10), "cosh": (-10, 10), "sigmoid": (-20, 20)}
SPECIALS = [0.0, -0.0, float("inf"), float("-inf"), 1e-45, 1e6, -123456.7, 88.7, 1.0, -1.0, 300.0]

torch.set_num_threads(1)
for name, (low, high) in OPS.items():
    i = np.arange(N, dtype=np.int64)
    x = (low + (high - low) * ((i * 7919) % 1000) / 1000.0).astype(np.float32)
    for k, s in enumerate(SPECIALS):
        x[k * 47 + 3] = np.float32(s)
    y = getattr(torch, name)(torch.from_numpy(x)).numpy()
    y.astype("<f4").tofile(f"{name}.bin")
