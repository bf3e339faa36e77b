"""The six new dtypes on CUDA tensors (the host emulator): they move to and from the device and convert there
(byte copies and fills on the device; float16/bfloat16 <-> float32 on the device, other conversions through the
host with the CPU's rounding), and compute there as torch does (integers wrapping, half types in float32 rounded
once per op), fmod/remainder/floor_divide included.

Runs in a subprocess because the driver is chosen when the engine first touches CUDA (as test_cuda.py)."""

import subprocess
import sys

import pytest

import cuda_driver


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
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
def test_new_dtypes_move_and_convert_on_the_emulator():
    env = cuda_driver.driver_env()
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


COMPUTE = r"""
import torch, bridge
def same(got, want, what):
    assert got.device.type == "cuda", what
    assert str(got.dtype) == str(want.dtype), (what, got.dtype, want.dtype)
    g, w = got.cpu().tolist(), want.tolist()
    assert g == w or (isinstance(w, list) and all(x == y or (x != x and y != y) for x, y in zip(g, w))), (what, g, w)
ia, ib = [7, -7, 100, -128, 5, 127], [3, 3, -3, -1, 2, -2]
for name in ["uint8", "int8", "int16", "int32"]:
    td = getattr(torch, name)
    ta, tb = torch.tensor(ia, dtype=torch.float64).to(td), torch.tensor(ib, dtype=torch.float64).to(td)
    a, b = bridge.tensor(ta.tolist(), dtype=getattr(bridge, name)).cuda(), bridge.tensor(tb.tolist(), dtype=getattr(bridge, name)).cuda()
    for op in ["add", "sub", "mul", "maximum", "minimum", "fmod", "remainder", "floor_divide", "eq", "lt", "ge"]:
        same(getattr(bridge, op)(a, b), getattr(torch, op)(ta, tb), (name, op))
    for op in ["neg", "abs", "sign"]:
        same(getattr(bridge, op)(a), getattr(torch, op)(ta), (name, op))
    same(a.sum(), ta.sum(), (name, "sum"))
    same(a.max(), ta.max(), (name, "max"))
    same(a.argmax(), ta.argmax(), (name, "argmax"))
    same(a.reshape(2, 3).sum(1), ta.reshape(2, 3).sum(1), (name, "sum(1)"))
    same(bridge.where(a > b, a, b), torch.where(ta > tb, ta, tb), (name, "where"))
    same(a * 3, ta * 3, (name, "scalar mul"))
    try:
        bridge.fmod(a, b * 0)
        raise AssertionError("no error for integer division by zero")
    except Exception as e:
        assert "ZeroDivisionError" in str(e) or isinstance(e, ZeroDivisionError), repr(e)
hv = [1.0, 65504.0, 6e-8, 0.1, -2.5, 3.0e-5, 1000.0, 1.0 / 3]
for name in ["float16", "bfloat16"]:
    td = getattr(torch, name)
    ta = torch.tensor(hv, dtype=torch.float64).to(td)
    tb = torch.flip(ta, [0])
    a = bridge.tensor(ta.float().tolist(), dtype=getattr(bridge, name)).cuda()
    b = bridge.tensor(tb.float().tolist(), dtype=getattr(bridge, name)).cuda()
    same(a, ta, (name, "round trip"))
    for op in ["add", "sub", "mul", "div", "maximum", "fmod", "remainder", "floor_divide", "eq", "lt"]:
        same(getattr(bridge, op)(a, b), getattr(torch, op)(ta, tb), (name, op))
    same(a.sum(), ta.sum(), (name, "sum"))
    same(a.max(), ta.max(), (name, "max"))
    same(a.float(), ta.float(), (name, "to float32 on the device"))
    same(a.float().mul(1.0009765625).to(getattr(bridge, name)), ta.float().mul(1.0009765625).to(td), (name, "from float32, nearest-even"))
f = [1e30, -7.5, 5.0, 1e-40, -0.0, float("inf"), 7.3]
g = [3.3, 2.0, -0.0, 3e-41, 2.0, 2.0, 0.1]
for name in ["float32", "float64"]:
    td = getattr(torch, name)
    ta, tb = torch.tensor(f, dtype=td), torch.tensor(g, dtype=td)
    a, b = bridge.tensor(f, dtype=getattr(bridge, name)).cuda(), bridge.tensor(g, dtype=getattr(bridge, name)).cuda()
    for op in ["fmod", "remainder", "floor_divide"]:
        same(getattr(bridge, op)(a, b), getattr(torch, op)(ta, tb), (name, op))
    same(a // b, ta // tb, (name, "//"))
    same(a % b, ta % tb, (name, "%"))
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
def test_new_dtypes_compute_on_the_emulator_as_torch():
    env = cuda_driver.driver_env()
    result = subprocess.run([sys.executable, "-c", COMPUTE], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
