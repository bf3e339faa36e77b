"""logsigmoid, hardswish and hardsigmoid bit for bit as torch 1.13 computes them on the CPU, forward and backward,
float32 and float64 (issue 17). logsigmoid is min(x, 0) − log1p(e^(−|x|)) with SLEEF's exp and log1p on every lane
(torch's own loop, no scalar tail), composed from ops that round the same way; hardswish and hardsigmoid run
cpu_kernel_vec, whose vector and scalar lambdas differ at NaN and (hardswish's backward) at x = 3, so inputs put
those values both in the vector body and in the tail."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import assert_bitwise, threads  # noqa: F401 (threads is a fixture)

SIZES = [1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100, 2049, 40013, 70001]
OPS = {"logsigmoid": lambda F, t: F.logsigmoid(t), "hardswish": lambda F, t: F.hardswish(t),
       "hardsigmoid": lambda F, t: F.hardsigmoid(t)}
SPECIALS = [0.0, -0.0, 3.0, -3.0, 3.0000002, -3.0000002, 2.9999998, -2.9999998, 6.0, -6.0, np.inf, -np.inf, np.nan,
            1e-30, -1e-30, 1e-45, 20.0, -20.0, 88.0, -88.0, 104.0, -104.0, 1e30, -1e30]


def inputs(n, seed, dtype):
    """Normal draws with the special values spread over the vector body and in the last (scalar tail) elements;
    short inputs are all special values."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(n) * 4).astype(dtype)
    specials = np.array(SPECIALS, dtype=dtype)
    if n >= 64:
        x[rng.choice(n, size=len(specials), replace=False)] = specials
        x[-7:] = np.roll(specials, seed)[:7]
    else:
        x[:] = np.resize(np.roll(specials, seed), n)
    return x


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_forward_and_backward_match_torch_bitwise(name, dtype, threads):
    op = OPS[name]
    for n in SIZES:
        x = inputs(n, n, dtype)
        g = (np.random.default_rng(n + 1).standard_normal(n) * 2).astype(dtype)
        tx, bx = torch.tensor(x, requires_grad=True), bridge.tensor(x, requires_grad=True)
        ty, by = op(torch.nn.functional, tx), op(bridge.nn.functional, bx)
        assert_bitwise(by.detach().numpy(), ty.detach().numpy(), x, f"{name} {dtype} n={n}")
        ty.backward(torch.tensor(g))
        by.backward(bridge.tensor(g))
        assert_bitwise(bx.grad.numpy(), tx.grad.numpy(), x, f"{name}' {dtype} n={n}")
        assert by.grad_fn.name() == ty.grad_fn.name()


@pytest.mark.parametrize("name", sorted(OPS))
def test_modules_and_2d_views_match_torch(name):
    cls = {"logsigmoid": "LogSigmoid", "hardswish": "Hardswish", "hardsigmoid": "Hardsigmoid"}[name]
    x = inputs(6 * 37, 3, "float32").reshape(6, 37)
    tm, bm = getattr(torch.nn, cls)(), getattr(bridge.nn, cls)()
    assert repr(bm) == repr(tm)
    assert_bitwise(bm(bridge.tensor(x)).numpy(), tm(torch.tensor(x)).numpy(), x, cls)
    # a transposed view: torch walks it in memory order, bridge makes it contiguous; elementwise, so the same values
    np.testing.assert_array_equal(bm(bridge.tensor(x).t()).numpy(), tm(torch.tensor(x).t()).numpy())


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_inplace_and_integer_inputs_behave_as_torch(name):
    x = inputs(40, 5, "float32")
    bt, tt = bridge.tensor(x), torch.tensor(x)
    assert getattr(bridge.nn.functional, name)(bt, inplace=True) is bt
    getattr(torch.nn.functional, name)(tt, inplace=True)
    assert_bitwise(bt.numpy(), tt.numpy(), x, name + " inplace")
    with pytest.raises(RuntimeError, match=f'"{name}_cpu" not implemented for \'Long\''):
        getattr(bridge.nn.functional, name)(bridge.arange(4))
    with pytest.raises(RuntimeError, match=f'"{name}_cpu" not implemented for \'Long\''):
        getattr(torch.nn.functional, name)(torch.arange(4))


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradients_agree_with_finite_differences(name):
    x = bridge.tensor(np.array([-5.0, -2.5, -1.0, -0.2, 0.3, 1.7, 2.5, 4.0, 7.0]), requires_grad=True)
    f = lambda t: OPS[name](bridge.nn.functional, t)  # noqa: E731
    assert bridge.autograd.gradcheck(f, (x,))
