#!/usr/bin/env bash
# First 1,000 MLP steps of a fresh process against 1,000 warm steps, for each way the engine can start:
#   csharp-jit         the engine as the repository builds it (project reference, IL only: all JIT)
#   csharp-r2r         Bridge.Tensor from the package `dotnet pack` made (ReadyToRun image for linux-x64)
#   csharp-r2r-nopgo   the same with DOTNET_TieredPGO=0 (no instrumented tier between precompiled and optimised code)
#   csharp-jit-notier  the JIT build with DOTNET_TieredCompilation=0 (every method fully optimised on first call)
#   python-bridge      `import bridge` (NativeAOT libbridge.so: no JIT at all)
#   python-torch       PyTorch 1.13 (/usr/bin/python3), with OpenBLAS if TORCH_BLAS_DIR names its directory
# Rounds are interleaved (the machine is shared); bench/first-steps/summarize.py prints medians.
# Usage: bench/first-steps/run.sh [rounds]   (needs build/nupkg from scripts/check-nuget.sh or dotnet pack)
# Env: BRIDGE_PY (default .venv/bin/python), TORCH_BLAS_DIR (e.g. bench/.cache/openblas/x/usr/lib/x86_64-linux-gnu/openblas-pthread)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/first-steps"
rounds="${1:-5}"
out="$root/build/first-steps"
mkdir -p "$out"
[ -f "$root/build/nupkg/Bridge.Tensor.$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props").nupkg" ] \
  || { echo "no Bridge.Tensor package in build/nupkg: run scripts/check-nuget.sh first"; exit 1; }
rm -rf "$root/build/first-steps-packages"   # restore the package just packed, not an earlier one
dotnet build "$here/jit" -c Release --nologo -v q -o "$out/jit"
dotnet build "$here/package" -c Release --nologo -v q -o "$out/package"
bridge_py="${BRIDGE_PY:-$root/.venv/bin/python}"

run() {  # variant, command...
  local name="$1"; shift
  printf '{"variant": "%s", "result": %s}\n' "$name" "$("$@" | tail -1)" | tee -a "$out/results.jsonl"
}
: >"$out/results.jsonl"
for ((r = 1; r <= rounds; r++)); do
  run csharp-jit dotnet "$out/jit/FirstSteps.dll"
  run csharp-r2r dotnet "$out/package/FirstSteps.dll"
  DOTNET_TieredPGO=0 run csharp-r2r-nopgo dotnet "$out/package/FirstSteps.dll"
  DOTNET_TieredCompilation=0 run csharp-jit-notier dotnet "$out/jit/FirstSteps.dll"
  [ -x "$bridge_py" ] && run python-bridge "$bridge_py" "$here/first_steps.py" bridge
  LD_LIBRARY_PATH="${TORCH_BLAS_DIR:-}" run python-torch /usr/bin/python3 "$here/first_steps.py" torch
done
/usr/bin/python3 "$here/summarize.py" "$out/results.jsonl"
