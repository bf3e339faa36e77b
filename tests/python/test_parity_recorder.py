"""bridge.parity.Recorder: the CSV it writes, and watch() on a model under real PyTorch and under bridge.

The suite's runner (parity/run_python.py) records through the same Recorder; the last test checks that it still
says so when the bridge runtime is unavailable.
"""
import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import torch

import bridge
from bridge.parity import Recorder

ROOT = Path(__file__).resolve().parents[2]


def rows(tmp_path, fill):
    path = tmp_path / "out.csv"
    with Recorder(path, runtime="torch", version="1.0") as rec:
        fill(rec)
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_float32_values_round_trip_exactly(tmp_path):
    values = np.array([0.1, 1 / 3, -2.5e-30, 3.4e38, 0.0], dtype=np.float32)
    out = rows(tmp_path, lambda r: r.record("v", values))
    assert [row["dtype"] for row in out] == ["float32"] * 5
    back = np.array([float(row["value"]) for row in out], dtype=np.float32)
    assert back.tobytes() == values.tobytes()


def test_shape_index_and_non_finite_spelling(tmp_path):
    values = np.array([[np.nan, np.inf], [-np.inf, -0.0]], dtype=np.float64)
    out = rows(tmp_path, lambda r: r.record("v", values, step=3))
    assert [row["shape"] for row in out] == ["2x2"] * 4
    assert [row["index"] for row in out] == ["0", "1", "2", "3"]
    assert [row["value"] for row in out] == ["nan", "inf", "-inf", "-0.0"]
    assert out[0]["step"] == "3" and out[0]["checkpoint"] == "record" and out[0]["case"] == "out"


def test_python_scalars_have_their_dtypes(tmp_path):
    out = rows(tmp_path, lambda r: (r.record("f", 0.5), r.record("i", 7), r.record("b", True)))
    assert [(row["dtype"], row["shape"], row["value"]) for row in out] == [("float64", "", "0.5"), ("int64", "", "7"), ("bool", "", "1")]


def test_torch_and_bridge_tensors_record_the_same_text(tmp_path):
    a = rows(tmp_path, lambda r: r.record("t", torch.tensor([[1.5, -2.25e-7]]), step=1))
    b = rows(tmp_path, lambda r: r.record("t", bridge.tensor([[1.5, -2.25e-7]]), step=1))
    assert [(x["dtype"], x["shape"], x["value"]) for x in a] == [(x["dtype"], x["shape"], x["value"]) for x in b] == \
        [("float32", "1x2", "1.5"), ("float32", "1x2", "-2.25e-07")]


def test_repeated_record_and_unsupported_values_are_refused(tmp_path):
    with pytest.raises(ValueError, match="already recorded at step 0"):
        rows(tmp_path, lambda r: (r.record("v", 1.0), r.record("v", 2.0)))
    with pytest.raises(TypeError, match="float16"):
        rows(tmp_path, lambda r: r.record("h", np.zeros(2, dtype=np.float16)))
    with pytest.raises(TypeError, match="cannot record a value of type str"):
        rows(tmp_path, lambda r: r.record("s", "text"))


def test_explicit_step_takes_the_counter_over(tmp_path):
    def fill(r):
        r.record("a", 1.0)
        assert r.step() == 1
        r.record("a", 2.0)
        r.record("b", 3.0, step=7)
    out = rows(tmp_path, fill)
    assert [(x["name"], x["step"]) for x in out] == [("a", "0"), ("a", "1"), ("b", "7")]


# ---- watch: the same model under torch and under bridge --------------------------------------------------

W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.25, -0.35, 0.45]], dtype=np.float32)
B1 = np.array([0.01, -0.02, 0.03, -0.04], dtype=np.float32)
W2 = np.array([[0.3, -0.1, 0.2, 0.5], [-0.4, 0.6, -0.25, 0.15]], dtype=np.float32)
B2 = np.array([0.05, -0.05], dtype=np.float32)
X = np.array([[-1.0, -0.6, -0.2], [0.2, 0.6, 1.0]], dtype=np.float32)
Y = np.array([[0.5, -0.5], [1.0, 0.25]], dtype=np.float32)


def train(T, path, steps=3, outputs=True, grads=True):
    """A user script: a small model, recorded with watch(), SGD steps; T is torch or bridge."""
    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = T.nn.Linear(3, 4)
            self.act = T.nn.Tanh()
            self.head = T.nn.Sequential(T.nn.Linear(4, 2), T.nn.Identity())

        def forward(self, x):
            return self.head(self.act(self.fc1(x)))

    model = Net()
    model.load_state_dict({"fc1.weight": T.from_numpy(W1.copy()), "fc1.bias": T.from_numpy(B1.copy()),
                           "head.0.weight": T.from_numpy(W2.copy()), "head.0.bias": T.from_numpy(B2.copy())})
    opt = T.optim.SGD(model.parameters(), lr=0.1)
    x, y = T.from_numpy(X.copy()), T.from_numpy(Y.copy())
    with Recorder(path) as rec:
        rec.watch(model, outputs=outputs, grads=grads)
        for _ in range(steps):
            loss = ((model(x) - y) ** 2).mean()
            rec.record("loss", loss)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return path


def keys(path):
    with open(path, newline="") as f:
        seen = []
        for r in csv.DictReader(f):
            k = (r["checkpoint"], int(r["step"]), r["name"])
            if not seen or seen[-1] != k:
                seen.append(k)
        return seen


