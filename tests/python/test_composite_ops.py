"""The composite ops (src/Tensor/Ops/Tensor.Composites.cs) against torch 1.13: values, dtypes and shapes in float32
and float64, gradients against torch's and by float64 finite differences, and torch's refusals."""

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same

RNG = np.random.default_rng(11)


def arr(*shape, positive=False, dtype=np.float64):
    a = RNG.standard_normal(shape)
    return (np.abs(a) + 0.1 if positive else a).astype(dtype)


# name -> (function of (module, tensors...), input arrays); each runs in bridge and torch on the same values.
CASES = {
    "addcmul": (lambda m, a, b, c: m.addcmul(a, b, c, value=0.3), [arr(3, 4), arr(3, 4), arr(4)]),
    "addcdiv": (lambda m, a, b, c: m.addcdiv(a, b, c, value=-2), [arr(3, 4), arr(3, 4), arr(3, 4, positive=True)]),
    "xlogy": (lambda m, a, b: m.xlogy(a, b), [np.array([0.0, 1.5, -2.0, 0.0, 3.0]), np.array([2.0, 0.5, 3.0, 0.0, np.nan])]),
    "sinc": (lambda m, a: m.sinc(a), [np.array([0.0, 0.25, -1.5, 2.0, 1e-9])]),
    "logit": (lambda m, a: m.logit(a), [np.array([0.1, 0.5, 0.9, 0.3])]),
    "logit_eps": (lambda m, a: m.logit(a, eps=0.2), [np.array([0.05, 0.5, 0.95, 0.3])]),
    "copysign": (lambda m, a, b: m.copysign(a, b), [arr(5), np.array([-1.0, 2.0, -0.0, 0.0, -3.0])]),
    "copysign_off_zero": (lambda m, a, b: m.copysign(a, b), [arr(4), np.array([-1.0, 2.0, -0.5, 3.0])]),
    "float_power": (lambda m, a: m.float_power(a, 2.5), [arr(4, positive=True, dtype=np.float32)]),
    "nansum": (lambda m, a: m.nansum(a, 1), [np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 4.0]])]),
    "nanmean": (lambda m, a: m.nanmean(a, 1, keepdim=True), [np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 4.0]])]),
    "nanmean_all": (lambda m, a: m.nanmean(a), [np.array([[1.0, np.nan, 2.0], [np.nan, 5.0, 4.0]])]),
    "diff": (lambda m, a: m.diff(a, n=2, dim=0), [arr(5, 3)]),
    "diff_prepend": (lambda m, a, p: m.diff(a, prepend=p), [arr(2, 4), arr(2, 1)]),
    "inner": (lambda m, a, b: m.inner(a, b), [arr(2, 3, 4), arr(5, 4)]),
    "vdot": (lambda m, a, b: m.vdot(a, b), [arr(6), arr(6)]),
    "kron": (lambda m, a, b: m.kron(a, b), [arr(2, 3), arr(4, 2)]),
    "kron_ranks": (lambda m, a, b: m.kron(a, b), [arr(3), arr(2, 2)]),
    "addmv": (lambda m, a, b, c: m.addmv(a, b, c, beta=0.5, alpha=2), [arr(3), arr(3, 4), arr(4)]),
    "addr": (lambda m, a, b, c: m.addr(a, b, c, alpha=-1), [arr(3, 2), arr(3), arr(2)]),
    "addbmm": (lambda m, a, b, c: m.addbmm(a, b, c, beta=2), [arr(3, 5), arr(4, 3, 2), arr(4, 2, 5)]),
    "cross": (lambda m, a, b: m.cross(a, b, dim=1), [arr(4, 3), arr(4, 3)]),
    "cross_first3": (lambda m, a, b: m.cross(a, b), [arr(3, 5), arr(3, 5)]),
    "aminmax": (lambda m, a: m.aminmax(a, dim=1), [arr(3, 4)]),
    "narrow_copy": (lambda m, a: m.narrow_copy(a, 1, 1, 2), [arr(3, 4)]),
    "vstack": (lambda m, a, b: m.vstack([a, b]), [arr(4), arr(2, 4)]),
    "hstack": (lambda m, a, b: m.hstack([a, b]), [arr(3, 2), arr(3, 1)]),
    "hstack_1d": (lambda m, a, b: m.hstack([a, b]), [arr(3), arr(2)]),
    "dstack": (lambda m, a, b: m.dstack([a, b]), [arr(3), arr(3)]),
    "column_stack": (lambda m, a, b: m.column_stack([a, b]), [arr(3), arr(3, 2)]),
    "row_stack": (lambda m, a, b: m.row_stack([a, b]), [arr(2), arr(2)]),
    "clamp_min": (lambda m, a: m.clamp_min(a, 0.1), [arr(6)]),
    "true_divide": (lambda m, a, b: m.true_divide(a, b), [arr(4), arr(4, positive=True)]),
    "addcmul_method_": (lambda m, a, b, c: a.clone().addcmul_(b, c, value=2), [arr(3), arr(3), arr(3)]),
    "addcdiv_method_": (lambda m, a, b, c: a.clone().addcdiv_(b, c, value=2), [arr(3), arr(3), arr(3, positive=True)]),
}
# NaN inputs, ties or a sign operand at ±0 make finite differences meaningless; torch 1.13 has no derivative for
# narrow_copy.
NOT_DIFFERENTIABLE = {"aminmax", "nansum", "nanmean", "nanmean_all", "xlogy", "narrow_copy", "copysign"}


