"""The fused CPU layer_norm (one NativeLayerNormBackward0 node) against torch 1.13: forward and every gradient over
row lengths that hit the vector loops and their tails, several normalized_shapes, with and without affine
parameters, one and two threads; float64 finite differences and double backward (create_graph)."""

import numpy as np
import pytest
import torch

import bridge
import bridge.nn.functional as BF

TOL = {np.float64: dict(rtol=1e-10, atol=1e-11), np.float32: dict(rtol=2e-5, atol=2e-6)}
CASES = [((4, 1), (1,)), ((3, 7), (7,)), ((16, 64, 128), (128,)), ((5, 4, 33), (4, 33)), ((2, 3, 2, 8), (8,)), ((6,), (6,))]


def rand(*shape, seed=0, dtype=np.float64, scale=1.0, shift=0.0):
    return (np.random.RandomState(seed).uniform(-1, 1, size=shape) * scale + shift).astype(dtype)


def run(lib, x, shape, w, b, threads):
    lib.set_num_threads(threads)
    xs = lib.tensor(x, requires_grad=True)
    ws = None if w is None else lib.tensor(w, requires_grad=True)
    bs = None if b is None else lib.tensor(b, requires_grad=True)
    out = lib.nn.functional.layer_norm(xs, shape, ws, bs, 1e-5)
    (out * lib.tensor(rand(*x.shape, seed=99, dtype=x.dtype))).sum().backward()
    return out.detach().numpy(), [None if t is None else t.grad.numpy() for t in (xs, ws, bs)], out.grad_fn.name()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=[str(c) for c in CASES])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("threads", [1, 2])
def test_fused_layer_norm_matches_torch(dtype, case, affine, threads):
    shape, normalized = case
    x = rand(*shape, dtype=dtype, scale=2.0, shift=0.3)
    w, b = (rand(*normalized, seed=1, dtype=dtype), rand(*normalized, seed=2, dtype=dtype)) if affine else (None, None)
    before = torch.get_num_threads()
    try:
        want = run(torch, x, normalized, w, b, threads)
    finally:
        torch.set_num_threads(before)
    got = run(bridge, x, normalized, w, b, threads)
    tol = TOL[dtype]
    # one element per row: x − mean is 0 in exact arithmetic; torch's float32 mean leaves ~1e-8, times 1/√eps
    out_tol = dict(tol, atol=1e-5) if np.prod(normalized) == 1 and dtype == np.float32 else tol
    np.testing.assert_allclose(got[0], want[0], **out_tol, err_msg="output")
    for k, (g, t) in enumerate(zip(got[1], want[1])):
        assert (g is None) == (t is None)
        if t is not None:
            np.testing.assert_allclose(g, t, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10 * max(1.0, np.abs(t).max()),
                                       err_msg=f"gradient of input {k}")
    assert got[2] == "NativeLayerNormBackward0"


def test_fused_layer_norm_gradcheck_and_double_backward():
    x = bridge.tensor(rand(3, 4, 5, seed=3), requires_grad=True)
    w = bridge.tensor(rand(5, seed=1) + 1.5, requires_grad=True)
    b = bridge.tensor(rand(5, seed=2), requires_grad=True)

    def fn(x, w, b):
        return BF.layer_norm(x, (5,), w, b)

    assert bridge.autograd.gradcheck(fn, (x, w, b))
    # the bias's gradient does not depend on the inputs: second order over x and w
    assert bridge.autograd.gradgradcheck(lambda x, w: fn(x, w, b.detach()), (x, w))
