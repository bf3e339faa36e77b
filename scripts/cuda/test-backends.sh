#!/usr/bin/env bash
# Runs the MSTest suite once per backend (issue #7): cpu; cuda on the host emulator under both schedules
# (blocks' threads in order and reversed); cuda on a real GPU when one is usable, else says why it is skipped.
# Every op, gradient and optimizer test runs on the backend through BRIDGE_TEST_DEVICE (tests/.../Cuda/TestDevice.cs).
# Then, when the NVIDIA cache exists (scripts/cuda/fetch-nvidia.sh; BRIDGE_FETCH_NVIDIA=1 fetches it):
# ptxas for sm_80/sm_90 with zero spills, and the real libcuda.so.1 binding test.
# Expects `dotnet build Bridge.sln -c Release` done. Last line: "<passed> passed, <failed> failed".
# SKIP_CPU=1 leaves out the cpu run (when the caller already ran it); BRIDGE_CUDA_ASAN=1 adds a run on an
# AddressSanitizer build of the emulator (exact out-of-bounds checks, ~1 min).
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
CACHE=${CACHE:-$HOME/.cache/bridge/nvidia}
EMU=$PWD/build/cuda/libcudaemu.so
TESTS=tests/Bridge.Tensor.Tests

run() {   # label, env assignments...
  local label=$1; shift
  local out line p f
  out=$(env "$@" dotnet test $TESTS -c Release --no-build --verbosity quiet -nologo 2>&1)
  line=$(grep -E "(Passed|Failed)!.*Total" <<< "$out" | tail -1)
  if [ -z "$line" ]; then echo "$out" | tail -30; echo "$label: test run broken"; failed=$((failed + 1)); return; fi
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<< "$line"); f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<< "$line")
  [ "$f" = 0 ] || grep -E "^\s+Failed " <<< "$out"
  echo "$label: $(sed -E 's/ - Bridge.*//' <<< "$line")"
  passed=$((passed + p)); failed=$((failed + f))
}

if [ "${BRIDGE_FETCH_NVIDIA:-0}" = 1 ]; then sh scripts/cuda/fetch-nvidia.sh || failed=$((failed + 1)); fi
REAL=$CACHE/x/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1
[ -e "$REAL" ] && export BRIDGE_REAL_LIBCUDA=$REAL   # CudaDriverTests binds every symbol of the real driver

echo "== MSTest per backend"
[ "${SKIP_CPU:-0}" = 1 ] || run "cpu" BRIDGE_TEST_DEVICE=cpu
if sh scripts/cuda/build.sh > /tmp/bridge-cuda-build.log 2>&1; then
  tail -1 /tmp/bridge-cuda-build.log
  run "cuda (emulator, in-order schedule)" BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER=$EMU EMU_SCHED=forward
  run "cuda (emulator, reversed schedule)" BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER=$EMU EMU_SCHED=reverse
  # The cuBLAS binding (large matmuls) against the emulator's column-major cublasSgemm_v2 stand-in.
  run "cuda (emulator, cuBLAS stand-in)" BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER=$EMU BRIDGE_CUBLAS=$EMU
  if [ "${BRIDGE_CUDA_ASAN:-0}" = 1 ] && OUT=build/cuda-asan EXTRA="-fsanitize=address -fno-omit-frame-pointer" sh scripts/cuda/build.sh > /dev/null 2>&1; then
    run "cuda (emulator, AddressSanitizer)" BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER=$PWD/build/cuda-asan/libcudaemu.so \
      LD_PRELOAD="$(g++ -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1
  fi
else
  cat /tmp/bridge-cuda-build.log; echo "cuda (emulator): build failed"; failed=$((failed + 1))
fi
if [ -e /dev/nvidiactl ] && ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
  run "cuda (real GPU)" BRIDGE_TEST_DEVICE=cuda
else
  echo "cuda (real GPU): skipped: no NVIDIA driver on this machine (no /dev/nvidiactl or libcuda.so.1)"
fi

if [ -x "$CACHE/x/usr/bin/ptxas" ]; then
  echo "== ptxas (real libcuda.so.1 binding: RealLibcuda_BindsEverySymbol_AndReportsNoDeviceCleanly in the runs above)"
  if sh scripts/cuda/check-ptx.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
else
  echo "ptxas / real libcuda checks: skipped: $CACHE missing (BRIDGE_FETCH_NVIDIA=1 or scripts/cuda/fetch-nvidia.sh)"
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
