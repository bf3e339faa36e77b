"""Turns the rows bench/run.py collected into bench/RESULTS.md and bench/plots/*.png."""
import os
import platform
import re
import statistics
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.join(HERE, "plots")
PEERS = ["torch", "torch-openblas", "torchsharp"]
TITLES = {
    "torch": "PyTorch 1.13 (Debian, ref BLAS)",
    "torch-openblas": "PyTorch 1.13 + OpenBLAS",
    "torchsharp": "TorchSharp 0.107",
    "bridge-py": "Bridge (Python)",
    "bridge-cs": "Bridge (C#)",
}
LOWER_IS_BETTER = {"s", "ns", "us", "ms", "MB"}
MATMUL_SIZES = [64, 128, 256, 512, 1024, 2048]
SWEEP_SIZES = [1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 24]

# The issue's table: (label, workload, unit shown, threads shown).
ISSUE_ROWS = [
    ("seed-002 XOR training, 20000 steps (s)", "xor_20000", [1]),
    ("c = a + b, 1-element float32 (ns)", "add_1elem", [1]),
    ("sigmoid(w*x+b) forward + backward on scalars (µs)", "scalar_fwd_bwd", [1]),
    ("fp32 matmul n=128 (GFLOP/s)", "matmul_f32_128", [1, 2]),
    ("fp32 matmul n=512 (GFLOP/s)", "matmul_f32_512", [1, 2]),
    ("fp32 matmul n=2048 (GFLOP/s)", "matmul_f32_2048", [1, 2]),
    ("a + b, 16M float32, new result (GB/s)", "add_16m_new", [1, 2]),
    ("a + b, 16M float32, in place (GB/s)", "add_16m_inplace", [1, 2]),
    ("sigmoid(a), 16M float32, new result (GB/s)", "sigmoid_16m_new", [1, 2]),
    ("sigmoid(a), 16M float32, in place (GB/s)", "sigmoid_16m_inplace", [1, 2]),
    ("MLP 784-256-10, cross-entropy, SGD, batch 64, one step (ms)", "mlp_step", [1, 2]),
    ("LeNet + BatchNorm, batch 64 of 28x28, SGD, one step (ms)", "lenet_step", [1, 2]),
    ("char LSTM 64-256, 32 x 64 characters, Adam, one step (ms)", "char_lstm_step", [1, 2]),
    ("tiny GPT 2 x 128 wide, 16 x 64 tokens, AdamW, one step (ms)", "tiny_gpt_step", [1, 2]),
]


class Table:
    def __init__(self, rows):
        self.units = {}
        samples = {}
        for r in rows:
            key = (r["runtime"], r["workload"], r["threads"])
            samples.setdefault(key, []).append(r["value"])
            self.units[r["workload"]] = r["unit"]
        self.median = {k: statistics.median(v) for k, v in samples.items()}
        self.count = {k: len(v) for k, v in samples.items()}
        self.order = list(dict.fromkeys(r["workload"] for r in rows))

    def workloads(self):
        return self.order

    def get(self, runtime, workload, threads):
        return self.median.get((runtime, workload, threads))

    def lower(self, workload):
        return self.units.get(workload) in LOWER_IS_BETTER

    def best_peer(self, workload, threads):
        vals = [(self.get(p, workload, threads), p) for p in PEERS if self.get(p, workload, threads) is not None]
        if not vals:
            return None, None
        return (min if self.lower(workload) else max)(vals)

    def fma_peak(self, workload, threads):
        """This run's measured FMA ceiling for the workload's dtype (float64: half the float32 lanes, same units)."""
        if "_f64_" in workload and self.get("bridge-cs", "ceiling_fma_f64", threads):
            return self.get("bridge-cs", "ceiling_fma_f64", threads)
        peak = self.get("bridge-cs", "ceiling_fma_f32", threads)
        if peak is None:
            return None
        return peak / 2 if "_f64_" in workload else peak

    def peak_share(self, workload, threads, runtime="bridge-cs"):
        v, peak = self.get(runtime, workload, threads), self.fma_peak(workload, threads)
        return None if v is None or not peak else v / peak

    def ratio(self, workload, threads, runtime="bridge-cs"):
        """How many times better Bridge is than the best peer (>1 means ahead)."""
        mine = self.get(runtime, workload, threads)
        best, _ = self.best_peer(workload, threads)
        if mine is None or best is None or mine == 0 or best == 0:
            return None
        return best / mine if self.lower(workload) else mine / best


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def cell(t, runtime, workload, threads):
    return " / ".join(fmt(t.get(runtime, workload, n)) for n in threads)


def ratio_cell(t, workload, threads):
    parts = []
    for n in threads:
        r = t.ratio(workload, n)
        parts.append("-" if r is None else f"{r:.2f}x")
    return " / ".join(parts)


