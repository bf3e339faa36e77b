"""torch.erfc, lgamma, digamma, polygamma, mvlgamma, i0 and the torch.special namespace against live torch 1.13 (issue
17): forward values bit for bit where Bridge runs torch's own kernels (SLEEF's erfc/lgamma, ATen's scalar functions),
within the stated ulps elsewhere; gradients against torch's and float64 finite differences; torch's refusals with its
exception types and messages; in-place forms; non-contiguous inputs."""

import math

import numpy as np
import pytest

import bridge
import torch
from torch_bits import bits, threads  # noqa: F401 (threads is a fixture)

# Largest difference from torch in units of the last place, per (op, dtype); 0 means bit for bit.
# erfcx is not ATen's Chebyshev table (TorchNormal.cs), log_ndtr goes through it below -1. i0e/i1/i1e in float32:
# torch's vectorised i0e/i1 kernels differ from calc_i0e/calc_i1 on a few percent of elements (measured 1-3 ulp).
ULPS = {("special.i0e", "float32"): 1, ("special.i1", "float32"): 4, ("special.i1e", "float32"): 2,
        ("special.erfcx", "float32"): 8, ("special.erfcx", "float64"): 8,  # measured 7 and 8 (near 0), most elements 0-2
        ("special.log_ndtr", "float32"): 4, ("special.log_ndtr", "float64"): 6,  # measured 4 and 5 (just below -1)
        ("special.xlog1py", "float32"): 1, ("special.xlog1py", "float64"): 1,
        # Bridge's existing sigmoid, exp2 and sinc (not this change's kernels): their measured distance from torch.
        ("special.expit", "float32"): 1, ("special.exp2", "float64"): 1, ("special.sinc", "float32"): 2}

UNARY = ["erfc", "lgamma", "digamma", "i0", "special.erfc", "special.gammaln", "special.digamma", "special.psi",
         "special.i0", "special.i0e", "special.i1", "special.i1e", "special.ndtr", "special.ndtri", "special.log_ndtr",
         "special.erfcx", "special.entr", "special.expit", "special.erf", "special.erfinv", "special.exp2",
         "special.expm1", "special.log1p", "special.sinc", "special.round"]


def resolve(module, name):
    for part in name.split("."):
        module = getattr(module, part)
    return module


