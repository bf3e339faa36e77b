"""as_bridge.py PROG [args]: runs PROG with every ``torch`` / ``torch.X`` import served by ``bridge`` / ``bridge.X``
(``import bridge as torch`` without editing the program); PROG's folder goes first on sys.path, as for a script."""

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys


class Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds torch and torch.X and loads them as the bridge modules of the same path."""
    def find_spec(self, name, path, target=None):
        """A spec for torch names, None for everything else."""
        if name == "torch" or name.startswith("torch."):
            return importlib.util.spec_from_loader(name, self)
        return None
    def create_module(self, spec):
        """The bridge module itself (so torch.nn is bridge.nn)."""
        return importlib.import_module("bridge" + spec.name[len("torch"):])
    def exec_module(self, module):
        """Nothing: bridge's module ran when it was imported."""


sys.meta_path.insert(0, Alias())
prog = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(prog)))
sys.argv = sys.argv[1:]
runpy.run_path(prog, run_name="__main__")
