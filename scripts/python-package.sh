#!/usr/bin/env bash
# Installs the Python package (building libbridge.so with NativeAOT) into .venv, a virtual environment
# over Debian's interpreter that also sees Debian's numpy and torch. Prints the interpreter to use.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv >&2
fi
.venv/bin/python -m pip install --quiet --no-build-isolation --no-index --disable-pip-version-check . >&2
echo "$PWD/.venv/bin/python"
