#!/usr/bin/env bash
# `make parity`: set-up, build, the Python package, then the parity suite itself (scripts/parity.sh), each step
# saying every 10 seconds that it is still going; the suite's own output follows as it runs.
set -uo pipefail
cd "$(dirname "$0")/.."
export RESULTS=$PWD/build/parity-steps
source scripts/lib/suites.sh
suite_init
check "setup (Debian packages, dotnet restore)" bash scripts/setup.sh || exit 1
check "build (parity runner)" dotnet build parity/Bridge.Parity.Cli -c Release --no-restore -nologo -clp:ErrorsOnly || exit 1
check "Python package (libbridge.so via NativeAOT, into .venv)" bash scripts/python-package.sh \
  || echo "   the Bridge-from-Python runtime will be reported unavailable"
echo "-- parity suite"
bash scripts/parity.sh
