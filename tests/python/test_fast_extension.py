"""The CPython extension entry point of libbridge.so (bridge/_fast.py): the same results, errors and reference
counts as the ctypes path, no leaks, and the ctypes path still selectable.

Run the whole suite both ways: as is (the extension loads on CPython 3.8-3.12) and with
BRIDGE_PYTHON_EXTENSION=0 (ctypes only). Tests that are about the extension itself skip in the second run.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import bridge
from bridge import _fast, _lib

from test_memory import LEAK_BOUND_MIB, growth_after_warmup

needs_extension = pytest.mark.skipif(not _fast.enabled(), reason="the ctypes path is in use "
                                     f"(BRIDGE_PYTHON_EXTENSION={os.environ.get('BRIDGE_PYTHON_EXTENSION', '')!r}, "
                                     f"load error: {_fast.load_error!r})")


def test_the_extension_loads_unless_turned_off():
    if os.environ.get("BRIDGE_PYTHON_EXTENSION") == "0":
        assert not _fast.enabled() and _fast.load_error is None
    elif sys.implementation.name == "cpython" and sys.version_info[:2] <= (3, 12):
        assert _fast.enabled(), f"the extension failed to load: {_fast.load_error!r}"


@needs_extension
def test_hot_methods_are_c_level_descriptors():
    for name in _fast.TENSOR_OPERATORS + ("__del__",):
        assert type(bridge.Tensor.__dict__[name]).__name__ == "method_descriptor", name
    assert type(bridge.Tensor.__dict__["grad"]).__name__ == "getset_descriptor"
    assert _lib.call_tt is _fast.ext.call_tt
    assert bridge._core.call is _fast.ext.call


def test_extension_loads_from_the_library_ctypes_loaded_and_shares_its_handles():
    if not _fast.enabled():
        pytest.skip("ctypes path")
    assert _fast.ext.__file__ == _lib.lib._name
    before = _lib.handles_live()  # the ctypes export
    t = bridge.ones(3) + bridge.ones(3)
    assert _fast.ext.handles_live() == _lib.handles_live() >= before + 1
    del t


OPERANDS = [2, 2.5, True, -3, 0.0]


def _same_as_torch(fn, b_args, t_args):
    """fn on bridge and on torch operands: equal values, or the same exception type."""
    try:
        expected = fn(*t_args)
    except Exception as e:  # noqa: BLE001 (torch's refusal is the expected outcome)
        with pytest.raises(type(e)):
            fn(*b_args)
        return
    got = fn(*b_args)
    assert str(got.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow"])
def test_operators_match_torch_for_tensors_and_python_numbers(op):
    import operator
    fn = getattr(operator, op)
    a = np.array([[1.5, -2.0, 3.0]], dtype=np.float32)
    b = np.array([[0.5], [2.0]], dtype=np.float32)
    ba, bb, ta, tb = bridge.tensor(a), bridge.tensor(b), torch.tensor(a), torch.tensor(b)
    _same_as_torch(fn, (ba, bb), (ta, tb))
    for s in OPERANDS:
        if op == "sub" and s is True:
            continue  # torch refuses bool subtraction; bridge computes it on both paths alike (not this file's subject)
        _same_as_torch(fn, (ba, s), (ta, s))
        _same_as_torch(fn, (s, ba.abs()), (s, ta.abs()))


def test_integer_tensors_keep_torch_promotion():
    x, t = bridge.tensor([1, 2, 3]), torch.tensor([1, 2, 3])
    for r, e in [(x + 2, t + 2), (x * 2.5, t * 2.5), (x / 2, t / 2), (2 - x, 2 - t), (x ** 2, t ** 2), (x + True, t + True)]:
        assert str(r.dtype) == str(e.dtype) and r.tolist() == e.tolist()


def test_in_place_operators_return_the_same_object_and_match_torch():
    x, t = bridge.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])
    y = x
    x += 1
    x -= bridge.tensor([0.5, 0.5])
    x *= 3
    x /= 2
    t += 1
    t -= torch.tensor([0.5, 0.5])
    t *= 3
    t /= 2
    assert x is y and x.tolist() == t.tolist()


def test_other_operand_kinds_take_the_python_version():
    x = bridge.tensor([1.0, 2.0])
    assert (x + np.float32(2)).tolist() == [3.0, 4.0]  # NumPy scalar
    assert (x * np.array([2.0, 3.0])).tolist() == [2.0, 6.0]
    p = bridge.nn.Parameter(bridge.tensor([1.0, 1.0]))
    assert (x + p).tolist() == [2.0, 3.0] and (p + x).tolist() == [2.0, 3.0]
    with pytest.raises(TypeError):
        x + "a"
    with pytest.raises(TypeError):
        x.__add__(1, 2)
    assert x.__add__(object()) is NotImplemented
    assert (x + 2 ** 70).tolist() == pytest.approx([2.0 ** 70] * 2)  # exact double, as torch


def test_grad_get_set_delete():
    w = bridge.tensor([1.0, 2.0], requires_grad=True)
    assert w.grad is None
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]
    w.grad = bridge.tensor([5.0, 5.0])
    assert w.grad.tolist() == [5.0, 5.0]
    w.grad = None
    assert w.grad is None
    with pytest.raises((AttributeError, TypeError)):
        del w.grad


ERROR_CASES = textwrap.dedent("""
    import json, bridge
    cases = {
        "shape": lambda: bridge.ones(2) + bridge.ones(3),
        "inplace_shape": lambda: bridge.ones(2).__iadd__(bridge.ones(3)),
        "item": lambda: bridge.ones(2).item(),
        "call_index": lambda: bridge.ones(2, 3).sum(5),
        "reshape": lambda: bridge.ones(6).reshape(4, 2),
        "overflow": lambda: bridge.ones(2).reshape(2 ** 70),
        "no_such_op": lambda: bridge._core.call("no_such_op_xyz", bridge.ones(1)),
        "leaf_inplace": lambda: bridge.ones(2, requires_grad=True).__imul__(2),
    }
    out = {}
    for name, fn in cases.items():
        try:
            fn()
            out[name] = None
        except Exception as e:
            out[name] = [type(e).__name__, str(e)]
    print(json.dumps(out))
