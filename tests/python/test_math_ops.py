"""The math of issue 16 that is not a generated elementwise op, against PyTorch live: binary math and its
operators, bitwise and logical ops, reductions along dims (values and gradients), sorting and selection, running
sums and products, norms (torch.linalg too), nan_to_num, and out=."""

import math

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both

RNG = np.random.default_rng(16)


def data(*shape, low=-2.0, high=2.0, dtype="float64"):
    return RNG.uniform(low, high, size=shape).astype(dtype)


def grads_agree(fb, ft, *arrays):
    """fb(bridge inputs) and ft(torch inputs) agree in value and in the gradients of (result * weights).sum()."""
    pairs = [both(a, requires_grad=True) for a in arrays]
    rb, rt = fb(*[p[0] for p in pairs]), ft(*[p[1] for p in pairs])
    assert_same(rb, rt)
    w = RNG.uniform(0.5, 1.5, size=tuple(rt.shape))
    (rb * bridge.tensor(w)).sum().backward()
    (rt * torch.tensor(w)).sum().backward()
    for b, t in pairs:
        if t.grad is None:  # torch leaves no gradient where it is identically zero (norm with p=0)
            assert b.grad is None or not b.grad.any()
        else:
            assert_same(b.grad, t.grad)


# ---- binary math ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["atan2", "hypot", "fmod", "remainder", "logaddexp"])
def test_binary_math_values_and_gradients(name):
    a, c = data(3, 4), data(4, low=0.5, high=2.0) * np.array([1, -1, 1, -1])
    grads_agree(lambda x, y: getattr(bridge, name)(x, y), lambda x, y: getattr(torch, name)(x, y), a, c)


@pytest.mark.parametrize("name", ["fmod", "remainder"])
@pytest.mark.parametrize("other", [3, -3, 2.5])
def test_modulo_with_scalars_and_integers(name, other):
    b, t = both(np.arange(-7, 8))
    assert_same(getattr(bridge, name)(b, other), getattr(torch, name)(t, other))
    assert_same(getattr(b, name)(other), getattr(t, name)(other))


def test_percent_operator_is_remainder():
    b, t = both(data(5))
    assert_same(b % 0.7, t % 0.7)
    assert_same(3.0 % (b.abs() + 1), 3.0 % (t.abs() + 1))


def test_integer_modulo_by_zero_raises():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        bridge.remainder(bridge.tensor([1, 2]), bridge.tensor([1, 0]))


def test_lerp_tensor_and_scalar_weights():
    grads_agree(lambda s, e, w: bridge.lerp(s, e, w), lambda s, e, w: torch.lerp(s, e, w),
                data(3, 4), data(3, 4), data(4, low=0, high=1))
    grads_agree(lambda s, e: s.lerp(e, 0.7), lambda s, e: s.lerp(e, 0.7), data(6), data(6))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor",
                                  "logical_and", "logical_or", "logical_xor"])
def test_bitwise_and_logical_ops(name):
    ib, it = both(np.array([[0, 1, 5, -3], [7, 2, 0, 12]]))
    jb, jt = both(np.array([3, 6, 0, -1]))
    assert_same(getattr(bridge, name)(ib, jb), getattr(torch, name)(it, jt))
    mb, mt = both(np.array([True, False, True, False]))
    nb, nt = both(np.array([True, True, False, False]))
    assert_same(getattr(bridge, name)(mb, nb), getattr(torch, name)(mt, nt))


def test_bitwise_operators_follow_torch():
    ib, it = both(np.array([0, 1, 5, -3]))
    mb, mt = both(np.array([True, False, True, False]))
    assert_same(ib & 6, it & 6)
    assert_same(ib | 6, it | 6)
    assert_same(ib ^ 6, it ^ 6)
    assert_same(~ib, ~it)
    assert_same(~mb, ~mt)
    assert_same(mb ^ ~mb, mt ^ ~mt)
    fb, _ = both(data(3))
    with pytest.raises(RuntimeError, match="not implemented for 'Float'|not implemented for 'Double'"):
        fb & fb


