"""bridge.save/load in NumPy's and safetensors' formats, and shared-memory tensors seen by another process."""

import os
import subprocess
import sys
import uuid

import numpy as np
import pytest
import torch

import bridge


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_npy_round_trip_and_numpy_reads_it(tmp_path, dtype):
    t = bridge.tensor([[1, 0, 3], [4, 5, 0]]).to(getattr(bridge, dtype))
    path = tmp_path / "t.npy"
    bridge.save(t, path)
    np.testing.assert_array_equal(np.load(path), t.numpy())
    back = bridge.load(path)
    assert back.dtype is t.dtype and back.tolist() == t.tolist()


@pytest.mark.parametrize("ext", ["npz", "safetensors"])
def test_state_dict_round_trip(tmp_path, ext):
    bridge.manual_seed(0)
    model = bridge.nn.Sequential(bridge.nn.Linear(3, 4), bridge.nn.ReLU(), bridge.nn.Linear(4, 2))
    path = tmp_path / f"model.{ext}"
    bridge.save(model.state_dict(), path)
    loaded = bridge.load(path)
    assert sorted(loaded) == sorted(model.state_dict())
    fresh = bridge.nn.Sequential(bridge.nn.Linear(3, 4), bridge.nn.ReLU(), bridge.nn.Linear(4, 2))
    fresh.load_state_dict(loaded)
    x = bridge.ones(2, 3)
    assert fresh(x).tolist() == model(x).tolist()
    if ext == "npz":
        with np.load(path) as z:
            for k, v in model.state_dict().items():
                np.testing.assert_array_equal(z[k], v.numpy())


def test_torch_state_dict_saved_with_numpy_loads_into_bridge(tmp_path):
    torch.manual_seed(3)
    t = torch.nn.Sequential(torch.nn.Linear(5, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    np.savez(tmp_path / "w.npz", **{k: v.detach().numpy() for k, v in t.state_dict().items()})
    b = bridge.nn.Sequential(bridge.nn.Linear(5, 3), bridge.nn.Tanh(), bridge.nn.Linear(3, 1))
    b.load_state_dict(bridge.load(tmp_path / "w.npz"))
    x = np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5)
    np.testing.assert_allclose(b(bridge.from_numpy(x)).detach().numpy(), t(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-7)


def test_hostile_files_raise_value_error(tmp_path):
    good = tmp_path / "g.npy"
    np.save(good, np.arange(100, dtype=np.float32))
    data = good.read_bytes()
    for i, bad in enumerate([data[:20], data[:-7], b"\x93NUMPY\x01\x00\xff\xff" + data[10:], b"not a tensor file at all",
                             data.replace(b"<f4", b"<c8"), data.replace(b"(100,)", b"(-1,)  ")]):
        p = tmp_path / f"bad{i}.npy"
        p.write_bytes(bad)
        with pytest.raises(ValueError):
            bridge.load(p)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes((2 ** 62).to_bytes(8, "little") + b"{}")
    with pytest.raises(ValueError):
        bridge.load(junk)
    with pytest.raises(OSError):
        bridge.load(tmp_path / "missing.npz")
    with pytest.raises(FileNotFoundError):
        bridge.load(tmp_path / "missing.pt")  # any other extension is torch's checkpoint format (test_torch_checkpoints)


def test_shared_memory_is_seen_by_another_process_without_copies():
    name = f"bridge-test-{uuid.uuid4().hex}"
    t = bridge.shared(name, (4, 1024), bridge.float32)
    try:
        t.fill_(1.5)
        path = bridge.shared_path(name)
        consumer = ("import numpy as np, sys; a = np.load(sys.argv[1], mmap_mode='r+'); "
                    "assert a.shape == (4, 1024) and (a == 1.5).all(); a[2, 7] = 42; a.flush()")
        subprocess.run([sys.executable, "-c", consumer, path], check=True)
        assert t[2, 7].item() == 42.0  # written by the other process into our mapping
        again = bridge.shared(name)
        assert again.data_ptr() != t.data_ptr() and again[2, 7].item() == 42.0
        again[0, 0] = -1
        assert t[0, 0].item() == -1
        with pytest.raises(ValueError, match="float64"):
            bridge.shared(name, dtype=bridge.float64)
    finally:
        bridge.unlink_shared(name)
    assert not os.path.exists(path)
    assert t[2, 7].item() == 42.0  # the mapping outlives the unlink


def test_shared_memory_refuses_damaged_files(tmp_path):
    p = tmp_path / "trunc.npy"
    np.save(p, np.zeros(1000, np.float32))
    p.write_bytes(p.read_bytes()[:300])
    with pytest.raises(ValueError):
        bridge.shared_file(p)
    q = tmp_path / "text.npy"
    q.write_text("hello")
    with pytest.raises(ValueError):
        bridge.shared_file(str(q))
    with pytest.raises(RuntimeError, match=r"not a shared-memory name: .* for a path$"):
        bridge.shared(str(q))   # a path is not a name: no name reaches outside /dev/shm (and no .NET parameter text)
