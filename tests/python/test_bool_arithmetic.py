"""Arithmetic on two bool tensors follows torch 1.13: add/mul/maximum/minimum stay bool (or, and, or, and),
true division gives float32, a bool and an int scalar give int64, and the ops torch refuses raise its message."""

import pytest

import bridge
import torch

A, B = [True, False, True, False], [True, True, False, False]

OPS = {
    "add": lambda m, a, b: a + b,
    "mul": lambda m, a, b: a * b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "add_true": lambda m, a, b: a + True,
    "div": lambda m, a, b: a / b,
    "add_int": lambda m, a, b: a + 1,
    "sum": lambda m, a, b: a.sum(),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_bool_results_match_torch(name):
    op = OPS[name]
    want = op(torch, torch.tensor(A), torch.tensor(B))
    got = op(bridge, bridge.tensor(A), bridge.tensor(B))
    assert str(got.dtype) == str(want.dtype)
    assert str(got.tolist()) == str(want.tolist())  # str: nan equals nan


@pytest.mark.parametrize("name, op", [
    ("sub", lambda a, b: a - b),
    ("floor_divide", lambda a, b: a // b),
    ("remainder", lambda a, b: a % b),
    ("pow", lambda a, b: a ** b),
])
def test_bool_refusals_match_torch(name, op):
    with pytest.raises(RuntimeError) as want:
        op(torch.tensor(A), torch.tensor(B))
    with pytest.raises(RuntimeError) as got:
        op(bridge.tensor(A), bridge.tensor(B))
    assert str(got.value) == str(want.value)
