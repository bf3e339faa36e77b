#!/usr/bin/env bash
# `make parity`: runs every parity case in C#, in Python with PyTorch (when installed) and in Python
# with Bridge (the package scripts/python-package.sh installs into .venv), diffs them against each other,
# the committed PyTorch references and the seeds' published figures, and writes parity/out/report.md.
# Exits non-zero when any case fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if [ -x .venv/bin/python ] && .venv/bin/python -c "import bridge" 2>/dev/null; then PY=$PWD/.venv/bin/python; fi
dotnet run --project parity/Bridge.Parity.Cli -c Release --no-restore -- --out parity/out --python "$PY" "$@"