def targets(t):
    """(target, met?, measured) for every goal of issue #9 that this run measured."""
    out = []

    def abs_target(label, workload, limit):
        v = t.get("bridge-cs", workload, 1)
        if v is not None:
            out.append((label, v <= limit, f"{fmt(v)} {t.units[workload]} (limit {fmt(limit)})"))

    abs_target("1-element a + b at most 100 ns", "add_1elem", 100)
    abs_target("scalar forward+backward at most 2 µs", "scalar_fwd_bwd", 2)
    abs_target("XOR training at most 50 ms", "xor_20000", 0.05)

    def vs_peer(label, workloads, factor, threads=(1, 2), runtime="bridge-cs"):
        for w in workloads:
            for n in threads:
                r = t.ratio(w, n, runtime)
                if r is None:
                    continue
                best, who = t.best_peer(w, n)
                out.append((f"{label}: {w}, {n} thread(s)" + (" from Python" if runtime == "bridge-py" else ""), r >= factor,
                            f"{r:.2f}x best peer ({who} {fmt(best)}, Bridge {fmt(t.get(runtime, w, n))} {t.units[w]}); needs {factor}x"))

    mm = [f"matmul_{d}_{n}" for d in ("f32", "f64") for n in MATMUL_SIZES] + [f"matmul_{d}_512_{v}" for d in ("f32", "f64") for v in ("tn", "nt")]
    vs_peer("matmul at least the best peer", mm, 1.0)
    vs_peer("new-result elementwise at least 3x", ["add_16m_new", "sigmoid_16m_new", "exp_16m_new", "tanh_16m_new"], 3.0)
    vs_peer("in-place / out= add, mul at least the best peer", ["add_16m_inplace", "add_16m_out", "mul_16m_out"], 1.0)
    vs_peer("transcendental at least 1.5x", ["sigmoid_16m_inplace", "exp_16m_new", "tanh_16m_new", "sigmoid_16m_new"], 1.5)
    real_models = ["lenet_step", "char_lstm_step", "tiny_gpt_step"]
    vs_peer("real-model training step at least 1.3x the best peer", real_models, 1.3)
    vs_peer("real-model training step at least 1.3x the best peer", real_models, 1.3, runtime="bridge-py")
    for n in (1, 2):
        base = t.get("bridge-cs", "add_16m_new", n)
        for w in ("add_16m_bcast", "add_16m_strided"):
            v = t.get("bridge-cs", w, n)
            if base and v:
                out.append((f"{w} not more than 2x slower than contiguous, {n} thread(s)", v >= base / 2,
                            f"{fmt(v)} vs contiguous {fmt(base)} GB/s"))
    for n in (1, 2):
        mine = t.get("bridge-cs", "mlp_step", n)
        peers = [(t.get(p, "mlp_step", n), p) for p in ("torch-openblas", "torchsharp") if t.get(p, "mlp_step", n)]
        if mine and peers:
            best, who = min(peers)
            out.append((f"MLP step at least 1.3x faster than {who}, {n} thread(s)", best / mine >= 1.3,
                        f"{best / mine:.2f}x ({fmt(mine)} ms vs {fmt(best)} ms)"))
    for w in mm:
        for n in (1, 2):
            share = t.peak_share(w, n)
            if share is not None:
                out.append((f"matmul at least 90% of the FMA peak: {w}, {n} thread(s)", share >= 0.9,
                            f"{share:.0%} of {fmt(t.fma_peak(w, n))} GFLOP/s"))
    v = t.get("bridge-cs", "loop_growth_mb", 1)
    if v is not None:
        out.append(("10^6-step training loop has flat memory after warm-up", abs(v) < 5,
                    f"RSS grew {fmt(v)} MB between step 10^5 and 10^6"))
    mine, theirs = t.get("bridge-cs", "mlp_peak_mb", 1), t.get("torch", "mlp_peak_mb", 1)
    if mine and theirs:
        out.append(("MLP peak memory not above PyTorch's", mine <= theirs, f"{fmt(mine)} MB vs {fmt(theirs)} MB"))
    return out


