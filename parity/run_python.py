#!/usr/bin/python3
"""Run the parity cases under real PyTorch or under Bridge's Python package.

    run_python.py --runtime torch|bridge --out DIR [--cases a,b] [--bridge-path DIR]

Writes DIR/<case>.csv for each case with bridge.parity's Recorder (python/bridge/parity, the recorder users
get; schema: README.md). It is loaded from this checkout's source, so the suite and users share one recorder
even when the bridge runtime is unavailable.
With --runtime bridge, ``bridge`` (and bridge.nn, bridge.nn.functional,
bridge.optim) are installed under the ``torch`` module names before any case is
imported, so case scripts run unchanged. If ``bridge`` cannot be imported the
runner prints ``bridge runtime unavailable: <reason>`` and exits with code 3.
A case that raises prints its traceback; the remaining cases still run and the
runner exits with code 1 at the end.
"""

import argparse
import importlib
import importlib.util
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
PARITY_PACKAGE = os.path.join(os.path.dirname(HERE), "python", "bridge", "parity")
CASES_DIR = os.path.join(HERE, "cases")
REGISTRY = os.path.join(HERE, "cases.txt")
EXIT_UNAVAILABLE = 3


def registered_cases():
    names = []
    with open(REGISTRY) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line.split()[0])
    return names


def install_torch(runtime):
    """Import the runtime and return (module, version)."""
    if runtime == "torch":
        import torch
        return torch, torch.__version__
    try:
        bridge = importlib.import_module("bridge")
    except Exception as e:  # ImportError or anything raised while importing
        print(f"bridge runtime unavailable: {type(e).__name__}: {e}", flush=True)
        sys.exit(EXIT_UNAVAILABLE)
    sys.modules["torch"] = bridge
    # Submodules: alias the ones bridge provides; a missing one surfaces as a
    # failure of the cases that import it, not of the whole run.
    for sub in ("nn", "nn.functional", "optim", "optim.lr_scheduler", "autograd", "autograd.functional", "utils",
                "utils.data"):
        try:
            mod = importlib.import_module("bridge." + sub)
        except Exception as e:
            print(f"warning: bridge.{sub} not importable ({type(e).__name__}: {e})",
                  flush=True)
            continue
        sys.modules["torch." + sub] = mod
    version = getattr(bridge, "__version__", "unknown")
    return bridge, version


def load_parity_package():
    """python/bridge/parity as a package of its own (it needs only numpy): importing it as bridge.parity would
    load libbridge, which the torch runtime must not need."""
    name = "_bridge_parity_source"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(PARITY_PACKAGE, "__init__.py"),
                                                  submodule_search_locations=[PARITY_PACKAGE])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class CaseRecorder:
    """The case scripts' call, ``rec.record(checkpoint, name, value, step=0)``, on bridge.parity's Recorder."""

    def __init__(self, recorder):
        self.recorder = recorder

    def record(self, checkpoint, name, value, step=0):
        self.recorder.record(name, value, step=step, checkpoint=checkpoint)

    def __len__(self):
        return len(self.recorder)


def load_case(name):
    path = os.path.join(CASES_DIR, name + ".py")
    spec = importlib.util.spec_from_file_location("parity_case_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runtime", choices=("torch", "bridge"), required=True)
    ap.add_argument("--out", required=True, help="output directory for <case>.csv")
    ap.add_argument("--cases", default="", help="comma-separated case names "
                    "(default: all of cases.txt, in order)")
    ap.add_argument("--bridge-path", default="", help="directory to put on "
                    "sys.path before importing bridge")
    args = ap.parse_args()

    if args.bridge_path:
        sys.path.insert(0, os.path.abspath(args.bridge_path))
    Recorder = load_parity_package().Recorder

    names = [c.strip() for c in args.cases.split(",") if c.strip()] or registered_cases()
    _, version = install_torch(args.runtime)
    os.makedirs(args.out, exist_ok=True)

    failed = []
    for name in names:
        t0 = time.perf_counter()
        rec = Recorder(None, args.runtime, case=name, version=version)
        try:
            module = load_case(name)
            module.run(CaseRecorder(rec))
            rec.write(os.path.join(args.out, name + ".csv"))  # only a case that finished writes its CSV
        except BaseException as e:  # keep going; report at the end
            if isinstance(e, KeyboardInterrupt):
                raise
            traceback.print_exc()
            print(f"case {name} [{args.runtime}] FAILED ({type(e).__name__}: {e})",
                  flush=True)
            failed.append(name)
            continue
        dt = time.perf_counter() - t0
        print(f"case {name} [{args.runtime}] ok ({len(rec)} values, {dt:.2f} s)",
              flush=True)

    if failed:
        print(f"{len(failed)} of {len(names)} cases failed: {', '.join(failed)}",
              flush=True)
        sys.exit(1)
    print(f"all {len(names)} cases ok", flush=True)


if __name__ == "__main__":
    main()
