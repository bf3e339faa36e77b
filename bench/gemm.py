#!/usr/bin/python3
"""GEMM only, beside the peers and the FMA peak of the same run (issue #22): a short run for before/after figures.

    /usr/bin/python3 bench/gemm.py --label before [--rounds 2] [--threads 1,2] [--only REGEX] [--no-build]
        [--runtimes bridge-cs,torch-openblas,torchsharp] [--bridge-dll OTHER/Bridge.Bench.dll]
    /usr/bin/python3 bench/gemm.py --table [--labels before,after]

Each run appends its rows, tagged with the label and the load average, to bench/out/gemm.jsonl; --table prints a
markdown table of every label side by side with the peers, each Bridge figure also as a share of the FMA peak
measured in its own run (float64 against the float64 probe). Unlike bench/run.py it never rewrites RESULTS.md.
PyTorch with Debian's reference BLAS is left out by default: at 7 GFLOP/s it is no one's best peer for GEMM.
"""
import argparse
import json
import os
import random
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (bench/run.py: the runtimes and how one process is run)

RAW = os.path.join(run.OUT, "gemm.jsonl")
DEFAULT_ONLY = r"ceiling_fma_f(32|64)|matmul_f(32|64)_\d+(_tn|_nt)?"
TITLES = {"torch-openblas": "PyTorch + OpenBLAS", "torchsharp": "TorchSharp (MKL)", "torch": "PyTorch (ref BLAS)"}


def measure(args):
    wanted = args.runtimes.split(",")
    notes = []
    rts = {k: v for k, v in run.runtimes(argparse.Namespace(no_build=args.no_build), notes).items() if k in wanted}
    if args.bridge_dll:
        rts["bridge-cs"] = (["dotnet", args.bridge_dll], None)
    for n in notes:
        run.log(n)
    os.makedirs(run.OUT, exist_ok=True)
    pattern = f"^(?:{args.only})$"
    for rnd in range(args.rounds):
        order = list(rts)
        random.Random(rnd).shuffle(order)
        for t in [int(x) for x in args.threads.split(",")]:
            for name in order:
                cmd, env = rts[name]
                load = os.getloadavg()[0]
                run.log(f"round {rnd + 1}/{args.rounds}, {t} thread(s): {name} (load {load:.1f})")
                got = run.run_one(cmd, env, t, pattern)
                with open(RAW, "a") as f:
                    for g in got:
                        g.update(round=rnd, label=args.label, load=load, load_after=os.getloadavg()[0])
                        f.write(json.dumps(g) + "\n")


def table(args):
    with open(RAW) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    labels = args.labels.split(",") if args.labels else list(dict.fromkeys(r["label"] for r in rows))
    rows = [r for r in rows if r["label"] in labels]
    med = {}
    for r in rows:
        med.setdefault((r["label"], r["runtime"], r["workload"], r["threads"]), []).append(r["value"])
    med = {k: statistics.median(v) for k, v in med.items()}
    threads = sorted({r["threads"] for r in rows})
    peers = [p for p in ("torch-openblas", "torchsharp", "torch") if any(r["runtime"] == p for r in rows)]
    works = [w for w in dict.fromkeys(r["workload"] for r in rows) if w.startswith("matmul_")]

    def peak(label, w, t):
        dt = "f64" if "_f64_" in w else "f32"
        v = med.get((label, "bridge-cs", f"ceiling_fma_{dt}", t))
        if v is None and dt == "f64":
            v = med.get((label, "bridge-cs", "ceiling_fma_f32", t))
            v = v / 2 if v else None
        return v

    def f(v):
        return "-" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.1f}")

    head = ["matmul", "threads"] + [f"FMA peak ({labels[-1]})"] + [f"{TITLES[p]} (all labels)" for p in peers]
    head += [f"Bridge {lb}" for lb in labels] + [f"share of peak {lb}" for lb in labels]
    head += [f"vs best peer {lb}" for lb in labels]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for w in works:
        for t in threads:
            cells = [w, str(t), f(peak(labels[-1], w, t))]
            best = None
            for p in peers:
                vals = [v for (lb, rt, wk, th), v in med.items() if rt == p and wk == w and th == t]
                v = statistics.median(vals) if vals else None
                cells.append(f(v))
                best = v if best is None or (v is not None and v > best) else best
            mine = [med.get((lb, "bridge-cs", w, t)) for lb in labels]
            cells += [f(v) for v in mine]
            for lb, v in zip(labels, mine):
                p = peak(lb, w, t)
                cells.append("-" if v is None or not p else f"{v / p:.0%}")
            cells += ["-" if v is None or not best else f"{v / best:.2f}x" for v in mine]
            print("| " + " | ".join(cells) + " |")
    loads = {lb: [r["load"] for r in rows if r["label"] == lb] for lb in labels}
    print()
    print("Load average (1 min) when each process started: " + "; ".join(
        f"{lb} {min(v):.1f}-{max(v):.1f}" for lb, v in loads.items() if v))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="run")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--only", default=DEFAULT_ONLY, help="regex over workload names (anchored)")
    ap.add_argument("--runtimes", default="bridge-cs,torch-openblas,torchsharp")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--bridge-dll", default=None,
                    help="another build of Bridge.Bench.dll (e.g. the commit before a change)")
    ap.add_argument("--table", action="store_true", help="print the markdown table of bench/out/gemm.jsonl")
    ap.add_argument("--labels", default=None, help="comma-separated labels for --table, in column order")
    args = ap.parse_args()
    if args.table:
        table(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()
