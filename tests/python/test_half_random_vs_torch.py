"""float16 and bfloat16 draws are torch 1.13's bit for bit: uniforms keep 11 (float16) or 8 (bfloat16) random bits,
and normal draws of 16 or more elements run Box-Muller in the half type's own arithmetic."""

import pytest

import bridge
import torch

HALVES = ["float16", "bfloat16"]
SIZES = [1, 5, 15, 16, 17, 37, 1000]


def draw(lib, dtype, size, fill, seed=7):
    lib.manual_seed(seed)
    t = fill(lib, getattr(lib, dtype), size)
    return t.float().tolist()


FILLS = {
    "rand": lambda m, dt, n: m.rand(n, dtype=dt),
    "randn": lambda m, dt, n: m.randn(n, dtype=dt),
    "uniform_": lambda m, dt, n: m.empty(n, dtype=dt).uniform_(-3.5, 2.25),
    "normal_": lambda m, dt, n: m.empty(n, dtype=dt).normal_(0.3, 2.5),
    "randn_2d": lambda m, dt, n: m.randn(n, 3, dtype=dt),
}


@pytest.mark.parametrize("dtype", HALVES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("fill", sorted(FILLS))
def test_half_draws_match_torch(dtype, size, fill):
    assert draw(bridge, dtype, size, FILLS[fill]) == draw(torch, dtype, size, FILLS[fill])


def test_bfloat16_bernoulli_matches_torch():
    assert draw(bridge, "bfloat16", 100, lambda m, dt, n: m.empty(n, dtype=dt).bernoulli_(0.3)) == \
        draw(torch, "bfloat16", 100, lambda m, dt, n: m.empty(n, dtype=dt).bernoulli_(0.3))


def test_float16_bernoulli_is_refused_as_torch():
    with pytest.raises(RuntimeError) as want:
        torch.empty(4, dtype=torch.float16).bernoulli_(0.3)
    with pytest.raises(RuntimeError) as got:
        bridge.empty(4, dtype=bridge.float16).bernoulli_(0.3)
    assert str(got.value) == str(want.value)
