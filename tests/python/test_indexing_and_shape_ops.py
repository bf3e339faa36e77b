"""Advanced indexing, the gather/scatter family and shape ops against PyTorch 1.13: values, dtypes, gradients
against torch's and float64 finite differences."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same

RNG = np.random.default_rng(20261129)


def rand(*shape, dtype="float64"):
    return RNG.uniform(-2, 2, size=shape).astype(dtype)


def to_lib(lib, v, requires_grad=False):
    """A numpy array as a tensor of lib (bridge or torch); other values as they are."""
    if isinstance(v, np.ndarray):
        t = lib.from_numpy(v.copy())
        if requires_grad and v.dtype.kind == "f":
            t = t.clone().requires_grad_(True) if lib is bridge else t.requires_grad_(True)
        return t
    if isinstance(v, (list, tuple)) and v and isinstance(v[0], np.ndarray):
        return type(v)(to_lib(lib, x) for x in v)
    return v


def run_both(fn, *inputs, grad=True):
    """fn(lib, *tensors) in bridge and torch; compares results and, for float inputs, gradients of a weighted sum."""
    bi = [to_lib(bridge, x, grad) for x in inputs]
    ti = [to_lib(torch, x, grad) for x in inputs]
    rb, rt = fn(bridge, *bi), fn(torch, *ti)
    assert_same(rb, rt)
    outs_b = rb if isinstance(rb, (tuple, list)) else [rb]
    outs_t = rt if isinstance(rt, (tuple, list)) else [rt]
    if not grad or not any(getattr(t, "requires_grad", False) for t in outs_t):
        return rb
    weights = [RNG.uniform(-1, 1, size=tuple(t.shape)) for t in outs_t]
    sum(((o * torch.from_numpy(w).to(o.dtype)).sum() for o, w in zip(outs_t, weights) if o.requires_grad)).backward()
    sum(((o * bridge.from_numpy(w).to(o.dtype)).sum() for o, w in zip(outs_b, weights) if o.requires_grad)).backward()
    for xb, xt in zip(bi, ti):
        if isinstance(xt, torch.Tensor) and xt.requires_grad:
            assert xb.grad is not None, "bridge gave no gradient"
            assert_same(xb.grad, xt.grad)
    return rb


def finite_difference(fn, *inputs, eps=1e-6):
    """Bridge's float64 gradient of sum(w * fn(x)) against central differences, for the first input."""
    x0 = inputs[0]
    rest = [to_lib(bridge, v) for v in inputs[1:]]
    x = bridge.from_numpy(x0.copy()).clone().requires_grad_(True)
    out = fn(bridge, x, *rest)
    w = bridge.from_numpy(RNG.uniform(-1, 1, size=tuple(out.shape)))
    (out * w).sum().backward()
    numeric = np.zeros_like(x0)
    flat = x0.reshape(-1)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        fu = (fn(bridge, bridge.from_numpy(up.reshape(x0.shape)), *rest) * w).sum().item()
        fd = (fn(bridge, bridge.from_numpy(down.reshape(x0.shape)), *rest) * w).sum().item()
        numeric.reshape(-1)[i] = (fu - fd) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-7)


# ---- advanced indexing: read ---------------------------------------------------------------------------

