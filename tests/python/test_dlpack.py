"""DLPack both ways, against numpy.from_dlpack and torch.from_dlpack: no copy, shared writes, one release."""

import sys

import numpy as np
import pytest
import torch

import bridge
from bridge import _lib


def test_numpy_takes_bridge_tensors():
    t = bridge.arange(6.0).reshape(2, 3)
    a = np.from_dlpack(t)
    assert a.ctypes.data == t.data_ptr() and a.shape == (2, 3)
    t.add_(1)
    np.testing.assert_array_equal(a, np.arange(1.0, 7.0).reshape(2, 3))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_torch_takes_bridge_tensors(dtype):
    t = bridge.tensor([0, 1, 0, 0, 1, 0]).to(getattr(bridge, dtype)).reshape(3, 2)
    r = torch.from_dlpack(t)
    assert str(r.dtype) == f"torch.{dtype}" and r.data_ptr() == t.data_ptr()
    r[0, 1] = 1
    assert t[0, 1].item() == 1


def test_strided_views_cross_with_their_strides():
    t = bridge.arange(12.0).reshape(3, 4).t()
    r = torch.from_dlpack(t)
    assert r.stride() == t.stride() and r.data_ptr() == t.data_ptr()
    np.testing.assert_array_equal(r.numpy(), t.numpy())


def test_bridge_takes_torch_and_numpy_tensors():
    r = torch.arange(5.0)
    t = bridge.from_dlpack(r)
    assert t.data_ptr() == r.data_ptr()
    t.mul_(2)
    assert r.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    a = np.arange(4, dtype=np.int64)
    u = bridge.from_dlpack(a)
    assert u.data_ptr() == a.ctypes.data and u.dtype is bridge.int64
    t2 = bridge.from_dlpack(torch.utils.dlpack.to_dlpack(r))  # a bare capsule, the older protocol
    assert t2.data_ptr() == r.data_ptr()


def test_exported_tensors_are_released_exactly_once():
    bridge._collect()
    before = _lib.dlpack_exported_live()
    t = bridge.ones(4)
    consumers = [torch.from_dlpack(t), np.from_dlpack(t), torch.from_dlpack(t)]
    assert _lib.dlpack_exported_live() == before + 3
    del consumers
    assert _lib.dlpack_exported_live() == before
    cap = t.__dlpack__()  # never consumed: the capsule's destructor must release it
    assert _lib.dlpack_exported_live() == before + 1
    del cap
    assert _lib.dlpack_exported_live() == before


def test_imported_producer_is_released_exactly_once():
    a = np.arange(10.0)
    base = sys.getrefcount(a)
    t = bridge.from_dlpack(a)
    assert sys.getrefcount(a) > base
    view = t[2:5]
    del t
    bridge._collect()
    assert sys.getrefcount(a) > base, "released while a view still used the memory"
    del view
    bridge._collect()
    assert sys.getrefcount(a) == base


def test_read_only_tensors_are_not_exported():
    a = np.arange(3.0)
    a.setflags(write=False)
    with pytest.raises(RuntimeError, match="read-only"):
        np.from_dlpack(bridge.from_numpy(a))


def test_bool_is_exported_as_kdlbool_and_refusing_consumers_do_not_leak():
    # DLPack >= 0.8 has kDLBool; torch 1.13 and numpy 1.24 predate it and refuse it (torch does not export
    # its own bool tensors at all). The refusal must leave the process alive and the export released.
    bridge._collect()
    before = _lib.dlpack_exported_live()
    t = bridge.tensor([True, False])
    with pytest.raises(RuntimeError, match="code 6"):
        torch.from_dlpack(t)
    with pytest.raises((SystemError, RuntimeError, BufferError)):
        np.from_dlpack(t)
    import gc
    gc.collect()
    assert _lib.dlpack_exported_live() == before
    assert t.tolist() == [True, False]


def test_dlpack_device_is_cpu():
    assert bridge.ones(1).__dlpack_device__() == (1, 0)
