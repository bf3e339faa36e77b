"""Tensor's number slots and finalizer in C (src/Interop/PythonExtension/FastSlots.cs): the operand order, the
NotImplemented protocol, subclasses and the finalizer behave as CPython's generic slots did (and as torch's), on
the extension path and, with BRIDGE_PYTHON_EXTENSION=0, on the ctypes path (same expectations)."""

import operator
import sys

import pytest
import torch

import bridge
from bridge import _core, _fast, _lib


def _pair(values):
    return bridge.tensor(values), torch.tensor(values)


def _as(cls, t):
    """A copy of ``t`` as an instance of the Tensor subclass ``cls`` (the copy's handle moves to it)."""
    c = t.clone()
    s = _core._object_new(cls)
    s._h, s._meta, c._h = c._h, None, 0
    return s


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow"])
def test_binary_slots_match_torch_both_ways_with_numbers_and_tensors(op):
    fn = getattr(operator, op)
    (a, ta), (b, tb) = _pair([1.5, 2.0, 3.0]), _pair([0.5, 4.0, 2.0])
    for x, y, tx, ty in [(a, b, ta, tb), (a, 2, ta, 2), (a, 0.5, ta, 0.5), (3, a, 3, ta), (2.5, a, 2.5, ta)]:
        got, expected = fn(x, y), fn(tx, ty)
        assert type(got) is bridge.Tensor
        assert got.tolist() == pytest.approx(expected.tolist(), rel=1e-6)


def test_unsupported_operands_raise_torch_s_type_error():
    a, t = _pair([1.0])
    for fn in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow):
        with pytest.raises(TypeError):
            fn(t, "x")
        with pytest.raises(TypeError):
            fn(a, "x")
        with pytest.raises(TypeError):
            fn("x", a)


def test_three_argument_pow_goes_to_the_python_version_as_before():
    a, t = _pair([2.0])
    for args in ((a, 2, 3), (2, a, 3)):
        with pytest.raises(TypeError):
            pow(*args)
    with pytest.raises(TypeError):
        pow(t, 2, 3)
    assert pow(a, 2, None).tolist() == [4.0] == pow(t, 2, None).tolist()


def test_in_place_operators_keep_the_object_and_its_version_counter():
    a = bridge.tensor([1.0, 2.0])
    b = a
    version = a._version
    a += 1
    a -= bridge.tensor([0.5, 0.5])
    a *= 2
    a /= 4
    assert a is b and a.tolist() == [0.75, 1.25]
    assert a._version == version + 4


def test_a_subclass_overriding_the_reflected_method_is_asked_first():
    calls = []

    class Sub(bridge.Tensor):
        __slots__ = ()

        def __radd__(self, other):
            calls.append("radd")
            return NotImplemented

    a = bridge.ones(2)
    s = _as(Sub, a)
    result = a + s
    assert calls == ["radd"] and result.tolist() == [2.0, 2.0]


def test_a_subclass_overriding_the_forward_method_keeps_its_override():
    class Loud(bridge.Tensor):
        __slots__ = ()

        def __add__(self, other):
            return "loud"

    x = _as(Loud, bridge.ones(1))
    assert x + 1 == "loud"
    assert (1 + x).tolist() == [2.0]  # __radd__ is still bridge.Tensor's


def test_parameters_mix_with_tensors_both_ways_with_gradients():
    p = bridge.nn.Parameter(bridge.tensor([1.0, 2.0]))
    q = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    x, tx = _pair([3.0, 4.0])
    got = (x - p) * (p - x) + p / x
    expected = (tx - q) * (q - tx) + q / tx
    got.sum().backward()
    expected.sum().backward()
    assert type(got) is bridge.Tensor
    assert got.tolist() == pytest.approx(expected.tolist())
    assert p.grad.tolist() == pytest.approx(q.grad.tolist())


def test_assigning_an_operator_on_the_class_takes_effect_and_can_be_undone():
    original = bridge.Tensor.__dict__.get("__mul__")  # on the ctypes path the method lives on a base class
    try:
        bridge.Tensor.__mul__ = lambda self, other: "patched"
        assert bridge.ones(1) * 2 == "patched"
    finally:
        if original is None:
            del bridge.Tensor.__mul__
        else:
            bridge.Tensor.__mul__ = original
    assert (bridge.ones(1) * 2).tolist() == [2.0]


def test_the_finalizer_frees_handles_and_leaves_the_exception_being_handled_alone():
    bridge._collect()
    live = _lib.handles_live()
    try:
        raise KeyError("kept")
    except KeyError:
        xs = [bridge.ones(1) + 1 for _ in range(300)]
        del xs  # 300 finalizers run while the KeyError is being handled
        assert sys.exc_info()[0] is KeyError and str(sys.exc_info()[1]) == "'kept'"
    bridge._collect()
    assert _lib.handles_live() <= live


def test_flush_frees_the_batched_handles_at_once():
    bridge._collect()
    live = _lib.handles_live()
    xs = [bridge.ones(1) for _ in range(10)]
    del xs
    _core.flush()
    assert _lib.handles_live() <= live


def test_foreign_memory_is_released_when_its_last_tensor_dies():
    np = pytest.importorskip("numpy")
    import weakref

    class Array(np.ndarray):
        pass

    arr = np.ones(4, dtype=np.float32).view(Array)
    ref = weakref.ref(arr)
    t = bridge.from_numpy(arr)
    del arr
    assert ref() is not None
    y = t + 1
    del t, y
    for _ in range(3):
        bridge._collect()
    assert ref() is None


@pytest.mark.skipif(not _fast.enabled(), reason="the ctypes path is in use")
def test_the_slot_groups_cover_every_fast_operator():
    names = set(sum(_fast.SLOT_GROUPS, ()))
    assert names == set(_fast.TENSOR_OPERATORS) | {"__del__"}
