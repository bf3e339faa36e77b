"""The ten dtypes (uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, bool) against torch 1.13
live: creation, casts, promotion (torch.result_type), arithmetic, reductions, printing and exchange with NumPy,
DLPack, .npy, safetensors and torch.save."""

import io
import itertools

import numpy as np
import pytest

import bridge
import torch

NAMES = ["uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64", "bool"]
NEW = ["uint8", "int8", "int16", "int32", "float16", "bfloat16"]
VALUES = [0.0, 1.5, -2.25, 3.75, 100.0, -7.5, 255.0, 0.1]


def b_dtype(name):
    return getattr(bridge, name)


def t_dtype(name):
    return getattr(torch, name)


def values_of(t):
    """Elements as float64 NumPy values (bfloat16 through float32, which holds it exactly)."""
    if isinstance(t, torch.Tensor):
        return t.detach().to(torch.float64).numpy()
    return t.detach().to(bridge.float64).numpy()


def assert_same(b, t):
    assert str(b.dtype) == str(t.dtype), f"dtype {b.dtype} vs torch {t.dtype}"
    assert tuple(b.shape) == tuple(t.shape)
    np.testing.assert_array_equal(values_of(b), values_of(t))


def both(values, name):
    return bridge.tensor(values).to(b_dtype(name)), torch.tensor(values).to(t_dtype(name))


@pytest.mark.parametrize("name", NAMES)
def test_dtype_objects_and_sizes_match_torch(name):
    b, t = b_dtype(name), t_dtype(name)
    assert repr(b) == repr(t)
    assert b.is_floating_point == t.is_floating_point
    assert b.is_signed == t.is_signed
    assert bridge.zeros(3, dtype=b).element_size() == torch.zeros(3, dtype=t).element_size()


def test_aliases_are_torchs():
    for alias in ["half", "float", "double", "long", "int", "short"]:
        assert repr(getattr(bridge, alias)) == repr(getattr(torch, alias))


@pytest.mark.parametrize("name", NAMES)
def test_creation_with_dtype_matches_torch(name):
    assert_same(bridge.zeros(2, 3, dtype=b_dtype(name)), torch.zeros(2, 3, dtype=t_dtype(name)))
    assert_same(bridge.ones(4, dtype=b_dtype(name)), torch.ones(4, dtype=t_dtype(name)))
    assert_same(bridge.full((2,), 3, dtype=b_dtype(name)), torch.full((2,), 3, dtype=t_dtype(name)))
    assert_same(bridge.tensor([1, 0, 2], dtype=b_dtype(name)), torch.tensor([1, 0, 2], dtype=t_dtype(name)))
    if name != "bool":
        assert_same(bridge.arange(5, dtype=b_dtype(name)), torch.arange(5, dtype=t_dtype(name)))


@pytest.mark.parametrize("src,dst", list(itertools.product(NAMES, NAMES)))
def test_casts_between_all_dtypes_match_torch(src, dst):
    values = [0.0, 1.5, -2.7, 3.999, 100.25, -128.5, 300.5, 65519.0] if src != "bool" else [0.0, 1.0, 1.0, 0.0]
    b = bridge.tensor(values, dtype=bridge.float64).to(b_dtype(src))
    t = torch.tensor(values, dtype=torch.float64).to(t_dtype(src))
    assert_same(b, t)
    assert_same(b.to(b_dtype(dst)), t.to(t_dtype(dst)))


@pytest.mark.parametrize("method", ["half", "bfloat16", "int", "short", "char", "byte", "long", "float", "double", "bool"])
def test_cast_methods_match_torch(method):
    b, t = bridge.tensor([1.7, -2.5, 0.0, 250.9]), torch.tensor([1.7, -2.5, 0.0, 250.9])
    assert_same(getattr(b, method)(), getattr(t, method)())


