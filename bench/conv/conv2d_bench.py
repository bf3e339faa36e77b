"""conv2d forward + backward (input, weight and bias gradients), Bridge from Python vs PyTorch, float32.
Interleaved rounds in one process, medians; 1 and 2 threads. Usage:
    /usr/bin/python3 bench/conv/conv2d_bench.py [--rounds 5] [--bridge-path python]"""

import argparse
import statistics
import sys
import time

SHAPES = [  # (name, N, C, H, W, OC, K, padding)
    ("LeNet conv2: 64x6x14x14 -> 16, 5x5", 64, 6, 14, 14, 16, 5, 0),
    ("mnist example conv2: 64x32x26x26 -> 64, 3x3", 64, 32, 26, 26, 64, 3, 0),
    ("ResNet block: 16x64x32x32 -> 64, 3x3 pad 1", 16, 64, 32, 32, 64, 3, 1),
]


def step_time(lib, n, c, h, w, oc, k, pad, reps):
    torch_like = lib
    x = torch_like.rand(n, c, h, w).requires_grad_()
    weight = torch_like.rand(oc, c, k, k).requires_grad_()
    bias = torch_like.rand(oc).requires_grad_()
    F = torch_like.nn.functional

    def once():
        y = F.conv2d(x, weight, bias, padding=pad)
        y.sum().backward()
        x.grad = None
        weight.grad = None
        bias.grad = None

    once()
    best = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(reps):
            once()
        best.append((time.perf_counter() - start) / reps)
    return min(best)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bridge-path", default=None)
    args = ap.parse_args()
    if args.bridge_path:
        sys.path.insert(0, args.bridge_path)
    import torch
    import bridge
    rows = []
    for name, n, c, h, w, oc, k, pad in SHAPES:
        flops = 3 * 2 * n * oc * c * k * k * (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)  # fwd + 2 bwd GEMMs
        reps = max(1, int(2e9 / flops))
        cells = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            bridge.set_num_threads(threads)
            times = {"torch": [], "bridge": []}
            for r in range(args.rounds):
                for lib in ((torch, bridge) if r % 2 == 0 else (bridge, torch)):
                    times[lib.__name__].append(step_time(lib, n, c, h, w, oc, k, pad, reps))
            t, b = statistics.median(times["torch"]), statistics.median(times["bridge"])
            cells.append((t, b))
        rows.append((name, cells, flops))
        print(name, cells, flush=True)
    print()
    print("| conv2d forward+backward, float32 | PyTorch 1.13 (ms, 1 / 2 threads) | Bridge (ms, 1 / 2 threads) | Bridge GFLOP/s (1 / 2) | PyTorch time / Bridge time (1 / 2) |")
    print("|---|---|---|---|---|")
    for name, cells, flops in rows:
        (t1, b1), (t2, b2) = cells
        print(f"| {name} | {t1 * 1e3:.2f} / {t2 * 1e3:.2f} | {b1 * 1e3:.2f} / {b2 * 1e3:.2f} | "
              f"{flops / b1 / 1e9:.0f} / {flops / b2 / 1e9:.0f} | {t1 / b1:.2f}x / {t2 / b2:.2f}x |")


if __name__ == "__main__":
    main()
