#!/usr/bin/env bash
# The device check on a GPU machine without a .NET SDK, from what scripts/cuda/device-pack.sh put in .gpu/:
#   1. the MSTest suite on cuda:0 (BRIDGE_TEST_DEVICE=cuda on the system's libcuda.so.1), counted from its TRX file
#   2. the CUDA pytest files on the system driver (BRIDGE_TEST_CUDA_DRIVER=system), counted from their JUnit file
#   3. CudaBench against PyTorch CUDA, as one table (informational)
# Logs and result files go to $OUT (default build/device-check). Each step runs under its own time limit, so a
# hang costs that step, not the whole check. MSTEST_S, PYTEST_S, BENCH_S set the limits (seconds);
# MSTEST_FILTER narrows the MSTest run (a Microsoft.Testing.Platform --filter expression); SKIP_PYTEST=1 leaves step 2 out.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p "${OUT:=build/device-check}" /tmp/dotnet .gpu/x
OUT=$(cd "$OUT" && pwd)
tar -xJf .gpu/dotnet-runtime.tar.xz -C /tmp/dotnet && tar -xJf .gpu/payload.tar.xz -C .gpu/x || { echo "device-check: unpack failed"; exit 2; }
export DOTNET_ROOT=/tmp/dotnet PATH=/tmp/dotnet:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 PYTHONUNBUFFERED=1
PY=${PY:-$(command -v python3)}
export BRIDGE_TORCH_PYTHON=$PY   # the MSTest suite asks this interpreter for torch's answers
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
lscpu | sed -n 's/^Model name: *//p'

echo "== MSTest on cuda:0"
start=$SECONDS
( cd .gpu/x/tests && BRIDGE_TEST_DEVICE=cuda timeout "${MSTEST_S:-240}" dotnet Bridge.Tensor.Tests.dll \
    --report-trx --report-trx-filename cuda.trx --results-directory "$OUT" ${MSTEST_FILTER:+--filter "$MSTEST_FILTER"} ) \
  > "$OUT/mstest.log" 2>&1
echo "   exit $? after $((SECONDS - start)) s"
grep -E '^\s*(total|failed|succeeded|skipped):' "$OUT/mstest.log" | tr -s ' ' | paste -sd' '
grep -E '^failed |^  Assert|Exception' "$OUT/mstest.log" | head -40

if [ "${SKIP_PYTEST:-0}" != 1 ]; then
echo "== pytest (CUDA files) on the system driver"
start=$SECONDS
PYTHONPATH=$PWD/.gpu/x/python:$PWD/tests/python BRIDGE_TEST_CUDA_DRIVER=system timeout "${PYTEST_S:-120}" "$PY" -m pytest -q \
  -p no:cacheprovider --junitxml="$OUT/pytest.xml" tests/python/test_cuda.py tests/python/test_cuda_memory.py \
  tests/python/test_dtypes_cuda.py tests/python/test_math_ops_cuda.py tests/python/test_nn_cuda.py > "$OUT/pytest.log" 2>&1
echo "   exit $? after $((SECONDS - start)) s"
tail -3 "$OUT/pytest.log"
grep -E '^(FAILED|ERROR)|^E ' "$OUT/pytest.log" | head -30
fi

echo "== timings (median ms, synchronised; informational)"
timeout "${BENCH_S:-60}" dotnet .gpu/x/bench/CudaBench.dll cuda:0 > "$OUT/bench_bridge.csv" 2> "$OUT/bench.log"
timeout "${BENCH_S:-60}" "$PY" scripts/cuda/bench/bench_torch.py cuda:0 > "$OUT/bench_torch.csv" 2>> "$OUT/bench.log"
cat "$OUT/bench.log" | head -5
printf "%-20s %-10s %12s %12s %8s\n" op size bridge_ms torch_ms ratio
awk -F, 'FILENAME == ARGV[1] { t[$1 "," $2] = $3; next }
         { tm = t[$1 "," $2]; printf "%-20s %-10s %12.4f %12s %8s\n", $1, $2, $3, (tm == "" ? "-" : sprintf("%.4f", tm)), (tm == "" || tm == 0 ? "-" : sprintf("%.2fx", $3 / tm)) }' \
  "$OUT/bench_torch.csv" "$OUT/bench_bridge.csv"
