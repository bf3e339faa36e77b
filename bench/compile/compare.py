"""Torch.Compile side by side: eager, compiled with fused chains, compiled without them, Python, torch; interleaved.

Usage (from the repository root, after `dotnet build bench/Bridge.Bench -c Release` and `bash scripts/python-package.sh`):

    /usr/bin/python3 bench/compile/compare.py --rounds 3 [--out results.jsonl]

Each round runs, one after the other: the C# bench's XOR and scalar workloads (eager and compiled), the same
compiled ones with fusion off (BRIDGE_COMPILE_FUSION=0: the trace's kernels replayed one by one),
bench/compile/xor_scalar.py with bridge (eager and bridge.compile) and with torch; with --baseline, first another
build's C# bench (tagged -baseline). Prints the load average before
each run and, at the end, the median of every figure over the rounds.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, "bench/Bridge.Bench/bin/Release/net10.0/Bridge.Bench.dll")
VENV_PY = os.path.join(ROOT, ".venv/bin/python")


def runs(baseline):
    """The commands of one round: (tag suffix, argv, extra environment)."""
    if baseline:
        yield "-baseline", ["dotnet", baseline, "--only", "^(xor_20000|scalar_fwd_bwd)", "--threads", "1"], {}
    yield "", ["dotnet", BENCH, "--only", "^(xor_20000|scalar_fwd_bwd)", "--threads", "1"], {}
    # The same workloads in the same order, so both runs JIT-compile the eager paths before their compiled runs.
    yield "-unfused", ["dotnet", BENCH, "--only", "^(xor_20000|scalar_fwd_bwd)", "--threads", "1"], {"BRIDGE_COMPILE_FUSION": "0"}
    if os.path.exists(VENV_PY):
        yield "", [VENV_PY, os.path.join(ROOT, "bench/compile/xor_scalar.py"), "bridge"], {}
    yield "", ["/usr/bin/python3", os.path.join(ROOT, "bench/compile/xor_scalar.py"), "torch"], {}


def main():
    """Runs the rounds and prints the medians."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=None, help="also append every figure to this JSON-lines file")
    ap.add_argument("--baseline", default=None, help="another build's Bridge.Bench.dll (e.g. the commit before a change), run first in each round")
    args = ap.parse_args()
    figures = {}
    for r in range(args.rounds):
        for suffix, argv, env in runs(args.baseline):
            load = open("/proc/loadavg").read().split()[0]
            out = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT)
            if out.returncode != 0:
                print(f"round {r}: {' '.join(argv)} failed: {out.stderr[-500:]}", file=sys.stderr)
                continue
            for line in out.stdout.splitlines():
                if not line.startswith("{"):
                    continue
                row = json.loads(line)
                row["runtime"] += suffix
                row["round"], row["load"] = r, float(load)
                figures.setdefault((row["runtime"], row["workload"], row["unit"]), []).append((row["value"], float(load)))
                print(json.dumps(row), flush=True)
                if args.out:
                    with open(args.out, "a") as f:
                        f.write(json.dumps(row) + "\n")
    print("\nmedians over rounds (load average when each run started):")
    for (runtime, workload, unit), values in sorted(figures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        vs = [v for v, _ in values]
        loads = [l for _, l in values]
        print(f"  {workload:28s} {runtime:26s} {statistics.median(vs):10.4g} {unit:3s}  (n={len(vs)}, load {min(loads):.0f}-{max(loads):.0f})")


if __name__ == "__main__":
    main()