@pytest.mark.parametrize("name", NAMES)
def test_type_names_match_torch(name):
    b, t = bridge.zeros(2, dtype=b_dtype(name)), torch.zeros(2, dtype=t_dtype(name))
    assert b.type() == t.type()
    assert_same(bridge.ones(2).type(t.type()), torch.ones(2).type(t.type()))
    assert_same(bridge.ones(2).type(b_dtype(name)), torch.ones(2).type(t_dtype(name)))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_table_matches_torch(a, b):
    assert repr(bridge.promote_types(b_dtype(a), b_dtype(b))) == repr(torch.promote_types(t_dtype(a), t_dtype(b)))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_result_type_with_zero_dim_operands_matches_torch(a, b):
    cases = [((2,), (2,)), ((2,), ()), ((), (2,)), ((), ())]
    for sa, sb in cases:
        x, y = torch.ones(sa, dtype=t_dtype(a)), torch.ones(sb, dtype=t_dtype(b))
        bx, by = bridge.ones(sa, dtype=b_dtype(a)), bridge.ones(sb, dtype=b_dtype(b))
        assert repr(bridge.result_type(bx, by)) == repr(torch.result_type(x, y)), (sa, sb)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_result_type_with_python_scalars_matches_torch(name, scalar):
    b, t = bridge.ones(2, dtype=b_dtype(name)), torch.ones(2, dtype=t_dtype(name))
    assert repr(bridge.result_type(b, scalar)) == repr(torch.result_type(t, scalar))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_mixed_dtype_arithmetic_matches_torch(a, b):
    x, tx = both([1.0, 2.0, 3.0], a)
    y, ty = both([1.0, 0.0, 2.0], b)
    if a == "bool" and b == "bool":
        return  # bool + bool: bridge's existing rule (int64) is outside this slice
    assert_same(x + y, tx + ty)
    assert_same(x * y, tx * ty)
    assert_same(x < y, tx < ty)
    assert_same(x == y, tx == ty)


@pytest.mark.parametrize("name", NEW)
def test_arithmetic_matches_torch(name):
    values = [1.5, -2.25, 3.75, 100.0, 7.0, 0.1] if name not in ("uint8",) else [1.0, 2.0, 3.0, 100.0, 7.0, 200.0]
    b, t = both(values, name)
    b2, t2 = both(values[::-1], name)
    assert_same(b + b2, t + t2)
    assert_same(b - b2, t - t2)
    assert_same(b * b2, t * t2)
    assert_same(b / b2, t / t2)  # integer / integer is float32, as torch
    assert_same(b + 3, t + 3)
    assert_same(b * 2.5, t * 2.5)  # integer tensor times a float scalar: float32
    assert_same(-b if name != "uint8" else b, -t if name != "uint8" else t)
    assert_same(b.abs(), t.abs())
    assert_same(b.max(), t.max())
    assert_same(b.min(), t.min())
    assert_same(b.argmax(), t.argmax())
    assert_same(b >= b2, t >= t2)
    assert_same(b.sort().values, t.sort().values)


@pytest.mark.parametrize("name", NEW)
def test_sum_matches_torch(name):
    values = [100.0, 27.0, 3.0, 1.0, 120.0] * 7
    b, t = both(values, name)
    assert_same(b.sum(), t.sum())  # integer types sum into int64, as torch
    assert_same(b.reshape(5, 7).sum(0), t.reshape(5, 7).sum(0))
    assert_same(b.reshape(5, 7).sum(1, keepdim=True), t.reshape(5, 7).sum(1, keepdim=True))


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_half_types_round_like_torch(name):
    g = np.random.default_rng(0)
    x, y = g.standard_normal(257).tolist(), g.standard_normal(257).tolist()
    b, t = both(x, name)
    b2, t2 = both(y, name)
    assert_same(b + b2, t + t2)
    assert_same(b * b2, t * t2)
    assert_same(b / b2, t / t2)
    assert_same(b.mean(), t.mean())
    assert_same(b * 0.1, t * 0.1)
    assert_same(b + 1, t + 1)


def test_bfloat16_matmul_matches_torch():
    # Past 16^3 multiply-adds torch 1.13's CPU runs oneDNN: float32 accumulation, one rounding, bit for bit ours.
    g = np.random.default_rng(1)
    a, c = g.standard_normal((17, 33)).tolist(), g.standard_normal((33, 9)).tolist()
    ba, ta = both(a, "bfloat16")
    bc, tc = both(c, "bfloat16")
    assert_same(ba @ bc, ta @ tc)


def test_small_bfloat16_matmul_rounds_the_float32_product_once():
    # Known difference: below 16^3 torch 1.13 takes its own gemm, whose per-product bfloat16 rounding is several
    # ulp less accurate; Bridge keeps one rule for every size: torch's float32 product, rounded once.
    g = np.random.default_rng(2)
    a, c = g.standard_normal((5, 7)).tolist(), g.standard_normal((7, 3)).tolist()
    ba, ta = both(a, "bfloat16")
    bc, tc = both(c, "bfloat16")
    assert_same(ba @ bc, (ta.float() @ tc.float()).bfloat16())


