"""bridge.save / bridge.load write and read torch 1.13's checkpoint format, checked live against torch both ways (#18)."""

import collections
import io
import os
import pickle
import struct
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import bridge
import torch


def _same(b, t):
    """A bridge tensor equals a torch tensor: class, dtype, shape, strides, offset, requires_grad and values."""
    assert type(b).__name__ == ("Parameter" if isinstance(t, torch.nn.Parameter) else "Tensor")
    assert str(b.dtype) == str(t.dtype)
    assert tuple(b.shape) == tuple(t.shape) and tuple(b.stride()) == tuple(t.stride())
    assert b.storage_offset() == t.storage_offset()
    assert b.requires_grad == t.requires_grad
    np.testing.assert_array_equal(b.detach().numpy(), t.detach().numpy())


def _same_tree(b, t):
    if isinstance(t, torch.Tensor):
        _same(b, t)
    elif isinstance(t, dict):
        assert type(b) is type(t) and list(b) == list(t)
        for k in t:
            _same_tree(b[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(b) is type(t) and len(b) == len(t)
        for x, y in zip(b, t):
            _same_tree(x, y)
    elif isinstance(t, np.ndarray):
        np.testing.assert_array_equal(b, t)
    else:
        assert b == t


def _torch_objects():
    torch.manual_seed(0)
    w = torch.randn(4, 3)
    return {
        "state_dict": torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).state_dict(),
        "checkpoint": {"epoch": 7, "loss": 0.125, "best": [1.5, None, True], "name": "run-1",
                       "model": collections.OrderedDict(w=w, b=torch.zeros(4, dtype=torch.float64))},
        "tensors": [torch.arange(10), torch.tensor([True, False]), torch.tensor(3.5), torch.empty(0, 3)],
        "views": {"base": w, "row": w[1], "col": w[:, 2], "t": w.t(), "tail": w.view(-1)[5:]},
        "parameter": {"p": torch.nn.Parameter(torch.ones(2, 2)), "frozen": torch.nn.Parameter(torch.ones(1), False)},
        "requires_grad": torch.ones(3, requires_grad=True),
        "numpy": {"array": np.arange(6.0).reshape(2, 3), "t": torch.ones(2)},
        "tuple": (torch.ones(1), 2, "three"),
    }


@pytest.mark.parametrize("kind", list(_torch_objects()))
def test_torch_written_files_load_in_bridge(tmp_path, kind):
    obj = _torch_objects()[kind]
    path = tmp_path / f"{kind}.pt"
    torch.save(obj, path)
    _same_tree(bridge.load(path), obj)


def _bridge_objects():
    bridge.manual_seed(0)
    w = bridge.randn(4, 3)
    return {
        "state_dict": bridge.nn.Sequential(bridge.nn.Linear(3, 4), bridge.nn.ReLU(),
                                           bridge.nn.Linear(4, 2)).state_dict(),
        "checkpoint": {"epoch": 7, "loss": 0.125, "best": [1.5, None, True], "name": "run-1",
                       "model": collections.OrderedDict(w=w, b=bridge.zeros(4, dtype=bridge.float64))},
        "tensors": [bridge.arange(10), bridge.tensor([True, False]), bridge.tensor(3.5), bridge.empty(0, 3)],
        "views": {"base": w, "row": w[1], "col": w[:, 2], "t": w.t(), "tail": w.view(-1)[5:]},
        "parameter": {"p": bridge.nn.Parameter(bridge.ones(2, 2)), "frozen": bridge.nn.Parameter(bridge.ones(1), False)},
        "requires_grad": bridge.ones(3, requires_grad=True),
        "numpy": {"array": np.arange(6.0).reshape(2, 3), "t": bridge.ones(2)},
        "tuple": (bridge.ones(1), 2, "three"),
    }


def _to_torch_tree(b):
    """What torch should load for a bridge object: the same tree of torch tensors."""
    if isinstance(b, bridge.Tensor):
        t = torch.from_numpy(b.detach().numpy().copy()).as_strided(tuple(b.shape), b.stride(), 0)
        if type(b).__name__ == "Parameter":
            return torch.nn.Parameter(t, b.requires_grad)
        return t.requires_grad_(b.requires_grad)
    if isinstance(b, dict):
        return type(b)((k, _to_torch_tree(v)) for k, v in b.items())
    if isinstance(b, (list, tuple)):
        return type(b)(_to_torch_tree(v) for v in b)
    return b


@pytest.mark.parametrize("kind", list(_bridge_objects()))
def test_bridge_written_files_load_in_torch(tmp_path, kind):
    obj = _bridge_objects()[kind]
    path = tmp_path / f"{kind}.pth"
    bridge.save(obj, path)
    loaded = torch.load(path)
    _same_tree(obj, loaded)
    _same_tree(bridge.load(path), torch.load(path))  # and back again


def test_views_sharing_a_storage_stay_shared_both_ways(tmp_path):
    w = bridge.arange(12.0).view(3, 4)
    bridge.save({"w": w, "row": w[2], "col": w[:, 1]}, tmp_path / "b.pt")
    t = torch.load(tmp_path / "b.pt")
    assert t["row"].storage().data_ptr() == t["w"].storage().data_ptr() == t["col"].storage().data_ptr()
    assert t["row"].storage_offset() == 8 and t["col"].stride() == (4,)
    t["w"][2, 0] = -1.0
    assert t["row"][0].item() == -1.0
    with zipfile.ZipFile(tmp_path / "b.pt") as z:
        assert [n for n in z.namelist() if "/data/" in n] == ["b/data/0"]  # one storage record for three tensors

    tw = torch.arange(12.0).view(3, 4)
    torch.save({"w": tw, "row": tw[2], "col": tw[:, 1]}, tmp_path / "t.pt")
    b = bridge.load(tmp_path / "t.pt")
    b["w"][2, 0] = -1.0
    assert b["row"][0].item() == -1.0 and b["col"][2].item() == 9.0
    b["col"][0] = 100.0
    assert b["w"][0, 1].item() == 100.0


def test_a_loaded_checkpoint_saves_again_with_its_storages_whole(tmp_path):
    w = torch.arange(12.0).view(3, 4)
    torch.save({"tail": w.view(-1)[5:7], "row": w[1], "w": w}, tmp_path / "t.pt")
    bridge.save(bridge.load(tmp_path / "t.pt"), tmp_path / "b.pt")  # the views come first, the whole storage last
    again = torch.load(tmp_path / "b.pt")
    assert again["tail"].tolist() == [5.0, 6.0] and again["row"].tolist() == [4.0, 5.0, 6.0, 7.0]
    assert again["w"].tolist() == w.tolist()
    assert again["w"].storage().data_ptr() == again["tail"].storage().data_ptr()


def test_layout_is_torchs_archive_records_version_and_alignment(tmp_path):
    bridge.save({"a": bridge.ones(3), "b": bridge.zeros(2, dtype=bridge.int64)}, tmp_path / "model.tar")
    data = (tmp_path / "model.tar").read_bytes()
    with zipfile.ZipFile(tmp_path / "model.tar") as z:
        names = z.namelist()
        assert names == ["model/data.pkl", "model/data/0", "model/data/1", "model/version"]
        assert z.read("model/version") == b"3\n"
        for info in z.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
            start = info.header_offset + 30 + name_len + extra_len
            assert start % 64 == 0, info.filename
            assert data[info.header_offset + 30 + name_len:][:2] == b"FB"
        assert z.read("model/data/0") == np.ones(3, np.float32).tobytes()


@pytest.mark.parametrize("name", ["model.pt", "model.pth", "model.tar", "model", "model.bin", "weights.ckpt"])
def test_any_extension_is_torchs_format(tmp_path, name):
    bridge.save({"x": bridge.ones(2)}, tmp_path / name)
    assert torch.load(tmp_path / name)["x"].tolist() == [1.0, 1.0]
    torch.save({"y": torch.zeros(3)}, tmp_path / name)
    assert bridge.load(str(tmp_path / name))["y"].tolist() == [0.0, 0.0, 0.0]


def test_file_objects_both_ways():
    buffer = io.BytesIO()
    bridge.save({"x": bridge.arange(3)}, buffer)
    buffer.seek(0)
    assert torch.load(buffer)["x"].tolist() == [0, 1, 2]
    buffer = io.BytesIO()
    torch.save([torch.ones(2)], buffer)
    buffer.seek(0)
    assert bridge.load(buffer)[0].tolist() == [1.0, 1.0]


def test_open_formats_are_still_chosen_by_extension(tmp_path):
    sd = {"w": bridge.ones(2, 2)}
    for ext in (".npz", ".safetensors"):
        bridge.save(sd, tmp_path / ("w" + ext))
        assert bridge.load(tmp_path / ("w" + ext))["w"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    bridge.save(bridge.arange(3), tmp_path / "x.npy")
    assert np.load(tmp_path / "x.npy").tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="save other objects to a .pt file"):
        bridge.save([bridge.ones(1)], tmp_path / "l.npz")


def test_whole_modules_cross_both_ways(tmp_path):
    bridge.manual_seed(1)
    model = bridge.nn.Sequential(bridge.nn.Linear(3, 4), bridge.nn.ReLU(), bridge.nn.Linear(4, 1), bridge.nn.Tanh())
    bridge.save(model, tmp_path / "b.pt")
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    # torch loads it without bridge: bridge's layers are written under torch.nn.modules
    code = ("import sys, numpy as np, torch; sys.path = [p for p in sys.path if 'wt-' not in p and p]; "
            "m = torch.load(sys.argv[1]); assert type(m) is torch.nn.Sequential, type(m); "
            "x = torch.linspace(-1, 1, 6).reshape(2, 3); print(m(x).detach().numpy().tolist())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(["/usr/bin/python3", "-c", code, str(tmp_path / "b.pt")], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    np.testing.assert_allclose(eval(out.stdout), model(bridge.from_numpy(x)).detach().numpy(), rtol=1e-6)

    torch.manual_seed(2)
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Sigmoid())
    torch.save(tmodel, tmp_path / "t.pt")
    bmodel = bridge.load(tmp_path / "t.pt")
    assert type(bmodel) is bridge.nn.Sequential and type(bmodel[0]) is bridge.nn.Linear
    np.testing.assert_allclose(bmodel(bridge.from_numpy(x)).detach().numpy(),
                               tmodel(torch.from_numpy(x)).detach().numpy(), rtol=1e-6)
    assert type(bmodel[0].weight) is bridge.nn.Parameter and bmodel[0].weight.requires_grad


def test_weights_only_admits_tensors_and_refuses_other_globals(tmp_path):
    torch.save({"sd": torch.nn.Linear(2, 2).state_dict(), "epoch": 3, "s": {1, 2}, "t": (1.5, "x")},
               tmp_path / "ok.pt")
    got = bridge.load(tmp_path / "ok.pt", weights_only=True)
    assert got["epoch"] == 3 and got["s"] == {1, 2} and list(got["sd"]) == ["weight", "bias"]
    assert got["sd"]._metadata[""]["version"] == 1  # a state_dict's metadata survives

    torch.save({"a": np.zeros(2)}, tmp_path / "np.pt")
    with pytest.raises(pickle.UnpicklingError, match="Unsupported class numpy"):
        bridge.load(tmp_path / "np.pt", weights_only=True)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "np.pt", weights_only=True)  # the same refusal as torch's


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_weights_only_never_runs_code(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"x": torch.ones(1), "payload": _Exploit()}, path)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported class (posix|os).system"):
        bridge.load(path, weights_only=True)


