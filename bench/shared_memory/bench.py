#!/usr/bin/python3
"""Exchange cost of one float32 array between two processes, by size (1 KiB .. 256 MiB):

  shm     the array lives in /dev/shm as a .npy file (as Bridge's SharedTensor keeps it);
          the consumer maps it with np.load(path, mmap_mode="r")          -- no copy
  shm-kept  the same, but the consumer keeps the mapping from an earlier exchange, so
          an exchange is only the "it changed" message (a long-lived shared tensor)
  pickle  pickle.dumps (protocol 5) through a pipe, pickle.loads         -- two copies
  file    np.save to a file on disk (page cache), np.load in the consumer -- two copies

For each, "ready" is the time from the producer's start to the consumer holding an
ndarray; "ready+read" adds one full pass over the data in the consumer (a float64
sum), which the mapped array pays in page faults instead of up front. Times are
medians of several runs, measured with CLOCK_MONOTONIC, which both processes share.

    /usr/bin/python3 bench/shared_memory/bench.py [--max-mib 256] [--out bench/shared_memory/RESULTS.md]
"""
import argparse
import os
import pickle
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

CONSUMER = r"""
import pickle, sys, time
import numpy as np
inp, out = sys.stdin.buffer, sys.stdout
now = lambda: time.clock_gettime_ns(time.CLOCK_MONOTONIC)
kept = {}
for line in inp:
    kind, arg = line.decode().split()
    if kind == "forget":
        kept.clear()
        continue
    if kind == "shm":
        a = np.load(arg, mmap_mode="r")
    elif kind == "shm-kept":
        a = kept.get(arg)
        if a is None:
            a = kept[arg] = np.load(arg, mmap_mode="r")
    elif kind == "file":
        a = np.load(arg)
    else:
        a = pickle.loads(inp.read(int(arg)))
    ready = now()
    a.sum(dtype=np.float64)
    read = now()
    del a
    out.write(f"{ready} {read}\n")
    out.flush()
"""


def now():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-mib", type=int, default=256)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    ap.add_argument("--tmp", default="/tmp", help="directory for the np.save files (disk)")
    args = ap.parse_args()

    sizes = [1 << 10, 16 << 10, 256 << 10, 4 << 20, 64 << 20, 256 << 20]
    sizes = [s for s in sizes if s <= args.max_mib << 20]
    consumer = subprocess.Popen([sys.executable, "-c", CONSUMER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    shm_path = f"/dev/shm/bridge-bench-{os.getpid()}.npy"
    file_path = os.path.join(args.tmp, f"bridge-bench-{os.getpid()}.npy")

    def exchange(kind, arg, payload=b""):
        start = now()
        if kind == "pickle":
            payload = pickle.dumps(arg, protocol=5)
            arg = str(len(payload))
        elif kind == "file":
            np.save(file_path, arg)
            arg = file_path
        consumer.stdin.write(f"{kind} {arg}\n".encode())
        if payload:
            consumer.stdin.write(payload)
        consumer.stdin.flush()
        ready, read = map(int, consumer.stdout.readline().split())
        return (ready - start) / 1e6, (read - start) / 1e6

    rows = []
    try:
        for size in sizes:
            n = size // 4
            data = np.arange(n, dtype=np.float32)
            # The producer's tensor already lives in shared memory (SharedTensor.Create), so filling it is not exchange cost.
            shared = np.lib.format.open_memmap(shm_path, mode="w+", dtype=np.float32, shape=(n,))
            shared[:] = data
            shared.flush()
            reps = max(3, min(41, (64 << 20) // size))
            results = {}
            for kind, arg in (("shm", shm_path), ("shm-kept", shm_path), ("pickle", data), ("file", data)):
                exchange(kind, arg)  # warm-up
                runs = [exchange(kind, arg) for _ in range(reps)]
                results[kind] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
            del shared
            consumer.stdin.write(b"forget x\n")
            consumer.stdin.flush()
            rows.append((size, reps, results))
            print(f"{size:>10} B  " + "  ".join(f"{k} {v[0]:8.3f}/{v[1]:8.3f} ms" for k, v in results.items()), flush=True)
    finally:
        consumer.stdin.close()
        consumer.wait()
        for p in (shm_path, file_path):
            if os.path.exists(p):
                os.remove(p)

    write_results(args, rows)


def human(size):
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


def write_results(args, rows):
    command = "/usr/bin/python3 bench/shared_memory/bench.py" + (f" --max-mib {args.max_mib}" if args.max_mib != 256 else "")
    lines = [
        "# Shared-memory exchange vs pickle and np.save/np.load",
        "",
        f"Produced by `{command}` (or `bench/shared_memory/run.sh`) on {time.strftime('%Y-%m-%d')}:",
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other jobs: figures from one run are noisy, "
        f"read the ratios), Python {platform.python_version()}, NumPy {np.__version__}.",
        "",
        "One float32 array goes from a producer process to a consumer process. *ready*: producer start until the",
        "consumer holds an ndarray. *ready+read*: plus one float64 sum over the data in the consumer (a mapped array",
        "pays its page faults here). Columns 3-8: ready; columns 9-14: ready+read. Medians of `reps` runs, in",
        "milliseconds; ratios are pickle or file over shm (a fresh mapping each time).",
        "shm = the array lives in /dev/shm as a .npy (Bridge's `SharedTensor`), consumer `np.load(mmap_mode=\"r\")`;",
        "shm-kept = the consumer keeps its mapping from an earlier exchange (a long-lived shared tensor): the cost is",
        "the notification round trip alone. pickle = `pickle.dumps(protocol=5)` through a pipe + `pickle.loads`;",
        "file = `np.save` to a disk file (page cache) + `np.load`.",
        "",
        "| size | reps | shm | shm-kept | pickle | file | pickle/shm | file/shm | shm | shm-kept | pickle | file | pickle/shm | file/shm |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, reps, r in rows:
        cells = [human(size), str(reps)]
        for i in (0, 1):
            cells += [f"{r[k][i]:.3f}" for k in ("shm", "shm-kept", "pickle", "file")]
            cells += [f"{r[k][i] / r['shm'][i]:.1f}x" for k in ("pickle", "file")]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    with open(args.out, "w") as out:
        out.write("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
