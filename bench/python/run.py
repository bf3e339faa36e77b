"""Runs workloads.py for PyTorch and for Bridge in alternating processes, several rounds, and writes the
medians and ratios to bench/PYTHON.md. Usage: python run.py [--rounds N] [--python PATH]"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(seconds):
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-4:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.0f} ns"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "PYTHON.md"))
    args = ap.parse_args()
    runs = {"torch": [], "bridge": []}
    for r in range(args.rounds):
        for runtime in ("torch", "bridge") if r % 2 == 0 else ("bridge", "torch"):
            res = subprocess.run([args.python, os.path.join(HERE, "workloads.py"), "--runtime", runtime],
                                 capture_output=True, text=True, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
            runs[runtime].append(json.loads(res.stdout.strip().splitlines()[-1]))
            print(f"round {r + 1} {runtime} done", flush=True)
    keys = [k for k in runs["torch"][0] if not k.startswith("_")]
    lines = ["# Bridge from Python vs PyTorch from Python", "",
             f"Command: `{os.path.relpath(args.python)} bench/python/run.py --rounds {args.rounds}` "
             f"({datetime.date.today()}, {os.cpu_count()} cores, 1 thread; medians of {args.rounds} interleaved "
             "rounds, each runtime in its own process). Lower is better; ratio = PyTorch / Bridge (> 1: Bridge is faster).",
             "", "| workload | PyTorch 1.13 | Bridge | ratio |", "|---|---|---|---|"]
    for k in keys:
        t = statistics.median(x[k] for x in runs["torch"])
        b = statistics.median(x[k] for x in runs["bridge"])
        lines.append(f"| {k} | {fmt(t)} | {fmt(b)} | {t / b:.2f}x |")
    losses = (runs["torch"][0]["_xor_final_loss"], runs["bridge"][0]["_xor_final_loss"])
    lines += ["", f"XOR final loss: PyTorch {losses[0]!r}, Bridge {losses[1]!r} (same computation, checked by the "
              "parity suite to the bit).", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