def test_logical_ops_on_floats():
    a, c = np.array([0.0, 1.5, -2.0, 0.0]), np.array([0.0, 0.0, 3.0, 1.0])
    (ab, at), (cb, ct) = both(a), both(c)
    for name in ["logical_and", "logical_or", "logical_xor"]:
        assert_same(getattr(bridge, name)(ab, cb), getattr(torch, name)(at, ct))
    assert_same(bridge.logical_not(ab), torch.logical_not(at))


def test_comparisons_broadcast_with_operators_and_functions():
    (ab, at), (cb, ct) = both(data(3, 1)), both(data(4))
    for name in ["eq", "ne", "lt", "le", "gt", "ge"]:
        assert_same(getattr(bridge, name)(ab, cb), getattr(torch, name)(at, ct))
    assert_same(ab < cb, at < ct)
    assert_same(ab >= 0.5, at >= 0.5)


def test_nan_to_num():
    a = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    b, t = both(a)
    assert_same(bridge.nan_to_num(b), torch.nan_to_num(t))
    assert_same(b.nan_to_num(nan=1.0, posinf=9.0, neginf=-9.0), t.nan_to_num(nan=1.0, posinf=9.0, neginf=-9.0))
    b32, t32 = both(a.astype("float32"))
    assert_same(b32.nan_to_num(), t32.nan_to_num())


# ---- reductions ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": (0, 2), "keepdim": True}, {"dim": 0, "unbiased": False},
                                    {"dim": -1, "correction": 0}])
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_and_std(name, kwargs):
    grads_agree(lambda x: getattr(x, name)(**kwargs), lambda x: getattr(x, name)(**kwargs), data(2, 3, 4))
    b, t = both(data(2, 3, 4))
    assert_same(getattr(bridge, name)(b, **kwargs), getattr(torch, name)(t, **kwargs))


def test_var_positional_unbiased_flag():
    b, t = both(data(5))
    assert_same(b.var(False), t.var(False))
    assert_same(b.std(False), t.std(False))


@pytest.mark.parametrize("dim,keepdim", [(1, False), ((0, 1), True), (-1, True)])
def test_logsumexp(dim, keepdim):
    grads_agree(lambda x: bridge.logsumexp(x, dim, keepdim), lambda x: torch.logsumexp(x, dim, keepdim),
                data(3, 4) * 50)
    b, t = both(np.array([[-np.inf, -np.inf], [np.inf, 1.0]]))
    assert_same(b.logsumexp(1), t.logsumexp(1))


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_amax_amin_share_the_gradient_among_ties(name):
    a = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 2.0]])
    grads_agree(lambda x: getattr(x, name)(1), lambda x: getattr(x, name)(1), a)
    grads_agree(lambda x: getattr(bridge, name)(x), lambda x: getattr(torch, name)(x), a)
    grads_agree(lambda x: getattr(x, name)((0, 1), keepdim=True), lambda x: getattr(x, name)((0, 1), keepdim=True), a)


@pytest.mark.parametrize("name", ["any", "all"])
def test_any_all(name):
    a = np.array([[0, 1, 2], [0, 0, 3]])
    b, t = both(a)
    assert_same(getattr(b, name)(), getattr(t, name)())
    assert_same(getattr(b, name)(1), getattr(t, name)(1))
    assert_same(getattr(bridge, name)(b, 0, keepdim=True), getattr(torch, name)(t, 0, keepdim=True))
    assert isinstance(getattr(b, name)(), bridge.Tensor)


@pytest.mark.parametrize("p", [2, 1, math.inf, -math.inf, 0, 3, "fro"])
def test_norm(p):
    grads_agree(lambda x: x.norm(p), lambda x: x.norm(p), data(3, 4))
    if p != "fro":
        grads_agree(lambda x: bridge.norm(x, p, dim=1, keepdim=True), lambda x: torch.norm(x, p, dim=1, keepdim=True),
                    data(3, 4))


@pytest.mark.parametrize("ord,dim", [(None, None), (2, 1), (1, None), (math.inf, None), (-1, None), ("fro", None),
                                     (-math.inf, (0, 1)), (3, 0)])
def test_linalg_norm(ord, dim):
    grads_agree(lambda x: bridge.linalg.norm(x, ord, dim), lambda x: torch.linalg.norm(x, ord, dim), data(3, 4))
    grads_agree(lambda x: bridge.linalg.vector_norm(x, 3), lambda x: torch.linalg.vector_norm(x, 3), data(3, 4))