I = np.array([2, 0, -1, 2])
READ_KEYS = {
    "list": lambda lib, x: x[[0, 2, 2]],
    "range": lambda lib, x: x[range(1, 3)],
    "tensor": lambda lib, x: x[lib.tensor([[1, 0], [2, 2]])],
    "negative": lambda lib, x: x[lib.tensor([-1, 0])],
    "two_adjacent": lambda lib, x: x[:, [0, 2], [1, 3]],
    "separated": lambda lib, x: x[[0, 1], :, [1, 3]],
    "broadcast": lambda lib, x: x[lib.tensor([[0], [2]]), :, lib.tensor([1, 2, 3])],
    "with_int": lambda lib, x: x[1, :, [0, 4]],
    "with_none": lambda lib, x: x[None, [0, 2], None],
    "ellipsis": lambda lib, x: x[..., [4, 0, 4]],
    "slice_step": lambda lib, x: x[1:, ::2, [0, 1]],
    "mask_full": lambda lib, x: x[x > 0],
    "mask_rows": lambda lib, x: x[lib.tensor([True, False, True])],
    "mask_two_dims": lambda lib, x: x[lib.tensor([[True, False, True, False]] * 3)],
    "mask_after_slice": lambda lib, x: x[:, lib.tensor([False, True, True, False])],
    "mask_and_list": lambda lib, x: x[lib.tensor([True, False, True]), :, [1, 2]],
    "empty": lambda lib, x: x[lib.tensor([], dtype=lib.int64)],
}


@pytest.mark.parametrize("name", list(READ_KEYS))
def test_advanced_index_read_values_and_grads(name):
    run_both(READ_KEYS[name], rand(3, 4, 5))


@pytest.mark.parametrize("name", ["list", "two_adjacent", "separated", "mask_two_dims", "with_int"])
def test_advanced_index_read_finite_differences(name):
    finite_difference(READ_KEYS[name], rand(3, 4, 5))


def test_advanced_index_of_int_and_bool_tensors():
    for dtype in ("int64", "bool"):
        data = RNG.integers(0, 2, size=(4, 3)).astype(dtype)
        run_both(lambda lib, x: x[[3, 0], 1:], data, grad=False)


def test_index_out_of_bounds_is_an_index_error_like_torch():
    x = bridge.zeros(3, 4)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[[5]]
    with pytest.raises(IndexError, match="The shape of the mask \\[2\\] at index 0 does not match"):
        x[bridge.tensor([True, False])]
    with pytest.raises(IndexError, match="tensors used as indices must be long, byte or bool tensors"):
        x[bridge.tensor([1.0])]
    with pytest.raises(IndexError, match="shape mismatch"):
        x[[0, 1], [0, 1, 2]]


# ---- advanced indexing: write --------------------------------------------------------------------------

def _set(key_fn, value_fn):
    def fn(lib, x, v=None):
        y = x.clone() if x.requires_grad or True else x
        y = y * 1.0
        value = value_fn(lib, v)
        y[key_fn(lib, y)] = value
        return y
    return fn


WRITE_CASES = {
    "mask_scalar": (lambda lib, y: y > 0, lambda lib, v: 0.0, None),
    "mask_tensor_values": (lambda lib, y: lib.tensor([[True, False, True, False, True]] * 3),
                           lambda lib, v: v, rand(9)),
    "mask_broadcast_row": (lambda lib, y: lib.tensor([True, False, True]), lambda lib, v: v, rand(5)),
    "list_rows": (lambda lib, y: [2, 0], lambda lib, v: v, rand(2, 5)),
    "pairs": (lambda lib, y: ([0, 2, 1], [4, 0, 1]), lambda lib, v: v, rand(3)),
    "slice_and_list": (lambda lib, y: (slice(None), [1, 3]), lambda lib, v: v, rand(3, 2)),
}


@pytest.mark.parametrize("name", list(WRITE_CASES))
def test_advanced_index_write_values_and_grads(name):
    key, value, v = WRITE_CASES[name]

    def fn(lib, x, *vs):
        y = x * 1.0  # a non-leaf, so the write is recorded on it
        y[key(lib, y.detach())] = value(lib, vs[0] if vs else None)
        return y

    run_both(fn, rand(3, 5), *([] if v is None else [v]))


def test_mask_assignment_on_a_leaf_without_grad_writes_in_place():
    data = rand(4, 3)
    b, t = bridge.from_numpy(data.copy()), torch.from_numpy(data.copy())
    b[b < 0] = -1.0
    t[t < 0] = -1.0
    b[b[:, 0] > 0, 1] = bridge.tensor(7.0, dtype=bridge.float64)
    t[t[:, 0] > 0, 1] = torch.tensor(7.0, dtype=torch.float64)
    assert_same(b, t)