def test_watch_names_outputs_in_forward_order_and_grads_in_backward_order(tmp_path):
    path = train(torch, tmp_path / "torch.csv", steps=2)
    step = [("forward", "fc1"), ("forward", "act"), ("forward", "head.0"), ("forward", "head.1"),
            ("forward", "head"), ("forward", "(root)"), ("record", "loss"),
            ("grad", "head.0.bias"), ("grad", "head.0.weight"), ("grad", "fc1.bias"), ("grad", "fc1.weight")]
    assert keys(path) == [(cp, s, n) for s in (0, 1) for cp, n in step]
    with open(path, newline="") as f:
        first = next(csv.DictReader(f))
    assert (first["runtime"], first["version"]) == ("torch", torch.__version__)


def test_recorded_grads_are_the_accumulated_grads(tmp_path):
    path = train(torch, tmp_path / "torch.csv", steps=1)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    w1, b1 = torch.from_numpy(W1).requires_grad_(), torch.from_numpy(B1).requires_grad_()
    out = torch.tanh(x @ w1.T + b1) @ torch.from_numpy(W2).T + torch.from_numpy(B2)
    ((out - y) ** 2).mean().backward()
    with open(path, newline="") as f:
        got = [float(r["value"]) for r in csv.DictReader(f) if r["checkpoint"] == "grad" and r["name"] == "fc1.weight"]
    np.testing.assert_array_equal(np.array(got, dtype=np.float32), w1.grad.numpy().reshape(-1))


def test_without_backward_a_second_forward_starts_the_next_step(tmp_path):
    path = train(torch, tmp_path / "fwd.csv", steps=3, grads=False)
    assert [k for k in keys(path) if k[2] == "(root)"] == [("forward", 0, "(root)"), ("forward", 1, "(root)"),
                                                          ("forward", 2, "(root)")]
    assert not [k for k in keys(path) if k[0] == "grad"]


def test_hooks_are_removed_on_close(tmp_path):
    lin = torch.nn.Linear(2, 2)
    with Recorder(tmp_path / "a.csv") as rec:
        rec.watch(lin)
        lin(torch.ones(1, 2)).sum().backward()
    n = len(rec)
    lin(torch.ones(1, 2)).sum().backward()
    assert len(rec) == n and not lin._forward_hooks


def diff(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "bridge.parity", "diff", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)


def test_torch_and_bridge_runs_line_up_and_agree_and_a_perturbed_copy_is_pinned(tmp_path):
    t = train(torch, tmp_path / "torch.csv")
    b = train(bridge, tmp_path / "bridge.csv")
    assert keys(t) == keys(b)  # row for row
    r = diff(t, b, "--rtol", "1e-5", "--atol", "1e-7")
    assert r.returncode == 0, r.stdout + r.stderr

    # one value of step 2's head.0 gradient changed in a copy of the bridge run
    lines = b.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if line.split(",")[1:4] == ["grad", "2", "head.0.weight"])
    fields = lines[i + 3].split(",")
    fields[7] = repr(float(fields[7]) + 0.5)
    lines[i + 3] = ",".join(fields)
    perturbed = tmp_path / "perturbed.csv"
    perturbed.write_text("\n".join(lines) + "\n")
    junit = tmp_path / "parity.xml"
    r = diff(t, perturbed, "--junit", junit)
    assert r.returncode == 1
    assert "first divergence at step 2, grad/head.0.weight index 3:" in r.stdout
    failures = [c for c in ET.parse(junit).iter("testcase") if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failures] == [("parity.grad", "head.0.weight")]
    assert "step 2" in failures[0].find("failure").get("message")


def test_bridge_forward_hooks_follow_torch_rules():
    lin = bridge.nn.Linear(2, 3)
    calls = []
    handle = lin.register_forward_hook(lambda m, args, out: calls.append((m, len(args), tuple(out.shape))))
    lin(bridge.ones(4, 2))
    replaced = lin.register_forward_hook(lambda m, args, out: out * 0)
    assert float(lin(bridge.ones(1, 2)).abs().sum()) == 0.0  # a hook's return value replaces the output
    handle.remove()
    replaced.remove()
    lin(bridge.ones(1, 2))
    assert calls == [(lin, 1, (4, 3)), (lin, 1, (1, 3))]


def test_bridge_post_backward_hook_runs_after_grads_are_accumulated():
    from bridge._tensor import _register_post_backward_hook
    w = bridge.ones(3, requires_grad=True)
    seen = []
    with _register_post_backward_hook(lambda: seen.append(w.grad.tolist())):
        (w * 2).sum().backward()
        (w * 3).sum().backward()
    (w * 4).sum().backward()
    assert seen == [[2.0, 2.0, 2.0], [5.0, 5.0, 5.0]]


def test_bridge_runtime_reports_unavailable_not_passing(tmp_path):
    # A missing native library makes `import bridge` fail: the runner must say so, not pass.
    env = {**os.environ, "BRIDGE_LIB": str(tmp_path / "missing" / "libbridge.so")}
    result = subprocess.run([sys.executable, str(ROOT / "parity" / "run_python.py"), "--runtime", "bridge", "--out", str(tmp_path),
                             "--bridge-path", str(ROOT / "python")], capture_output=True, text=True, env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "bridge runtime unavailable" in result.stdout + result.stderr


def test_suite_runner_records_through_bridge_parity_without_the_native_library(tmp_path):
    # the torch runtime needs only the recorder's source, not libbridge
    env = {**os.environ, "BRIDGE_LIB": str(tmp_path / "missing" / "libbridge.so")}
    result = subprocess.run([sys.executable, str(ROOT / "parity" / "run_python.py"), "--runtime", "torch", "--out", str(tmp_path),
                             "--cases", "seed000_hello_step"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "seed000_hello_step.csv").read_bytes() == (ROOT / "parity" / "reference" / "seed000_hello_step.csv").read_bytes()
