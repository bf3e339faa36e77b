"""Convolution, pooling, unfold/fold and GELU on CUDA tensors (the host emulator) from Python: each op's output and
input gradients against torch 1.13 on the CPU and against bridge on the CPU (bit-identical for pooling and
unfold/fold, whose device kernels replay the CPU loops' order; rtol 1e-5 float32 / 1e-12 float64 for convolutions
and GELU), and a LeNet-style CNN trained a few steps on cuda ending on torch's parameters.

Runs in a subprocess because the driver is chosen when the engine first touches CUDA (as test_cuda.py)."""

import subprocess
import sys

import pytest

import cuda_driver


SCRIPT = r"""
import numpy as np, torch, bridge
import bridge.nn.functional as BF, torch.nn.functional as TF
assert bridge.cuda.is_available(), bridge.cuda.status()
TORCH_TOL = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}
CPU_TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}

def rand(*shape, seed=0, dtype=np.float64):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(dtype)

def run(module, fn, arrays, device=None):
    xs = [module.tensor(a.copy(), requires_grad=True) for a in arrays]
    inputs = [x.to(device) if device else x for x in xs]
    out = fn(*inputs)
    extra = None
    if isinstance(out, tuple):
        out, extra = out
    v = module.tensor(rand(*out.shape, seed=99, dtype=arrays[0].dtype))
    (out * (v.to(device) if device else v)).sum().backward()
    as_np = lambda t: (t.cpu() if device else t).detach().numpy()
    return as_np(out), [as_np(x.grad) for x in xs], None if extra is None else as_np(extra)

def compare(name, bfn, tfn, *arrays, exact=False):
    dtype = arrays[0].dtype.type
    on_gpu = run(bridge, bfn, arrays, "cuda")
    on_cpu = run(bridge, bfn, arrays)
    in_torch = run(torch, tfn, arrays)
    for what, ref, tol in (("bridge cpu", on_cpu, None if exact else CPU_TOL[dtype]), ("torch", in_torch, TORCH_TOL[dtype])):
        pairs = [("output", on_gpu[0], ref[0])] + [(f"grad {k}", g, r) for k, (g, r) in enumerate(zip(on_gpu[1], ref[1]))]
        if ref[2] is not None:
            pairs.append(("indices", on_gpu[2], ref[2]))
        for label, got, want in pairs:
            msg = f"{name} {label} vs {what}"
            if tol is None or label == "indices":
                np.testing.assert_array_equal(got, want, err_msg=msg)
            else:
                np.testing.assert_allclose(got, want, err_msg=msg, **tol)

for dt in (np.float64, np.float32):
    r = lambda *s, seed=0: rand(*s, seed=seed, dtype=dt)
    compare("conv2d", lambda x, w, b: BF.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
            lambda x, w, b: TF.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)), r(2, 2, 6, 5), r(3, 2, 3, 3, seed=1), r(3, seed=2))
    compare("conv2d groups", lambda x, w: BF.conv2d(x, w, padding=1, groups=2), lambda x, w: TF.conv2d(x, w, padding=1, groups=2),
            r(2, 4, 5, 4), r(6, 2, 3, 3, seed=1))
    compare("conv2d same", lambda x, w, b: BF.conv2d(x, w, b, padding="same"), lambda x, w, b: TF.conv2d(x, w, b, padding="same"),
            r(1, 2, 4, 5), r(2, 2, 2, 4, seed=1), r(2, seed=2))
    compare("conv1d", lambda x, w, b: BF.conv1d(x, w, b, stride=2, padding=2, dilation=2, groups=2),
            lambda x, w, b: TF.conv1d(x, w, b, stride=2, padding=2, dilation=2, groups=2), r(2, 4, 9), r(4, 2, 3, seed=1), r(4, seed=2))
    compare("conv_transpose2d", lambda x, w, b: BF.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
            lambda x, w, b: TF.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1), r(2, 2, 3, 3), r(2, 3, 3, 3, seed=1), r(3, seed=2))
    compare("conv_transpose2d groups", lambda x, w: BF.conv_transpose2d(x, w, stride=(1, 2), groups=2, dilation=(2, 1)),
            lambda x, w: TF.conv_transpose2d(x, w, stride=(1, 2), groups=2, dilation=(2, 1)), r(1, 4, 3, 2), r(4, 1, 2, 2, seed=1))
    compare("max_pool2d", lambda x: BF.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True),
            lambda x: TF.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True), r(2, 2, 6, 7), exact=True)
    compare("max_pool2d dilated", lambda x: BF.max_pool2d(x, (2, 3), (1, 2), dilation=(2, 1)),
            lambda x: TF.max_pool2d(x, (2, 3), (1, 2), dilation=(2, 1)), r(1, 2, 6, 7), exact=True)
    compare("max_pool1d", lambda x: BF.max_pool1d(x, 3, 2, 1), lambda x: TF.max_pool1d(x, 3, 2, 1), r(2, 3, 8), exact=True)
    compare("avg_pool2d", lambda x: BF.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
            lambda x: TF.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), r(2, 2, 6, 7), exact=True)
    compare("avg_pool2d divisor", lambda x: BF.avg_pool2d(x, 2, divisor_override=3), lambda x: TF.avg_pool2d(x, 2, divisor_override=3),
            r(1, 2, 4, 4), exact=True)
    compare("adaptive_avg_pool2d", lambda x: BF.adaptive_avg_pool2d(x, (3, 2)), lambda x: TF.adaptive_avg_pool2d(x, (3, 2)), r(2, 2, 7, 5), exact=True)
    compare("unfold", lambda x: BF.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
            lambda x: TF.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), r(2, 3, 5, 6), exact=True)
    compare("fold", lambda x: BF.fold(x, (4, 5), (2, 2)), lambda x: TF.fold(x, (4, 5), (2, 2)), r(2, 12, 12), exact=True)
    wide = (rand(4, 65, dtype=dt) * 6).astype(dt)
    compare("gelu", lambda x: BF.gelu(x), lambda x: TF.gelu(x), wide)
    compare("gelu tanh", lambda x: BF.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh"), wide)

def lenet(nn):
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.GELU(),
                         nn.AvgPool2d(2, ceil_mode=True), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(24, 10))
torch.manual_seed(0)
tm = lenet(torch.nn)
bm = lenet(bridge.nn)
bm.load_state_dict({k: bridge.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
bm = bm.cuda()
x = rand(8, 1, 12, 12, seed=5, dtype=np.float32)
y = np.arange(8) % 10
topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
bopt = bridge.optim.SGD(bm.parameters(), lr=0.1, momentum=0.9)
xb, yb = bridge.tensor(x).cuda(), bridge.tensor(y).cuda()
for step in range(5):
    topt.zero_grad(); bopt.zero_grad()
    tl = TF.cross_entropy(tm(torch.tensor(x)), torch.tensor(y)); tl.backward(); topt.step()
    bl = BF.cross_entropy(bm(xb), yb); bl.backward(); bopt.step()
    assert bl.device.type == "cuda"
    np.testing.assert_allclose(bl.item(), tl.item(), rtol=1e-5, err_msg=f"loss at step {step}")
for (name, bp), (_, tp) in zip(bm.named_parameters(), tm.named_parameters()):
    assert bp.device.type == "cuda", name
    np.testing.assert_allclose(bp.detach().cpu().numpy(), tp.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=name)
print("ok")
"""


@pytest.mark.skipif(cuda_driver.UNAVAILABLE, reason=cuda_driver.REASON)
def test_conv_pool_fold_gelu_and_a_lenet_on_cuda_tensors_match_torch_and_the_cpu():
    """Every nn kernel of the CUDA backend against torch and bridge's CPU backend, forward and backward."""
    env = cuda_driver.driver_env()
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout[-3000:] + result.stderr[-3000:]
