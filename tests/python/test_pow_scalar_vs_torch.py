"""pow with a scalar exponent is bit-identical with torch 1.13's CPU: torch's pow_tensor_scalar kernel takes exact
shortcuts by exponent (x*x for 2, x*x*x for 3, 1/x for -1, 1/(x*x) for -2, sqrt for 0.5, 1/sqrt for -0.5), which
round differently from a correctly rounded pow (x**3 differs in the last bit on about 1 value in 10)."""

import numpy as np
import pytest

import bridge
import torch

RNG = np.random.default_rng(3)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 3, -1, -2, 0.5, -0.5, 1, 0])
def test_pow_scalar_matches_torch_bits(dtype, exponent):
    x = (np.abs(RNG.standard_normal(4096)) * 3 + 1e-3).astype(dtype)
    got = (bridge.from_numpy(x) ** exponent).numpy()
    want = (torch.from_numpy(x) ** exponent).numpy()
    assert got.dtype == want.dtype
    assert got.tobytes() == want.tobytes(), f"{int((got != want).sum())} of {x.size} differ"


def test_pow_three_gradient_matches_torch():
    """The backward, 3·x², goes through pow(x, 2) as torch's pow_backward does."""
    x = RNG.standard_normal(64).astype("float32")
    b = bridge.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (b ** 3).sum().backward()
    (t ** 3).sum().backward()
    assert b.grad.numpy().tobytes() == t.grad.numpy().tobytes()
