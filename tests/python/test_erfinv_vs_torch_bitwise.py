"""erfinv bit for bit as torch 1.13 computes it on the CPU, forward and backward, float32 and float64 (issue 17):
ATen's calc_erfinv in the tensor's precision with GCC's FMAs in the rational guess and glibc's erf/exp/log in the
Newton steps (src/Tensor/Backends/Cpu/TorchMath/TorchErfinv.cs). Inputs cover both branches, the 0.7 boundary,
values next to ±1, ±1, |y| > 1, ±0 and NaN."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import assert_bitwise


def inputs(dtype, n=200_000):
    rng = np.random.default_rng(7)
    edges = [0.0, -0.0, 1.0, -1.0, 0.7, -0.7, np.nextafter(0.7, 1), np.nextafter(0.7, 0), 1.5, -2.0, np.nan, np.inf,
             -np.inf, 1e-30, -1e-30, 1e-45, 5e-324]
    near_one = 1 - rng.uniform(0, 1e-3, 2000)
    x = np.concatenate([rng.uniform(-1, 1, n), near_one, -near_one, edges]).astype(dtype)
    x[-len(edges):] = np.array(edges).astype(dtype)
    near = np.nextafter(np.array([1, -1], dtype=dtype), np.array([0, 0], dtype=dtype))
    return np.concatenate([x, near])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_erfinv_forward_matches_torch_bitwise(dtype):
    x = inputs(dtype)
    assert_bitwise(bridge.erfinv(bridge.tensor(x)).numpy(), torch.erfinv(torch.tensor(x)).numpy(), x, f"erfinv {dtype}")
    assert_bitwise(bridge.tensor(x).erfinv().numpy(), torch.tensor(x).erfinv().numpy(), x, f"Tensor.erfinv {dtype}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_erfinv_backward_matches_torch_bitwise(dtype):
    x = np.random.default_rng(3).uniform(-0.999, 0.999, 5001).astype(dtype)
    g = np.random.default_rng(4).standard_normal(5001).astype(dtype)
    tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
    torch.erfinv(tx).backward(torch.tensor(g))
    bridge.erfinv(bx).backward(bridge.tensor(g))
    assert_bitwise(bx.grad.numpy(), tx.grad.numpy(), x, f"erfinv' {dtype}")


def test_erfinv_gradient_agrees_with_finite_differences():
    x = bridge.tensor(np.array([-0.95, -0.5, -0.1, 0.0, 0.3, 0.69, 0.71, 0.9]), requires_grad=True)
    assert bridge.autograd.gradcheck(bridge.erfinv, (x,))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_trunc_normal_draws_match_torch_bitwise(dtype):
    """nn.init.trunc_normal_ is uniform_, erfinv_, mul_, add_, clamp_ in torch: the same draws, bit for bit."""
    torch.manual_seed(3)
    bridge.manual_seed(3)
    t = torch.empty(10000, dtype=getattr(torch, dtype))
    b = bridge.empty(10000, dtype=getattr(bridge, dtype))
    torch.nn.init.trunc_normal_(t, mean=0.1, std=0.02)
    bridge.nn.init.trunc_normal_(b, mean=0.1, std=0.02)
    assert_bitwise(b.numpy(), t.numpy(), t.numpy(), f"trunc_normal_ {dtype}")
