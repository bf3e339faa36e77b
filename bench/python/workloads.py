"""Python-side workloads of issue #6, timed in one process for one runtime (torch or bridge).

Prints one JSON object: workload -> seconds (per op or per run). run.py interleaves processes of both
runtimes and takes medians.
"""

import argparse
import importlib
import json
import time

import numpy as np


def per_call(fn, min_time=0.2):
    """Median-free but repeated timing: seconds per call over enough calls to fill min_time."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return dt / n
        n *= 4


def xor_training(torch, steps=20000, lr=0.01):
    """Seed 002's XOR net, batch 1, manual SGD, as the parity case runs it."""
    x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
    y = torch.tensor([0, 1, 1, 0], dtype=torch.float32)
    w1 = torch.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True)
    b1 = torch.tensor([0.2, -0.2], requires_grad=True)
    w2 = torch.tensor([[0.1], [-0.4]], requires_grad=True)
    b2 = torch.tensor([0.0], requires_grad=True)
    params = [w1, b1, w2, b2]
    t0 = time.perf_counter()
    for step in range(steps):
        i = step % 4
        for p in params:
            if p.grad is not None:
                p.grad.zero_()
        hidden = torch.relu(torch.matmul(x[i], w1) + b1)
        loss = (y[i] - torch.sigmoid(torch.matmul(hidden, w2) + b2)) ** 2
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
    return time.perf_counter() - t0, float(loss.item())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", choices=("torch", "bridge"), required=True)
    ap.add_argument("--xor-steps", type=int, default=20000)
    args = ap.parse_args()
    torch = importlib.import_module(args.runtime)
    torch.set_num_threads(1) if hasattr(torch, "set_num_threads") else None
    out = {}

    small = np.ones(1, dtype=np.float32)
    large = np.ones(16 * 1024 * 1024, dtype=np.float32)  # 64 MiB
    out["from_numpy 1 element"] = per_call(lambda: torch.from_numpy(small))
    out["from_numpy 64 MiB"] = per_call(lambda: torch.from_numpy(large))
    ts, tl = torch.from_numpy(small), torch.from_numpy(large)
    out[".numpy() 1 element"] = per_call(lambda: ts.numpy())
    out[".numpy() 64 MiB"] = per_call(lambda: tl.numpy())

    a, b = torch.ones(1), torch.ones(1)
    out["a + b, 1 element"] = per_call(lambda: a + b)
    w = torch.tensor(2.0, requires_grad=True)
    x = torch.tensor(1.0, requires_grad=True)
    c = torch.tensor(0.5, requires_grad=True)

    def forward_backward():
        torch.sigmoid(w * x + c).backward()
    out["sigmoid(w*x+b) forward+backward"] = per_call(forward_backward)
    seconds, loss = xor_training(torch, args.xor_steps)
    out[f"XOR training, {args.xor_steps} steps"] = seconds
    out["_xor_final_loss"] = loss
    print(json.dumps(out))


if __name__ == "__main__":
    main()
