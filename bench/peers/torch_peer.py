"""The issue's workloads in Python, one JSON line per figure (the same names as bench/Bridge.Bench).

    /usr/bin/python3 bench/peers/torch_peer.py --runtime torch --threads 1 [--only REGEX] [--label NAME]

--runtime bridge imports Bridge's Python package as `torch` (the lead's package, once it exists), so the
same script gives the "Bridge (Python)" column; when it cannot be imported the script says so and exits 3.
"""
import argparse
import json
import re
import resource
import statistics
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--runtime", choices=["torch", "bridge"], default="torch")
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--only", default=None)
parser.add_argument("--label", default=None, help="runtime name written into the output (e.g. torch-openblas)")
parser.add_argument("--peak-memory", type=int, default=0, metavar="STEPS",
                    help="for the model-step workloads only: peak memory of STEPS steps (MiB above the resident set before them)")
args = parser.parse_args()

try:
    if args.runtime == "bridge":
        import bridge as torch  # noqa: F401  (the lead's package; its API follows torch's)
    else:
        import torch
except ImportError as e:
    print(f"runtime {args.runtime} unavailable: {e}", file=sys.stderr)
    sys.exit(3)

import models  # noqa: E402  (bench/peers/models.py, beside this script; needs `torch` chosen above)

torch.set_num_threads(args.threads)
label = args.label or args.runtime
MATMUL_SIZES = [64, 128, 256, 512, 1024, 2048]
# Square sizes also timed with a transposed operand (A^T B and A B^T, as in nn.Linear's backward).
TRANSPOSED_SIZES = (128, 512, 2048)
BIG = 1 << 24
SWEEP_SIZES = [1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 24]


def timeit(body, min_seconds=0.05, samples=5, warmup=2):
    """Median seconds per call over samples of at least min_seconds each."""
    warm = time.perf_counter()
    i = 0
    while i < warmup or time.perf_counter() - warm < 0.2:  # the same 0.2 s warm-up as the C# harness
        body()
        i += 1
    return timeit_warm(body, min_seconds, samples)


def timeit_settled(body, min_seconds, samples=5):
    """timeit for a model's training step, with the C# harness's Workloads.TimeSettled warm-up: at least 40 calls
    and 1.5 s, then until two successive 0.25 s windows agree within 3% (at most 10 s), so every runtime is timed
    after the same warm-up as the C# one, which needs it for the .NET tiered JIT."""
    warm = time.perf_counter()
    i = 0
    while (i < 40 or time.perf_counter() - warm < 1.5) and time.perf_counter() - warm < 10:
        body()
        i += 1
    previous = float("inf")
    while time.perf_counter() - warm < 10:
        t, calls = time.perf_counter(), 0
        while time.perf_counter() - t < 0.25:
            body()
            calls += 1
        per_call = (time.perf_counter() - t) / calls
        if abs(per_call - previous) <= 0.03 * min(per_call, previous):
            break
        previous = per_call
    return timeit_warm(body, min_seconds, samples)


def timeit_warm(body, min_seconds, samples):
    """Median seconds per call over samples of at least min_seconds each, no warm-up."""
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            body()
        if time.perf_counter() - t >= min_seconds or reps >= 1 << 24:
            break
        reps *= 2
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(reps):
            body()
        times.append((time.perf_counter() - t) / reps)
    return statistics.median(times)


