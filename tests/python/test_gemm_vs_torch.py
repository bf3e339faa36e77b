"""The packed GEMM's edge paths against PyTorch 1.13 and a float64 reference (issue #22): m, n, k that are not
multiples of the register tile or of the cache blocks, k = 1, tiny and skinny shapes, transposed operands (A^T B,
A B^T as nn.Linear's backward uses them), strided and offset views, row strides that alias in the L2 cache, float32
and float64, one and two threads. Every product here is above the small-product threshold (32^3 multiply-adds), so
it runs the packed kernel, not the reference-order loop."""

import numpy as np
import pytest

import bridge
import torch

RNG = np.random.default_rng(22)
EPS = {"float32": 1.2e-7, "float64": 2.3e-16}

# (m, k, n): tile tails (6 rows; 32 float32 / 16 float64 columns), k = 1, k-block tails, skinny and tiny-by-long.
SHAPES = [(13, 193, 33), (200, 1, 200), (1, 4096, 64), (4096, 3, 7), (7, 600, 61), (65, 129, 47),
          (96, 385, 100), (6, 1500, 32), (37, 700, 700)]


def reference_bound(a, b):
    """The exact product (float64 of the rounded inputs) and the per-element error bound (k+2)·ε·Σ|a||b|."""
    x, y = a.astype(np.float64), b.astype(np.float64)
    return x @ y, np.abs(x) @ np.abs(y) * (x.shape[1] + 2)


def operands(m, k, n, dtype, layout):
    """a (m×k) and b (k×n) as numpy arrays and as bridge views with the asked layout ('t': the transpose of a
    contiguous tensor, read in place by the kernel)."""
    def one(rows, cols, transposed):
        if transposed:
            base = RNG.standard_normal((cols, rows)).astype(dtype)
            return base.T, bridge.from_numpy(base).t()
        base = RNG.standard_normal((rows, cols)).astype(dtype)
        return base, bridge.from_numpy(base)
    a_np, a = one(m, k, layout[0] == "t")
    b_np, b = one(k, n, layout[1] == "t")
    return a_np, b_np, a, b


def check(a_bridge, b_bridge, a_np, b_np, dtype):
    got = a_bridge.matmul(b_bridge).numpy().astype(np.float64)
    want = torch.from_numpy(np.ascontiguousarray(a_np)).matmul(torch.from_numpy(np.ascontiguousarray(b_np))).numpy()
    exact, bound = reference_bound(a_np, b_np)
    tol = EPS[dtype] * bound + 1e-30
    assert np.all(np.abs(got - exact) <= tol), f"max error {np.max(np.abs(got - exact) / tol):.3g} of the bound"
    # torch's own result obeys the same bound; the two then differ by at most twice it.
    assert np.all(np.abs(got - want.astype(np.float64)) <= 2 * tol)


@pytest.fixture(params=[1, 2])
def threads(request):
    saved = bridge.get_num_threads()
    bridge.set_num_threads(request.param)
    yield request.param
    bridge.set_num_threads(saved)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["nn", "tn", "nt", "tt"])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_matmul_shapes_and_layouts_match_torch(shape, layout, dtype, threads):
    m, k, n = shape
    a_np, b_np, a, b = operands(m, k, n, dtype, layout)
    for x, flag in ((a, layout[0]), (b, layout[1])):
        if min(x.shape) > 1:  # a transposed vector is still contiguous
            assert x.is_contiguous() == (flag == "n")
    check(a, b, a_np, b_np, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("row", [1024, 2048, 8192 + 3])
def test_matmul_strided_and_offset_views_match_torch(row, dtype, threads):
    """Column-strided and offset slices, and rows 4 KiB / 8 KiB / 32 KiB apart (the L2-aliasing cut and its packed
    fallback), against torch on the same views."""
    base_a = RNG.standard_normal((300, row)).astype(dtype)
    base_b = RNG.standard_normal((400, 2 * 130 + 5)).astype(dtype)
    ba, bb = bridge.from_numpy(base_a), bridge.from_numpy(base_b)
    # A: 290 x 200 from column 5 on (row stride `row`); B: every other column of 200 rows.
    a_np, b_np = base_a[10:, 5:205], base_b[3:203, 1::2]
    check(ba[10:, 5:205], bb[3:203, 1::2], a_np, b_np, dtype)
    # A with a column stride of 3 (packed, not read in place).
    a_np = base_a[:, 0:600:3]
    check(ba[:, 0:600:3], bb[3:203, 1::2], a_np, b_np, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linear_backward_products_match_torch(dtype, threads):
    """nn.Linear's three products (x W^T, g W, g^T x) through autograd, at a batch that is not a tile multiple."""
    x_np = RNG.standard_normal((70, 300)).astype(dtype)
    w_np = RNG.standard_normal((130, 300)).astype(dtype)
    g_np = RNG.standard_normal((70, 130)).astype(dtype)
    xb, wb = bridge.from_numpy(x_np.copy()).requires_grad_(), bridge.from_numpy(w_np.copy()).requires_grad_()
    xt, wt = torch.from_numpy(x_np.copy()).requires_grad_(), torch.from_numpy(w_np.copy()).requires_grad_()
    yb, yt = bridge.nn.functional.linear(xb, wb), torch.nn.functional.linear(xt, wt)
    yb.backward(bridge.from_numpy(g_np.copy()))
    yt.backward(torch.from_numpy(g_np.copy()))
    tol = dict(rtol=2e-5, atol=2e-4) if dtype == "float32" else dict(rtol=1e-12, atol=1e-11)
    np.testing.assert_allclose(yb.detach().numpy(), yt.detach().numpy(), **tol)
    np.testing.assert_allclose(xb.grad.numpy(), xt.grad.numpy(), **tol)
    np.testing.assert_allclose(wb.grad.numpy(), wt.grad.numpy(), **tol)