def test_linalg_norm_spectral_is_not_implemented():
    with pytest.raises(NotImplementedError):
        bridge.linalg.norm(bridge.ones(2, 2), 2)


def test_prod_with_and_without_zeros():
    for a in [data(3, 4, low=0.5, high=1.5), np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [2.0, 3.0, 4.0]])]:
        grads_agree(lambda x: x.prod(), lambda x: x.prod(), a)
        grads_agree(lambda x: x.prod(1), lambda x: x.prod(1), a)
        grads_agree(lambda x: bridge.prod(x, 0, keepdim=True), lambda x: torch.prod(x, 0, keepdim=True), a)
    b, t = both(np.array([[1, 2, 3], [4, 5, 6]]))
    assert_same(b.prod(), t.prod())
    assert_same(b.prod(1), t.prod(1))


def test_cumsum_cumprod():
    grads_agree(lambda x: x.cumsum(1), lambda x: x.cumsum(1), data(3, 4))
    grads_agree(lambda x: bridge.cumsum(x, 0), lambda x: torch.cumsum(x, 0), data(3, 4))
    for a in [data(2, 5, low=0.5, high=1.5), np.array([[1.0, 2.0, 0.0, 3.0, 0.0], [0.0, 2.0, 3.0, 1.0, 4.0]])]:
        grads_agree(lambda x: x.cumprod(1), lambda x: x.cumprod(1), a)
    b, t = both(np.array([[1, 2, 3], [4, 5, 6]]))
    assert_same(b.cumsum(1), t.cumsum(1))
    assert_same(b.cumprod(0), t.cumprod(0))
    mb, mt = both(np.array([True, False, True]))
    assert_same(mb.cumsum(0), mt.cumsum(0))
    assert_same(b.cumsum(1, dtype=bridge.float64), t.cumsum(1, dtype=torch.float64))


# ---- sorting and selection -----------------------------------------------------------------------------

def test_sort_and_argsort():
    a = data(3, 5)
    grads_agree(lambda x: x.sort(1).values, lambda x: x.sort(1).values, a)
    grads_agree(lambda x: bridge.sort(x, 0, descending=True)[0], lambda x: torch.sort(x, 0, descending=True)[0], a)
    b, t = both(a)
    assert_same(b.sort().indices, t.sort().indices)
    assert_same(bridge.argsort(b, 0, descending=True), torch.argsort(t, 0, descending=True))
    nb, nt = both(np.array([3.0, np.nan, -1.0, 2.0]))
    assert_same(nb.sort(), nt.sort())
    assert_same(nb.sort(descending=True), nt.sort(descending=True))
    ib, it = both(np.array([5, -2, 9, 0]))
    assert_same(ib.sort(), it.sort())


def test_topk():
    a = data(4, 6)
    grads_agree(lambda x: x.topk(3).values, lambda x: x.topk(3).values, a)
    grads_agree(lambda x: bridge.topk(x, 2, dim=0, largest=False)[0],
                lambda x: torch.topk(x, 2, dim=0, largest=False)[0], a)
    b, t = both(a)
    vb, ib = b.topk(3)
    vt, it = t.topk(3)
    assert_same(ib, it)
    with pytest.raises(RuntimeError, match="k out of range"):
        b.topk(7)


def test_kthvalue_and_median():
    a = data(3, 5)
    grads_agree(lambda x: x.kthvalue(2, 1).values, lambda x: x.kthvalue(2, 1).values, a)
    grads_agree(lambda x: x.median(), lambda x: x.median(), a)
    grads_agree(lambda x: x.median(0).values, lambda x: x.median(0).values, a)
    grads_agree(lambda x: x.median(1, keepdim=True)[0], lambda x: x.median(1, keepdim=True)[0], data(4, 4))
    b, t = both(a)
    assert_same(b.kthvalue(3, 0, keepdim=True), t.kthvalue(3, 0, keepdim=True))
    assert_same(b.median(1).indices, t.median(1).indices)
    nb, nt = both(np.array([[1.0, np.nan, 2.0], [3.0, 1.0, 2.0]]))
    assert_same(nb.median(1), nt.median(1))
    assert math.isnan(nb.median().item())


