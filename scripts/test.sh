#!/usr/bin/env bash
# `make test`: every suite (MSTest on the CPU and on the emulated CUDA backend, the parity suite, pytest,
# the README's examples run twice), then totals from their structured results (TRX, JUnit XML, exit codes:
# scripts/tally.py), ending on "N passed, N failed, N skipped". Results and logs: build/test-results/.
set -uo pipefail
cd "$(dirname "$0")/.."
export RESULTS=$PWD/build/test-results
source scripts/lib/suites.sh
suite_init
started=$SECONDS
echo "== make test: results and logs in $RESULTS"

check "setup (Debian packages, dotnet restore)" bash scripts/setup.sh
check "build (Bridge.sln, Release)" dotnet build Bridge.sln -c Release --no-restore -nologo -clp:ErrorsOnly
built=$STEP_CODE
PY=/usr/bin/python3
if check "Python package (pip wheel: libbridge.so x86-64-v3 and AVX-512 via NativeAOT; installed into .venv)" bash scripts/python-package.sh; then
  PY=$PWD/.venv/bin/python
  check "the wheel installs into a fresh venv and imports without the .NET SDK or clang" bash scripts/check-wheel.sh
fi

if [ "$built" = 0 ]; then
  echo "== MSTest, once per backend: CPU; CUDA on the emulator (both schedules, cuBLAS stand-in); ptxas"
  BRIDGE_FETCH_NVIDIA=1 SUITES_APPEND=1 SKIP_CPU=0 bash scripts/cuda/test-backends.sh
  echo "== MSTest, pythonnet route (Bridge.Python: C# hosting Python, zero-copy NumPy/torch)"
  mstest "pythonnet" tests/Bridge.Python.Tests
  echo "== parity suite"
  rm -f parity/out/junit.xml
  junit_step "parity suite (C#, PyTorch, Bridge from Python)" "$PWD/parity/out/junit.xml" bash scripts/parity.sh
fi

echo "== pytest"
if "$PY" -c "import pytest" 2>/dev/null; then
  pytest_suite "tests/python" "$PY" tests/python
  # The same engine through the ctypes fallback (what runs where the CPython extension cannot load).
  BRIDGE_PYTHON_EXTENSION=0 pytest_suite "tests/python, ctypes path" "$PY" tests/python/test_fast_extension.py \
    tests/python/test_errors.py tests/python/test_bool_arithmetic.py tests/python/test_autograd_functions.py \
    tests/python/test_ops_vs_torch.py tests/python/test_optim_vs_torch.py tests/python/test_memory.py \
    tests/python/test_fast_slots.py
else
  echo "pytest missing (Debian package python3-pytest): the Python suite cannot run"
  record "pytest tests/python" check - 1
fi

echo "== distributed (mpirun -np 2: collectives and DistributedDataParallel; whole-job failures)"
run_step "distributed suite" "$RESULTS/distributed.log" env PYTHON="$PY" bash scripts/test-distributed.sh "$RESULTS/distributed"
[ "$STEP_CODE" = 0 ] || tail -30 "$RESULTS/distributed.log"
record "distributed, rank 0" junit "$RESULTS/distributed/distributed-rank0.xml" "$STEP_CODE"
record "distributed, rank 1" junit "$RESULTS/distributed/distributed-rank1.xml" 0
record "distributed, launched jobs" junit "$RESULTS/distributed/distributed-launch.xml" 0

echo "== examples/port-a-model (a PyTorch model and its C# port recorded and diffed; a broken port pinned)"
[ "$built" = 0 ] && check "port-a-model example" env PYTHON="$PY" bash examples/port-a-model/run.sh

echo "== README examples (each run twice, in a scratch folder)"
check "README examples match examples/readme" "$PY" scripts/check-readme-examples.py
scratch=$(mktemp -d)
for run in 1 2; do
  [ "$built" = 0 ] && check "README C# example, run $run" bash -c "cd '$scratch' && dotnet '$PWD/examples/readme/csharp/bin/Release/net10.0/ReadmeExample.dll'"
  check "README Python example, run $run" bash -c "cd '$scratch' && '$PY' '$PWD/examples/readme/python/example.py'"
done
rm -rf "$scratch"

echo "== NuGet packages (dotnet pack into build/nupkg; a fresh console app runs the README's C# example from them)"
[ "$built" = 0 ] && check "NuGet packages installed into a new console app" bash scripts/check-nuget.sh

echo
echo "== totals (make test took $((SECONDS - started)) s)"
tally
