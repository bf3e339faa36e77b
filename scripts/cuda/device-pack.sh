#!/usr/bin/env bash
# Packs what scripts/cuda/device-check.sh needs on a GPU machine that has a CUDA driver and Python but no .NET SDK
# (the lent H200 machines): into .gpu/ (git-ignored, carried by the device tool) go
#   dotnet-runtime.tar.xz  the .NET host and shared runtime of this machine (no SDK)
#   payload.tar.xz         tests/  the MSTest suite as a self-running executable (device-runner/, Microsoft.Testing.Platform)
#                          bench/  CudaBench (the Bridge side of the timings)
#                          python/ the installed bridge package with libbridge.so (scripts/python-package.sh builds it)
# About 45 MiB together, inside the tool's 64 MiB for tree and carried files.
set -euo pipefail
cd "$(dirname "$0")/../.."
STAGE=.gpu/stage
rm -rf "$STAGE" && mkdir -p "$STAGE"
dotnet build scripts/cuda/device-runner -c Release -o "$STAGE/tests" -nologo -v q
dotnet build scripts/cuda/bench/CudaBench.csproj -c Release -o "$STAGE/bench" -nologo -v q
site=$(ls -d .venv/lib/python3*/site-packages/bridge 2>/dev/null | head -1)
[ -n "$site" ] || { bash scripts/python-package.sh >/dev/null; site=$(ls -d .venv/lib/python3*/site-packages/bridge | head -1); }
mkdir -p "$STAGE/python" && cp -r "$site" "$STAGE/python/bridge"
find "$STAGE" -name '__pycache__' -prune -exec rm -rf {} +
tar -C "$STAGE" -cJf .gpu/payload.tar.xz tests bench python
if [ ! -s .gpu/dotnet-runtime.tar.xz ]; then
  root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
  tar -C "$root" -cJf .gpu/dotnet-runtime.tar.xz dotnet host/fxr "shared/Microsoft.NETCore.App/$runtime"
fi
rm -rf "$STAGE"
du -ch .gpu/*.tar.xz | tail -1