def test_map_location_forms(tmp_path):
    torch.save({"x": torch.arange(3.0)}, tmp_path / "x.pt")
    for where in ("cpu", bridge.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage):
        assert bridge.load(tmp_path / "x.pt", map_location=where)["x"].device == bridge.device("cpu")
    seen = []
    bridge.load(tmp_path / "x.pt", map_location=lambda storage, location: seen.append((location, storage.numel())))
    assert seen == [("cpu", 3)]
    with pytest.raises(TypeError, match="map_location"):
        bridge.load(tmp_path / "x.pt", map_location=3)


def test_cuda_locations_need_cuda_or_a_map_location(tmp_path):
    bridge.save({"x": bridge.ones(2)}, tmp_path / "x.pt")
    with zipfile.ZipFile(tmp_path / "x.pt") as z:
        pkl = z.read("x/data.pkl").replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    buffer = io.BytesIO()
    w = bridge._torch_zip.Writer(buffer, "x")
    w.write_record("data.pkl", pkl)
    w.write_record("data/0", np.ones(2, np.float32).tobytes())
    w.close()
    if not bridge.cuda.is_available():
        buffer.seek(0)
        with pytest.raises(RuntimeError, match="map_location=torch.device\\('cpu'\\)"):
            bridge.load(buffer)
    buffer.seek(0)
    assert bridge.load(buffer, map_location="cpu")["x"].tolist() == [1.0, 1.0]
    buffer.seek(0)
    assert bridge.load(buffer, map_location={"cuda:0": "cpu"})["x"].device == bridge.device("cpu")