def inputs(dtype, n=20000, seed=0):
    """Random values over many scales, both signs, near the poles of lgamma/digamma, and the special values."""
    rng = np.random.default_rng(seed)
    poles = -rng.integers(0, 40, 2000).astype(np.float64)
    near = poles + rng.choice([-1, 1], 2000) * 10.0 ** rng.uniform(-12, -1, 2000)
    parts = [rng.uniform(-10, 10, n), rng.uniform(0, 1, n // 4), np.exp(rng.uniform(-80, 80, n // 4)) * rng.choice([-1, 1], n // 4),
             rng.uniform(-30, 30, n // 4), poles, near, np.arange(-5, 60, 0.5)]
    edges = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, np.nan, np.inf, -np.inf, 1e-30, -1e-30, 1e-45, 1e30, -1e30, 8.0, 10.0, 1e17,
             1e20, 4.3, 10.1, 27.3, 26.0, -26.0, 88.0, 710.0, 1 - 1e-7, 1e-7]
    x = np.concatenate(parts + [np.array(edges)]).astype(dtype)
    return x[: len(x) - len(x) % 8 + 5]  # a vector tail


def ulp_distance(got, want):
    """|got - want| in units in the last place (0 for equal bits or both NaN; inf where only one is NaN or inf)."""
    g, w = np.asarray(got), np.asarray(want)
    both_nan = np.isnan(g) & np.isnan(w)
    same = (bits(g) == bits(w)) | both_nan
    width = np.spacing(np.abs(w).astype(w.dtype))
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.where(same, 0.0, np.abs(g.astype(np.float64) - w.astype(np.float64)) / width.astype(np.float64))
    return np.where(np.isnan(d), np.inf, d)


def check(name, got, want, x, dtype):
    got, want, x = np.ravel(got), np.ravel(want), np.ravel(x)
    allowed = ULPS.get((name, dtype), 0)
    d = ulp_distance(got, want)
    bad = np.nonzero(d > allowed)[0]
    if len(bad):
        i = bad[0]
        raise AssertionError(f"{name} {dtype}: {len(bad)} of {d.size} beyond {allowed} ulp; first x={x.ravel()[i]!r} "
                             f"bridge={np.ravel(got)[i]!r} torch={np.ravel(want)[i]!r}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_matches_torch(name, dtype):
    x = inputs(dtype)
    if name == "special.ndtri":
        x = np.concatenate([np.random.default_rng(1).uniform(0, 1, 20000), [0.0, 1.0, -0.5, 2.0, np.nan, 1e-30, 1e-300]]).astype(dtype)
    got = resolve(bridge, name)(bridge.tensor(x)).numpy()
    want = resolve(torch, name)(torch.tensor(x)).numpy()
    assert got.dtype == want.dtype
    check(name, got, want, x, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_polygamma_matches_torch(n, dtype):
    x = inputs(dtype, n=4000)
    x = x[~(x < -60)]  # zeta's recurrence walks from x up to 9 one step at a time (in torch too): hours for -1e7
    check("polygamma", bridge.polygamma(n, bridge.tensor(x)).numpy(), torch.polygamma(n, torch.tensor(x)).numpy(), x, dtype)
    check("polygamma", bridge.tensor(x).polygamma(n).numpy(), torch.tensor(x).polygamma(n).numpy(), x, dtype)
    check("polygamma", bridge.special.polygamma(n, bridge.tensor(x)).numpy(), torch.special.polygamma(n, torch.tensor(x)).numpy(), x, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("p", [1, 2, 3, 5])
def test_mvlgamma_matches_torch(p, dtype):
    x = (np.random.default_rng(p).uniform(0, 20, 3000) + (p - 1) / 2 + 0.01).astype(dtype).reshape(30, 100)
    want = torch.mvlgamma(torch.tensor(x), p).numpy()
    check("mvlgamma", bridge.mvlgamma(bridge.tensor(x), p).numpy(), want, x, dtype)
    check("mvlgamma", bridge.special.multigammaln(bridge.tensor(x), p).numpy(), want, x, dtype)


@pytest.mark.parametrize("name", ["erfc", "lgamma", "digamma", "i0"])
def test_layouts_and_threads_match_torch(name, threads):
    """Transposed, strided and odd-length inputs, one and two threads: the same elements meet the same kernels."""
    x = np.random.default_rng(5).uniform(-6, 6, (301, 203)).astype(np.float32)
    bx, tx = bridge.tensor(x), torch.tensor(x)
    for view in (lambda t: t.t(), lambda t: t[:, ::3], lambda t: t.reshape(-1)[5:40005]):
        got, want = getattr(bridge, name)(view(bx)).numpy(), getattr(torch, name)(view(tx)).numpy()
        np.testing.assert_array_equal(bits(got), bits(want))


@pytest.mark.parametrize("name", ["erfc", "lgamma", "digamma", "i0"])
def test_in_place_forms(name):
    x = np.linspace(-3.3, 7.1, 41).astype(np.float32)
    b, t = bridge.tensor(x), torch.tensor(x)
    assert getattr(b, name + "_")() is b
    getattr(t, name + "_")()
    np.testing.assert_array_equal(bits(b.numpy()), bits(t.numpy()))
    b2, t2 = bridge.tensor(x), torch.tensor(x)
    b2.polygamma_(2)
    t2.polygamma_(2)
    np.testing.assert_array_equal(bits(b2.numpy()), bits(t2.numpy()))
    b3, t3 = bridge.tensor(x + 3), torch.tensor(x + 3)
    b3.mvlgamma_(2)
    t3.mvlgamma_(2)
    np.testing.assert_array_equal(bits(b3.numpy()), bits(t3.numpy()))


GRAD_OPS = {
    "erfc": (lambda m, x: m.erfc(x), (-3, 3)),
    "lgamma": (lambda m, x: m.lgamma(x), (0.1, 6)),
    "lgamma_negative": (lambda m, x: m.lgamma(x), (-2.9, -2.1)),
    "digamma": (lambda m, x: m.digamma(x), (0.1, 6)),
    "polygamma1": (lambda m, x: m.polygamma(1, x), (0.1, 6)),
    "polygamma3": (lambda m, x: m.polygamma(3, x), (0.5, 6)),
    "mvlgamma3": (lambda m, x: m.mvlgamma(x, 3), (1.2, 6)),
    "i0": (lambda m, x: m.i0(x), (-9, 9)),
    "i0e": (lambda m, x: m.special.i0e(x), (-9, 9)),
    "i1": (lambda m, x: m.special.i1(x), (-9, 9)),
    "i1e": (lambda m, x: m.special.i1e(x), (-9, 9)),
    "ndtri": (lambda m, x: m.special.ndtri(x), (0.05, 0.95)),
    "log_ndtr": (lambda m, x: m.special.log_ndtr(x), (-8, 4)),
    "erfcx": (lambda m, x: m.special.erfcx(x), (-3, 8)),
    "entr": (lambda m, x: m.special.entr(x), (0.1, 3)),
    "xlog1py": (lambda m, x: m.special.xlog1py(x, x * 0.5 + 0.1), (0.1, 3)),
    "ndtr": (lambda m, x: m.special.ndtr(x), (-3, 3)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(GRAD_OPS))
def test_gradients_match_torch(name, dtype):
    f, (lo, hi) = GRAD_OPS[name]
    x = np.random.default_rng(11).uniform(lo, hi, 257).astype(dtype)
    g = np.random.default_rng(12).standard_normal(257).astype(dtype)
    bx, tx = bridge.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    f(bridge, bx).backward(bridge.tensor(g))
    f(torch, tx).backward(torch.tensor(g))
    rtol = (3e-5 if name in ("erfcx", "log_ndtr", "i1e") else 2e-6) if dtype == "float32" else 1e-13
    np.testing.assert_allclose(bx.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("name", sorted(GRAD_OPS))
def test_gradients_agree_with_finite_differences(name):
    f, (lo, hi) = GRAD_OPS[name]
    x = bridge.tensor(np.linspace(lo, hi, 9)[1:-1], dtype=bridge.float64, requires_grad=True)
    assert bridge.autograd.gradcheck(lambda t: f(bridge, t), (x,))


def test_second_derivatives_agree_with_finite_differences():
    x = bridge.tensor(np.linspace(0.3, 4.0, 7), dtype=bridge.float64, requires_grad=True)
    assert bridge.autograd.gradgradcheck(bridge.lgamma, (x,))
    assert bridge.autograd.gradgradcheck(lambda t: bridge.polygamma(2, t), (x,))


def test_backward_nodes_are_torchs():
    for name in ["erfc", "lgamma", "digamma", "i0"]:
        b = getattr(bridge, name)(bridge.tensor([1.5], requires_grad=True))
        t = getattr(torch, name)(torch.tensor([1.5], requires_grad=True))
        assert b.grad_fn.name() == t.grad_fn.name()
    b = bridge.polygamma(2, bridge.tensor([1.5], requires_grad=True))
    assert b.grad_fn.name() == torch.polygamma(2, torch.tensor([1.5], requires_grad=True)).grad_fn.name()


def raises_like(fb, ft):
    """Bridge raises what torch raises: the same exception type and message."""
    with pytest.raises(Exception) as want:
        ft()
    with pytest.raises(Exception) as got:
        fb()
    assert type(got.value) is type(want.value), f"{type(got.value).__name__}: {got.value} vs {type(want.value).__name__}: {want.value}"
    assert str(got.value).split("\n")[0] == str(want.value).split("\n")[0]


@pytest.mark.parametrize("case", ["polygamma_negative", "mvlgamma_p0", "mvlgamma_bool", "erfc_half", "lgamma_half",
                                  "digamma_half", "i0_half", "polygamma2_half", "ndtri_bfloat16", "i1_bfloat16"])
def test_refusals_match_torch(case):
    calls = {
        "polygamma_negative": lambda m: m.polygamma(-1, m.tensor([1.0])),
        "mvlgamma_p0": lambda m: m.mvlgamma(m.tensor([1.0]), 0),
        "mvlgamma_bool": lambda m: m.mvlgamma(m.tensor([True]), 1),
        "erfc_half": lambda m: m.erfc(m.tensor([1.0], dtype=m.float16)),
        "lgamma_half": lambda m: m.lgamma(m.tensor([1.0], dtype=m.float16)),
        "digamma_half": lambda m: m.digamma(m.tensor([1.0], dtype=m.float16)),
        "i0_half": lambda m: m.i0(m.tensor([1.0], dtype=m.float16)),
        "polygamma2_half": lambda m: m.polygamma(2, m.tensor([1.0], dtype=m.float16)),
        "ndtri_bfloat16": lambda m: m.special.ndtri(m.tensor([0.5], dtype=m.bfloat16)),
        "i1_bfloat16": lambda m: m.special.i1(m.tensor([0.5], dtype=m.bfloat16)),
    }
    raises_like(lambda: calls[case](bridge), lambda: calls[case](torch))


def test_mvlgamma_below_its_domain_matches_torch():
    """torch 1.13 computes mvlgamma below (p - 1) / 2 (lgamma of negative arguments) rather than refusing."""
    x = np.array([0.1, 0.4, 0.9, -0.3], dtype=np.float64)
    try:
        want = torch.mvlgamma(torch.tensor(x), 3)
    except RuntimeError:
        raises_like(lambda: bridge.mvlgamma(bridge.tensor(x), 3), lambda: torch.mvlgamma(torch.tensor(x), 3))
        return
    check("mvlgamma", bridge.mvlgamma(bridge.tensor(x), 3).numpy(), want.numpy(), x, "float64")


@pytest.mark.parametrize("dtype", ["int64", "bool", "bfloat16"])
def test_promotion_matches_torch(dtype):
    x = [0, 1, 2, 3] if dtype != "bool" else [True, False]
    # i0e and entr are left out for bfloat16: torch steps through bfloat16 there, Bridge computes in float32 and rounds once.
    names = ["erfc", "lgamma", "digamma", "i0", "special.ndtr"] + (["special.i0e", "special.entr"] if dtype != "bfloat16" else [])
    for name in names:
        b = resolve(bridge, name)(bridge.tensor(x, dtype=getattr(bridge, dtype)))
        t = resolve(torch, name)(torch.tensor(x, dtype=getattr(torch, dtype)))
        assert str(b.dtype) == str(t.dtype), name
        np.testing.assert_array_equal(b.double().numpy(), t.double().numpy())


def test_special_namespace_is_complete():
    for name in ["erf", "erfc", "erfcx", "erfinv", "expit", "logit", "xlogy", "xlog1py", "gammaln", "digamma", "psi",
                 "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "ndtr", "ndtri", "log_ndtr", "sinc", "entr",
                 "logsumexp", "softmax", "log_softmax", "round", "exp2", "expm1", "log1p"]:
        assert callable(getattr(bridge.special, name)), name


def test_special_composites_match_torch():
    x = np.random.default_rng(2).uniform(-4, 4, (5, 7)).astype(np.float32)
    y = np.abs(x) + 0.1
    bx, tx, by, ty = bridge.tensor(x), torch.tensor(x), bridge.tensor(y), torch.tensor(y)
    pairs = [
        (bridge.special.logit(by / 5, eps=1e-3), torch.special.logit(ty / 5, eps=1e-3)),
        (bridge.special.xlogy(bx, by), torch.special.xlogy(tx, ty)),
        (bridge.special.xlogy(2.0, by), torch.special.xlogy(2.0, ty)),
        (bridge.special.xlog1py(bx, by), torch.special.xlog1py(tx, ty)),
        (bridge.special.logsumexp(bx, 1), torch.special.logsumexp(tx, 1)),
        (bridge.special.logsumexp(bx, (0, 1), keepdim=True), torch.special.logsumexp(tx, (0, 1), keepdim=True)),
        (bridge.special.softmax(bx, 0), torch.special.softmax(tx, 0)),
        (bridge.special.log_softmax(bx, 1), torch.special.log_softmax(tx, 1)),
        (bridge.special.softmax(bx, 1, dtype=bridge.float64), torch.special.softmax(tx, 1, dtype=torch.float64)),
        (bridge.special.round(bx * 10, decimals=1), torch.special.round(tx * 10, decimals=1)),
        (bridge.special.round(bx * 10, decimals=-1), torch.special.round(tx * 10, decimals=-1)),
    ]
    for got, want in pairs:
        assert str(got.dtype) == str(want.dtype) and tuple(got.shape) == tuple(want.shape)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=2e-6, atol=1e-7)


def test_xlog1py_zero_and_nan_cases_match_torch():
    x = np.array([0.0, 0.0, 1.0, 2.0], dtype=np.float32)
    y = np.array([np.nan, 1.0, -1.0, np.inf], dtype=np.float32)
    np.testing.assert_array_equal(bridge.special.xlog1py(bridge.tensor(x), bridge.tensor(y)).numpy(),
                                  torch.special.xlog1py(torch.tensor(x), torch.tensor(y)).numpy())


def test_erfc_is_accurate_in_the_tail():
    """The point of erfc: 1 - erf(x) is 0 past x = 4 in float32, erfc is not."""
    assert bridge.erfc(bridge.tensor([9.0])).item() == pytest.approx(math.erfc(9.0), rel=1e-6)
