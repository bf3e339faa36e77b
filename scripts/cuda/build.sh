#!/bin/sh
# Builds the CUDA backend's native pieces without a CUDA toolkit (see native/cuda-emu/README.md):
#   $OUT/kernels.ptx      device code, clang-14 -x cuda (the same PTX the MSBuild target embeds)
#   $OUT/libcudaemu.so    the host emulator: a libcuda-compatible driver running the same kernels on fibers
# OUT defaults to build/cuda (git-ignored). EXTRA="-fsanitize=address" builds the emulator with ASan.
set -eu
cd "$(dirname "$0")/../.."
OUT=${OUT:-build/cuda}
K=src/Tensor/Backends/Cuda/Kernels
E=native/cuda-emu
mkdir -p "$OUT"
CLANG=${CLANG:-clang-14}
command -v "$CLANG" >/dev/null || { echo "scripts/cuda/build.sh: $CLANG not found (apt-get install clang-14)" >&2; exit 2; }
# 1) CUDA C++ -> PTX for sm_70 (Volta), PTX ISA 7.0 (drivers from CUDA 11.0 on): the driver JIT-compiles it for
#    every later GPU (T4, RTX 20-40, A100, H100), checked by check-ptx.sh. -ffp-contract=off keeps mul/add unfused,
#    the same on device and host, so both give bit-identical results.
"$CLANG" -x cuda --cuda-device-only --cuda-gpu-arch=sm_70 -nocudainc -nocudalib \
  -Xclang -target-feature -Xclang +ptx70 -std=c++17 -O3 -ffp-contract=off -fwrapv -fno-crash-diagnostics -Wall \
  -I"$E" -S "$K/Kernels.cu" -o "$OUT/kernels.ptx"
# 2) static checks: any libm call would be an unresolved external on the device
if grep -nE '^\s*\.extern|\bcall(\.uni)?\b' "$OUT/kernels.ptx"; then echo "PTX has external calls" >&2; exit 1; fi
grep -q "^.target sm_70" "$OUT/kernels.ptx"
# 3) kernel registry for the emulator, generated from the PTX entries
grep -oE '^\.visible \.entry [A-Za-z_][A-Za-z0-9_]*' "$OUT/kernels.ptx" | awk '{print "EMU_K(" $3 ")"}' > "$OUT/kernels_list.inc"
# 4) the emulator library (kernels for the host + fake libcuda + fake cublasSgemm_v2)
${CXX:-g++} -std=c++17 -O2 -g -fPIC -shared -ffp-contract=off -fwrapv -Wall -Wno-unused-function -Wno-sign-compare \
  -Wno-unknown-pragmas -Wno-unknown-attributes -I"$OUT" -I"$E" -I"$K" ${EXTRA:-} \
  "$E/kernels_emu.cpp" "$E/emu_sched.cpp" "$E/emu_driver.cpp" "$E/emu_memory.cpp" -o "$OUT/libcudaemu.so"
echo "built $OUT/kernels.ptx ($(grep -c '^\.visible \.entry' "$OUT/kernels.ptx") kernels, $(wc -c < "$OUT/kernels.ptx") bytes) and $OUT/libcudaemu.so"
