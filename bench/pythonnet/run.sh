#!/usr/bin/env bash
# The pythonnet benchmarks, side by side (about a minute): conversion C# <-> NumPy (PyBridge, plain pythonnet,
# Marshal.Copy) and per-call overhead from Python (C ABI vs bridge.clr vs PyTorch). Results: RESULTS.md.
# Needs the package in .venv (bash scripts/python-package.sh); PYTHON overrides the interpreter.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
dotnet build bench/pythonnet/Conversion -c Release --nologo -v quiet >&2
echo "## Conversion, float32, C# process hosting Python"
dotnet bench/pythonnet/Conversion/bin/Release/net10.0/PythonNetConversion.dll
echo
echo "## Per call, from Python"
"$PYTHON" bench/pythonnet/call_overhead.py
