#!/usr/bin/python3
"""Peak memory of the model-step workloads, each runtime and model in a process of its own.

    /usr/bin/python3 bench/kernels/peak_memory.py --python .venv/bin/python --steps 20 --threads 1

For each model (LeNet + BatchNorm, char LSTM, tiny GPT) runs PyTorch 1.13 + OpenBLAS (bench/peers/torch_peer.py
--peak-memory), Bridge from C# (Bridge.Bench --peak-memory) and, with --python, Bridge from Python, one process
per model and runtime: each builds the model and data, resets the kernel's peak-RSS mark (/proc/self/clear_refs),
runs the steps and reports VmHWM minus the resident set before them, in MiB. That is what the steps themselves
add at their peak (activations, gradients, optimiser state, allocator caches and garbage not yet collected),
without the runtime's own libraries.
"""
import argparse
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DLL = os.path.join(ROOT, "bench", "Bridge.Bench", "bin", "Release", "net10.0", "Bridge.Bench.dll")

ap = argparse.ArgumentParser()
ap.add_argument("--steps", type=int, default=20)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--python", default=None, help="an interpreter with this branch's bridge package (adds bridge-python)")
args = ap.parse_args()

blas = os.path.join(ROOT, "bench", ".cache", "openblas", "x", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread")
if not os.path.isdir(blas):
    blas = "/work/main/bench/.cache/openblas/x/usr/lib/x86_64-linux-gnu/openblas-pthread"
torch_env = dict(os.environ, LD_LIBRARY_PATH=blas, OPENBLAS_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
peer = os.path.join(ROOT, "bench", "peers", "torch_peer.py")
common = ["--threads", str(args.threads), "--peak-memory", str(args.steps)]
runtimes = {
    "torch-openblas": (["/usr/bin/python3", peer, "--label", "torch-openblas", *common], torch_env),
    "bridge-cs": (["dotnet", DLL, *common], None),
}
if args.python:
    runtimes["bridge-python"] = ([args.python, peer, "--runtime", "bridge", "--label", "bridge-python", *common], None)

print("load before:", open("/proc/loadavg").read().split()[:3])
for model in ("lenet", "char_lstm", "tiny_gpt"):
    cells = {}
    for name, (cmd, env) in runtimes.items():
        out = subprocess.run([*cmd, "--only", f"^{model}_step$"], env=env, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("{"):
                cells[name] = json.loads(line)["value"]
    t = cells.get("torch-openblas")
    text = "; ".join(f"{n} {v:.1f} MiB" + (f" ({v / t:.2f}x torch)" if t and n != "torch-openblas" else "") for n, v in cells.items())
    print(f"{model}_step peak memory over {args.steps} steps [threads {args.threads}]: {text}")
print("load after:", open("/proc/loadavg").read().split()[:3])
