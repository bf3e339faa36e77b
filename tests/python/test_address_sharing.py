"""Memory that NumPy or DLPack views never moves or dies under it (issue: nothing a user types faults)."""

import gc

import numpy as np
import pytest

import bridge as torch


def test_resize_after_numpy_is_refused_and_the_array_stays_readable():
    t = torch.zeros(1000)
    a = t.numpy()
    with pytest.raises(RuntimeError, match="not resizable: NumPy or DLPack views its memory"):
        t.resize_(5000)
    t.add_(1)
    assert a.sum() == 1000.0  # still the tensor's memory
    t.resize_(10)  # shrinking keeps the memory where it is
    assert t.shape == (10,)


def test_resize_after_array_interface_is_refused():
    t = torch.zeros(100)
    a = np.asarray(t)
    with pytest.raises(RuntimeError, match="not resizable"):
        t.resize_(200)
    assert a.shape == (100,)


def test_resize_after_dlpack_export_is_refused():
    t = torch.zeros(100)
    capsule = t.__dlpack__()
    with pytest.raises(RuntimeError, match="not resizable"):
        t.resize_(200)
    del capsule


def test_a_tensor_never_shared_still_resizes():
    t = torch.zeros(4)
    t.resize_(8)
    assert t.shape == (8,)


def test_the_array_outlives_the_tensor():
    t = torch.arange(10.0)
    a = t.numpy()
    del t
    gc.collect()
    torch._collect()
    assert a.tolist() == [float(i) for i in range(10)]
