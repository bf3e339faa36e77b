#!/usr/bin/env bash
# `make test`: every suite (MSTest, the parity suite, pytest), then one line totalling them all.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
bash scripts/setup.sh || exit 1
dotnet build Bridge.sln -c Release --no-restore --verbosity quiet -nologo || { echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0 broken=0
log=$(mktemp -d)

echo "== Python package (libbridge.so via NativeAOT, into .venv)"
if bash scripts/python-package.sh >/dev/null; then PY=$PWD/.venv/bin/python; else
  echo "python package: build or install FAILED; Python suites run without bridge"; failed=$((failed + 1)); broken=1
fi

echo "== MSTest"
dotnet test tests/Bridge.Tensor.Tests -c Release --no-build --verbosity quiet -nologo 2>&1 | tee "$log/mstest.txt"
line=$(grep -E "(Passed|Failed)!.*Total" "$log/mstest.txt" | tail -1)
if [ -z "$line" ]; then broken=1; failed=$((failed + 1)); else
  passed=$((passed + $(echo "$line" | sed -E 's/.*Passed: *([0-9]+).*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.*Failed: *([0-9]+).*/\1/')))
fi

echo "== CUDA backend (emulator x2 schedules + cuBLAS stand-in, ptxas sm_80/sm_90, real libcuda)"
BRIDGE_FETCH_NVIDIA=1 SKIP_CPU=1 bash scripts/cuda/test-backends.sh 2>&1 | tee "$log/cuda.txt"
line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log/cuda.txt" | tail -1)
if [ -z "$line" ]; then failed=$((failed + 1)); broken=1; else
  passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')))
fi

echo "== parity suite"
if bash scripts/parity.sh 2>&1 | tee "$log/parity.txt"; then :; else broken=1; fi
line=$(grep -E "^parity cases: [0-9]+ passed, [0-9]+ failed" "$log/parity.txt" | tail -1)
if [ -z "$line" ]; then failed=$((failed + 1)); broken=1; else
  passed=$((passed + $(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
fi

echo "== pytest"
if "$PY" -c "import pytest" 2>/dev/null; then
  "$PY" -m pytest -q tests/python 2>&1 | tee "$log/pytest.txt"
  code=${PIPESTATUS[0]}
  line=$(grep -E "[0-9]+ (passed|failed)" "$log/pytest.txt" | tail -1)
  p=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || echo 0)
  f=$(echo "$line" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+" || echo 0)
  e=$(echo "$line" | grep -oE "[0-9]+ errors?" | grep -oE "[0-9]+" || echo 0)
  passed=$((passed + p)); failed=$((failed + f + e))
  # exit 5 means no tests were collected: not a failure of anything that exists.
  if [ "$code" != 0 ] && [ "$code" != 5 ] && [ "$((f + e))" = 0 ]; then failed=$((failed + 1)); fi
else
  echo "pytest not installed (Debian package python3-pytest): Python tests skipped"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$broken" = 0 ]
