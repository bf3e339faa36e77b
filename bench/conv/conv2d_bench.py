"""conv2d forward + backward (input, weight and bias gradients), Bridge from Python vs PyTorch, float32, one thread.
Interleaved rounds in one process, medians of the process's CPU time per step (on a shared, overloaded VM wall time
measures the neighbours; CPU time at one thread is the work each runtime does). Usage:
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
        start = time.process_time()
        for _ in range(reps):
            once()
        best.append((time.process_time() - start) / reps)
    return min(best)


def child(runtime, bridge_path):
    """One runtime in its own process (the other's threads and JIT never run inside a measurement)."""
    import json
    if bridge_path:
        sys.path.insert(0, bridge_path)
    lib = __import__(runtime)
    lib.set_num_threads(1)
    out = {}
    for name, n, c, h, w, oc, k, pad in SHAPES:
        flops = 3 * 2 * n * oc * c * k * k * (h + 2 * pad - k + 1) * (w + 2 * pad - k + 1)  # fwd + 2 bwd GEMMs
        out[name] = (step_time(lib, n, c, h, w, oc, k, pad, max(1, int(1e9 / flops))), flops)
    print(json.dumps(out))


def main():
    import json
    import subprocess
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--bridge-path", default=None)
    ap.add_argument("--child", default=None)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.bridge_path)
    times = {"torch": [], "bridge": []}
    for r in range(args.rounds):
        for runtime in (("torch", "bridge") if r % 2 == 0 else ("bridge", "torch")):
            cmd = [sys.executable, __file__, "--child", runtime] + (["--bridge-path", args.bridge_path] if args.bridge_path else [])
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            times[runtime].append(json.loads(res.stdout.strip().splitlines()[-1]))
    print("| conv2d forward+backward, float32, 1 thread | PyTorch 1.13 (CPU ms) | Bridge (CPU ms) | PyTorch GFLOP/s | Bridge GFLOP/s | PyTorch time / Bridge time |")
    print("|---|---|---|---|---|---|")
    for name, *_ in SHAPES:
        flops = times["torch"][0][name][1]
        t = statistics.median(run[name][0] for run in times["torch"])
        b = statistics.median(run[name][0] for run in times["bridge"])
        print(f"| {name} | {t * 1e3:.2f} | {b * 1e3:.2f} | {flops / t / 1e9:.0f} | {flops / b / 1e9:.0f} | {t / b:.2f}x |")


if __name__ == "__main__":
    main()
