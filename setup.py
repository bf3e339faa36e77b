"""Builds libbridge.so (NativeAOT publish of src/Interop) and the managed assemblies of `bridge.clr` (a publish of
src/Python, the pythonnet route) into the package during `pip install .`.

Everything else about the package is declared in pyproject.toml.
"""

import pathlib
import shutil
import subprocess
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent


class BuildWithNativeLibrary(build_py):
    def run(self):
        super().run()
        target = pathlib.Path(self.build_lib) / "bridge"
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as out:
            cmd = ["dotnet", "publish", str(ROOT / "src" / "Interop"), "-c", "Release", "-o", out,
                   "--nologo", "--verbosity", "quiet"]
            try:
                subprocess.run(cmd, check=True)
            except FileNotFoundError:
                raise SystemExit("bridge: building libbridge.so needs the .NET SDK (dotnet) on PATH")
            shutil.copy2(pathlib.Path(out) / "libbridge.so", target / "libbridge.so")
        # bridge.clr: framework-dependent assemblies (Bridge.Tensor, Bridge.Python, pythonnet's Python.Runtime) and
        # the runtimeconfig that its hostfxr loader starts .NET from.
        managed = target / "_clr"
        shutil.rmtree(managed, ignore_errors=True)
        subprocess.run(["dotnet", "publish", str(ROOT / "src" / "Python"), "-c", "Release", "-o", str(managed),
                        "-p:DebugType=none", "--nologo", "--verbosity", "quiet"], check=True)


setup(cmdclass={"build_py": BuildWithNativeLibrary})
