"""bridge.clr: the managed engine loaded into this Python through pythonnet; arrays shared both ways, no copies."""

import gc
import statistics
import sys
import threading
import time
import weakref

import numpy as np
import pytest

try:
    import bridge.clr as bclr
except ImportError as e:  # no .NET runtime, or the package was built without its managed assemblies
    pytest.skip(f"bridge.clr cannot load the managed runtime: {e}", allow_module_level=True)

from Bridge import DType, Tensor, Torch  # noqa: E402  (.NET namespaces exist only after bridge.clr)
from Bridge.Python import PyBridge  # noqa: E402
from System import ArgumentException, Array, GC, Int64, InvalidOperationException  # noqa: E402


def collect():
    """Collects on both sides: Python's cycles, .NET's finalizers, then the releases they queued."""
    for _ in range(2):
        gc.collect()
        GC.Collect()
        GC.WaitForPendingFinalizers()
    PyBridge.FlushReleases()


def test_from_bridge_import_torch_gives_the_csharp_api():
    t = Torch.Ones(2, 3)
    assert type(t).__name__ == "Tensor" and type(t).__module__ == "Bridge"
    assert t.Sum().Item[float]() == 6.0
    assert list(t.Size().ToArray()) == [2, 3]


def test_ndarray_passed_where_csharp_wants_a_tensor_becomes_a_view():
    a = np.arange(4, dtype=np.float64)
    assert Torch.Sum(a).Item[float]() == 6.0  # Torch.Sum(Tensor): the decoder views the array
    out = np.zeros(4)
    Tensor.Add(a, a, out)  # the C# kernel writes into the NumPy array through its view
    assert out.tolist() == [0.0, 2.0, 4.0, 6.0]


def test_to_numpy_shares_memory_both_ways():
    t = Torch.Zeros(2, 3)
    a = bclr.to_numpy(t)
    assert a.dtype == np.float32 and a.shape == (2, 3) and not a.flags.owndata
    a[1, 2] = 7.5
    assert t.Sum().Item[float]() == 7.5
    t.Add_(1.0)
    np.testing.assert_array_equal(a, [[1, 1, 1], [1, 1, 8.5]])


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = bclr.from_numpy(a)
    assert t.DType == DType.Float64 and list(t.Size().ToArray()) == [2, 3]
    t.Mul_(10.0)
    np.testing.assert_array_equal(a, np.arange(6).reshape(2, 3) * 10)
    a[0, 0] = -1
    assert t.Sum().Item[float]() == 149.0


def test_round_trip_is_the_same_memory():
    a = np.ones(5, dtype=np.int64)
    back = bclr.to_numpy(bclr.from_numpy(a))
    assert back.__array_interface__["data"][0] == a.ctypes.data
    back[:] = 3
    assert a.sum() == 15


def test_strided_views_both_ways_match_numpy():
    a = np.arange(24, dtype=np.int64).reshape(4, 6)[::2, 1::2]
    t = bclr.from_numpy(a)
    assert (t.Stride(0), t.Stride(1)) == (12, 2)
    np.testing.assert_array_equal(bclr.to_numpy(t), a)
    tt = Torch.Arange(0, 24).Reshape(4, 6).T()
    v = bclr.to_numpy(tt)
    expected = np.arange(24, dtype=np.int64).reshape(4, 6).T
    assert v.strides == expected.strides
    np.testing.assert_array_equal(v, expected)


def test_read_only_stays_read_only():
    a = np.ones(3, dtype=np.float32)
    a.flags.writeable = False
    t = bclr.from_numpy(a)
    assert not t.Storage.Writable
    with pytest.raises(InvalidOperationException, match="read-only"):
        t.Add_(1.0)
    v = bclr.to_numpy(t)
    assert not v.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        v[0] = 2


