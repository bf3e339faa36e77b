#!/usr/bin/env bash
# Builds the wheel once (`pip wheel .`: libbridge.so for x86-64-v3 and libbridge_avx512.so via NativeAOT, the
# pythonnet assemblies) into build/wheel, then installs it into .venv, a virtual environment over Debian's
# interpreter that also sees Debian's numpy and torch. Prints the interpreter to use.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv >&2
fi
rm -rf build/wheel
.venv/bin/python -m pip wheel --quiet --no-build-isolation --no-index --no-deps --disable-pip-version-check \
  -w build/wheel . >&2
.venv/bin/python -m pip install --quiet --no-index --no-deps --force-reinstall --disable-pip-version-check \
  build/wheel/bridge-*.whl >&2
echo "$PWD/.venv/bin/python"