def test_index_put_accumulate_adds_repeats():
    def fn(lib, x, v):
        return x.index_put((lib.tensor([0, 2, 0, 0]), lib.tensor([1, 1, 1, 3])), v, accumulate=True)
    run_both(fn, rand(3, 4), rand(4))

    def fn_inplace(lib, x, v):
        y = x * 1.0
        y.index_put_((lib.tensor([1, 1]),), v, accumulate=True)
        return y
    run_both(fn_inplace, rand(3, 4), rand(2, 4))


def test_setitem_on_leaf_that_requires_grad_is_refused_like_torch():
    x = bridge.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x[[0, 1]] = 1.0


# ---- gather / scatter / index_* ------------------------------------------------------------------------

IDX = np.array([[0, 2, 1], [1, 1, 0]])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_gather(dim):
    index = IDX if dim == 1 or dim == -1 else np.array([[0, 1, 0, 1], [1, 0, 1, 1]])
    run_both(lambda lib, x: x.gather(dim, lib.from_numpy(index.copy())), rand(2, 4))
    finite_difference(lambda lib, x: lib.gather(x, dim, lib.from_numpy(index.copy())), rand(2, 4))


@pytest.mark.parametrize("op", ["scatter", "scatter_add"])
def test_scatter_family(op):
    # scatter with repeated targets keeps an unspecified one of the writes; repeats only where they add up
    index = np.array([[0, 2, 1], [1, 1, 0]]) if op == "scatter_add" else np.array([[0, 2, 1], [1, 3, 0]])
    rows = np.array([[0, 2, 1], [1, 1, 0]]) if op == "scatter_add" else np.array([[0, 2, 1], [1, 0, 2]])
    run_both(lambda lib, x, s: getattr(x, op)(1, lib.from_numpy(index.copy()), s), rand(2, 4), rand(2, 3))
    run_both(lambda lib, x, s: getattr(lib, op)(x, 0, lib.from_numpy(rows.copy()), s), rand(3, 3), rand(2, 3))
    finite_difference(lambda lib, s, x: getattr(x, op)(1, lib.from_numpy(index.copy()), s), rand(2, 3), rand(2, 4))


def test_scatter_value_and_in_place():
    index = np.array([[0, 2], [3, 3]])
    run_both(lambda lib, x: x.scatter(1, lib.from_numpy(index.copy()), 5.0), rand(2, 4))

    def fn(lib, x, s):
        y = x * 1
        y.scatter_(1, lib.from_numpy(index.copy()), s)
        y.scatter_add_(0, lib.tensor([[1, 0, 1, 0]]), s[:1, :1].expand(1, 4) * 1)
        return y
    run_both(fn, rand(2, 4), rand(2, 2))


def test_one_hot_style_scatter_of_ints():
    labels = np.array([[2], [0], [1]])
    run_both(lambda lib, z: z.scatter_(1, lib.from_numpy(labels.copy()), 1), np.zeros((3, 4), dtype="int64"), grad=False)


@pytest.mark.parametrize("dim", [0, 1, 2])
def test_index_select_add_copy(dim):
    x = rand(3, 4, 2)
    index = np.array([2, 0, 1, 1][: x.shape[dim]] if dim != 2 else [1, 0, 1])
    n = len(index)
    src_shape = list(x.shape)
    src_shape[dim] = n
    run_both(lambda lib, t: t.index_select(dim, lib.from_numpy(index.copy())), x)
    run_both(lambda lib, t, s: t.index_add(dim, lib.from_numpy(index.copy()), s, alpha=2.0), x, rand(*src_shape))
    uniq = np.array(list(dict.fromkeys(index.tolist())))
    src_shape[dim] = len(uniq)
    run_both(lambda lib, t, s: lib.index_copy(t, dim, lib.from_numpy(uniq.copy()), s), x, rand(*src_shape))

    def in_place(lib, t, s):
        y = t * 1
        y.index_add_(dim, lib.from_numpy(uniq.copy()), s)
        return y
    run_both(in_place, x, rand(*src_shape))
    finite_difference(lambda lib, t: t.index_select(dim, lib.from_numpy(index.copy())), x)