def run(m, name, arrays, dtype, requires_grad=False):
    fn, _ = CASES[name]
    tensors = [m.from_numpy(a.astype(dtype)).clone().requires_grad_(requires_grad) for a in arrays]
    return tensors, fn(m, *tensors)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_matches_torch(name, dtype):
    arrays = CASES[name][1]
    _, want = run(torch, name, arrays, dtype)
    _, got = run(bridge, name, arrays, dtype)
    assert_same(got, want)


@pytest.mark.parametrize("name", sorted(set(CASES) - NOT_DIFFERENTIABLE))
def test_gradients_match_torch_and_finite_differences(name):
    arrays = CASES[name][1]
    grads = []
    for m in (torch, bridge):
        inputs, out = run(m, name, arrays, np.float64, requires_grad=True)
        weights = m.from_numpy(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
        (out * weights).sum().backward()
        grads.append([x.grad for x in inputs])
    for got, want in zip(grads[1], grads[0]):
        if got is None or want is None:  # no gradient and an all-zero one mean the same (copysign's sign operand)
            assert all(g is None or not g.abs().sum().item() for g in (got, want))
        else:
            assert_same(got, want)
    inputs = [bridge.from_numpy(a.astype(np.float64)).clone().requires_grad_() for a in arrays]
    assert bridge.autograd.gradcheck(lambda *xs: CASES[name][0](bridge, *xs), inputs)


def test_signbit_reads_the_sign_bit_of_negative_zero_and_nan():
    values = np.array([-0.0, 0.0, -1.0, 2.0, -np.nan, np.nan, -np.inf], dtype=np.float32)
    for dtype in (np.float32, np.float64):
        assert_same(bridge.signbit(bridge.from_numpy(values.astype(dtype))), torch.signbit(torch.from_numpy(values.astype(dtype))))
    assert_same(bridge.signbit(bridge.tensor([-3, 0, 4])), torch.signbit(torch.tensor([-3, 0, 4])))


def test_heaviside_and_its_dtype_rule():
    x, v = np.array([-1.5, 0.0, 2.0, 0.0]), np.array([0.5, 0.25, 0.5, 0.75])
    assert_same(bridge.heaviside(bridge.from_numpy(x), bridge.from_numpy(v)), torch.heaviside(torch.from_numpy(x), torch.from_numpy(v)))
    for m in (torch, bridge):
        with pytest.raises(RuntimeError, match="heaviside is not yet implemented for tensors with different dtypes"):
            m.heaviside(m.ones(2), m.ones(2, dtype=m.float64))


def test_integer_inputs_follow_torchs_dtypes():
    for fn in (lambda m: m.xlogy(m.tensor([0, 2]), m.tensor([3, 4])), lambda m: m.copysign(m.tensor([1, -2]), m.tensor([-1, 1])),
               lambda m: m.diff(m.tensor([True, False, False])), lambda m: m.float_power(m.tensor([2, 3]), 2),
               lambda m: m.kron(m.tensor([1, 2]), m.tensor([3, 4])), lambda m: m.sinc(m.tensor([0, 1]))):
        assert_same(fn(bridge), fn(torch))


@pytest.mark.parametrize("call, match", [
    (lambda m: m.addcdiv(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)), "Integer division with addcdiv"),
    (lambda m: m.cross(m.ones(2, 4), m.ones(2, 4)), "dimension"),
    (lambda m: m.inner(m.ones(2, 3), m.ones(2, 4)), "last dimension must match"),
    (lambda m: m.nanmean(m.ones(2, dtype=m.int64)), "nanmean"),
])
def test_refusals_are_torchs(call, match):
    for m in (torch, bridge):
        with pytest.raises(RuntimeError, match=match):
            call(m)
