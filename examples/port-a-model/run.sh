#!/usr/bin/env bash
# The whole example: the PyTorch reference run, the C# port's run, the diff (JUnit, HTML, Markdown in out/), and the
# deliberately broken port, which the diff must pin to its broken layer (forward/hidden, step 0).
# Exit 0 when the port agrees and the broken port is caught; a team's own CI keeps only the first three steps.
set -uo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
TOL=(--rtol 1e-5 --atol 1e-6 --tolerances tolerances.txt)
mkdir -p out/broken
[ -f weights.safetensors ] || "$PY" model.py --export || exit 2

"$PY" model.py --out out/torch.csv || exit 2
dotnet run --project Port -c Release -- --out out/port.csv || exit 2
"$PY" -m bridge.parity diff out/torch.csv out/port.csv "${TOL[@]}" --junit out/parity.xml --html out/parity.html --markdown out/parity.md
verdict=$?

dotnet run --project Port -c Release -- --broken --out out/broken/port.csv || exit 2
"$PY" -m bridge.parity diff out/torch.csv out/broken/port.csv "${TOL[@]}" --junit out/broken/parity.xml --html out/broken/parity.html | tee out/broken/verdict.txt
if [ "${PIPESTATUS[0]}" -ne 1 ] || ! grep -q "first divergence at step 0, forward/hidden" out/broken/verdict.txt; then
  echo "the broken port was not pinned to forward/hidden at step 0" >&2
  exit 1
fi
echo "broken port pinned to forward/hidden, step 0 (as it should be)"
exit $verdict
