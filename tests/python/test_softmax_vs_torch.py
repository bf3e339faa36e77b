"""softmax and log_softmax over the last dim, forward and backward, are bit-identical with torch 1.13's CPU kernels
(its vector reductions, SLEEF's exp/log, the FMAs GCC formed in the backward), float32 and float64, every row length
around the vector widths; cross_entropy, built on log_softmax, follows."""

import numpy as np
import pytest

import bridge
import torch

LENGTHS = list(range(1, 20)) + [31, 32, 33, 100, 1000, 4097]


def same_bits(b, t):
    got, want = b.detach().numpy(), t.detach().numpy()
    assert got.shape == want.shape and got.dtype == want.dtype
    assert got.tobytes() == want.tobytes(), f"{int((got != want).sum())} of {want.size} values differ"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_last_dim_forward_and_backward_match_torch(dtype, n, fn):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal((3, 5, n)) * 4).astype(dtype)
    g = rng.standard_normal((3, 5, n)).astype(dtype)
    bx, tx = bridge.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    by, ty = getattr(bridge, fn)(bx, -1), getattr(torch, fn)(tx, -1)
    same_bits(by, ty)
    by.backward(bridge.tensor(g))
    ty.backward(torch.tensor(g))
    same_bits(bx.grad, tx.grad)


def test_transposed_input_and_other_dims_match_torch():
    x = (np.random.default_rng(1).standard_normal((4, 37, 1)) * 3).astype("float32")
    # not the last dim: torch's other kernel, which Bridge composes from tensor ops (close, not bit-identical)
    np.testing.assert_allclose(bridge.softmax(bridge.tensor(x), 1).numpy(), torch.softmax(torch.tensor(x), 1).numpy(),
                               rtol=1e-6, atol=1e-7)
    xt = np.ascontiguousarray(x[:, :, 0].T)
    same_bits(bridge.log_softmax(bridge.tensor(xt).t(), -1), torch.log_softmax(torch.tensor(xt).t(), -1))


def test_cross_entropy_matches_torch_bits():
    rng = np.random.default_rng(2)
    logits = (rng.standard_normal((64, 33)) * 3).astype("float32")
    target = rng.integers(0, 33, 64)
    bl, tl = bridge.tensor(logits, requires_grad=True), torch.tensor(logits, requires_grad=True)
    bloss = bridge.nn.functional.cross_entropy(bl, bridge.tensor(target))
    tloss = torch.nn.functional.cross_entropy(tl, torch.tensor(target))
    bloss.backward()
    tloss.backward()
    same_bits(bl.grad, tl.grad)
    assert abs(bloss.item() - tloss.item()) <= 1e-6 * abs(tloss.item())


def test_second_order_through_softmax_matches_torch():
    x = np.random.default_rng(3).standard_normal((2, 9))
    bx, tx = bridge.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (bg,) = bridge.autograd.grad((bridge.softmax(bx, -1) ** 2).sum(), bx, create_graph=True)
    (tg,) = torch.autograd.grad((torch.softmax(tx, -1) ** 2).sum(), tx, create_graph=True)
    bg.sum().backward()
    tg.sum().backward()
    np.testing.assert_allclose(bx.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)