""")


def _errors_in(mode):
    env = dict(os.environ, BRIDGE_PYTHON_EXTENSION=mode)
    run = subprocess.run([sys.executable, "-c", ERROR_CASES], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@needs_extension
def test_errors_are_the_same_exceptions_and_messages_as_with_ctypes():
    fast, slow = _errors_in("1"), _errors_in("0")
    assert fast == slow
    assert fast["shape"][0] == "RuntimeError" and fast["item"][0] == "ValueError"
    assert all(v is not None for v in fast.values())


def test_reference_counts_are_exact():
    a, b = bridge.ones(1), bridge.ones(1)
    w = bridge.ones(1, requires_grad=True)
    (w * 2).sum().backward()
    before = [sys.getrefcount(x) for x in (a, b, w, None, 2.5)]
    for _ in range(10000):
        c = a + b
        c = a * 2.5
        c = 2.5 - a
        a += 0.0
        g = w.grad
        c = bridge._core.call("add", a, b)
        c = bridge._core.call("sum_dim", a, (0,), False)
    after = [sys.getrefcount(x) for x in (a, b, w, None, 2.5)]
    assert after[:3] == before[:3]
    assert abs(after[3] - before[3]) < 1000 and abs(after[4] - before[4]) < 1000  # a missing incref would drift by 10^4
    assert sys.getrefcount(c) == 2 and sys.getrefcount(g) == 2  # the name and getrefcount's argument


def test_a_million_fast_calls_keep_memory_and_handles_flat():
    a, b = bridge.ones(1), bridge.ones(1)
    w = bridge.ones(1, requires_grad=True)
    (w * 3).sum().backward()
    keep = {}

    def op(i):
        k = i % 4
        if k == 0:
            keep["c"] = a + b
        elif k == 1:
            keep["c"] = 0.5 * a
        elif k == 2:
            keep["c"] = w.grad
        else:
            keep["c"] = bridge._core.call("mul", a, b)

    live = _lib.handles_live()
    growth = growth_after_warmup(op, 1_000_000)
    bridge._collect()
    assert _lib.handles_live() - live < 300, "handles leak"
    assert growth < LEAK_BOUND_MIB, f"memory grew by {growth:.1f} MiB over 10^6 ops after warm-up"


def test_dead_tensors_are_freed_in_batches():
    bridge._collect()
    live = _lib.handles_live()
    xs = [bridge.ones(1) for _ in range(600)]
    assert _lib.handles_live() >= live + 600
    del xs
    assert _lib.handles_live() < live + 300  # two batches of 256 went back already
    bridge._collect()
    assert _lib.handles_live() <= live


def test_generic_call_argument_and_result_kinds():
    x = bridge.arange(6.0).reshape(2, 3)
    assert x.sum(dim=(0, 1)).item() == 15.0  # tuple of ints
    assert x.sum(dim=[1]).tolist() == [3.0, 12.0]  # list of ints
    assert bridge.cat([x, x]).shape == (4, 3)  # list of tensors
    assert x.to(bridge.float64).dtype == bridge.float64  # dtype
    assert bridge.nn.functional.mse_loss(x, x * 0, reduction="sum").item() == 55.0  # str
    assert x.max(dim=1).values.tolist() == [2.0, 5.0]  # tensor list result
    assert x.shape == (2, 3) and x.reshape(bridge.Size([3, 2])).shape == (3, 2)  # tuple subclass
    assert x.equal(x) is True
    opt = bridge.optim.SGD([bridge.nn.Parameter(bridge.ones(2))], lr=0.1)  # engine object
    opt.zero_grad()
    with pytest.raises(TypeError):
        bridge._core.call("add", x, b"bytes")


def test_threads_run_while_the_engine_works():
    # The GIL is released during engine calls (as with ctypes): threads interleave and results stay right.
    import threading
    results = []

    def work():
        x = bridge.ones(64)
        for _ in range(2000):
            x = x * 1.0 + 0.0
        results.append(x.sum().item())

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [64.0] * 3