def test_unique():
    b, t = both(np.array([[3, 1, 2], [1, 3, 7]]))
    assert_same(bridge.unique(b), torch.unique(t))
    assert_same(b.unique(return_inverse=True, return_counts=True), t.unique(return_inverse=True, return_counts=True))
    fb, ft = both(np.array([2.5, -1.0, 2.5, 0.0]))
    assert_same(fb.unique(return_counts=True), ft.unique(return_counts=True))


@pytest.mark.parametrize("name", ["atan2_", "hypot_", "fmod_", "remainder_"])
def test_in_place_binary_math(name):
    (ab, at), (cb, ct) = both(data(3, 4)), both(data(4, low=0.5, high=2.0))
    assert getattr(ab, name)(cb) is ab
    getattr(at, name)(ct)
    assert_same(ab, at)


def test_in_place_bitwise_logical_and_casting_rule():
    (ib, it), (jb, jt) = both(np.array([5, 0, -3, 12])), both(np.array([3, 6, 0, 9]))
    for name in ["bitwise_and_", "bitwise_or_", "bitwise_xor_", "logical_and_", "logical_or_", "logical_xor_"]:
        b, t = ib.clone(), it.clone()
        getattr(b, name)(jb)
        getattr(t, name)(jt)
        assert_same(b, t)
    b, t = ib.clone(), it.clone()
    b.bitwise_not_()
    t.bitwise_not_()
    assert_same(b, t)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        ib.clone().atan2_(jb)


# ---- out= ----------------------------------------------------------------------------------------------

def test_matmul_out():
    (ab, at), (cb, ct) = both(data(3, 4)), both(data(4, 2))
    ob, ot = bridge.empty(3, 2, dtype=bridge.float64), torch.empty(3, 2, dtype=torch.float64)
    assert bridge.matmul(ab, cb, out=ob) is ob
    torch.matmul(at, ct, out=ot)
    assert_same(ob, ot)
    for m, a, c in ((bridge, ab, cb), (torch, at, ct)):  # resized to [3, 2] with torch's warning
        with pytest.warns(UserWarning, match="resized"):
            assert tuple(m.matmul(a, c, out=m.empty(2, 2, dtype=m.float64)).shape) == (3, 2)
    with pytest.raises(RuntimeError, match="out="):
        bridge.matmul(ab.requires_grad_(), cb, out=ob)


def test_out_on_math_functions():
    (ab, at), (cb, ct) = both(data(3, 4)), both(data(3, 4))
    ob, ot = bridge.empty(3, 4, dtype=bridge.float64), torch.empty(3, 4, dtype=torch.float64)
    assert bridge.atan2(ab, cb, out=ob) is ob
    assert_same(ob, torch.atan2(at, ct, out=ot))
    sb, st = bridge.empty(3, dtype=bridge.float64), torch.empty(3, dtype=torch.float64)
    bridge.logsumexp(ab, 1, out=sb)
    assert_same(sb, torch.logsumexp(at, 1, out=st))
    values, indices = bridge.empty(3, 2, dtype=bridge.float64), bridge.empty(3, 2, dtype=bridge.int64)
    result = bridge.topk(ab, 2, out=(values, indices))
    assert result.values is values
    assert_same(indices, torch.topk(at, 2).indices)


def test_out_on_generated_elementwise_functions():
    b, t = both(data(2, 3))
    ob, ot = bridge.empty(2, 3, dtype=bridge.float64), torch.empty(2, 3, dtype=torch.float64)
    assert bridge.sin(b, out=ob) is ob
    assert_same(ob, torch.sin(t, out=ot))
    assert_same(bridge.erf(b, out=ob), torch.erf(t, out=ot))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_mean_std_mean(name):
    b, t = both(data(3, 4))
    assert_same(getattr(bridge, name)(b), getattr(torch, name)(t))
    assert_same(getattr(bridge, name)(b, 1, keepdim=True), getattr(torch, name)(t, 1, keepdim=True))


def test_aliases():
    b, t = both(data(4, low=-0.9, high=0.9))
    for name in ["arcsin", "arccos", "arctan", "arcsinh", "arctanh", "fix", "negative", "absolute"]:
        assert_same(getattr(bridge, name)(b), getattr(torch, name)(t))
        assert_same(getattr(b, name)(), getattr(t, name)())
