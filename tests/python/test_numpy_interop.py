"""Zero-copy exchange with NumPy: shared memory both ways, lifetimes, strides, refusals with the fix named."""

import gc
import sys
import weakref

import numpy as np
import pytest

import bridge

DTYPES = [np.float32, np.float64, np.int64, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES)
def test_from_numpy_shares_memory_both_ways(dtype):
    a = (np.arange(6) % 2).astype(dtype).reshape(2, 3)
    t = bridge.from_numpy(a)
    assert t.dtype.name == np.dtype(dtype).name and tuple(t.shape) == a.shape
    assert t.data_ptr() == a.ctypes.data
    t[0, 0] = 1
    assert a[0, 0] == 1
    a[1, 2] = 0
    assert t[1, 2].item() == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_view_of_tensor_shares_memory(dtype):
    t = bridge.zeros(3, 4, dtype=getattr(bridge, np.dtype(dtype).name))
    a = t.numpy()
    assert a.dtype == dtype and a.shape == (3, 4) and a.ctypes.data == t.data_ptr()
    a[2, 3] = 1
    assert t[2, 3].item() == 1
    t.fill_(1)
    assert a.all()


def test_in_place_math_is_seen_on_the_other_side():
    a = np.ones(5, dtype=np.float32)
    t = bridge.from_numpy(a)
    t.mul_(3).add_(1)
    np.testing.assert_array_equal(a, np.full(5, 4, np.float32))
    np.multiply(a, 2, out=a)
    assert t.tolist() == [8.0] * 5


def test_strided_arrays_become_strided_views():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    for view in (base[:, ::2], base.T, base[1:3, 2:5], base[::3]):
        t = bridge.from_numpy(view)
        assert t.data_ptr() == view.ctypes.data
        assert t.stride() == tuple(s // 8 for s in view.strides)
        np.testing.assert_array_equal(t.numpy(), view)
    t = bridge.from_numpy(base[:, ::2])
    t.zero_()
    assert (base[:, ::2] == 0).all() and (base[:, 1::2] != 0).all()


def test_tensor_views_become_strided_arrays():
    t = bridge.arange(12.0).reshape(3, 4)
    a = t.t().numpy()
    assert a.strides == (4, 16)
    np.testing.assert_array_equal(a, np.arange(12.0, dtype=np.float32).reshape(3, 4).T)


def test_read_only_arrays_stay_read_only():
    a = np.arange(4.0)
    a.setflags(write=False)
    t = bridge.from_numpy(a)
    assert (t * 2).tolist() == [0.0, 2.0, 4.0, 6.0]
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)
    with pytest.raises(RuntimeError, match="read-only"):
        t[0] = 5
    assert not t.numpy().flags.writeable
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_refusals_name_the_fix():
    with pytest.raises(ValueError, match="byte-swapped.*astype"):
        bridge.from_numpy(np.arange(3, dtype=">f4"))
    raw = np.zeros(4 * 8 + 1, dtype=np.uint8)
    misaligned = raw[1:].view(np.float64)
    with pytest.raises(ValueError, match="aligned.*ascontiguousarray"):
        bridge.from_numpy(misaligned)
    with pytest.raises(ValueError, match="negative.*ascontiguousarray"):
        bridge.from_numpy(np.arange(4.0)[::-1])
    with pytest.raises(TypeError, match="uint16. The only supported types are"):
        bridge.from_numpy(np.arange(3, dtype=np.uint16))
    with pytest.raises(TypeError, match="np.ndarray"):
        bridge.from_numpy([1, 2, 3])
    with pytest.raises(RuntimeError, match="requires grad"):
        bridge.ones(2, requires_grad=True).numpy()


def test_tensor_keeps_array_alive():
    a = np.arange(1000, dtype=np.float64)
    ref = weakref.ref(a)
    t = bridge.from_numpy(a)
    view = t[10:20]
    del a, t
    bridge._collect()
    assert ref() is not None, "the array died while a tensor still viewed it"
    assert view.tolist() == list(map(float, range(10, 20)))
    del view
    bridge._collect()
    assert ref() is None, "the array outlived every tensor over it"


def test_array_keeps_tensor_storage_alive():
    t = bridge.arange(100.0)
    a = t.numpy()
    del t
    bridge._collect()
    np.testing.assert_array_equal(a, np.arange(100.0, dtype=np.float32))
    a[:] = 1  # writing into memory that must still be the tensor's
    assert a.sum() == 100


def test_release_happens_exactly_once():
    a = np.arange(8.0)
    base = sys.getrefcount(a)
    tensors = [bridge.from_numpy(a) for _ in range(5)]
    assert sys.getrefcount(a) == base + 5
    del tensors
    bridge._collect()
    assert sys.getrefcount(a) == base


def test_numpy_functions_take_bridge_tensors():
    t = bridge.arange(6.0).reshape(2, 3)
    assert np.asarray(t).ctypes.data == t.data_ptr()
    np.testing.assert_array_equal(np.add(t, 1), np.arange(6.0).reshape(2, 3) + 1)
    assert np.mean(t.numpy()) == 2.5
    assert np.array(t).base is None or np.array(t).ctypes.data != t.data_ptr()  # np.array copies


def test_large_conversion_is_zero_copy():
    a = np.zeros(16 * 1024 * 1024, dtype=np.float32)  # 64 MiB
    t = bridge.from_numpy(a)
    assert t.data_ptr() == a.ctypes.data
    assert t.numpy().ctypes.data == a.ctypes.data


def test_empty_and_zero_dim_arrays():
    for a in (np.zeros((0, 3), np.float32), np.array(2.5), np.zeros(0, np.int64)):
        t = bridge.from_numpy(a)
        assert tuple(t.shape) == a.shape
        np.testing.assert_array_equal(t.numpy(), a)
