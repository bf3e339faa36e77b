"""Reads run.sh's lines ("allreduce IMPL BYTES S", "ddp IMPL RANKS S") and prints medians over rounds as Markdown."""
import collections
import statistics
import sys

allreduce, ddp = collections.defaultdict(list), collections.defaultdict(list)
for line in sys.stdin:
    parts = line.split()
    if len(parts) == 4 and parts[0] == "allreduce":
        allreduce[(parts[1], int(parts[2]))].append(float(parts[3]))
    elif len(parts) == 4 and parts[0] == "ddp":
        ddp[(parts[1], int(parts[2]))].append(float(parts[3]))

impls = ["c-blocking", "c-nonblocking", "bridge", "torch"]
sizes = sorted({b for _, b in allreduce})
print("| bytes | " + " | ".join(f"{i} µs (GB/s)" for i in impls) + " | bridge / c-nonblocking |")
print("|---:|" + "---:|" * (len(impls) + 1))
for b in sizes:
    cells = []
    for i in impls:
        v = allreduce.get((i, b))
        cells.append(f"{statistics.median(v) * 1e6:,.1f} ({b / statistics.median(v) / 1e9:.2f})" if v else "-")
    ratio = (statistics.median(allreduce[("bridge", b)]) / statistics.median(allreduce[("c-nonblocking", b)])
             if allreduce.get(("bridge", b)) and allreduce.get(("c-nonblocking", b)) else float("nan"))
    print(f"| {b:,} | " + " | ".join(cells) + f" | {ratio:.2f} |")
print()
print("| implementation | 1 rank ms/step | 2 ranks ms/step | speed-up | scaling efficiency |")
print("|---|---:|---:|---:|---:|")
for i in ["bridge", "bridge-local", "torch"]:
    one, two = ddp.get((i, 1)), ddp.get((i, 2))
    if not one or not two:
        continue
    a, b = statistics.median(one), statistics.median(two)
    print(f"| {i} | {a * 1e3:.2f} | {b * 1e3:.2f} | {a / b:.2f}x | {a / b / 2:.0%} |")
print(f"\n(medians of {max((len(v) for v in list(allreduce.values()) + list(ddp.values())), default=0)} rounds)")
