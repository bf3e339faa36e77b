"""The six new dtypes on CUDA tensors (the host emulator): they move to and from the device and convert there
(byte copies and fills on the device, conversions through the host with the CPU's rounding), and ops that have no
device kernel for them refuse with the dtype named, never a crash.

Runs in a subprocess because the driver is chosen when the engine first touches CUDA (as test_cuda.py)."""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMULATOR = ROOT / "build" / "cuda" / "libcudaemu.so"

SCRIPT = r"""
import numpy as np, torch, bridge
assert bridge.cuda.is_available(), bridge.cuda.status()
values = [1.5, -2.7, 300.5, 0.1, 65519.0, -128.5]
for name in ["uint8", "int8", "int16", "int32", "float16", "bfloat16"]:
    bd, td = getattr(bridge, name), getattr(torch, name)
    want = torch.tensor(values, dtype=torch.float64).to(td)
    got = bridge.tensor(values, dtype=bridge.float64).cuda().to(bd)     # converted on its way through the host
    assert got.device.type == "cuda" and got.dtype is bd, name
    assert got.cpu().tolist() == want.tolist(), (name, got.cpu().tolist(), want.tolist())
    moved = bridge.tensor(values, dtype=bridge.float64).to(bd).cuda()   # copied as bytes
    assert moved.cpu().tolist() == want.tolist(), name
    t = moved.reshape(2, 3).t().contiguous()                            # strided device copy (copy_b1/b2/b4)
    assert t.cpu().tolist() == want.reshape(2, 3).t().tolist(), name
    back = t.to(bridge.float32)                                         # device -> device conversion
    assert back.cpu().tolist() == want.reshape(2, 3).t().float().tolist(), name
    z = bridge.zeros(3, dtype=bd, device="cuda").fill_(7)               # fill_b1/b2/b4 on the device
    assert z.cpu().tolist() == torch.full((3,), 7, dtype=td).tolist(), name
    try:
        moved + moved
        raise AssertionError("no error")
    except RuntimeError as e:
        assert "torch." + name in str(e), str(e)
print("ok")
"""


@pytest.mark.skipif(not EMULATOR.exists(), reason=f"CUDA host emulator not built ({EMULATOR}; scripts/cuda/build.sh)")
def test_new_dtypes_move_and_convert_on_the_emulator():
    env = {**os.environ, "BRIDGE_CUDA_DRIVER": str(EMULATOR)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
