"""Shared helpers for the bridge tests: the same computation in bridge and in real PyTorch, compared."""

import numpy as np
import pytest

import bridge
import torch

TOL = {"float32": dict(rtol=2e-5, atol=2e-6), "float64": dict(rtol=1e-12, atol=1e-12)}


def both(array, requires_grad=False):
    """The same values as a bridge tensor and a torch tensor (separate memory)."""
    a = np.array(array)
    b = bridge.from_numpy(a.copy()).clone().requires_grad_(requires_grad)
    t = torch.tensor(a, requires_grad=requires_grad)
    return b, t


def assert_same(b, t, dtype_name=None):
    """bridge result b equals torch result t: shape, dtype and values (within the dtype's tolerance)."""
    if isinstance(t, (tuple, list)):
        assert len(b) == len(t)
        for x, y in zip(b, t):
            assert_same(x, y)
        return
    if not isinstance(t, torch.Tensor):
        assert b == pytest.approx(t)
        return
    assert tuple(b.shape) == tuple(t.shape), f"shape {tuple(b.shape)} vs torch {tuple(t.shape)}"
    name = str(t.dtype).split(".")[1]
    assert str(b.dtype).split(".")[1] == name, f"dtype {b.dtype} vs torch {t.dtype}"
    got, want = b.detach().numpy(), t.detach().numpy()
    if name in TOL:
        np.testing.assert_allclose(got, want, **TOL[name])
    else:
        np.testing.assert_array_equal(got, want)

