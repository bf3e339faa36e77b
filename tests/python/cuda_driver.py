"""Which CUDA driver the CUDA pytest files run their subprocesses on.

By default the host emulator built by scripts/cuda/build.sh (no GPU needed). On a machine with a real NVIDIA
GPU, BRIDGE_TEST_CUDA_DRIVER=system runs the same scripts on the system's libcuda.so.1 instead
(scripts/cuda/device-check.sh does this), so one set of tests covers both."""

import os
import pathlib

EMULATOR = pathlib.Path(__file__).resolve().parents[2] / "build" / "cuda" / "libcudaemu.so"
ON_SYSTEM_DRIVER = os.environ.get("BRIDGE_TEST_CUDA_DRIVER") == "system"
UNAVAILABLE = not ON_SYSTEM_DRIVER and not EMULATOR.exists()
REASON = f"CUDA host emulator not built ({EMULATOR}; scripts/cuda/build.sh)"


def driver_env(**extra):
    """os.environ for a subprocess on the chosen driver, plus `extra`."""
    env = {**os.environ, **extra}
    if ON_SYSTEM_DRIVER:
        env.pop("BRIDGE_CUDA_DRIVER", None)
    else:
        env["BRIDGE_CUDA_DRIVER"] = str(EMULATOR)
    return env
