#!/usr/bin/env bash
# `make parity`: runs every parity case in C#, in Python with PyTorch (when installed) and in Python
# with Bridge (when built), diffs them against each other, the committed PyTorch references and the
# seeds' published figures, and writes parity/out/report.md. Exits non-zero when any case fails.
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet run --project parity/Bridge.Parity -c Release --no-restore -- --out parity/out --python /usr/bin/python3
