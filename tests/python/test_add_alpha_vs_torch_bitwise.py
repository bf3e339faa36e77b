"""add/sub with alpha bit for bit as torch 1.13's CPU computes them: one FMA per element (its add kernel's
vec::fmadd, and GCC's FMA in the scalar tail), not a product then a sum. word_language_model updates its parameters
with p.data.add_(p.grad, alpha=-lr); two roundings there moved its Transformer run off torch's within 40 batches."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import assert_bitwise

SIZES = [1, 5, 16, 37, 1000, 70001]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("alpha", [-5.0, 0.3, -1e-3, 2.0])
def test_add_and_sub_with_alpha_match_torch_bitwise(dtype, alpha):
    for n in SIZES:
        rng = np.random.default_rng(n)
        a = rng.standard_normal(n).astype(dtype)
        b = (rng.standard_normal(n) * 1e-3).astype(dtype)
        ta, ba = torch.tensor(a), bridge.tensor(a)
        ta.add_(torch.tensor(b), alpha=alpha)
        ba.add_(bridge.tensor(b), alpha=alpha)
        assert_bitwise(ba.numpy(), ta.numpy(), a, f"add_ n={n}")
        assert_bitwise(bridge.tensor(a).add(bridge.tensor(b), alpha=alpha).numpy(),
                       torch.tensor(a).add(torch.tensor(b), alpha=alpha).numpy(), a, f"add n={n}")
        assert_bitwise(bridge.tensor(a).sub(bridge.tensor(b), alpha=alpha).numpy(),
                       torch.tensor(a).sub(torch.tensor(b), alpha=alpha).numpy(), a, f"sub n={n}")
        ts, bs = torch.tensor(a), bridge.tensor(a)
        ts.sub_(torch.tensor(b), alpha=alpha)
        bs.sub_(bridge.tensor(b), alpha=alpha)
        assert_bitwise(bs.numpy(), ts.numpy(), a, f"sub_ n={n}")


def test_sgd_style_update_of_a_parameter_under_no_grad_matches_torch_bitwise():
    rng = np.random.default_rng(0)
    p = rng.standard_normal(1003).astype("float32")
    g = (rng.standard_normal(1003) * 0.1).astype("float32")
    tp, bp = torch.tensor(p, requires_grad=True), bridge.tensor(p, requires_grad=True)
    with torch.no_grad():
        tp.add_(torch.tensor(g), alpha=-5.0)
    with bridge.no_grad():
        bp.add_(bridge.tensor(g), alpha=-5.0)
    assert_bitwise(bp.detach().numpy(), tp.detach().numpy(), p, "p.add_ under no_grad")
    tq, bq = torch.tensor(p, requires_grad=True), bridge.tensor(p, requires_grad=True)
    tq.data.add_(torch.tensor(g), alpha=-5.0)
    bq.data.add_(bridge.tensor(g), alpha=-5.0)
    assert_bitwise(bq.detach().numpy(), tq.detach().numpy(), p, "p.data.add_")


def test_add_with_alpha_still_records_its_gradient():
    a = bridge.tensor([1.0, 2.0], requires_grad=True)
    b = bridge.tensor([3.0, 4.0], requires_grad=True)
    a.add(b, alpha=-2.0).sum().backward()
    assert a.grad.tolist() == [1.0, 1.0] and b.grad.tolist() == [-2.0, -2.0]