def test_float16_matmul_raises_torchs_error():
    a = bridge.ones(2, 2, dtype=bridge.float16)
    with pytest.raises(RuntimeError) as got:
        a @ a
    with pytest.raises(RuntimeError) as want:
        torch.ones(2, 2, dtype=torch.float16) @ torch.ones(2, 2, dtype=torch.float16)
    assert str(want.value) in str(got.value)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32"])
def test_integer_matmul_and_bitwise_match_torch(name):
    b, t = both([[1.0, 2.0], [3.0, 4.0]], name)
    assert_same(b @ b, t @ t)
    c, tc = both([[5.0, 6.0], [7.0, 12.0]], name)
    assert_same(b & c, t & tc)
    assert_same(b | c, t | tc)
    assert_same(b ^ c, t ^ tc)
    assert_same(~b, ~t)


@pytest.mark.parametrize("name", NEW)
def test_indexing_and_shape_ops_keep_dtype(name):
    b, t = both([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], name)
    assert_same(b.t().contiguous(), t.t().contiguous())
    assert_same(b[:, 1], t[:, 1])
    assert_same(b[bridge.tensor([1, 0])], t[torch.tensor([1, 0])])
    assert_same(bridge.cat([b, b]), torch.cat([t, t]))
    assert_same(b.reshape(3, 2).flip(0), t.reshape(3, 2).flip(0))
    b[0, 0] = 9
    t[0, 0] = 9
    assert_same(b, t)


@pytest.mark.parametrize("name", NAMES)
def test_printing_matches_torch(name):
    values = [1.5, 0.0, 2.25, 100.0] if name != "bool" else [1.0, 0.0]
    b, t = both(values, name)
    assert repr(b) == repr(t)
    assert repr(b[0]) == repr(t[0])


@pytest.mark.parametrize("name", NAMES)
def test_item_and_tolist_match_torch(name):
    b, t = both([1.5, 0.0, 3.0], name)
    assert b.tolist() == t.tolist()
    assert b[0].item() == t[0].item()
    assert type(b[0].item()) is type(t[0].item())


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bool"])
def test_iinfo_finfo_match_torch(name):
    if name == "bool":
        return
    if t_dtype(name).is_floating_point:
        b, t = bridge.finfo(b_dtype(name)), torch.finfo(t_dtype(name))
        assert (b.bits, b.eps, b.max, b.min, b.tiny, b.resolution) == (t.bits, t.eps, t.max, t.min, t.tiny, t.resolution)
    else:
        b, t = bridge.iinfo(b_dtype(name)), torch.iinfo(t_dtype(name))
        assert (b.bits, b.min, b.max) == (t.bits, t.min, t.max)


def test_finfo_bfloat16_matches_torch():
    b, t = bridge.finfo(bridge.bfloat16), torch.finfo(torch.bfloat16)
    assert (b.bits, b.eps, b.max, b.min, b.tiny, b.resolution) == (t.bits, t.eps, t.max, t.min, t.tiny, t.resolution)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "float16"])
def test_numpy_round_trip_shares_memory(name):
    b, t = both([1.0, 2.0, 3.0], name)
    a = b.numpy()
    assert a.dtype == t.numpy().dtype
    np.testing.assert_array_equal(a, t.numpy())
    a[0] = 7
    assert b[0].item() == 7
    back = bridge.from_numpy(t.numpy().copy())
    assert_same(back, t)
    np.testing.assert_array_equal(np.asarray(b), a)


def test_bfloat16_numpy_refused_with_torchs_message():
    with pytest.raises(TypeError) as want:
        torch.ones(2, dtype=torch.bfloat16).numpy()
    with pytest.raises(TypeError) as got:
        bridge.ones(2, dtype=bridge.bfloat16).numpy()
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("name", NEW)
def test_dlpack_round_trip_with_torch(name):
    b, t = both([1.0, 2.0, 3.0], name)
    into_torch = torch.utils.dlpack.from_dlpack(b.__dlpack__())
    assert into_torch.dtype == t.dtype and torch.equal(into_torch, t)
    into_bridge = bridge.from_dlpack(torch.utils.dlpack.to_dlpack(t.clone()))
    assert_same(into_bridge, t)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "float16"])
def test_npy_and_npz_files_native_and_readable_by_numpy(name, tmp_path):
    b, t = both([1.0, 2.0, 3.0], name)
    path = tmp_path / "x.npy"
    bridge.save(b, str(path))
    loaded = np.load(path)
    assert loaded.dtype == t.numpy().dtype  # stored natively, never widened
    np.testing.assert_array_equal(loaded, t.numpy())
    np.save(path, t.numpy())
    assert_same(bridge.load(str(path)), t)
    bridge.save({"w": b}, str(tmp_path / "x.npz"))
    with np.load(tmp_path / "x.npz") as z:
        assert z["w"].dtype == t.numpy().dtype


