"""Medians of bench/first-steps/run.sh's results: first 1,000 steps, warm 1,000 steps, and their ratio."""
import json
import statistics
import sys

runs = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    runs.setdefault(row["variant"], []).append(row["result"])

print("| variant | rounds | first 1,000 steps (s) | warm 1,000 steps (s) | first / warm |")
print("|---|---|---|---|---|")
for variant, results in runs.items():
    first = statistics.median(r["first_s"] for r in results)
    warm = statistics.median(r["steady_s"] for r in results)
    ratio = statistics.median(r["first_s"] / r["steady_s"] for r in results)
    print(f"| {variant} | {len(results)} | {first:.3f} | {warm:.3f} | {ratio:.2f} |")
