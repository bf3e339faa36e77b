#!/usr/bin/env bash
# The distributed suite: collectives and DistributedDataParallel under `mpirun -np 2` (every rank runs the same
# pytest session), then whole jobs launched from one process (failures, timeouts, singleton MPI, the C# example).
# Usage: scripts/test-distributed.sh JUNIT_DIR   (PYTHON=... to choose the interpreter; default: the .venv package)
# Writes JUNIT_DIR/distributed-rank0.xml, distributed-rank1.xml, distributed-launch.xml; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/test-distributed.sh JUNIT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if ! command -v mpirun >/dev/null; then
  echo "test-distributed: mpirun not found: apt-get install --no-install-recommends openmpi-bin libopenmpi3" >&2
  exit 1
fi
python=${PYTHON:-$(bash scripts/python-package.sh)}
pytest_flags=(-q --color=no -p no:cacheprovider)
# The C# example that test_launch.py runs under mpirun (DistributedDataParallel from C#).
if command -v dotnet >/dev/null; then
  nice dotnet build examples/distributed/DataParallel -c Release --nologo --verbosity quiet || echo "test-distributed: the C# example did not build" >&2
fi
status=0

# Rank 0 reports on the terminal; the other ranks' output goes to files next to their XML.
timeout 900 scripts/mpirun.sh -np 2 bash -c '
  rank=$OMPI_COMM_WORLD_RANK
  cmd=("$0" -m pytest "${@:3}" tests/distributed/collective --junitxml="$1/distributed-rank$rank.xml")
  if [ "$rank" = 0 ]; then exec "${cmd[@]}"; else exec "${cmd[@]}" >"$1/distributed-rank$rank.log" 2>&1; fi
' "$python" "$out" unused "${pytest_flags[@]}" || status=1

timeout 900 "$python" -m pytest "${pytest_flags[@]}" tests/distributed/test_launch.py \
  --junitxml="$out/distributed-launch.xml" || status=1

[ $status = 0 ] && echo "test-distributed: passed" || echo "test-distributed: FAILED (logs and XML in $out)" >&2
exit $status
