"""Seed-002's XOR training (20000 steps) and the scalar forward+backward, eager and compiled, beside torch.

Run with the package's interpreter for bridge (``.venv/bin/python bench/compile/xor_scalar.py bridge``) and with
/usr/bin/python3 for torch (``... torch``); prints one JSON line per figure. The loop is the one of
bench/Bridge.Bench (Workloads.XorSteps): the same data, parameters, order of samples and manual SGD update.
"""

import json
import sys
import time


def xor(lib, steps, compiled):
    x = lib.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = lib.tensor([0.0, 1.0, 1.0, 0.0])
    w1 = lib.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True)
    b1 = lib.tensor([0.2, -0.2], requires_grad=True)
    w2 = lib.tensor([[0.1], [-0.4]], requires_grad=True)
    b2 = lib.tensor([0.0], requires_grad=True)
    ps = [w1, b1, w2, b2]

    def step(xi, yi):
        for p in ps:
            if p.grad is not None:
                p.grad.data.zero_()
        hidden = lib.relu(xi @ w1 + b1)
        output = lib.sigmoid(hidden @ w2 + b2)
        loss = (yi - output).pow(2)
        loss.backward()
        with lib.no_grad():
            for p in ps:
                p -= 0.01 * p.grad

    if compiled:
        step = lib.compile(step)
    for i in range(steps):
        step(x[i % 4], y[i % 4])


def scalar(lib, compiled, seconds=0.5):
    w = lib.tensor(0.5, requires_grad=True)
    b = lib.tensor(0.1, requires_grad=True)
    x = lib.tensor(2.0)

    def step():
        lib.sigmoid(w * x + b).backward()

    if compiled:
        step = lib.compile(step)
    for _ in range(1000):
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(1000):
            step()
        n += 1000
    return (time.perf_counter() - start) / n * 1e6


def main():
    which = sys.argv[1]
    if which == "torch":
        import torch as lib
        modes = [False]
    else:
        import bridge as lib
        modes = [False, True]
    lib.set_num_threads(1)
    for compiled in modes:
        tag = f"{which}{'-compiled' if compiled else ''}"
        start, cpu = time.perf_counter(), time.process_time()
        xor(lib, 20000, compiled)
        print(json.dumps({"runtime": tag, "workload": "xor_20000", "value": time.perf_counter() - start, "unit": "s"}))
        # Process CPU time of the same run (all threads): robust to other processes' load on a shared machine.
        print(json.dumps({"runtime": tag, "workload": "xor_20000_cpu", "value": time.process_time() - cpu, "unit": "s"}))
        print(json.dumps({"runtime": tag, "workload": "scalar_fwd_bwd", "value": scalar(lib, compiled), "unit": "us"}))


if __name__ == "__main__":
    main()
