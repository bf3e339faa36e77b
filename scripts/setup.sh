#!/usr/bin/env bash
# Installs what `make test` and `make parity` need on a fresh Debian machine that has the .NET SDK:
# Debian's own Python with NumPy, PyTorch and pytest (PyPI is not used), then the NuGet restore.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
missing=()
[ -x "$PY" ] || missing+=(python3)
"$PY" -c "import numpy" 2>/dev/null || missing+=(python3-numpy)
"$PY" -c "import torch" 2>/dev/null || missing+=(python3-torch)
"$PY" -c "import pytest" 2>/dev/null || missing+=(python3-pytest)
# The Python package installs into a venv over this interpreter (pip refuses the system one, PEP 668).
"$PY" -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
"$PY" -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
"$PY" -c "import setuptools, wheel" 2>/dev/null || missing+=(python3-setuptools python3-wheel)
# NativeAOT links libbridge.so through clang.
command -v clang-14 >/dev/null || missing+=(clang-14)
# The parity diff's HTML report is checked in a real headless browser (tests/python/test_parity_report_browser.py).
command -v chromium >/dev/null || missing+=(chromium)
# pythonnet (src/Python) starts Debian's Python from its shared library.
[ -e /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 ] || missing+=(libpython3.11)
# The distributed suite: Open MPI's launcher and libmpi.so.40 (bound by name at run time).
command -v mpirun >/dev/null || missing+=(openmpi-bin)
# (grep reads the whole listing: with -q it could exit early and kill ldconfig with SIGPIPE under pipefail)
ldconfig -p 2>/dev/null | grep 'libmpi\.so\.40' >/dev/null || missing+=(libopenmpi3)
# The package checks (scripts/check-nuget.sh, scripts/check-wheel.sh) read the .nupkg and .whl archives.
command -v unzip >/dev/null || missing+=(unzip)
# The SLEEF port is checked lane for lane against the libsleef torch links, through a small C shim built with gcc
# (tests/python/sleef_oracle.py).
ldconfig -p 2>/dev/null | grep 'libsleef\.so\.3' >/dev/null || missing+=(libsleef3)
command -v gcc >/dev/null || missing+=(gcc)
# The type stubs are checked the way an IDE reads them (tests/python/test_type_stubs.py).
"$PY" -c "import mypy" 2>/dev/null || missing+=(python3-mypy)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    echo "setup: continuing; the suites that need them report themselves as skipped" >&2
  fi
fi
dotnet restore Bridge.sln --verbosity quiet
