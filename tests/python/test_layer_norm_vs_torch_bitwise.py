"""layer_norm bit for bit as torch 1.13's CPU kernel computes it, forward and backward, float32 and float64: its
RowwiseMoments (vector Welford in chunks of 16 with a cascade, built without FMA), the affine map and the backward's
row sums with the FMAs GCC formed, and dγ/dβ gathered per thread (src/Tensor/Backends/Cpu/TorchMath/LayerNormExact.cs).
Row lengths cover the scalar-only rows, the vector tails, one chunk, several chunks (the cascade) and the
Transformer sizes of the real programs."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import same_bits, threads  # noqa: F401 (threads is a fixture)

LENGTHS = [1, 3, 7, 8, 9, 13, 16, 31, 32, 33, 64, 100, 127, 128, 129, 200, 256, 300, 768, 1000, 2049, 4100]




@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("affine", ["weight_and_bias", "weight_only"])
def test_forward_and_backward_match_torch_bitwise(dtype, affine, threads):
    for n in LENGTHS:
        rows = 11
        rng = np.random.default_rng(n)
        x = (rng.standard_normal((rows, n)) * 3 + 0.7).astype(dtype)
        w = (1 + rng.standard_normal(n) * 0.3).astype(dtype)
        b = rng.standard_normal(n).astype(dtype)
        g = rng.standard_normal((rows, n)).astype(dtype)
        tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        bx, bw = bridge.tensor(x, requires_grad=True), bridge.tensor(w, requires_grad=True)
        tb = torch.tensor(b, requires_grad=True) if affine == "weight_and_bias" else None
        bb = bridge.tensor(b, requires_grad=True) if affine == "weight_and_bias" else None
        ty = torch.nn.functional.layer_norm(tx, (n,), tw, tb, 1e-5)
        by = bridge.nn.functional.layer_norm(bx, (n,), bw, bb, 1e-5)
        same_bits(by.detach().numpy(), ty.detach().numpy(), f"y n={n}")
        ty.backward(torch.tensor(g))
        by.backward(bridge.tensor(g))
        same_bits(bx.grad.numpy(), tx.grad.numpy(), f"dx n={n}")
        same_bits(bw.grad.numpy(), tw.grad.numpy(), f"dweight n={n}")
        if tb is not None:
            same_bits(bb.grad.numpy(), tb.grad.numpy(), f"dbias n={n}")


def test_layer_norm_module_on_a_transformer_batch_matches_torch_bitwise():
    """nn.LayerNorm(32) on a [10, 4, 32] activation, as word_language_model's Transformer runs it."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((10, 4, 32)).astype("float32")
    tm, bm = torch.nn.LayerNorm(32), bridge.nn.LayerNorm(32)
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(rng.standard_normal(32).astype("float32")))
    bm.load_state_dict({k: bridge.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    same_bits(bm(bridge.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(), "LayerNorm(32)")


@pytest.mark.parametrize("n", [5, 32, 100])
def test_without_affine_parameters_is_close_to_torch(n):
    """elementwise_affine=False: torch takes a scalar loop whose fusions were not checked; close, maybe not bit-identical."""
    x = np.random.default_rng(n).standard_normal((6, n)).astype("float32")
    tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
    ty, by = torch.nn.functional.layer_norm(tx, (n,)), bridge.nn.functional.layer_norm(bx, (n,))
    np.testing.assert_allclose(by.detach().numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    g = np.random.default_rng(1).standard_normal((6, n)).astype("float32")
    ty.backward(torch.tensor(g))
    by.backward(bridge.tensor(g))
    np.testing.assert_allclose(bx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-6)
