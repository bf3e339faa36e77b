#!/usr/bin/env bash
# The distributed benchmark (about two minutes): all-reduce cost per size (Bridge from Python, PyTorch over gloo, and a
# plain C loop of MPI_Allreduce / MPI_Iallreduce), and DDP step time with 1 and 2 ranks (Bridge, PyTorch over gloo),
# interleaved rounds, medians printed as Markdown by report.py (raw lines kept in build/bench/distributed.txt).
# Usage: bench/distributed/run.sh   (PYTHON=... to choose the interpreter; default /usr/bin/python3 over python/)
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-/usr/bin/python3}
[ -n "${PYTHON:-}" ] || export PYTHONPATH=$PWD/python
mpirun=scripts/mpirun.sh
rounds=${ROUNDS:-2}
mkdir -p build/bench
mpicc -O2 -o build/bench/allreduce bench/distributed/allreduce.c
sizes=(4096:2000 65536:1000 1048576:200 16777216:20)
{
  for round in $(seq "$rounds"); do
    for s in "${sizes[@]}"; do $mpirun -np 2 build/bench/allreduce "${s%%:*}" "${s##*:}"; done
    $mpirun -np 2 "$python" bench/distributed/allreduce.py bridge "${sizes[@]}"
    $mpirun -np 2 "$python" bench/distributed/allreduce.py torch "${sizes[@]}" 2>/dev/null
    for np in 1 2; do
      for impl in bridge bridge-local torch; do
        $mpirun -np $np "$python" bench/distributed/ddp_step.py $impl 128 20 2>/dev/null
      done
    done
  done
} | tee build/bench/distributed.txt | "$python" bench/distributed/report.py
