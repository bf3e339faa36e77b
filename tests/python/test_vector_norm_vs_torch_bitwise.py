"""The 2-norm and clip_grad_norm_ bit for bit as torch 1.13 computes them on the CPU (issue 17: word_language_model
clips its gradients with lr=5, which turns a 1-ulp difference in the total norm into 1e-3 within 40 batches).

torch's float32 norm over the contiguous trailing dims takes an 8-lane FMA accumulator, a left-to-right sum of the
lanes, then the tail (the first four products rounded alone, the rest fused); float64 one running FMA
(src/Tensor/Backends/Cpu/TorchMath/VectorNorm2.cs). Sizes cover the scalar-only rows, every tail length, and long
rows; values cover tiny, ordinary and huge magnitudes."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import assert_bitwise, same_bits

SIZES = list(range(1, 41)) + [63, 64, 65, 100, 127, 255, 256, 1000, 1003, 4099, 10007, 32768, 65543, 100000]
SCALES = [1e-3, 1.0, 3.0, 1e3]


def draw(n, seed, dtype, scale):
    return (np.random.default_rng(seed).standard_normal(n) * scale).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("form", ["torch.norm", "Tensor.norm", "linalg.vector_norm"])
def test_whole_tensor_norm_matches_torch_bitwise(dtype, form):
    call = {"torch.norm": lambda m, t: m.norm(t, 2.0), "Tensor.norm": lambda m, t: t.norm(),
            "linalg.vector_norm": lambda m, t: m.linalg.vector_norm(t)}[form]
    for n in SIZES:
        for k, scale in enumerate(SCALES):
            x = draw(n, n * 7 + k, dtype, scale)
            got = call(bridge, bridge.tensor(x)).numpy()
            want = call(torch, torch.tensor(x)).numpy()
            assert_bitwise(got, want, np.array([n]), f"{form} {dtype} n={n} scale={scale}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, dim", [((7, 33), -1), ((3, 5, 17), 2), ((4, 3, 9), (1, 2)), ((2, 3, 4, 10), (-1, -2)),
                                        ((6, 1), 1), ((5, 8), 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_norm_over_trailing_dims_matches_torch_bitwise(dtype, shape, dim, keepdim):
    x = draw(int(np.prod(shape)), 11, dtype, 2.0).reshape(shape)
    got = bridge.tensor(x).norm(2, dim, keepdim).numpy()
    want = torch.tensor(x).norm(2, dim, keepdim).numpy()
    same_bits(got, want, f"norm {shape} dim={dim}")
    same_bits(bridge.linalg.vector_norm(bridge.tensor(x), 2, dim, keepdim).numpy(),
              torch.linalg.vector_norm(torch.tensor(x), 2, dim, keepdim).numpy(), f"vector_norm {shape} dim={dim}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_over_leading_dims_and_views_is_close_to_torch(dtype):
    """Torch's generic reduction (not the last-dim kernel) is not reproduced: these stay close, not identical."""
    x = draw(6 * 40, 3, dtype, 2.0).reshape(6, 40)
    for f in (lambda t: t.norm(2, 0), lambda t: t.t().norm(2, 1), lambda t: t[:, ::3].norm()):
        np.testing.assert_allclose(f(bridge.tensor(x)).numpy(), f(torch.tensor(x)).numpy(), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_gradient_matches_torch_bitwise(dtype):
    x = draw(5 * 37, 4, dtype, 1.5).reshape(5, 37)
    x[2] = 0  # a zero row: torch's gradient is 0 there, not NaN
    g = draw(5, 5, dtype, 1.0)
    for dim, keep in ((1, False), (1, True), (None, False)):
        tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
        ty = tx.norm(2, dim, keep) if dim is not None else tx.norm()
        by = bx.norm(2, dim, keep) if dim is not None else bx.norm()
        tg = torch.tensor(g).reshape(ty.shape) if dim is not None else torch.tensor(g[0])
        ty.backward(tg)
        by.backward(bridge.tensor(tg.numpy()))
        same_bits(bx.grad.numpy(), tx.grad.numpy(), f"grad dim={dim} keepdim={keep}")
    assert bridge.tensor(x, requires_grad=True).norm().grad_fn.name() == "NormBackward1"


def test_norm_gradient_agrees_with_finite_differences():
    x = bridge.tensor(draw(13, 8, "float64", 1.0).reshape(1, 13), requires_grad=True)
    assert bridge.autograd.gradcheck(lambda t: t.norm(2, 1), (x,))
    assert bridge.autograd.gradgradcheck(lambda t: t.norm(2, 1), (x,))


def parameters(runtime, shapes, seed, dtype):
    rng = np.random.default_rng(seed)
    params = []
    for s in shapes:
        p = runtime.zeros(s, dtype=getattr(runtime, dtype), requires_grad=True)
        p.grad = runtime.tensor((rng.standard_normal(s) * rng.choice([1e-3, 0.1, 1, 10])).astype(dtype))
        params.append(p)
    return params


# word_language_model's Transformer (emsize 32, nhid 32, 2 layers, 33278 tokens would be large: a smaller vocabulary)
WLM_SHAPES = [(1000, 32), (32, 32 * 3), (96,), (32, 32), (32,), (32, 32), (32,), (32, 32), (32,), (32,), (32,),
              (32,), (32,), (1000, 32), (1000,), (5,), (1,), (7, 3)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("max_norm", [0.25, 0.3, 1e3])
@pytest.mark.parametrize("seed", range(6))
def test_clip_grad_norm_matches_torch_bitwise(dtype, max_norm, seed):
    tp, bp = parameters(torch, WLM_SHAPES, seed, dtype), parameters(bridge, WLM_SHAPES, seed, dtype)
    tn = torch.nn.utils.clip_grad_norm_(tp, max_norm)
    bn = bridge.nn.utils.clip_grad_norm_(bp, max_norm)
    same_bits(bn.numpy(), tn.numpy(), "total norm")
    for i, (t, b) in enumerate(zip(tp, bp)):
        same_bits(b.grad.numpy(), t.grad.numpy(), f"clipped grad {i}")


def test_clip_grad_norm_of_one_parameter_and_other_orders_match_torch():
    for norm_type in (2.0, 1.0, float("inf"), 3.0):
        tp, bp = parameters(torch, [(40, 9)], 1, "float32"), parameters(bridge, [(40, 9)], 1, "float32")
        tn = torch.nn.utils.clip_grad_norm_(tp[0], 0.5, norm_type)
        bn = bridge.nn.utils.clip_grad_norm_(bp[0], 0.5, norm_type)
        np.testing.assert_allclose(bn.numpy(), tn.numpy(), rtol=1e-6)
        np.testing.assert_allclose(bp[0].grad.numpy(), tp[0].grad.numpy(), rtol=1e-6)
        if norm_type == 2.0:
            same_bits(bn.numpy(), tn.numpy(), "total norm, one parameter")
