"""The Python call (issue #22): PyTorch, Bridge through its CPython extension and Bridge through ctypes
(BRIDGE_PYTHON_EXTENSION=0), each in its own process, alternating, several rounds; prints medians and ratios.

Workloads: a 1-element add, seed-002's XOR training (20000 steps, bench/python/workloads.py) and one training step
of a small CNN (conv 1->4 3x3, ReLU, 2x2 max-pool, linear 100->10, cross-entropy, SGD), all at 1 thread.

Usage: python fastcall.py [--rounds N] [--clock wall|cpu] [--python PATH]  (internal: --worker RUNTIME)
"""

import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

RUNTIMES = {"torch": ("torch", {}), "bridge (extension)": ("bridge", {"BRIDGE_PYTHON_EXTENSION": "1"}),
            "bridge (ctypes)": ("bridge", {"BRIDGE_PYTHON_EXTENSION": "0"})}


# Wall-clock time by default; --clock cpu counts the process's CPU time instead (every thread's: the .NET GC's too),
# which stays fair on a machine shared with other jobs, where a process may get a fraction of a core.
clock = time.perf_counter


def per_call(fn, min_time=0.3):
    """Seconds per call: the best of 5 repeats of enough calls to fill min_time / 5."""
    n = 1
    while True:
        t0 = clock()
        for _ in range(n):
            fn()
        if clock() - t0 >= min_time / 5:
            break
        n *= 2
    best = float("inf")
    for _ in range(5):
        t0 = clock()
        for _ in range(n):
            fn()
        best = min(best, (clock() - t0) / n)
    return best


def cnn_step(torch):
    """One SGD step of a small CNN on a batch of 8 1x12x12 images (fixed data, fixed start)."""
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    conv, fc = nn.Conv2d(1, 4, 3), nn.Linear(4 * 5 * 5, 10)
    opt = torch.optim.SGD(list(conv.parameters()) + list(fc.parameters()), lr=0.01)
    x = torch.ones(8, 1, 12, 12) * 0.5
    y = torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])

    def step():
        opt.zero_grad()
        h = F.max_pool2d(F.relu(conv(x)), 2)
        loss = F.cross_entropy(fc(h.reshape(8, -1)), y)
        loss.backward()
        opt.step()
    return step


def worker(module, clock_name):
    global clock
    from workloads import xor_training
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    torch = importlib.import_module(module)
    torch.set_num_threads(1)
    a, b = torch.ones(1), torch.ones(1)
    out = {"a + b, 1 element": per_call(lambda: a + b)}
    t0 = clock()
    xor_training(torch, 20000)
    out["XOR training, 20000 steps"] = clock() - t0
    out["small CNN training step"] = per_call(cnn_step(torch))
    if module == "bridge":
        from bridge import _fast
        out["_extension"] = _fast.enabled()
    print(json.dumps(out))


def fmt(seconds):
    if seconds >= 0.1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-4:
        return f"{seconds * 1e3:.3f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("--worker")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker, args.clock)
    runs = {name: [] for name in RUNTIMES}
    names = list(RUNTIMES)
    for r in range(args.rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            module, env = RUNTIMES[name]
            res = subprocess.run([args.python, os.path.abspath(__file__), "--worker", module, "--clock", args.clock],
                                 capture_output=True,
                                 text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1", **env})
            runs[name].append(json.loads(res.stdout.strip().splitlines()[-1]))
            print(f"round {r + 1} {name} done", file=sys.stderr, flush=True)
    assert all(x["_extension"] for x in runs["bridge (extension)"]), "the extension did not load"
    assert not any(x["_extension"] for x in runs["bridge (ctypes)"])
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"`{args.python} bench/python/fastcall.py --rounds {args.rounds} --clock {args.clock}` on {cpu}, "
          f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}; medians of "
          f"{args.rounds} interleaved rounds, one process per runtime and round, 1 thread, "
          f"{'CPU' if args.clock == 'cpu' else 'wall-clock'} time. Ratio = Bridge time / PyTorch time "
          "(< 1: Bridge is faster).\n")
    print("| workload | PyTorch 1.13 | Bridge, extension | ratio | Bridge, ctypes | ratio |")
    print("|---|---|---|---|---|---|")
    for k in (k for k in runs["torch"][0] if not k.startswith("_")):
        t, e, c = (statistics.median(x[k] for x in runs[n]) for n in names)
        print(f"| {k} | {fmt(t)} | {fmt(e)} | {e / t:.2f}x | {fmt(c)} | {c / t:.2f}x |")


if __name__ == "__main__":
    main()
