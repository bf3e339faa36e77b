#!/usr/bin/env bash
# Runs the MSTest suite once per backend (issue #7): cpu; cuda on the host emulator under both schedules
# (blocks' threads in order and reversed) and with the cuBLAS stand-in; cuda on a real GPU when one is usable,
# else says why it is skipped. Every op, gradient and optimizer test runs on the backend through
# BRIDGE_TEST_DEVICE (tests/.../Cuda/TestDevice.cs). Then, when the NVIDIA cache exists
# (scripts/cuda/fetch-nvidia.sh; BRIDGE_FETCH_NVIDIA=1 fetches it): ptxas with zero spills, and the real
# libcuda.so.1 binding test. Expects `dotnet build Bridge.sln -c Release` done.
# Counts come from TRX files (scripts/lib/suites.sh, scripts/tally.py). SUITES_APPEND=1 adds its rows to the
# caller's $RESULTS (make test) instead of starting and totalling its own. SKIP_CPU=1 leaves out the cpu run;
# BRIDGE_CUDA_ASAN=1 adds a run on an AddressSanitizer build of the emulator (exact out-of-bounds checks).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/suites.sh
[ "${SUITES_APPEND:-0}" = 1 ] || suite_init
SKIP_CPU=${SKIP_CPU:-${SUITES_APPEND:-0}}
CACHE=${CACHE:-$HOME/.cache/bridge/nvidia}
EMU=$PWD/build/cuda/libcudaemu.so
TESTS=tests/Bridge.Tensor.Tests

if [ "${BRIDGE_FETCH_NVIDIA:-0}" = 1 ]; then check "fetch ptxas and libcuda.so.1 (Debian non-free)" sh scripts/cuda/fetch-nvidia.sh; fi
REAL=$CACHE/x/usr/lib/x86_64-linux-gnu/nvidia/current/libcuda.so.1
REAL_ENV=()
[ -e "$REAL" ] && REAL_ENV=(BRIDGE_REAL_LIBCUDA="$REAL")   # CudaDriverTests binds every symbol of the real driver

[ "$SKIP_CPU" = 1 ] || mstest "cpu" $TESTS BRIDGE_TEST_DEVICE=cpu "${REAL_ENV[@]}"
if check "CUDA kernels to PTX and the host emulator (scripts/cuda/build.sh)" sh scripts/cuda/build.sh; then
  mstest "cuda (emulator, in-order schedule)" $TESTS BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER="$EMU" EMU_SCHED=forward "${REAL_ENV[@]}"
  mstest "cuda (emulator, reversed schedule)" $TESTS BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER="$EMU" EMU_SCHED=reverse "${REAL_ENV[@]}"
  # The cuBLAS binding (large matmuls) against the emulator's column-major cublasSgemm_v2 stand-in.
  mstest "cuda (emulator, cuBLAS stand-in)" $TESTS BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER="$EMU" BRIDGE_CUBLAS="$EMU" "${REAL_ENV[@]}"
  if [ "${BRIDGE_CUDA_ASAN:-0}" = 1 ]; then
    if check "CUDA emulator with AddressSanitizer" env OUT=build/cuda-asan EXTRA="-fsanitize=address -fno-omit-frame-pointer" sh scripts/cuda/build.sh; then
      mstest "cuda (emulator, AddressSanitizer)" $TESTS BRIDGE_TEST_DEVICE=cuda BRIDGE_CUDA_DRIVER="$PWD/build/cuda-asan/libcudaemu.so" \
        LD_PRELOAD="$(g++ -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1
    fi
  fi
fi
if [ -e /dev/nvidiactl ] && ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1'; then
  mstest "cuda (real GPU)" $TESTS BRIDGE_TEST_DEVICE=cuda
else
  echo "-- cuda (real GPU): not run: no NVIDIA driver on this machine (no /dev/nvidiactl or libcuda.so.1)"
fi
if [ -x "$CACHE/x/usr/bin/ptxas" ]; then
  check "ptxas sm_70..sm_90: every kernel assembles, no spill beyond the accepted one" sh scripts/cuda/check-ptx.sh
else
  echo "-- ptxas: not run: $CACHE missing (BRIDGE_FETCH_NVIDIA=1 or scripts/cuda/fetch-nvidia.sh)"
fi
[ "${SUITES_APPEND:-0}" = 1 ] || tally