def test_masked_fill_select_nonzero_where_take():
    x = rand(3, 4)
    mask = RNG.uniform(size=(3, 4)) > 0.5
    row_mask = np.array([True, False, True, True])
    run_both(lambda lib, t, m: t.masked_fill(m, -1e9), x, mask)
    run_both(lambda lib, t, m: t.masked_fill(m, float("-inf")).softmax(-1), x, np.tril(np.ones((3, 4), bool)))
    run_both(lambda lib, t, m: lib.masked_fill(t, m, lib.tensor(3.0, dtype=lib.float64)), x, row_mask)
    run_both(lambda lib, t, m: t.masked_select(m), x, row_mask)

    def in_place(lib, t, m):
        y = t * 2
        y.masked_fill_(m, 0.5)
        return y
    run_both(in_place, x, mask)
    run_both(lambda lib, t: t.nonzero(), (x > 0).astype("float64"), grad=False)
    run_both(lambda lib, t: t.nonzero(as_tuple=True), x > 0, grad=False)
    run_both(lambda lib, t: lib.where(t), x > 0, grad=False)
    run_both(lambda lib, t: lib.argwhere(t), x > 0.5, grad=False)
    run_both(lambda lib, t: t.take(lib.tensor([[0, -1], [5, 5]])), x)
    finite_difference(lambda lib, t: t.masked_fill(lib.from_numpy(mask.copy()), 2.0), x)
    finite_difference(lambda lib, t: t.take(lib.tensor([0, 3, 3, -2])), x)


def test_gather_scatter_errors_match_torch():
    x = bridge.zeros(2, 3)
    with pytest.raises(RuntimeError, match="Index tensor must have the same number of dimensions as input tensor"):
        x.gather(1, bridge.tensor([0]))
    with pytest.raises(IndexError):
        x.gather(1, bridge.tensor([[3]]))
    with pytest.raises(RuntimeError, match="expected dtype int64 for index|Expected dtype int64 for index"):
        x.gather(1, bridge.tensor([[1.0]]))


# ---- shape ops -----------------------------------------------------------------------------------------

SHAPE_OPS = {
    "split_int": (lambda lib, x: x.split(2, dim=1), (3, 5)),
    "split_list": (lambda lib, x: lib.split(x, [1, 3, 1], dim=1), (3, 5)),
    "split_neg_dim": (lambda lib, x: x.split(2, -2), (3, 5)),
    "chunk": (lambda lib, x: x.chunk(3, 1), (2, 7)),
    "chunk_more_than_size": (lambda lib, x: lib.chunk(x, 4, 0), (2, 3)),
    "unbind": (lambda lib, x: x.unbind(1), (2, 3)),
    "tril": (lambda lib, x: x.tril(), (4, 5)),
    "tril_diag": (lambda lib, x: lib.tril(x, -1), (2, 4, 5)),
    "triu": (lambda lib, x: x.triu(1), (5, 4)),
    "triu_neg": (lambda lib, x: lib.triu(x, diagonal=-2), (5, 4)),
    "repeat": (lambda lib, x: x.repeat(2, 1, 3), (2, 3)),
    "repeat_same_rank": (lambda lib, x: x.repeat((3, 2)), (2, 3)),
    "repeat_interleave": (lambda lib, x: x.repeat_interleave(2), (2, 3)),
    "repeat_interleave_dim": (lambda lib, x: lib.repeat_interleave(x, 3, dim=1), (2, 3)),
    "repeat_interleave_tensor": (lambda lib, x: x.repeat_interleave(lib.tensor([1, 0, 2]), dim=1), (2, 3)),
    "roll_flat": (lambda lib, x: x.roll(3), (3, 4)),
    "roll_dim": (lambda lib, x: lib.roll(x, -1, 1), (3, 4)),
    "roll_dims": (lambda lib, x: x.roll((1, 2), (0, 1)), (3, 4)),
    "flip": (lambda lib, x: x.flip(0), (3, 4)),
    "flip_two": (lambda lib, x: lib.flip(x, (0, 2)), (2, 3, 4)),
    "fliplr": (lambda lib, x: lib.fliplr(x), (2, 3)),
    "movedim": (lambda lib, x: x.movedim(0, -1), (2, 3, 4)),
    "movedim_lists": (lambda lib, x: lib.movedim(x, (0, 1), (2, 0)), (2, 3, 4)),
    "moveaxis": (lambda lib, x: lib.moveaxis(x, 1, 0), (2, 3, 4)),
    "diagonal": (lambda lib, x: x.diagonal(), (3, 4)),
    "diagonal_offset": (lambda lib, x: lib.diagonal(x, 1, 1, 2), (2, 3, 4)),
    "diagonal_neg": (lambda lib, x: x.diagonal(-1, -1, 0), (3, 4)),
    "diag_vector": (lambda lib, x: lib.diag(x), (4,)),
    "diag_vector_offset": (lambda lib, x: x.diag(-2), (3,)),
    "diag_matrix": (lambda lib, x: lib.diag(x, 1), (3, 4)),
}