def xor_steps(steps):
    x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
    y = torch.tensor([0, 1, 1, 0], dtype=torch.float32)
    w1 = torch.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True)
    b1 = torch.tensor([0.2, -0.2], requires_grad=True)
    w2 = torch.tensor([[0.1], [-0.4]], requires_grad=True)
    b2 = torch.tensor([0.0], requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(steps):
        i = step % 4
        for p in params:
            if p.grad is not None:
                p.grad.data.zero_()
        hidden = torch.relu(torch.matmul(x[i], w1) + b1)
        out = torch.sigmoid(torch.matmul(hidden, w2) + b2)
        loss = (y[i] - out) ** 2
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad


def xor_20000():
    t = time.perf_counter()
    xor_steps(20000)
    return time.perf_counter() - t


def add_1elem():
    a = torch.tensor([1.0])
    b = torch.tensor([2.0])
    return timeit(lambda: a + b, 0.1) * 1e9


def scalar_fwd_bwd():
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(0.1, requires_grad=True)
    x = torch.tensor(2.0)
    return timeit(lambda: torch.sigmoid(w * x + b).backward(), 0.1) * 1e6


def matmul(n, dtype, ta, tb):
    torch.manual_seed(0)
    a = torch.randn(n, n, dtype=dtype)
    b = torch.randn(n, n, dtype=dtype)
    if ta:
        a = a.t()
    if tb:
        b = b.t()
    slow = n >= 1024
    t = timeit(lambda: torch.matmul(a, b), 0.3 if slow else 0.05, 3 if n >= 2048 else 5, 1 if n >= 2048 else 3)
    return 2.0 * n ** 3 / t / 1e9


def elementwise(op):
    torch.manual_seed(0)
    a = torch.rand(BIG)
    b = torch.rand(BIG)
    o = torch.zeros(BIG)
    nbytes, unary = 3.0 * 4 * BIG, 2.0 * 4 * BIG
    if op == "add_new":
        return nbytes / timeit(lambda: a + b) / 1e9
    if op == "add_inplace":
        return nbytes / timeit(lambda: a.add_(b)) / 1e9
    if op == "add_out":
        return nbytes / timeit(lambda: torch.add(a, b, out=o)) / 1e9
    if op == "mul_out":
        return nbytes / timeit(lambda: torch.mul(a, b, out=o)) / 1e9
    if op == "add_bcast":
        m = a.view(4096, 4096)
        row = torch.rand(4096)
        return 2.0 * 4 * BIG / timeit(lambda: m + row) / 1e9
    if op == "add_strided":
        ma = a.view(4096, 4096).t()
        mb = b.view(4096, 4096).t()
        return nbytes / timeit(lambda: ma + mb) / 1e9
    if op == "sigmoid_new":
        return unary / timeit(lambda: a.sigmoid()) / 1e9
    if op == "sigmoid_inplace":
        return unary / timeit(lambda: a.sigmoid_()) / 1e9
    if op == "exp_new":
        return unary / timeit(lambda: a.exp()) / 1e9
    if op == "tanh_new":
        return unary / timeit(lambda: a.tanh()) / 1e9
    raise ValueError(op)


def sweep(n, sigmoid):
    """µs per new-result a + b (or sigmoid(a)) on n float32 elements, for the time-against-size plots."""
    a = torch.rand(n)
    b = torch.rand(n)
    return (timeit(lambda: a.sigmoid()) if sigmoid else timeit(lambda: a + b)) * 1e6


def mlp():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    return model, opt, torch.nn.CrossEntropyLoss(), torch.randn(64, 784), torch.randint(0, 10, (64,))


def mlp_step_once(model, opt, loss_fn, x, y):
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()


def mlp_step():
    model, opt, loss_fn, x, y = mlp()
    return timeit(lambda: mlp_step_once(model, opt, loss_fn, x, y), 0.2) * 1e3


def mlp_peak_mb():
    model, opt, loss_fn, x, y = mlp()
    for _ in range(200):
        mlp_step_once(model, opt, loss_fn, x, y)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def loop_growth_mb():
    xor_steps(100_000)
    before = rss_mb()
    xor_steps(900_000)
    return rss_mb() - before


def workloads():
    yield "xor_20000", xor_20000, "s"
    yield "add_1elem", add_1elem, "ns"
    yield "scalar_fwd_bwd", scalar_fwd_bwd, "us"
    for dtype, name in [(torch.float32, "f32"), (torch.float64, "f64")]:
        for n in MATMUL_SIZES:
            yield f"matmul_{name}_{n}", (lambda n=n, d=dtype: matmul(n, d, False, False)), "GFLOP/s"
            if n in TRANSPOSED_SIZES:
                yield f"matmul_{name}_{n}_tn", (lambda n=n, d=dtype: matmul(n, d, True, False)), "GFLOP/s"
                yield f"matmul_{name}_{n}_nt", (lambda n=n, d=dtype: matmul(n, d, False, True)), "GFLOP/s"
    for op in ["add_new", "add_inplace", "add_out", "mul_out", "add_bcast", "add_strided",
               "sigmoid_new", "sigmoid_inplace", "exp_new", "tanh_new"]:
        name = op.replace("_", "_16m_", 1)
        yield name, (lambda op=op: elementwise(op)), "GB/s"
    for n in SWEEP_SIZES:
        yield f"add_sweep_{n}", (lambda n=n: sweep(n, False)), "us"
        yield f"sigmoid_sweep_{n}", (lambda n=n: sweep(n, True)), "us"
    yield "mlp_step", mlp_step, "ms"
    yield "mlp_peak_mb", mlp_peak_mb, "MB"
    yield "loop_growth_mb", loop_growth_mb, "MB"
    for model in ("lenet", "char_lstm", "tiny_gpt"):
        yield f"{model}_step", (lambda model=model: timeit_settled(models.build(torch, model), 0.3) * 1e3), "ms"


def proc_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def peak_memory_mib(model, steps):
    """Peak memory of `steps` training steps in MiB above the resident set once the model is built: the kernel's
    peak-RSS mark is reset (/proc/self/clear_refs) after building, then read (VmHWM) after the steps, as
    Bridge.Bench --peak-memory does for C#."""
    step = models.build(torch, model)
    baseline = proc_status_kib("VmRSS:")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    for _ in range(steps):
        step()
    return (proc_status_kib("VmHWM:") - baseline) / 1024


def peak_workloads():
    for model in ("lenet", "char_lstm", "tiny_gpt"):
        yield f"{model}_step", (lambda model=model: peak_memory_mib(model, args.peak_memory)), "MiB"


only = re.compile(args.only) if args.only else None
for name, run, unit in (peak_workloads() if args.peak_memory else workloads()):
    if only and not only.search(name):
        continue
    try:
        value = run()
    except Exception as e:  # a runtime lacking an op skips that figure, it does not stop the run
        print(f"{name}: {type(e).__name__}: {e}", file=sys.stderr)
        continue
    print(json.dumps({"runtime": label, "workload": name, "threads": args.threads, "value": value, "unit": unit}), flush=True)
