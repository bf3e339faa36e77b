"""Bad input raises the matching Python exception with the engine's message; the process stays alive."""

import ctypes

import numpy as np
import pytest

import bridge
from bridge import _lib


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(3\).*\(4\)|3.*4"):
        bridge.ones(3) + bridge.ones(4)
    with pytest.raises(RuntimeError, match=r"2x3.*4x5|\[2, 3\].*\[4, 5\]"):
        bridge.ones(2, 3).mm(bridge.ones(4, 5))
    with pytest.raises(RuntimeError, match="shape"):
        bridge.ones(2, 3).view(4)


def test_index_errors():
    with pytest.raises(IndexError):
        bridge.ones(3)[5]
    with pytest.raises(IndexError):
        bridge.ones(2, 2).sum(4)
    with pytest.raises(IndexError):
        bridge.ones(2)[0, 0]


def test_type_errors():
    with pytest.raises(TypeError):
        bridge.ones(2) + "a"
    with pytest.raises(IndexError, match="tensors used as indices must be long, byte or bool tensors"):
        bridge.ones(2)[bridge.tensor([0.0, 1.0])]  # as torch: an IndexError (int64 and bool tensors index)
    with pytest.raises(TypeError):
        bridge.tensor([object()])


def test_value_errors():
    with pytest.raises(ValueError, match="Invalid learning rate"):
        bridge.optim.SGD([bridge.nn.Parameter(bridge.ones(1))], lr=-1)
    with pytest.raises(ValueError):
        bridge.tensor([[1, 2], [3]])


def test_autograd_errors_are_torchs():
    x = bridge.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)


def test_freed_and_foreign_handles_are_errors_not_crashes():
    t = bridge.ones(2)
    h = t._h
    op = _lib.op("neg")
    assert _lib.call_t(op, h) > 0
    assert _lib.handle_free(h) == 0
    t._h = 0  # the wrapper no longer owns it
    assert _lib.call_t(op, h) == 0 and _lib.last_status() == 2
    assert "invalid handle" in _lib.last_error().decode()
    assert _lib.handle_free(h) == 2  # a second free is refused
    for bogus in (12345678901234, -7, 1 << 40):
        assert _lib.call_t(op, bogus) == 0
    assert _lib.call_t(10 ** 6, bridge.ones(1)._h) == 0  # unknown op id
    generator = bridge.Generator()  # an engine object that is not a tensor
    assert _lib.call_t(op, generator._obj._h) == 0  # a handle of the wrong kind
    assert "not a tensor" in _lib.last_error().decode()


def test_bad_buffers_are_refused_by_the_c_abi():
    out = ctypes.c_int64()
    shape = (ctypes.c_int64 * 1)(-1)
    assert _lib.tensor_from_buffer(None, 0, 1, shape, None, 1, None, None, ctypes.byref(out)) != 0
    assert "negative" in _lib.last_error().decode()
    assert _lib.tensor_from_buffer(None, 99, 0, None, None, 1, None, None, ctypes.byref(out)) != 0
    assert "dtype" in _lib.last_error().decode()
    big = (ctypes.c_int64 * 1)(1 << 40)
    assert _lib.tensor_from_buffer(None, 0, 1, big, None, 1, None, None, ctypes.byref(out)) != 0
    assert "null data pointer" in _lib.last_error().decode()  # sizes are 64-bit now: 2^40 is a valid size


def test_unknown_op_name_is_not_implemented():
    with pytest.raises(NotImplementedError, match="no op named"):
        _lib.op("definitely_not_an_op")


def test_process_survives_a_storm_of_errors():
    for _ in range(1000):
        with pytest.raises(RuntimeError):
            bridge.ones(2) + bridge.ones(3)
    assert (bridge.ones(2) + 1).tolist() == [2.0, 2.0]


def test_null_pointers_through_the_raw_abi_are_value_errors_naming_the_argument():
    """Each export checks the pointers it must write or read before doing anything (issue 15)."""
    import ctypes

    def refused(status, argument):
        assert status == 2, status  # ValueError
        assert f"argument '{argument}' is NULL" in _lib.last_error().decode()

    refused(_lib.released_take(None, 0, None), "count")
    refused(_lib.released_take(None, 4, ctypes.byref(ctypes.c_int32())), "tokens")
    refused(_lib.op_id(b"neg", None), "id")
    refused(_lib.op_id(None, ctypes.byref(ctypes.c_int32())), "name")
    live = _lib.handles_live()
    refused(_lib.call(_lib.op("ones"), None, 1, None), "result")  # refused before running: no handle is made
    assert _lib.handles_live() == live
    refused(_lib.call(_lib.op("neg"), None, 1, ctypes.byref(_lib.Value())), "args")
    t = bridge.ones(2, 3)
    refused(_lib.tensor_meta(t._h, None, None, None, 0), "meta")
    refused(_lib.tensor_meta(t._h, ctypes.byref(_lib.Meta()), None, None, 4), "shape")
    refused(_lib.handles_free(None, 3), "handles")
    refused(_lib.tensor_from_buffer(None, 0, 1, None, None, 1, None, None, None), "result")
    assert t.sum().item() == 6.0  # and the process is fine


def test_ints_beyond_64_bits_and_floats_for_sizes_are_refused_not_masked():
    import pytest as _pytest
    with _pytest.raises(OverflowError):
        bridge.zeros(2 ** 64 + 2)  # ctypes alone would make this shape (2,)
    with _pytest.raises(TypeError):
        bridge.zeros(2.5)
    x = bridge.arange(4)
    with _pytest.raises(OverflowError):
        bridge.full((2,), 1.0).view(2 ** 64 + 2)
    with _pytest.raises(OverflowError):
        x.narrow(0, 2 ** 64 + 1, 1)


def test_arange_with_an_impossible_count_fails_before_allocating():
    import pytest as _pytest
    for args in [(2 ** 40,), (float("inf"),), (0.0, 1e10), (0.0, float("nan"))]:
        with _pytest.raises(RuntimeError, match="arange|range"):
            bridge.arange(*args)


def test_narrow_past_the_end_and_huge_indices_raise_instead_of_clamping_or_masking():
    import pytest as _pytest
    x = bridge.arange(5)
    with _pytest.raises(RuntimeError, match=r"start \(3\) \+ length \(4\) exceeds dimension size \(5\)"):
        x.narrow(0, 3, 4)
    assert x.narrow(0, -2, 2).tolist() == [3, 4]
    with _pytest.raises(OverflowError):
        x[2 ** 64 + 1]  # ctypes alone would read x[1]


def test_torchs_exception_types_for_item_cat_of_scalars_and_missing_files():
    import pytest as _pytest
    with _pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars"):
        bridge.ones(3).item()
    with _pytest.raises(RuntimeError, match=r"zero-dimensional tensor \(at position 0\) cannot be concatenated"):
        bridge.cat([bridge.tensor(1.0), bridge.tensor(2.0)])
    with _pytest.raises(FileNotFoundError):
        bridge.load("/nonexistent-bridge-file.npy")


def test_copy_and_random_fills_refuse_a_leaf_that_requires_grad_as_torch_does():
    import pytest as _pytest
    w = bridge.ones(3, requires_grad=True)
    for write in (lambda: w.copy_(bridge.zeros(3)), lambda: w.normal_(), lambda: w.uniform_()):
        with _pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
            write()
    assert w.tolist() == [1.0, 1.0, 1.0]
    with bridge.no_grad():  # how initialisers and load_state_dict write parameters
        w.copy_(bridge.zeros(3))
        w.normal_()
    assert w.requires_grad
