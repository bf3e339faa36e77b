"""The math of issue 16 on CUDA tensors (the host emulator): the reductions, sorting and selection that run on host
copies of their lines, the composed reductions and the binary math, each against PyTorch on the CPU, with
gradients; fmod and remainder included (exact device kernels, Kernels/Modulo.cu).

Runs in a subprocess because the driver is chosen when the engine first touches CUDA (as test_cuda.py)."""

import subprocess
import sys

import pytest

import cuda_driver


SCRIPT = r"""
import numpy as np, torch, bridge
assert bridge.cuda.is_available(), bridge.cuda.status()
rng = np.random.default_rng(3)
a = rng.uniform(-2, 2, size=(4, 6))
cases = {
    "sort": lambda m, x: m.sort(x, 1).values, "topk": lambda m, x: m.topk(x, 3).values,
    "kthvalue": lambda m, x: m.kthvalue(x, 2, 0).values, "median": lambda m, x: x.median(1).values,
    "cumsum": lambda m, x: m.cumsum(x, 1), "cumprod": lambda m, x: m.cumprod(x, 0), "prod": lambda m, x: x.prod(1),
    "var": lambda m, x: m.var(x, 1), "std": lambda m, x: x.std(), "logsumexp": lambda m, x: m.logsumexp(x, 0),
    "amax": lambda m, x: m.amax(x, 1), "norm": lambda m, x: x.norm(), "lerp": lambda m, x: m.lerp(x, x * 2, 0.3),
    "atan2": lambda m, x: m.atan2(x, x * 0.5 + 1),
    "logaddexp": lambda m, x: m.logaddexp(x, x * 0.5), "hypot": lambda m, x: m.hypot(x, x * 0.5 + 1),
    "erf": lambda m, x: m.erf(x), "asin": lambda m, x: m.asin(x / 2),
    "fmod": lambda m, x: m.fmod(x * 3.7, x * 0.5 + 1.3), "remainder": lambda m, x: m.remainder(x * 3.7, x * 0.5 + 1.3),
}
for name, f in cases.items():
    xb = bridge.tensor(a).cuda().requires_grad_()
    xt = torch.tensor(a).requires_grad_()
    yb, yt = f(bridge, xb), f(torch, xt)
    assert yb.device.type == "cuda", name
    np.testing.assert_allclose(yb.cpu().detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
    w = rng.uniform(0.5, 1.5, size=tuple(yt.shape))
    (yb * bridge.tensor(w).cuda()).sum().backward(); (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xb.grad.cpu().numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=name + " grad")
ib = bridge.tensor([3, 1, 3, 2]).cuda()
values, counts = ib.unique(return_counts=True)
assert values.device.type == "cuda" and values.cpu().tolist() == [1, 2, 3] and counts.cpu().tolist() == [1, 1, 2]
assert ib.argsort().cpu().tolist() == [1, 3, 0, 2]
assert (ib & 2).cpu().tolist() == [2, 0, 2, 2] and (~ib).cpu().tolist() == [-4, -2, -4, -3]
assert (bridge.tensor(a).cuda() // 0.3).cpu().tolist() == (torch.tensor(a) // 0.3).tolist()
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
def test_math_ops_on_cuda_tensors_match_torch():
    env = cuda_driver.driver_env()
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