def test_every_storage_type_loads_in_its_own_dtype(tmp_path):
    sd = {"h": torch.tensor([0.5, -2.0], dtype=torch.float16), "bf": torch.tensor([1.5, 3.0], dtype=torch.bfloat16),
          "i": torch.tensor([-3, 7], dtype=torch.int32), "u": torch.tensor([200, 1], dtype=torch.uint8),
          "s": torch.tensor([-300], dtype=torch.int16), "c": torch.tensor([-5], dtype=torch.int8),
          "bf_view": torch.tensor([1.5, 3.0, 4.0], dtype=torch.bfloat16)[1:]}
    torch.save(sd, tmp_path / "t.pt")
    got = bridge.load(tmp_path / "t.pt")
    for k, v in sd.items():
        assert repr(got[k].dtype) == repr(v.dtype)
        assert got[k].tolist() == v.tolist()


def test_loaded_tensors_are_independent_leaves_that_train(tmp_path):
    model = torch.nn.Linear(2, 1)
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    b = bridge.nn.Linear(2, 1)
    b.load_state_dict(bridge.load(tmp_path / "sd.pt"))
    b(bridge.ones(1, 2)).sum().backward()
    model(torch.ones(1, 2)).sum().backward()
    np.testing.assert_allclose(b.weight.grad.numpy(), model.weight.grad.numpy())