@pytest.mark.parametrize("name", list(SHAPE_OPS))
def test_shape_op_values_and_grads(name):
    fn, shape = SHAPE_OPS[name]
    run_both(fn, rand(*shape))


@pytest.mark.parametrize("name", ["split_list", "tril_diag", "repeat", "repeat_interleave_dim", "roll_dims",
                                  "flip_two", "diagonal_offset", "diag_vector_offset"])
def test_shape_op_finite_differences(name):
    fn, shape = SHAPE_OPS[name]

    def single(lib, x):
        r = fn(lib, x)
        return lib.cat([t.reshape(-1) for t in r]) if isinstance(r, tuple) else r
    finite_difference(single, rand(*shape))


def test_tril_of_ones_as_a_causal_mask_and_integers():
    run_both(lambda lib, x: lib.tril(x), np.ones((4, 4), dtype="int64"), grad=False)
    run_both(lambda lib, x: x.triu(1), np.ones((3, 3), dtype=bool), grad=False)
    run_both(lambda lib: lib.tril_indices(4, 3, 1), grad=False)
    run_both(lambda lib: lib.triu_indices(3, 4, -1), grad=False)
    run_both(lambda lib: lib.repeat_interleave(lib.tensor([2, 0, 3])), grad=False)


PRODUCTS = {
    "outer": (lambda lib, a, b: lib.outer(a, b), [(3,), (4,)]),
    "einsum_mm": (lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
    "einsum_batch": (lambda lib, a, b: lib.einsum("bij,bjk->bik", a, b), [(2, 3, 4), (2, 4, 5)]),
    "einsum_implicit": (lambda lib, a, b: lib.einsum("ij,jk", a, b), [(2, 3), (3, 4)]),
    "einsum_trace": (lambda lib, a, b: lib.einsum("ii", a) * b.sum(), [(3, 3), (2,)]),
    "einsum_diag": (lambda lib, a, b: lib.einsum("ii->i", a) + b, [(3, 3), (3,)]),
    "einsum_ellipsis": (lambda lib, a, b: lib.einsum("...ij,...jk->...ik", a, b), [(2, 2, 3, 4), (2, 4, 5)]),
    "einsum_attention": (lambda lib, q, k: lib.einsum("bhqd,bhkd->bhqk", q, k), [(2, 3, 4, 5), (2, 3, 6, 5)]),
    "einsum_outer_sum": (lambda lib, a, b: lib.einsum("i,j->", a, b), [(3,), (4,)]),
    "einsum_transpose": (lambda lib, a, b: lib.einsum("ij->ji", a) + b, [(2, 3), (3, 2)]),
    "einsum_list_operands": (lambda lib, a, b: lib.einsum("i,i->", [a, b]), [(5,), (5,)]),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b, dims=2), [(2, 3, 4), (3, 4, 5)]),
    "tensordot_lists": (lambda lib, a, b: lib.tensordot(a, b, dims=([0, 2], [2, 0])), [(2, 3, 4), (4, 5, 2)]),
    "baddbmm": (lambda lib, c, a: lib.baddbmm(c, a, a.transpose(1, 2), beta=0.5, alpha=2.0), [(2, 3, 3), (2, 3, 4)]),
    "addmm_scaled": (lambda lib, c, a: lib.addmm(c, a, a.t(), beta=0.25, alpha=-1.5), [(3,), (3, 4)]),
}


