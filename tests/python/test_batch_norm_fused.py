"""The fused CPU batch_norm (one NativeBatchNormBackward0 node) against torch 1.13: forward, running statistics and
every gradient at sizes that hit the vector loops and their tails, with and without affine parameters, in training
and eval, one and two threads; gradients by float64 finite differences, and double backward (create_graph)."""

import numpy as np
import pytest
import torch

import bridge
import bridge.nn.functional as BF
import torch.nn.functional as TF

TOL = {np.float64: dict(rtol=1e-10, atol=1e-11), np.float32: dict(rtol=2e-5, atol=2e-6)}
SHAPES = [(2, 3), (64, 6), (7, 5, 13), (64, 6, 28, 28), (3, 16, 10, 10), (2, 4, 3, 3, 2)]


def rand(*shape, seed=0, dtype=np.float64, scale=1.0, shift=0.0):
    return (np.random.RandomState(seed).uniform(-1, 1, size=shape) * scale + shift).astype(dtype)


def run(lib, x, rm, rv, w, b, training, momentum=0.1, eps=1e-5, threads=1):
    """Output, gradients of sum(out * v) and running statistics, computed by `lib` (torch or bridge)."""
    lib.set_num_threads(threads)
    xs = lib.tensor(x, requires_grad=True)
    ws = None if w is None else lib.tensor(w, requires_grad=True)
    bs = None if b is None else lib.tensor(b, requires_grad=True)
    rms = None if rm is None else lib.tensor(rm)
    rvs = None if rv is None else lib.tensor(rv)
    out = lib.nn.functional.batch_norm(xs, rms, rvs, ws, bs, training, momentum, eps)
    v = rand(*x.shape, seed=99, dtype=x.dtype)
    (out * lib.tensor(v)).sum().backward()
    grads = [t.grad.numpy() if t is not None else None for t in (xs, ws, bs)]
    stats = [t.numpy() if t is not None else None for t in (rms, rvs)]
    return out.detach().numpy(), grads, stats, out.grad_fn.name()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES, ids=[str(s) for s in SHAPES])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("threads", [1, 2])
def test_fused_batch_norm_matches_torch(dtype, shape, training, affine, threads):
    c = shape[1]
    x = rand(*shape, dtype=dtype, scale=3.0, shift=0.5)
    w, b = (rand(c, seed=1, dtype=dtype), rand(c, seed=2, dtype=dtype)) if affine else (None, None)
    rm, rv = rand(c, seed=5, dtype=dtype), rand(c, seed=6, dtype=dtype) + 2
    before = torch.get_num_threads()
    try:
        want = run(torch, x, rm, rv, w, b, training, threads=threads)
    finally:
        torch.set_num_threads(before)
    got = run(bridge, x, rm, rv, w, b, training, threads=threads)
    tol = TOL[dtype]
    np.testing.assert_allclose(got[0], want[0], **tol, err_msg="output")
    for k, (g, t) in enumerate(zip(got[1], want[1])):
        assert (g is None) == (t is None)
        if t is not None:
            # gradients are sums over the batch: compare them on the scale of the largest
            np.testing.assert_allclose(g, t, rtol=tol["rtol"] * 10, atol=tol["atol"] * 10 * max(1.0, np.abs(t).max()),
                                       err_msg=f"gradient of input {k}")
    for g, t in zip(got[2], want[2]):
        np.testing.assert_allclose(g, t, **tol, err_msg="running statistics")
    assert got[3] == "NativeBatchNormBackward0"


@pytest.mark.parametrize("training", [True, False])
def test_fused_batch_norm_gradcheck_and_double_backward(training):
    x = bridge.tensor(rand(4, 3, 5, seed=3), requires_grad=True)
    w = bridge.tensor(rand(3, seed=1) + 1.5, requires_grad=True)
    b = bridge.tensor(rand(3, seed=2), requires_grad=True)
    rm, rv = bridge.tensor(rand(3, seed=5)), bridge.tensor(rand(3, seed=6) + 2)

    def fn(x, w, b):
        return BF.batch_norm(x, None if training else rm, None if training else rv, w, b, training)

    assert bridge.autograd.gradcheck(fn, (x, w, b))
    # the bias's gradient does not depend on the inputs: second order over x and w (as before the fused kernel)
    assert bridge.autograd.gradgradcheck(lambda x, w: fn(x, w, b.detach()), (x, w))


def test_double_backward_through_fused_batch_norm_matches_torch():
    arrays = [rand(4, 3, 5, seed=3), rand(3, seed=1) + 1.5, rand(3, seed=2)]
    v = rand(4, 3, 5, seed=7)

    def second(lib):
        ins = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = lib.nn.functional.batch_norm(ins[0], None, None, ins[1], ins[2], True)
        gx, gw = lib.autograd.grad((out * lib.tensor(v)).sum(), ins[:2], create_graph=True)
        ((gx ** 2).sum() + (gw ** 3).sum()).backward()
        return [t.grad.numpy() for t in ins[:2]]

    for g, t in zip(second(bridge), second(torch)):
        np.testing.assert_allclose(g, t, rtol=1e-9, atol=1e-10)

