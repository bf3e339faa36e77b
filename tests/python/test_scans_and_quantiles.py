"""cummax/cummin, logcumsumexp, searchsorted/bucketize and quantile/nanquantile against torch 1.13: values, indices,
NaN and tie rules, shapes, gradients (torch's and float64 finite differences) and torch's refusals."""

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same

NAN = float("nan")
RNG = np.random.default_rng(5)


def pair(values, dtype=None):
    a = np.array(values, dtype=dtype)
    return bridge.from_numpy(a.copy()), torch.from_numpy(a.copy())


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("values, dim", [
    ([1.0, 3, 3, NAN, 5, NAN, 2], 0),
    ([[3, 1, 1, 2], [0, 0, 5, -1]], 1),
    ([[3.0, 1, 1, 2], [0, 0, 5, -1]], 0),
    (2.5, 0),
])
def test_running_extremes(name, values, dim):
    b, t = pair(values)
    assert_same(getattr(bridge, name)(b, dim), getattr(torch, name)(t, dim))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_running_extreme_gradients(name):
    a = RNG.permutation(12).reshape(3, 4).astype(np.float64)
    grads = []
    for m in (torch, bridge):
        x = m.from_numpy(a.copy()).requires_grad_()
        (getattr(m, name)(x, 1).values * m.arange(12.0, dtype=m.float64).reshape(3, 4)).sum().backward()
        grads.append(x.grad)
    assert_same(grads[1], grads[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logcumsumexp_values_including_far_apart_and_infinite_elements(dtype):
    for values in ([0.5, -1.0, 2.0, 0.0], [-1000.0, 0.0, -2000.0, 50.0], [-np.inf, 1.0, -np.inf], [1.0, NAN, 2.0]):
        b, t = pair(values, dtype)
        assert_same(bridge.logcumsumexp(b, 0), torch.logcumsumexp(t, 0))
    a = RNG.standard_normal((3, 5)).astype(dtype)
    assert_same(bridge.logcumsumexp(bridge.from_numpy(a), 1), torch.logcumsumexp(torch.from_numpy(a), 1))


def test_logcumsumexp_gradient_and_double_backward():
    a = np.array([[-1000.0, 0.3, 2.0, -0.5], [1.0, 1.0, -3.0, 0.2]])
    grads = []
    for m in (torch, bridge):
        x = m.from_numpy(a.copy()).requires_grad_()
        y = m.logcumsumexp(x, 1)
        (g,) = m.autograd.grad((y * m.from_numpy(np.linspace(0.5, 2, 8).reshape(2, 4))).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad((g * g).sum(), x)
        grads.append((g.detach(), gg))
    assert_same(grads[1], grads[0])
    x = bridge.from_numpy(RNG.standard_normal((2, 4))).requires_grad_()
    assert bridge.autograd.gradcheck(lambda v: bridge.logcumsumexp(v, 1), [x])


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_and_bucketize(right):
    seq = [1.0, 2, 2, 3, 5]
    for values in ([NAN, 2, 2.5, -1, 5, 6], [[0.0, 2], [3, 9]], 2.0):
        (bs, ts), (bv, tv) = pair(seq), pair(values)
        assert_same(bridge.searchsorted(bs, bv, right=right), torch.searchsorted(ts, tv, right=right))
        assert_same(bridge.bucketize(bv, bs, right=right), torch.bucketize(tv, ts, right=right))
    (bs, ts), (bv, tv) = pair([[1, 3, 5], [0, 0, 9]]), pair([[3, 4], [0, 10]])
    assert_same(bridge.searchsorted(bs, bv, right=right, out_int32=True), torch.searchsorted(ts, tv, right=right, out_int32=True))
    assert_same(bridge.searchsorted(bs, bv, side="right"), torch.searchsorted(ts, tv, side="right"))


def test_searchsorted_refuses_mismatched_leading_dims():
    for m in (torch, bridge):
        with pytest.raises(RuntimeError, match="boundaries tensor should be 1 dimension or the first N-1 dimensions"):
            m.searchsorted(m.ones(2, 3), m.ones(3, 2))


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_quantiles(name, interpolation, dtype):
    a = np.array([[1.0, 7, 3, 4, 9], [4, 3, NAN, 1, 2], [NAN, NAN, NAN, NAN, NAN]], dtype=dtype)
    qs = np.array([0.0, 0.1, 0.5, 0.875, 1.0], dtype=dtype)
    (b, t), (bq, tq) = pair(a), pair(qs)
    for args, kwargs in (((0.3,), {}), ((0.5, 1), {}), ((0.25, 1, True), {}), ((None,), {"dim": 0}), ((0.5, None, True), {})):
        q = args[0]
        bargs = (bq if q is None else q,) + args[1:]
        targs = (tq if q is None else q,) + args[1:]
        got = getattr(bridge, name)(b, *bargs, interpolation=interpolation, **kwargs)
        want = getattr(torch, name)(t, *targs, interpolation=interpolation, **kwargs)
        assert_same(got, want)


def test_quantile_gradient_reaches_the_neighbours_it_interpolates():
    a = RNG.permutation(10).astype(np.float64).reshape(2, 5)
    grads = []
    for m in (torch, bridge):
        x = m.from_numpy(a.copy()).requires_grad_()
        m.quantile(x, m.tensor([0.3, 0.8], dtype=m.float64), dim=1).sum().backward()
        grads.append(x.grad)
    assert_same(grads[1], grads[0])


@pytest.mark.parametrize("call, match", [
    (lambda m: m.quantile(m.ones(3), 1.5), r"q must be in the range \[0, 1\] but got 1.5"),
    (lambda m: m.quantile(m.ones(3), m.tensor([[0.5]])), "q must be a scalar or 1D tensor"),
    (lambda m: m.quantile(m.ones(3), 0.5, interpolation="foo"), "interpolation must be one of"),
    (lambda m: m.quantile(m.ones(0), 0.5), "input tensor must be non-empty"),
    (lambda m: m.quantile(m.ones(3), m.tensor([0.5], dtype=m.float64)), "q tensor must be same dtype"),
    (lambda m: m.quantile(m.tensor([1, 2]), 0.5), "input tensor must be either float or double dtype"),
    (lambda m: m.logcumsumexp(m.tensor([1, 2]), 0), "not implemented for 'Long'"),
])
def test_refusals_are_torchs(call, match):
    for m in (torch, bridge):
        with pytest.raises(RuntimeError, match=match):
            call(m)