@pytest.mark.parametrize("damage", ["truncate", "not_zip", "legacy", "no_pickle", "bad_pickle", "short_record",
                                    "compressed"])
def test_damaged_files_raise_clear_errors(tmp_path, damage):
    good = tmp_path / "good.pt"
    torch.save({"x": torch.arange(100.0)}, good)
    data = good.read_bytes()
    bad = tmp_path / "bad.pt"
    if damage == "truncate":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not_zip":
        bad.write_bytes(b"hello world, not a checkpoint")
    elif damage == "legacy":
        torch.save({"x": torch.ones(1)}, bad, _use_new_zipfile_serialization=False)
    elif damage == "no_pickle" or damage == "bad_pickle" or damage == "short_record" or damage == "compressed":
        with zipfile.ZipFile(good) as z:
            records = {n: z.read(n) for n in z.namelist()}
        with zipfile.ZipFile(bad, "w") as z:
            for n, v in records.items():
                if damage == "no_pickle" and n.endswith("data.pkl"):
                    continue
                if damage == "bad_pickle" and n.endswith("data.pkl"):
                    v = v[:40]
                if damage == "short_record" and n.endswith("data/0"):
                    v = v[:12]
                z.writestr(n, v, zipfile.ZIP_DEFLATED if damage == "compressed" else zipfile.ZIP_STORED)
    with pytest.raises((RuntimeError, pickle.UnpicklingError)) as e:
        bridge.load(bad)
    assert "bad.pt" in str(e.value) or damage in ("bad_pickle",)


def test_a_hostile_pickle_cannot_point_a_view_outside_its_storage(tmp_path):
    torch.save({"x": torch.arange(4.0)}, tmp_path / "x.pt")
    with zipfile.ZipFile(tmp_path / "x.pt") as z:
        pkl = z.read("x/data.pkl")
    # the stride 1 (BININT1 1 after the size tuple) becomes 200: the view would reach past the 4 elements
    hostile = pkl.replace(b"K\x04\x85q\x08K\x01\x85", b"K\x04\x85q\x08K\xc8\x85")
    assert hostile != pkl
    buffer = io.BytesIO()
    w = bridge._torch_zip.Writer(buffer, "x")
    w.write_record("data.pkl", hostile)
    w.write_record("data/0", np.arange(4, dtype=np.float32).tobytes())
    w.close()
    buffer.seek(0)
    with pytest.raises(RuntimeError, match="need 601 elements"):
        bridge.load(buffer, weights_only=True)


def _mutations(data, rng, edits):
    b = bytearray(data)
    for _ in range(rng.randint(1, edits)):
        i = rng.randrange(len(b))
        kind = rng.randrange(4)
        if kind == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del b[max(i, 1):]
        elif kind == 2:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            b[i] = rng.choice([0, 1, 0x7F, 0x80, 0xFF, ord("("), ord("t"), ord("R"), ord("Q"), ord("h"), ord("K")])
    return bytes(b)


@pytest.mark.parametrize("level", ["archive", "pickle"])
def test_mutated_checkpoints_load_or_raise_runtime_or_unpickling_errors(level):
    """Bounded fuzz (2 s): damaged archives and pickles (re-archived with a correct CRC, so they reach the unpickler)
    raise RuntimeError or UnpicklingError (and, without weights_only, pickle's own errors for a garbled global name),
    never anything else."""
    import random
    import time
    w = torch.arange(12.0).reshape(3, 4)
    buffer = io.BytesIO()
    torch.save({"sd": collections.OrderedDict(w=w, row=w[1], t=w.t(), p=torch.nn.Parameter(torch.ones(2))),
                "epoch": 3, "l": [torch.arange(5), 0.5, "s", None, (1, True)]}, buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        records = {n: z.read(n) for n in z.namelist()}
    rng = random.Random(20261129)
    runs, start = 0, time.monotonic()
    while time.monotonic() - start < 2.0:
        if level == "archive":
            file = _mutations(data, rng, 3)
        else:
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as z:
                for n, v in records.items():
                    z.writestr(n, _mutations(v, rng, 3) if n.endswith("data.pkl") else v)
            file = out.getvalue()
        weights_only = runs % 3 != 0
        try:
            bridge.load(io.BytesIO(file), weights_only=weights_only)
        except (RuntimeError, pickle.UnpicklingError):
            pass
        except (AttributeError, ImportError):
            # a garbled global name: the full unpickler reports it as pickle (and torch.load) do
            assert not weights_only
        runs += 1
    assert runs > 100
