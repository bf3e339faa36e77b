#!/usr/bin/python3
"""Convolution, attention and LSTM in GFLOP/s: Bridge (C#) against PyTorch 1.13 (+ OpenBLAS when bench/.cache has it),
interleaved: each round runs every runtime once, in turn, and each figure is the best over rounds of a best-of-many
sample (bench/gemm-best's method: on a shared machine a descheduled sample is only ever slower).

    dotnet build bench/nn-gflops -c Release -o /tmp/nng
    nice -n -20 /usr/bin/python3 bench/nn-gflops/run.py --dll /tmp/nng/NnGflops.dll --threads 1 --rounds 2
"""
import argparse
import os
import subprocess

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--dll", default="/tmp/nng/NnGflops.dll")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--rounds", type=int, default=2)
p.add_argument("--seconds", type=float, default=1.5)
p.add_argument("--before-dll", help="an earlier build of NnGflops.dll: adds a bridge_cs_before column, interleaved with the others")
p.add_argument("--python", help="a venv interpreter with bridge installed: adds Bridge from Python")
p.add_argument("--openblas", default=os.path.join(here, "..", ".cache", "openblas", "x", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread"),
               help="the libopenblas0-pthread directory bench/run.py unpacks (Debian's torch otherwise runs netlib's BLAS)")
args = p.parse_args()

openblas = args.openblas
torch_env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), OPENBLAS_NUM_THREADS=str(args.threads))
if os.path.isdir(openblas):
    torch_env["LD_LIBRARY_PATH"] = os.path.abspath(openblas)
runtimes = {
    # Fully optimised from the first call (as bench/kernels/ab.py runs its C#): a workload of ~100 ms runs too few times
    # in a short sample window for the tiered JIT to replace the tier-0 code of its orchestration.
    "bridge_cs": (["dotnet", args.dll, str(args.threads), str(args.seconds)], dict(os.environ, DOTNET_TieredCompilation="0")),
    "torch": (["/usr/bin/python3", os.path.join(here, "torch_nn.py"), str(args.threads), str(args.seconds)], torch_env),
}
if args.before_dll:
    runtimes["bridge_cs_before"] = (["dotnet", args.before_dll, str(args.threads), str(args.seconds)], dict(os.environ, DOTNET_TieredCompilation="0"))
if args.python:
    runtimes["bridge_py"] = ([args.python, os.path.join(here, "torch_nn.py"), str(args.threads), str(args.seconds), "--bridge"], dict(os.environ))

best = {}
peaks = []
loads = [open("/proc/loadavg").read().split()[0]]
for r in range(args.rounds):
    for name, (cmd, env) in runtimes.items():
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if line.startswith("peak"):
                peaks.append(float(parts[3]))
                continue
            work, ms, gflops = parts[0], float(parts[1]), float(parts[2])
            key = (work, name)
            best[key] = max(best.get(key, 0.0), gflops)
    loads.append(open("/proc/loadavg").read().split()[0])

peak = max(peaks) if peaks else float("nan")
names = list(runtimes)
print(f"threads {args.threads}, rounds {args.rounds}, float32 FMA peak {peak:.1f} GFLOP/s (best of the C# runs), load {' -> '.join(loads)}")
print("| workload | " + " | ".join(f"{n} GFLOP/s" for n in names) + " | bridge_cs / torch | bridge_cs share of peak |")
print("|---|" + "---|" * (len(names) + 2))
for work in dict.fromkeys(w for w, _ in best):
    row = [best.get((work, n), float("nan")) for n in names]
    ratio = best[(work, "bridge_cs")] / best[(work, "torch")]
    print(f"| {work} | " + " | ".join(f"{g:.1f}" for g in row) + f" | {ratio:.2f}x | {best[(work, 'bridge_cs')] / peak:.0%} |")
