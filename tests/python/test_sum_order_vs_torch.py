"""Float sums and means are bit-identical with torch 1.13's CPU (its cascade order, one thread): compared with ==,
not allclose, over many lengths, dims, keepdim, float32/float64, contiguous, transposed and strided inputs."""

import numpy as np
import pytest

import bridge
import torch

RNG = np.random.default_rng(20261129)
DTYPES = ["float32", "float64"]
LENGTHS = list(range(0, 301)) + [1000, 4095, 4096, 5000, 20000, 32768, 100000]


def data(*shape, dtype):
    return (RNG.standard_normal(shape) * 10).astype(dtype)


def same_bits(b, t):
    """bridge result b equals torch result t exactly (shape, dtype and every bit of every value)."""
    got, want = b.numpy(), t.numpy()
    assert got.shape == want.shape and got.dtype == want.dtype
    assert got.tobytes() == want.tobytes(), f"{int((got != want).sum())} of {want.size} values differ"


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """torch splits sums of 32768+ elements across threads, which changes its order; bridge matches one thread."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("dtype", DTYPES)
def test_whole_sum_and_mean_every_length(dtype):
    for n in LENGTHS:
        x = data(n, dtype=dtype)
        b, t = bridge.from_numpy(x.copy()), torch.from_numpy(x.copy())
        same_bits(b.sum(), t.sum())
        if n:
            same_bits(b.mean(), t.mean())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3), (5, 4), (7, 9), (64, 10), (32, 1), (2000, 1), (100, 33), (50, 40),
                                   (3, 100), (17, 8), (129, 70), (1, 5), (300, 64), (64, 300), (4096, 7), (33, 4096)])
@pytest.mark.parametrize("transposed", [False, True])
def test_matrix_sums_along_each_dim(dtype, shape, transposed):
    x = data(*shape, dtype=dtype)
    b, t = bridge.from_numpy(x.copy()), torch.from_numpy(x.copy())
    if transposed:
        b, t = b.t(), t.t()
    for dim in (0, 1, -1, (0, 1)):
        for keepdim in (False, True):
            same_bits(b.sum(dim, keepdim=keepdim), t.sum(dim, keepdim=keepdim))
            same_bits(b.mean(dim, keepdim=keepdim), t.mean(dim, keepdim=keepdim))
    same_bits(b.sum(), t.sum())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 4, 5), (8, 16, 9), (2, 50, 33), (40, 3, 70), (5, 1, 24)])
def test_three_dim_sums_over_dim_sets(dtype, shape):
    x = data(*shape, dtype=dtype)
    b, t = bridge.from_numpy(x.copy()), torch.from_numpy(x.copy())
    for dims in (0, 1, 2, (0, 1), (1, 2), (0, 1, 2)):
        for keepdim in (False, True):
            same_bits(b.sum(dims, keepdim=keepdim), t.sum(dims, keepdim=keepdim))
            same_bits(b.mean(dims, keepdim=keepdim), t.mean(dims, keepdim=keepdim))
    # a permuted (non-contiguous) layout: torch coalesces by memory order, so must bridge
    bp, tp = b.permute(2, 0, 1), t.permute(2, 0, 1)
    for dims in (0, 1, 2, (1, 2), (0, 1, 2)):
        same_bits(bp.sum(dims), tp.sum(dims))


@pytest.mark.parametrize("dtype", DTYPES)
def test_strided_rows(dtype):
    x = data(4000, dtype=dtype)
    b, t = bridge.from_numpy(x.copy()), torch.from_numpy(x.copy())
    same_bits(b[::3].sum(), t[::3].sum())
    m = data(60, 90, dtype=dtype)
    b, t = bridge.from_numpy(m.copy()), torch.from_numpy(m.copy())
    for dim in (0, 1):
        same_bits(b[:, ::2].sum(dim), t[:, ::2].sum(dim))
        same_bits(b[::2].sum(dim), t[::2].sum(dim))


def test_bias_gradient_is_a_batch_sum():
    x = data(257, 37, dtype="float32")
    g = data(257, 37, dtype="float32")
    bias = data(37, dtype="float32")
    grads = []
    for lib in (bridge, torch):
        b = lib.tensor(bias, requires_grad=True)
        ((lib.tensor(x) + b) * lib.tensor(g)).sum().backward()
        grads.append(b.grad)
    same_bits(*grads)