@pytest.mark.parametrize("name", list(PRODUCTS))
def test_products_values_and_grads(name):
    fn, shapes = PRODUCTS[name]
    run_both(fn, *[rand(*s) for s in shapes])


def test_einsum_three_operands_and_finite_differences():
    run_both(lambda lib, a, b, c: lib.einsum("ij,jk,kl->il", a, b, c), rand(2, 3), rand(3, 4), rand(4, 2))
    b = rand(3, 4)
    finite_difference(lambda lib, a, b: lib.einsum("bij,jk->bik", a, b), rand(2, 2, 3), b)


def test_split_errors_match_torch():
    x = bridge.zeros(5)
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly to 5"):
        x.split([2, 2])
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dimensions"):
        x.tril()


# ---- on the emulated CUDA device -------------------------------------------------------------------------

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMULATOR = pathlib.Path(os.environ.get("BRIDGE_TEST_EMULATOR", ROOT / "build" / "cuda" / "libcudaemu.so"))

CUDA_SCRIPT = r"""
import numpy as np, torch, bridge
assert bridge.cuda.is_available(), bridge.cuda.status()
data = np.linspace(-2, 2, 60).reshape(3, 4, 5)
xb = bridge.from_numpy(data.copy()).cuda().requires_grad_()
xt = torch.from_numpy(data.copy()).requires_grad_()
def f(lib, x):
    y = x * 1.0
    y[y > 1] = 0.0
    y[:, [0, 2], [1, 1]] = y[:, [0, 2], [1, 1]] * 3
    g = y[[2, 0]].gather(2, lib.tensor([[[0, 4]] * 4] * 2).to(x.device))
    return (g ** 2).sum() + lib.einsum("bij,bkj->ik", y, y).tril().sum() + y.index_select(1, lib.tensor([3, 0]).to(x.device)).sum()
rb, rt = f(bridge, xb), f(torch, xt)
rb.backward(); rt.backward()
assert rb.device.type == "cuda" and xb.grad.device.type == "cuda"
np.testing.assert_allclose(rb.cpu().item(), rt.item(), rtol=1e-12)
np.testing.assert_allclose(xb.grad.cpu().numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
print("ok")
"""


@pytest.mark.skipif(not EMULATOR.exists(), reason=f"CUDA host emulator not built ({EMULATOR}; scripts/cuda/build.sh)")
def test_advanced_indexing_on_the_emulated_cuda_device_matches_torch():
    env = {**os.environ, "BRIDGE_CUDA_DRIVER": str(EMULATOR)}
    result = subprocess.run([sys.executable, "-c", CUDA_SCRIPT], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr


def test_gather_index_may_be_longer_than_the_input_along_the_gathered_dim():
    a = np.arange(15.0).reshape(5, 3)
    index = np.array([[0, 2, 1, 1, 0]] * 5)
    got = bridge.gather(bridge.from_numpy(a), 1, bridge.from_numpy(index))
    assert_same(got, torch.gather(torch.from_numpy(a), 1, torch.from_numpy(index)))
