#!/usr/bin/env bash
# `make gpu-check` on a machine with an NVIDIA GPU: the MSTest suite on cuda:0 (every op, gradient and optimizer
# test through BRIDGE_TEST_DEVICE=cuda), the parity cases run on cuda:0, then matmul and elementwise timings
# against PyTorch CUDA as one table. PY selects the Python with a CUDA build of torch (default python3).
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-python3}
status=0
dotnet build Bridge.sln -c Release --verbosity quiet -nologo || exit 1

echo "== MSTest on cuda:0"
out=$(BRIDGE_TEST_DEVICE=cuda dotnet test tests/Bridge.Tensor.Tests -c Release --no-build --verbosity quiet -nologo 2>&1) || status=1
grep -E "Passed!|Failed!|^\s+Failed |CUDA unavailable" <<< "$out"

echo "== parity cases on cuda:0"
# Needs the runner's --device option (one line in parity/Bridge.Parity.Cli/Program.cs, see the CUDA report).
dotnet run --project parity/Bridge.Parity.Cli -c Release -- --out parity/out-cuda --python "$PY" --device cuda:0 2>&1 | tail -3 || status=1

echo "== benchmark (median ms, synchronised)"
dotnet build scripts/cuda/bench/CudaBench.csproj -c Release --verbosity quiet -nologo > /dev/null || exit 1
bridge=$(mktemp); torch=$(mktemp)
dotnet scripts/cuda/bench/bin/Release/net10.0/CudaBench.dll cuda:0 > "$bridge" || status=1
"$PY" scripts/cuda/bench/bench_torch.py cuda:0 > "$torch" || echo "(PyTorch CUDA unavailable: its column stays empty)"
printf "%-20s %-10s %12s %12s %8s\n" op size bridge_ms torch_ms ratio
awk -F, 'NR == FNR { t[$1 "," $2] = $3; next }
         { tm = t[$1 "," $2]; printf "%-20s %-10s %12.4f %12s %8s\n", $1, $2, $3, (tm == "" ? "-" : sprintf("%.4f", tm)), (tm == "" || tm == 0 ? "-" : sprintf("%.2fx", $3 / tm)) }' "$torch" "$bridge"
rm -f "$bridge" "$torch"
exit $status
