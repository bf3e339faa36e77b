#!/usr/bin/env bash
# mpirun with the settings Bridge's jobs need on one machine or in a container; every argument is passed on
# (`scripts/mpirun.sh -np 2 python train.py`, `scripts/mpirun.sh -H host1,host2 -np 2 python train.py`).
#   --allow-run-as-root          Open MPI refuses root otherwise (containers, CI)
#   --oversubscribe              more ranks than cores is allowed (2-core CI machines, tests with -np 3)
#   --bind-to none               no core pinning: ranks share cores with the rest of the machine
#   btl self,vader               shared memory between local ranks; tcp is added for multi-host runs (-H/--hostfile)
#   btl_vader_single_copy_mechanism none
#                                containers forbid the cross-process copies (CMA) vader would use for large messages
set -euo pipefail
command -v mpirun >/dev/null || { echo "mpirun not found: apt-get install --no-install-recommends openmpi-bin libopenmpi3" >&2; exit 127; }
flags=(--oversubscribe --bind-to none --mca btl_vader_single_copy_mechanism none)
[ "$(id -u)" = 0 ] && flags+=(--allow-run-as-root)
btl=self,vader
for a in "$@"; do case "$a" in -H|--host|-host|--hostfile|-hostfile|--machinefile) btl=self,vader,tcp ;; esac; done
exec mpirun "${flags[@]}" --mca btl "$btl" "$@"