def test_npy_refuses_bfloat16(tmp_path):
    with pytest.raises(Exception, match="BFloat16"):
        bridge.save(bridge.ones(2, dtype=bridge.bfloat16), str(tmp_path / "x.npy"))


SAFETENSORS = {"uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "float16": "F16", "bfloat16": "BF16"}


@pytest.mark.parametrize("name", NEW)
def test_safetensors_files_store_dtypes_natively(name, tmp_path):
    import json
    import struct
    b, t = both([1.0, 2.0, 3.0, 4.5], name)
    path = tmp_path / "x.safetensors"
    bridge.save({"w": b}, str(path))
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    assert header["w"]["dtype"] == SAFETENSORS[name]
    start, end = header["w"]["data_offsets"]
    want = t.view(torch.int16).numpy().tobytes() if name == "bfloat16" else t.numpy().tobytes()
    assert raw[8 + n + start:8 + n + end] == want
    assert_same(bridge.load(str(path))["w"], t)


@pytest.mark.parametrize("name", NEW)
def test_torch_save_round_trip_both_ways(name, tmp_path):
    b, t = both([1.0, 2.0, 3.0, 4.0], name)
    path = tmp_path / "x.pt"
    bridge.save({"x": b, "view": b[1:]}, str(path))
    back = torch.load(str(path))
    assert back["x"].dtype == t.dtype and torch.equal(back["x"], t) and torch.equal(back["view"], t[1:])
    torch.save({"x": t}, str(path))
    assert_same(bridge.load(str(path))["x"], t)


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"])
def test_floor_divide_matches_torch(name):
    b, t = both([7.0, -7.0, 7.0, -7.0, 7.3, -7.3], name)
    divisors = [2.0, 2.0, -2.0, -2.0, 0.1, 0.1] if "float" in name else [2.0, 2.0, -2.0, -2.0, 3.0, -3.0]
    c, tc = both(divisors, name)
    assert_same(b // c, t // tc)
    assert_same(b // 2, t // 2)
    assert_same(b // 2.5, t // 2.5)
    assert_same(bridge.floor_divide(b, c), torch.floor_divide(t, tc))


def test_integer_floor_divide_by_zero_raises_like_torch():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        bridge.tensor([1, 2], dtype=bridge.int32) // 0
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.tensor([1, 2], dtype=torch.int32) // 0


def test_numpy_arrays_keep_their_dtype_in_tensor():
    for np_dtype in [np.float16, np.int8, np.int16, np.int32, np.uint8]:
        a = np.array([1, 2, 3], dtype=np_dtype)
        assert_same(bridge.tensor(a), torch.tensor(a))
        assert_same(bridge.as_tensor(a), torch.as_tensor(a))


@pytest.mark.parametrize("method", ["bfloat16", "half"])
def test_module_casts_parameters_like_torch(method):
    torch.manual_seed(0)
    t = torch.nn.Linear(3, 2)
    b = bridge.nn.Linear(3, 2)
    b.load_state_dict({k: bridge.from_numpy(v.detach().numpy().copy()) for k, v in t.state_dict().items()})
    getattr(t, method)()
    getattr(b, method)()
    for (name, p), (_, q) in zip(b.named_parameters(), t.named_parameters()):
        assert_same(p.detach(), q.detach())
    if method == "bfloat16":
        x = torch.ones(4, 3, dtype=torch.bfloat16)
        assert_same(b(bridge.ones(4, 3, dtype=bridge.bfloat16)).detach(), t(x).detach())


@pytest.mark.filterwarnings("ignore:indexing with dtype torch.uint8 is now deprecated")
def test_uint8_index_is_a_mask_as_in_torch():
    b, t = both([1.0, 2.0, 3.0], "float32")
    assert_same(b[bridge.tensor([1, 0, 1], dtype=bridge.uint8)], t[torch.tensor([1, 0, 1], dtype=torch.uint8)])
    with pytest.raises(IndexError, match="tensors used as indices must be long, byte or bool tensors"):
        b[bridge.tensor([0, 1], dtype=bridge.int32)]
    with pytest.raises(IndexError, match="tensors used as indices must be long, byte or bool tensors"):
        t[torch.tensor([0, 1], dtype=torch.int32)]
