#!/usr/bin/env bash
# The wheel as a Python user gets it: `pip wheel .` must give a platform-tagged wheel (it carries libbridge.so for
# Linux x86-64) that installs into a fresh venv and imports with no .NET SDK and no clang on PATH, and whose
# x86-64-v3 library (the one every AVX2 CPU runs) works too, not only the AVX-512 one this machine may pick.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# scripts/python-package.sh builds the wheel with `pip wheel .` into build/wheel (make test runs it first).
[ -n "$(ls "$root"/build/wheel/bridge-*.whl 2>/dev/null)" ] || bash "$root/scripts/python-package.sh" >/dev/null
wheel="$(ls "$root"/build/wheel/bridge-*.whl)"
case "$(basename "$wheel")" in
  *-py3-none-linux_x86_64.whl) ;;
  *) echo "wheel is not tagged for linux_x86_64: $(basename "$wheel")"; exit 1 ;;
esac
listing="$(unzip -l "$wheel")"  # listed once: `unzip | grep -q` would die of SIGPIPE under pipefail
for lib in bridge/libbridge.so bridge/libbridge_avx512.so; do
  grep -q " $lib\$" <<<"$listing" || { echo "the wheel lacks $lib"; exit 1; }
done
# PEP 561: the marker and the stubs, so that type checkers and IDEs use the package's own type information.
for typing in bridge/py.typed bridge/__init__.pyi bridge/nn/functional.pyi; do
  grep -q " $typing\$" <<<"$listing" || { echo "the wheel lacks $typing"; exit 1; }
done
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$venv/env"
"$venv/env/bin/python" -m pip install --quiet --no-index --no-deps --disable-pip-version-check "$wheel"
# PATH holds only the venv: no dotnet, no clang (both live in /usr/bin on the build machine).
cd "$venv"
for capability in "" avx2; do
  env -i PATH="$venv/env/bin" HOME="$venv" DOTNET_ROOT=/nonexistent BRIDGE_CPU_CAPABILITY="$capability" \
    "$venv/env/bin/python" - <<'PY'
import os, shutil
import bridge as torch
assert shutil.which("dotnet") is None and shutil.which("clang-14") is None, "the SDK or clang is visible"
x = torch.ones(3, requires_grad=True)
(x * 2).sum().backward()
assert x.grad.tolist() == [2.0, 2.0, 2.0]
chosen = torch.backends.cpu.get_cpu_capability()
asked = os.environ["BRIDGE_CPU_CAPABILITY"]
assert asked != "avx2" or chosen == "AVX2", f"asked for the x86-64-v3 library, got {chosen}"
avx512 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= set(
    next(l for l in open("/proc/cpuinfo") if l.startswith("flags")).split(":", 1)[1].split())
assert asked or chosen == ("AVX512" if avx512 else "AVX2"), f"CPU has AVX-512: {avx512}, library chose {chosen}"
print(f"bridge {torch.__version__} from the wheel: ok, BRIDGE_CPU_CAPABILITY={asked or '(unset)'} -> {chosen}")
PY
done
echo "wheel OK: $(basename "$wheel")"
