"""Every declared op (src/Tensor/Ops/Declarations) on every dtype, through the Python package, against torch 1.13
live: where torch computes, Bridge gives the same dtype, shape and values (bit for bit for the integer and half
types); where torch refuses a dtype, Bridge raises the same exception type with torch's message. The C# registry
(tests/Bridge.Tensor.Tests/OpInfo) runs the same check over more samples and layouts; this one covers the ABI and
the Python surface on top of it."""

import numpy as np
import pytest

import bridge
import torch
from bridge import _declared
from helpers import TOL

DTYPES = ["float32", "float64", "int64", "bool", "uint8", "int8", "int16", "int32", "float16", "bfloat16"]
# The declared ops that are not generated into bridge._declared (binary ops, comparisons and reductions are
# published by hand-written functions; their declarations are in Binary.cs, BinaryMath.cs and Reductions.cs).
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "hypot", "fmod", "remainder", "logaddexp",
          "bitwise_and", "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor",
          "eq", "ne", "lt", "le", "gt", "ge"]
REDUCTIONS = ["sum", "mean", "max", "min", "argmax"]
POSITIVE = {"log", "sqrt", "log2", "log10", "rsqrt", "pow", "div", "fmod", "remainder", "reciprocal"}
DOMAIN = {"asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atanh": (-0.9, 0.9), "erfinv": (-0.9, 0.9),
          "acosh": (1.1, 3.0), "log1p": (-0.5, 2.0)}
# Kept on purpose, as OpSamples.UndeclaredOnPurpose lists them (none at present).
KNOWN: set = set()


def _values(name, dtype, seed):
    low, high = DOMAIN.get(name, (0.5 if name in POSITIVE else -2.0, 2.0))
    data = np.random.default_rng(seed).uniform(low, high, size=(3, 4))
    if dtype == "bool":
        return (data > (low + high) / 2).astype(np.float64)
    if dtype in ("uint8", "int8", "int16", "int32", "int64"):
        data = np.round(data * 2)
        # a negative value would test the cast to uint8, not the op; a zero divisor is ZeroDivisionError in both
        data = np.abs(data) if dtype == "uint8" else data
        if name in POSITIVE:
            data = np.maximum(data, 1)
    return data


def _pair(values, dtype):
    b = bridge.tensor(values.tolist(), dtype=bridge.float64).to(getattr(bridge, dtype))
    t = torch.tensor(values, dtype=torch.float64).to(getattr(torch, dtype))
    return b, t


def _as_float64(x):
    return x.detach().to(torch.float64 if isinstance(x, torch.Tensor) else bridge.float64).numpy()


def _check(name, dtype, run_bridge, run_torch):
    try:
        want = run_torch()
    except RuntimeError as e:
        with pytest.raises(type(e)) as got:
            run_bridge()
        assert str(e).splitlines()[0] in str(got.value), f"torch: {e}"
        return
    if (name, dtype) in KNOWN:
        pytest.skip("a known difference from torch, listed in OpSamples.UndeclaredOnPurpose")
    got = run_bridge()
    assert str(got.dtype) == str(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    out = str(want.dtype).replace("torch.", "")
    if out in TOL:
        np.testing.assert_allclose(_as_float64(got), _as_float64(want), **TOL[out])
    else:  # integers, bool and the half types: exactly torch's values (float32 math rounded once per op, as torch)
        np.testing.assert_array_equal(_as_float64(got), _as_float64(want))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", _declared.__all__)
def test_declared_unary_op_on_every_dtype_matches_torch(name, dtype):
    b, t = _pair(_values(name, dtype, 1), dtype)
    _check(name, dtype, lambda: getattr(bridge, name)(b), lambda: getattr(torch, name)(t))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", BINARY)
def test_declared_binary_op_on_every_dtype_matches_torch(name, dtype):
    b, t = _pair(_values(name, dtype, 2), dtype)
    b2, t2 = _pair(_values(name, dtype, 3), dtype)
    _check(name, dtype, lambda: getattr(bridge, name)(b, b2), lambda: getattr(torch, name)(t, t2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_declared_reduction_on_every_dtype_matches_torch(name, dtype):
    b, t = _pair(_values(name, dtype, 4), dtype)
    _check(name, dtype, lambda: getattr(bridge, name)(b), lambda: getattr(torch, name)(t))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", [n for n in vars(_declared.DeclaredMethods) if n.endswith("_") and not n.startswith("_")])
def test_declared_in_place_op_on_half_types_matches_torch(name, dtype):
    b, t = _pair(_values(name[:-1], dtype, 5), dtype)
    _check(name[:-1], dtype, lambda: getattr(b, name)(), lambda: getattr(t, name)())
