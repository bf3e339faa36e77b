"""CUDA tensors from Python through the engine's CUDA backend, on the host emulator (no GPU here).

Runs in a subprocess because the driver is chosen when the engine first touches CUDA; the emulator is built
by scripts/cuda/build.sh (make test does it before these tests)."""

import os
import subprocess
import sys

import pytest

import cuda_driver


SCRIPT = r"""
import numpy as np, torch, bridge
assert bridge.cuda.is_available(), bridge.cuda.status()
bridge.manual_seed(0); torch.manual_seed(0)
xb = bridge.randn(5, 7).cuda().requires_grad_()
xt = torch.randn(5, 7).requires_grad_()
wb, wt = bridge.linspace(-1, 1, 21).reshape(7, 3).to("cuda"), torch.linspace(-1, 1, 21).reshape(7, 3)
yb = ((xb @ wb).tanh() * 2 - 1).softmax(1).sum(0)
yt = ((xt @ wt).tanh() * 2 - 1).softmax(1).sum(0)
(yb * yb).sum().backward(); (yt * yt).sum().backward()
assert xb.grad.device == "cuda:0" and yb.device.type == "cuda"
np.testing.assert_allclose(yb.cpu().detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
np.testing.assert_allclose(xb.grad.cpu().numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
assert bridge.zeros(2, device="cuda", requires_grad=True).is_leaf
d = xb.detach()
assert d.__dlpack_device__() == (2, 0)
shared = bridge.from_dlpack(d)
assert shared.data_ptr() == d.data_ptr() and shared.device == "cuda:0"
for bad, kind in ((lambda: xb.detach().numpy(), TypeError), (lambda: xb + bridge.ones(5, 7), RuntimeError)):
    try:
        bad()
        raise AssertionError("no error")
    except kind:
        pass
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
def test_cuda_tensors_ops_autograd_and_dlpack_on_the_emulator():
    env = cuda_driver.driver_env()
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_without_a_driver_cuda_is_unavailable_and_says_why():
    env = {**os.environ, "BRIDGE_CUDA_DRIVER": "/nonexistent/libcuda.so.1"}
    code = ("import bridge\nassert not bridge.cuda.is_available()\nprint(bridge.cuda.status())\n"
            "try:\n    bridge.ones(2).cuda()\nexcept RuntimeError as e:\n    print('refused:', e)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "refused:" in result.stdout and "not found" in result.stdout.lower(), result.stdout
