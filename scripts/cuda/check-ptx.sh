#!/bin/sh
# Assembles the backend's PTX with NVIDIA's ptxas (from Debian's nvidia-cuda-toolkit, see fetch-nvidia.sh) for
# each target GPU and fails on any error or any register spill. No GPU needed.
#   PTXAS  ptxas binary (default: the fetch-nvidia.sh cache, then PATH)    ARCHS  default: every GPU generation the PTX must load on, sm_70 to sm_90
#   PTX    default build/cuda/kernels.ptx (scripts/cuda/build.sh)
set -eu
cd "$(dirname "$0")/../.."
PTX=${PTX:-build/cuda/kernels.ptx}
CACHE=${CACHE:-$HOME/.cache/bridge/nvidia}
PTXAS=${PTXAS:-$( [ -x "$CACHE/x/usr/bin/ptxas" ] && echo "$CACHE/x/usr/bin/ptxas" || command -v ptxas || true)}
[ -n "$PTXAS" ] || { echo "check-ptx: ptxas not found (scripts/cuda/fetch-nvidia.sh)"; exit 2; }
[ -f "$PTX" ] || { echo "check-ptx: $PTX missing (scripts/cuda/build.sh)"; exit 2; }
echo "check-ptx: $(grep -E '^\.(version|target)' "$PTX" | tr '\n' ' ')$(grep -c '^\.visible \.entry' "$PTX") kernels, $(wc -c < "$PTX") bytes; $("$PTXAS" --version | tail -1)"
# Spills known and accepted, as arch:kernel: Volta's ptxas spills 4 bytes in the int64 GEMM (a rarely used dtype for
# matmul; every float kernel is spill-free on every arch). Anything else that spills fails the check.
ALLOW_SPILLS=${ALLOW_SPILLS:-sm_70:gemm_i64}
status=0
for arch in ${ARCHS:-sm_70 sm_75 sm_80 sm_86 sm_89 sm_90}; do
  log=$(mktemp)
  # ptxas takes PTX of an older ISA version for a newer arch (clang-14 stops at sm_86 / PTX 7.x).
  if ! "$PTXAS" -arch="$arch" -O3 -v "$PTX" -o /dev/null > "$log" 2>&1; then
    echo "ptxas $arch: FAILED"; cat "$log"; status=1; continue
  fi
  spills=$(awk '/Compiling entry function/ { fn = $0; sub(/.*function .?/, "", fn); sub(/.? for .*/, "", fn) }
                /spill stores/ { if ($5 + $9 > 0) print fn ": " $0 }' "$log")
  for allowed in $ALLOW_SPILLS; do
    [ "${allowed%%:*}" = "$arch" ] && spills=$(printf "%s\n" "$spills" | grep -v "^${allowed#*:}:" || true)
  done
  regs=$(grep -oE 'Used [0-9]+ registers' "$log" | awk '{ if ($2 > m) m = $2 } END { print m }')
  frames=$(grep -cE "^ *[1-9][0-9]* bytes stack frame" "$log")
  echo "ptxas $arch: ok, $(grep -c "Compiling entry function" "$log") kernels, max $regs registers/thread, $frames with a local stack frame (sum trees), spills: ${spills:-none}"
  [ -z "$spills" ] || status=1
  rm -f "$log"
done
exit $status
