"""Builds libbridge.so (NativeAOT publish of src/Interop) and the managed assemblies of `bridge.clr` (a publish of
src/Python, the pythonnet route) into the package during `pip install .`.

Everything else about the package is declared in pyproject.toml.
"""

import pathlib
import shutil
import subprocess
import tempfile

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # building without the wheel package: no wheel to tag
    bdist_wheel = None

ROOT = pathlib.Path(__file__).resolve().parent


class BuildWithNativeLibrary(build_py):
    def run(self):
        super().run()
        target = pathlib.Path(self.build_lib) / "bridge"
        target.mkdir(parents=True, exist_ok=True)
        # Two builds of the C ABI library: NativeAOT fixes the vector width at build time, so one for any
        # x86-64-v3 CPU and one for AVX-512 CPUs; bridge/_lib.py loads the widest the CPU runs.
        for level, name in (("x86-64-v3", "libbridge.so"), ("x86-64-v4", "libbridge_avx512.so")):
            with tempfile.TemporaryDirectory() as out:
                cmd = ["dotnet", "publish", str(ROOT / "src" / "Interop"), "-c", "Release", "-o", out,
                       f"-p:IlcInstructionSet={level}",
                       # each level compiles natively into a folder of its own (the IL is shared)
                       f"-p:NativeIntermediateOutputPath=obj/Release/net10.0/linux-x64/native-{level}/",
                       "--nologo", "--verbosity", "quiet"]
                try:
                    subprocess.run(cmd, check=True)
                except FileNotFoundError:
                    raise SystemExit("bridge: building libbridge.so needs the .NET SDK (dotnet) on PATH")
                shutil.copy2(pathlib.Path(out) / "libbridge.so", target / name)
        # bridge.clr: framework-dependent assemblies (Bridge.Tensor, Bridge.Python, pythonnet's Python.Runtime) and
        # the runtimeconfig that its hostfxr loader starts .NET from.
        managed = target / "_clr"
        shutil.rmtree(managed, ignore_errors=True)
        subprocess.run(["dotnet", "publish", str(ROOT / "src" / "Python"), "-c", "Release", "-o", str(managed),
                        "-p:DebugType=none", "--nologo", "--verbosity", "quiet"], check=True)


commands = {"build_py": BuildWithNativeLibrary}
if bdist_wheel is not None:
    class PlatformWheel(bdist_wheel):
        """The wheel carries libbridge.so for Linux x86-64: say so in its tag (it needs no particular CPython ABI:
        the library is loaded through ctypes), so pip never installs it anywhere else."""

        def get_tag(self):
            return "py3", "none", "linux_x86_64"

    commands["bdist_wheel"] = PlatformWheel


class BinaryDistribution(Distribution):
    """Holds a native library, so setuptools builds into platlib and the wheel is not "pure"."""

    def has_ext_modules(self):
        return True


setup(cmdclass=commands, distclass=BinaryDistribution)
