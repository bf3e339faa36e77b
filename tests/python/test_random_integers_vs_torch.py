"""Tensor.random_ draws torch 1.13's integers on every dtype: the full range (modulo 2^digits + 1 for floating types,
max + 1 for integers, the low bit for bool), [0, to) and [from, to), with torch's bound checks."""

import pytest

import bridge
import torch

DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "float16", "bfloat16", "bool"]
BOUNDS = [(), (10,), (3, 40), (-5, 5), (0, 2 ** 33)]


def draw(lib, dtype, bounds, **kwargs):
    lib.manual_seed(11)
    t = lib.empty(37, dtype=getattr(lib, dtype)).random_(*bounds, **kwargs)
    return t.tolist()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bounds", BOUNDS, ids=str)
def test_random_matches_torch(dtype, bounds):
    try:
        want = draw(torch, dtype, bounds)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            draw(bridge, dtype, bounds)
        if dtype == "bool":  # torch names bool's dtype as Bridge does; other dtypes' names differ in spelling
            assert str(got.value) == str(e)
        return
    assert draw(bridge, dtype, bounds) == want


def test_random_with_keyword_to_and_open_upper_bound():
    assert draw(bridge, "int16", (), to=7) == draw(torch, "int16", (), to=7)
    assert draw(bridge, "uint8", (200, None)) == draw(torch, "uint8", (200, None))
