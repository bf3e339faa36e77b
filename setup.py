"""Builds libbridge.so (NativeAOT publish of src/Interop) into the package during `pip install .`.

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


setup(cmdclass={"build_py": BuildWithNativeLibrary})
