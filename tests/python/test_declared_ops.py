"""Every op the declarations publish to Python (bridge._declared, generated) against PyTorch: the function, the
method and, where declared, nn.functional; values and gradients. A newly declared op is tested here with no
new test code."""

import numpy as np
import pytest

import bridge
import bridge.nn.functional as F
import torch
from bridge import _declared, _declared_functional
from helpers import assert_same, both

RNG = np.random.default_rng(20261129)
POSITIVE = {"log", "sqrt", "log2", "log10", "rsqrt"}
DOMAIN = {"asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atanh": (-0.9, 0.9), "erfinv": (-0.9, 0.9),
          "acosh": (1.1, 3.0), "log1p": (-0.5, 2.0)}


def _domain(name):
    return DOMAIN.get(name, (0.5 if name in POSITIVE else -2.0, 2.0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", _declared.__all__)
def test_declared_op_matches_torch(name, dtype):
    data = RNG.uniform(*_domain(name), size=(3, 4)).astype(dtype)
    b, t = both(data, requires_grad=True)
    assert_same(getattr(bridge, name)(b), getattr(torch, name)(t))
    rb, rt = getattr(b, name)(), getattr(t, name)()
    assert_same(rb, rt)
    if not rt.requires_grad:  # bool-valued tests (isnan ...): no gradient in either
        assert not rb.requires_grad
        return
    (rb * rb).sum().backward()
    (rt * rt).sum().backward()
    assert_same(b.grad, t.grad)


@pytest.mark.parametrize("name", _declared_functional.__all__)
@pytest.mark.filterwarnings("ignore:nn.functional.* is deprecated")
def test_declared_functional_matches_torch(name):
    b, t = both(RNG.uniform(-2.0, 2.0, size=(5,)).astype("float32"))
    assert_same(getattr(F, name)(b), getattr(torch.nn.functional, name)(t))


def test_declared_ops_are_published_with_docs():
    assert {"sin", "cos", "tanh"} <= set(_declared.__all__)
    for name in _declared.__all__:
        assert getattr(bridge, name).__doc__, name
        assert getattr(bridge.Tensor, name).__doc__, name


@pytest.mark.parametrize("name", [n for n in vars(_declared.DeclaredMethods) if n.endswith("_") and not n.startswith("_")])
def test_declared_in_place_op_matches_torch(name):
    b, t = both(RNG.uniform(*_domain(name[:-1]), size=(2, 3)))
    assert getattr(b, name)() is b
    getattr(t, name)()
    assert_same(b, t)