def ceiling_lines(t, present, threads):
    """The machine's ceilings and every GEMM figure as a share of the FMA peak measured in the same run."""
    if not any(t.get("bridge-cs", "ceiling_fma_f32", n) for n in threads):
        return []
    lines = ["### Ceilings of this machine, and GEMM as a share of its FMA peak", "",
             "FMA peak: 12 independent float32 FMA chains per thread on the widest accelerated vectors "
             "(bench/Bridge.Bench/Ceilings.cs); float64's peak is half of it (same units, half the lanes). "
             "Stream: triad a = b + s*c over 3 x 64 MiB.", "",
             "| ceiling | " + " / ".join(f"{n} thread(s)" for n in threads) + " |", "|---|---|",
             "| FMA peak float32 (GFLOP/s) | " + cell(t, "bridge-cs", "ceiling_fma_f32", threads) + " |",
             "| FMA peak float64 (GFLOP/s) | " + cell(t, "bridge-cs", "ceiling_fma_f64", threads) + " |",
             "| stream triad (GB/s) | " + cell(t, "bridge-cs", "ceiling_triad", threads) + " |", ""]
    header = ["matmul"] + [TITLES[r] for r in present if r != "bridge-py"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for w in [w for w in t.workloads() if w.startswith("matmul_")]:
        row = [w]
        for r in present:
            if r == "bridge-py":
                continue
            shares = [t.peak_share(w, n, r) for n in threads]
            row.append(" / ".join("-" if v is None else f"{v:.0%}" for v in shares))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def plots(t, notes, slug):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    folder = os.path.join(PLOTS, slug)
    os.makedirs(folder, exist_ok=True)
    made = []
    runtimes = [r for r in ["bridge-cs", "bridge-py", "torch-openblas", "torchsharp", "torch"]]
    def figure(name, title, xlabel, ylabel, sizes, workload, value):
        """One PNG, a log-log panel per thread count: value(size, seconds-or-rate) against size, per runtime."""
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
        for ax, n in zip(axes, (1, 2)):
            for rt in runtimes:
                xs = [s for s in sizes if t.get(rt, workload(s), n)]
                if xs:
                    ax.loglog(xs, [value(s, t.get(rt, workload(s), n)) for s in xs], marker="o", label=TITLES[rt])
            ax.set_title(f"{title}, {n} thread(s)")
            ax.set_xlabel(xlabel)
            ax.grid(True, which="both", alpha=0.3)
        axes[0].set_ylabel(ylabel)
        axes[0].legend(fontsize=8)
        path = os.path.join(folder, name)
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
        made.append(path)

    for dtype in ("f32", "f64"):
        figure(f"matmul_{dtype}.png", f"{dtype} matmul", "n (square)", "time per product (ms)", MATMUL_SIZES,
               lambda s, dtype=dtype: f"matmul_{dtype}_{s}",
               lambda s, gflops: 2 * s ** 3 / gflops / 1e9 * 1e3)  # GFLOP/s -> ms
    for op in ("add", "sigmoid"):
        figure(f"elementwise_{op}.png", f"{op} (new result), float32", "elements", "time per op (µs)", SWEEP_SIZES,
               lambda s, op=op: f"{op}_sweep_{s}", lambda s, us: us)
    return made


def write(rows, rts, threads, notes, args, elapsed):
    t = Table(rows)
    present = [r for r in ["torch", "torch-openblas", "torchsharp", "bridge-py", "bridge-cs"] if r in rts]
    cpu = "unknown CPU"
    try:
        cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
    except (OSError, IndexError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip()
    machine = f"{cpu}, {os.cpu_count()} cores"
    slug = re.sub(r"[^a-z0-9]+", "-", machine.lower()).strip("-")
    lines = [f"## {machine}", "",
             f"Generated by `/usr/bin/python3 bench/run.py` (commit {commit}) on {platform.platform()}; "
             f"{args.rounds} interleaved rounds, medians"
             + (f"; run took {str(elapsed).split('.')[0]}. " if elapsed.total_seconds() > 0 else " (tables rewritten from the run's raw data). ")
             + "Cells read `1 thread / 2 threads`. Ratio = Bridge vs the best peer measured in this run (>1: Bridge ahead; "
             "for times it is peer time / Bridge time).", ""]
    for n in notes:
        lines.append(f"- {n}")
    lines.append("")
    lines.append("### The issue's table, with Bridge")
    lines.append("")
    header = ["workload"] + [TITLES[r] for r in present] + ["Bridge vs best peer"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for label, w, ths in ISSUE_ROWS:
        ths = [n for n in ths if n in threads]
        lines.append("| " + " | ".join([label] + [cell(t, r, w, ths) for r in present] + [ratio_cell(t, w, ths)]) + " |")
    lines.append("")
    lines.append("### Targets")
    lines.append("")
    lines.append("| target | met | measured |")
    lines.append("|---|---|---|")
    for label, ok, measured in targets(t):
        lines.append(f"| {label} | {'yes' if ok else '**no**'} | {measured} |")
    lines.append("")
    lines.extend(ceiling_lines(t, present, threads))
    lines.append("### Every workload")
    lines.append("")
    header = ["workload", "unit"] + [TITLES[r] for r in present] + ["Bridge vs best peer"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for w in t.workloads():
        ths = [n for n in threads if any(t.get(r, w, n) is not None for r in present)]
        if not ths:
            continue
        lines.append("| " + " | ".join([w, t.units[w]] + [cell(t, r, w, ths) for r in present] + [ratio_cell(t, w, ths)]) + " |")
    made = plots(t, notes, slug)
    if made:
        lines.append("")
        lines.append("### Plots")
        lines.append("")
        for p in made:
            rel = os.path.relpath(p, HERE)
            lines.append(f"![{os.path.basename(p)}]({rel})")
    path = os.path.join(HERE, "RESULTS.md")
    replace_machine_section(path, slug, lines)
    print(path)


def replace_machine_section(path, slug, lines):
    """RESULTS.md keeps one section per machine between markers; a run replaces its own machine's section (or adds
    it after the others) and leaves the other machines' figures and the hand-written text around them alone."""
    begin, end = f"<!-- machine: {slug} -->", "<!-- /machine -->"
    block = "\n".join([begin] + lines + [end])
    text = open(path).read() if os.path.exists(path) else "# Bridge CPU benchmarks\n\n"
    if begin in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    elif end in text:
        cut = text.rindex(end) + len(end)
        text = text[:cut] + "\n\n" + block + text[cut:]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
