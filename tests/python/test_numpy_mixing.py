"""tensor * ndarray, ndarray * tensor and NumPy functions of tensors behave as torch 1.13's (#18): NumPy defers to the
tensor or refuses, results come back as tensors, and a tensor that requires grad is never silently turned into an array."""

import numpy as np
import pytest

import bridge
import torch

GRAD_MESSAGE = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."

EXPRESSIONS = ["t * a", "a * t", "t + a", "a + t", "t - a", "a - t", "t / a", "a / t", "t ** a", "a ** t",
               "t @ a", "a @ t", "np.exp(t)", "np.sin(t)", "np.add(t, a)", "np.add(a, t)", "np.maximum(a, t)",
               "np.float64(2.0) * t", "t * np.float64(2.0)", "np.int64(3) * t", "t * np.int64(3)",
               "np.float32(2) * t", "np.array(2.0) * t", "t * np.array(2.0)", "t * np.array([1, 2])",
               "np.array([1, 2]) * t", "t + np.array([True, False])", "np.asarray(t)", "np.greater(t, 1)"]


def _run(mod, expression, requires_grad):
    t = mod.tensor([1.0, 2.0], requires_grad=requires_grad)
    a = np.array([3.0, 4.0])
    try:
        return eval(expression, {"np": np, "t": t, "a": a})
    except Exception as e:  # noqa: BLE001 (the exception is the result compared)
        return e


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_mixing_matches_torch(expression, requires_grad):
    got, want = _run(bridge, expression, requires_grad), _run(torch, expression, requires_grad)
    if isinstance(want, Exception):
        assert type(got) is type(want), f"{expression}: bridge gave {got!r}, torch raised {want!r}"
        if isinstance(want, RuntimeError):
            assert str(got) == str(want) == GRAD_MESSAGE
        return
    assert not isinstance(got, Exception), f"{expression}: bridge raised {got!r}, torch gave {want!r}"
    if isinstance(want, torch.Tensor):
        assert isinstance(got, bridge.Tensor), f"{expression}: {type(got).__name__}"
        # torch wraps NumPy's bool results as uint8, and so does bridge
        assert got.dtype.name == str(want.dtype).split(".")[1]
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-6)
    else:
        assert type(got) is type(want)
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_gradients_are_never_lost_through_numpy():
    x = bridge.ones(2, requires_grad=True)
    for attempt in (lambda: np.asarray(x), lambda: np.exp(x), lambda: x.__array_interface__, lambda: np.add(np.ones(2), x),
                    lambda: np.array(x), lambda: np.ones(2) * x):
        with pytest.raises((RuntimeError, TypeError)):
            attempt()
    assert np.exp(x.detach()).tolist() == pytest.approx([np.e, np.e])