@pytest.mark.parametrize("array, fix", [
    (np.arange(5.0)[::-1], "np.ascontiguousarray"),
    (np.zeros(3, dtype=np.uint16), "astype"),
    (np.zeros(3, dtype=">f4"), "newbyteorder"),
    ([1.0, 2.0], "numpy.asarray"),
])
def test_from_numpy_refusals_name_the_fix(array, fix):
    with pytest.raises(ArgumentException, match=fix):
        bclr.from_numpy(array)


def test_to_numpy_of_tensor_requiring_grad_is_refused_like_torch():
    with pytest.raises(InvalidOperationException, match="Detach"):
        bclr.to_numpy(Torch.Ones(2).RequiresGrad_(True))


def test_array_dropped_first_tensor_keeps_it_alive_then_frees_it():
    a = np.arange(1000, dtype=np.int64)
    freed = []
    weakref.finalize(a, freed.append, True)
    t = bclr.from_numpy(a)
    del a
    collect()
    assert not freed and t.Sum().Item[int]() == 499500
    del t
    collect()
    assert freed


def test_tensor_dropped_first_array_keeps_storage():
    t = Torch.Arange(0, 100_000)
    a = bclr.to_numpy(t)
    del t
    collect()
    for _ in range(10):
        # A typed array: Full has int[] and long[] shapes (64-bit sizes), which a Python list cannot choose between.
        Torch.Full(Array[Int64]([100_000]), -1.0, DType.Int64)  # would reuse freed memory
    assert int(a.sum()) == 4999950000


def test_tensor_dropped_first_array_refcount_comes_back():
    a = np.zeros(8)
    before = sys.getrefcount(a)
    t = bclr.from_numpy(a)
    assert sys.getrefcount(a) > before  # the tensor's buffer view holds one
    del t
    collect()
    assert sys.getrefcount(a) == before


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_conversions_100k_memory_flat():
    def loop(n):
        for _ in range(n):
            bclr.to_numpy(Torch.Zeros(256))
            bclr.from_numpy(np.zeros(256))
    loop(20_000)  # warm-up: heaps and caches reach their working size
    collect()
    counts, sizes = [], []
    for chunk in range(1, 5):
        loop(20_000)
        collect()
        counts.append(chunk * 20_000)
        sizes.append(_rss())
    slope = np.polyfit(counts, sizes, 1)[0]
    # Heap resizing moves RSS by a few MB either way; a leaked 2 KiB buffer per conversion would be 2,000+ bytes.
    assert slope < 200, f"memory grew {slope:.1f} bytes per conversion pair (RSS {sizes})"


def test_from_numpy_64mib_costs_the_same_as_4_bytes():
    small, big = np.zeros(1, dtype=np.float32), np.zeros(16 << 20, dtype=np.float32)

    def median_us(a):
        times = []
        for _ in range(300):
            start = time.perf_counter()
            bclr.from_numpy(a)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e6

    median_us(small), median_us(big)  # warm-up
    small_us, big_us = median_us(small), median_us(big)
    assert big_us < 3 * small_us + 5, f"64 MiB took {big_us:.1f} us, 4 B took {small_us:.1f} us"


def test_python_threads_convert_concurrently():
    errors = []

    def work(k):
        try:
            for _ in range(300):
                a = np.full(64, float(k))
                t = bclr.from_numpy(a)
                if bclr.to_numpy(t).sum() != 64.0 * k:
                    errors.append(k)
        except Exception as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not any(th.is_alive() for th in threads), "threads hung"
    assert not errors


def test_torch_round_trip_through_dlpack():
    torch = pytest.importorskip("torch")
    t = Torch.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(2, 3)
    tt = bclr.to_torch(t)
    assert tt.dtype == torch.float64 and float(tt.sum()) == 21.0
    tt[0, 0] = 100.0
    assert t.Sum().Item[float]() == 120.0
    src = torch.zeros(4)
    m = bclr.from_torch(src)
    m.Fill_(2.0)
    assert float(src.sum()) == 8.0
