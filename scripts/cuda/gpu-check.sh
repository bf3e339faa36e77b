#!/usr/bin/env bash
# `make gpu-check`: a verdict on a machine with an NVIDIA GPU, in one script that stays under 10 minutes.
#   1. build; which device, driver and GEMM (cuBLAS or the own kernel) will run
#   2. the MSTest suite on cuda:0 (BRIDGE_TEST_DEVICE=cuda: every op, gradient and optimizer test), counted from
#      its TRX file and held against the number of tests it must execute
#   3. the parity cases on cuda:0 against PyTorch, counted from their JUnit file
#   4. matmul and elementwise timings against PyTorch CUDA as one table (informational)
# and one last line: "gpu-check: PASS ..." or "gpu-check: FAIL ...". Every step runs under what is left of the
# time budget, so a hung step fails the check instead of stalling it.
#   PY                  Python with a CUDA build of torch (default python3)
#   GPU_CHECK_BUDGET    seconds for everything (default 570)
#   GPU_CHECK_EXPECTED  MSTest tests the run must contain (default below; raise it when tests are added)
#   GPU_CHECK_QUICK=1   small benchmark sizes and a few parity cases (the host emulator, BRIDGE_CUDA_DRIVER=...)
#   GPU_CHECK_CASES     parity cases to run (comma-separated; default all, or a few in quick mode)
set -uo pipefail
cd "$(dirname "$0")/../.."
RESULTS=${RESULTS:-$PWD/build/gpu-check}
source scripts/lib/suites.sh
PY=${PY:-python3}
BUDGET=${GPU_CHECK_BUDGET:-570}
EXPECTED=${GPU_CHECK_EXPECTED:-310}
QUICK=${GPU_CHECK_QUICK:-0}
start=$SECONDS
left() { local s=$((BUDGET - (SECONDS - start))); [ "$s" -gt 5 ] && echo "$s" || echo 5; }
fail() { echo "gpu-check: FAIL ($1) after $((SECONDS - start)) s"; exit 1; }

suite_init
check "build" timeout "$(left)" dotnet build Bridge.sln -c Release --verbosity quiet -nologo || fail "build"
check "bench build" timeout "$(left)" dotnet build scripts/cuda/bench/CudaBench.csproj -c Release --verbosity quiet -nologo || fail "build"
BENCH=scripts/cuda/bench/bin/Release/net10.0/CudaBench.dll

# The device line comes from the benchmark's header (device name, driver status, which GEMM runs large products).
echo "== device"
info=$(timeout 120 dotnet "$BENCH" cuda:0 quick 2>&1 >/dev/null | head -1)
echo "   $info"
case "$info" in *"CUDA unavailable"*|"") fail "CUDA unavailable: ${info:-no output}" ;; esac
gemm=$(sed -n 's/.*large GEMM: //p' <<< "$info")

echo "== MSTest on cuda:0 (expecting $EXPECTED tests)"
# TestSessionTimeout ends a hung test host within the budget; the TRX file then shows fewer tests than expected.
mstest "cuda:0" tests/Bridge.Tensor.Tests BRIDGE_TEST_DEVICE=cuda -- -- "RunConfiguration.TestSessionTimeout=$(( $(left) * 1000 ))"
trx=$(ls "$RESULTS"/cuda_0*.trx 2>/dev/null | head -1)   # suites.sh names it after the label
executed=$("$TALLY_PY" - "${trx:-missing.trx}" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    c = ET.parse(sys.argv[1]).getroot().find("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}ResultSummary/{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}Counters")
    print(int(c.get("total", 0)))
except Exception:
    print(0)
EOF
)
echo "   $executed tests in the run, $EXPECTED expected"
[ "$executed" -ge "$EXPECTED" ]
record "MSTest cuda:0 ran >= $EXPECTED tests" check - $?

echo "== parity cases on cuda:0"
cases=${GPU_CHECK_CASES:-$([ "$QUICK" = 1 ] && echo "seed000_hello_step,seed004_two_layer" || echo "")}
junit_step "parity cuda:0" "$RESULTS/parity-out/junit.xml" timeout "$(left)" dotnet run --project parity/Bridge.Parity.Cli -c Release --no-build -- \
  --out "$RESULTS/parity-out" --python "$PY" --device cuda:0 ${cases:+--cases "$cases"}

echo "== timings (median ms, synchronised; informational)"
bridge=$(mktemp); torch=$(mktemp)
size_arg=$([ "$QUICK" = 1 ] && echo quick || echo "")
timeout "$(left)" dotnet "$BENCH" cuda:0 $size_arg > "$bridge" 2> "$RESULTS/bench.log" || echo "   (Bridge benchmark failed: $(tail -1 "$RESULTS/bench.log"))"
grep '^allocator:' "$RESULTS/bench.log" | sed 's/^/   /'
timeout "$(left)" "$PY" scripts/cuda/bench/bench_torch.py cuda:0 > "$torch" 2>/dev/null || echo "   (PyTorch CUDA unavailable: its column stays empty)"
printf "%-20s %-10s %12s %12s %8s\n" op size bridge_ms torch_ms ratio
awk -F, 'FILENAME == ARGV[1] { t[$1 "," $2] = $3; next }
         { tm = t[$1 "," $2]; printf "%-20s %-10s %12.4f %12s %8s\n", $1, $2, $3, (tm == "" ? "-" : sprintf("%.4f", tm)), (tm == "" || tm == 0 ? "-" : sprintf("%.2fx", $3 / tm)) }' "$torch" "$bridge"
rm -f "$bridge" "$torch"

echo "== verdict"
totals=$(tally)
code=$?
echo "$totals"
summary=$(tail -1 <<< "$totals")
[ "$code" = 0 ] || fail "$summary; GEMM: ${gemm:-?}"
echo "gpu-check: PASS ($summary; GEMM: ${gemm:-?}; $((SECONDS - start)) s)"
