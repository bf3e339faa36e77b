"""The Python API against real PyTorch on random inputs: values, dtypes, broadcasting and gradients."""

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both

RNG = np.random.default_rng(20261122)


def rand(*shape, dtype="float32", low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape).astype(dtype)


UNARY = ["exp", "tanh", "sigmoid", "relu", "abs", "neg", "sign", "clone", "t_", "sum", "mean"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY + ["log", "sqrt", "reciprocal"])
def test_unary_values_and_grads(name, dtype):
    positive = name in ("log", "sqrt", "reciprocal")
    data = rand(3, 4, dtype=dtype, low=0.5 if positive else -2.0)
    b, t = both(data, requires_grad=True)
    method = "t" if name == "t_" else name
    rb, rt = getattr(b, method)(), getattr(t, method)()
    assert_same(rb, rt)
    (rb * rb).sum().backward()
    (rt * rt).sum().backward()
    assert_same(b.grad, t.grad)


BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((1,), (5, 2)), ((), (2, 3))]


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_binary_broadcasting_values_and_grads(op, shapes):
    sa, sb = shapes
    xa = rand(*sa, low=0.5, high=2.0) if op == "pow" else rand(*sa)
    xb = rand(*sb, low=0.5, high=2.0) if op in ("div", "pow") else rand(*sb)
    ba, ta = both(xa, requires_grad=True)
    bb, tb = both(xb, requires_grad=True)
    rb, rt = getattr(ba, op)(bb), getattr(ta, op)(tb)
    assert_same(rb, rt)
    rb.sum().backward()
    rt.sum().backward()
    assert_same(ba.grad, ta.grad)
    assert_same(bb.grad, tb.grad)


@pytest.mark.parametrize("scalar", [2, 2.5, -1, 0.5])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_python_scalars_promote_like_torch(scalar, dtype):
    data = (RNG.integers(1, 5, size=(2, 3)) if dtype == "int64" else rand(2, 3)).astype(dtype)
    b, t = both(data)
    for f in (lambda x: x + scalar, lambda x: scalar - x, lambda x: x * scalar, lambda x: x / scalar,
              lambda x: scalar / x, lambda x: x > scalar, lambda x: x == scalar):
        assert_same(f(b), f(t))


@pytest.mark.parametrize("dims", [0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_over_dims(dims, keepdim):
    b, t = both(rand(3, 4, 2), requires_grad=True)
    assert_same(b.sum(dims, keepdim), t.sum(dims, keepdim))
    assert_same(b.mean(dims, keepdim), t.mean(dims, keepdim))
    if isinstance(dims, int):
        assert_same(b.max(dims, keepdim), t.max(dims, keepdim))
        assert_same(b.min(dims, keepdim), t.min(dims, keepdim))
        assert_same(b.argmax(dims, keepdim), t.argmax(dims, keepdim))
    b.mean(dims, keepdim).sum().backward()
    t.mean(dims, keepdim).sum().backward()
    assert_same(b.grad, t.grad)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((2, 3, 4), (2, 4, 5)),
                                    ((2, 3, 4), (4, 2)), ((4,), (4, 3))], ids=str)
def test_matmul_family(shapes, dtype):
    ba, ta = both(rand(*shapes[0], dtype=dtype), requires_grad=True)
    bb, tb = both(rand(*shapes[1], dtype=dtype), requires_grad=True)
    rb, rt = ba @ bb, ta @ tb
    assert_same(rb, rt)
    rb.sum().backward()
    rt.sum().backward()
    assert_same(ba.grad, ta.grad)
    assert_same(bb.grad, tb.grad)


def test_shape_ops_and_their_grads():
    b, t = both(rand(2, 3, 4), requires_grad=True)
    chains = [
        lambda x: x.view(6, 4), lambda x: x.reshape(-1), lambda x: x.transpose(0, 2), lambda x: x.permute(2, 0, 1),
        lambda x: x.unsqueeze(1).squeeze(1), lambda x: x[:, None].expand(2, 5, 3, 4), lambda x: x.flatten(1),
        lambda x: x.narrow(2, 1, 2), lambda x: x.select(1, 2), lambda x: x.contiguous(),
    ]
    for f in chains:
        assert_same(f(b), f(t))
    weights_b, weights_t = both(rand(2, 5, 3, 4))
    (b[:, None].expand(2, 5, 3, 4) * weights_b).sum().backward()
    (t[:, None].expand(2, 5, 3, 4) * weights_t).sum().backward()
    assert_same(b.grad, t.grad)


INDEXES = [0, -1, (1, 2), (slice(None), 1), (slice(1, None), slice(None, None, 2)), (Ellipsis, 0),
           (None, 0, slice(0, 3, 2)), (slice(-2, None), Ellipsis, None), (slice(5, 10),), (1, slice(None, None, 3), -2)]


@pytest.mark.parametrize("key", INDEXES, ids=str)
def test_basic_indexing_reads_and_grads(key):
    b, t = both(rand(3, 4, 5), requires_grad=True)
    assert_same(b[key], t[key])
    (b[key] * 3).sum().backward()
    (t[key] * 3).sum().backward()
    assert_same(b.grad, t.grad)


@pytest.mark.parametrize("key", INDEXES, ids=str)
def test_basic_indexing_writes(key):
    b, t = both(rand(3, 4, 5))
    value = 7.5
    b[key] = value
    t[key] = value
    assert_same(b, t)
    b2, t2 = both(rand(3, 4, 5))
    src_b, src_t = both(rand(*t2[key].shape))
    b2[key] = src_b
    t2[key] = src_t
    assert_same(b2, t2)


def test_setitem_records_copy_slices_gradient():
    xb, xt = both(rand(4), requires_grad=True)
    yb, yt = xb * 1, xt * 1
    vb, vt = both(rand(2), requires_grad=True)
    yb[1:3] = vb
    yt[1:3] = vt
    (yb * yb).sum().backward()
    (yt * yt).sum().backward()
    assert_same(xb.grad, xt.grad)
    assert_same(vb.grad, vt.grad)


def test_in_place_ops_match():
    b, t = both(rand(3, 4))
    ob, ot = both(rand(4))
    for f in (lambda x, o: x.add_(o), lambda x, o: x.mul_(o), lambda x, o: x.sub_(o, alpha=2),
              lambda x, o: x.div_(2.0), lambda x, o: x.clamp_(-0.5, 0.5), lambda x, o: x.pow_(2),
              lambda x, o: x.fill_(3), lambda x, o: x.zero_()):
        f(b, ob)
        f(t, ot)
        assert_same(b, t)
    b += ob
    t += ot
    b *= 2
    t *= 2
    assert_same(b, t)


def test_in_place_on_saved_tensor_is_torchs_error():
    b = bridge.tensor([1.0, 2.0], requires_grad=True)
    y = b.sigmoid()
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_softmax_losses_and_where():
    logits_b, logits_t = both(rand(4, 5), requires_grad=True)
    target_b, target_t = both(np.array([1, 0, 4, 2], dtype=np.int64))
    for fb, ft in ((bridge.nn.functional.cross_entropy, torch.nn.functional.cross_entropy),
                   (lambda x, y: x.log_softmax(1).sum() + x.softmax(0).max(), lambda x, y: x.log_softmax(1).sum() + x.softmax(0).max())):
        rb, rt = fb(logits_b, target_b), ft(logits_t, target_t)
        assert_same(rb, rt)
    mb, mt = both(rand(4, 5))
    assert_same(bridge.nn.functional.mse_loss(logits_b, mb), torch.nn.functional.mse_loss(logits_t, mt))
    assert_same(bridge.where(mb > 0, logits_b, mb), torch.where(mt > 0, logits_t, mt))
    assert_same(bridge.clamp(mb, min=-0.5), torch.clamp(mt, min=-0.5))


def test_cat_stack_and_their_grads():
    pairs = [both(rand(2, 3), requires_grad=True) for _ in range(3)]
    bs, ts = [p[0] for p in pairs], [p[1] for p in pairs]
    for dim in (0, 1, -1):
        assert_same(bridge.cat(bs, dim), torch.cat(ts, dim))
        assert_same(bridge.stack(bs, dim), torch.stack(ts, dim))
    wb, wt = both(rand(3, 2, 3))
    (bridge.stack(bs) * wb).sum().backward()
    (torch.stack(ts) * wt).sum().backward()
    for x, y in zip(bs, ts):
        assert_same(x.grad, y.grad)


def test_factories_match_torch():
    for fb, ft in ((lambda m: m.arange(5), None), (lambda m: m.arange(1, 7, 2), None),
                   (lambda m: m.arange(0, 1, 0.25), None), (lambda m: m.zeros(2, 3), None),
                   (lambda m: m.ones((2,), dtype=m.float64), None), (lambda m: m.full((2, 2), 7), None),
                   (lambda m: m.full((2,), 1.5), None), (lambda m: m.eye(3), None),
                   (lambda m: m.linspace(0, 1, 5), None), (lambda m: m.tensor([[1, 2], [3, 4]]), None),
                   (lambda m: m.tensor([True, False]), None), (lambda m: m.tensor(3.5), None),
                   (lambda m: m.zeros_like(m.ones(2, dtype=m.int64)), None)):
        assert_same(fb(bridge), fb(torch))


def test_random_draws_match_torch_bit_for_bit():
    for seed in (0, 42):
        bridge.manual_seed(seed)
        torch.manual_seed(seed)
        for f in (lambda m: m.randn(17), lambda m: m.rand(3, 5), lambda m: m.randint(0, 10, (6,)),
                  lambda m: m.randperm(9), lambda m: m.randn(2, 3, dtype=m.float64)):
            np.testing.assert_array_equal(f(bridge).numpy(), f(torch).numpy())
    state = bridge.get_rng_state()
    first = bridge.rand(4).numpy()
    bridge.set_rng_state(state)
    np.testing.assert_array_equal(bridge.rand(4).numpy(), first)


def test_item_tolist_printing_and_dtypes():
    b, t = both(np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32))
    assert b.tolist() == t.tolist()
    assert b[0, 1].item() == t[0, 1].item()
    assert repr(b) == repr(t)
    assert repr(b.double() * 1e6) == repr(t.double() * 1e6)
    assert str(b.dtype) == str(t.dtype) and repr(b.shape) == repr(t.shape)
    big = bridge.tensor([2 ** 62 + 1])
    assert big.item() == 2 ** 62 + 1 and big.tolist() == [2 ** 62 + 1]
    assert isinstance(bridge.tensor([1, 2]).sum().item(), int)
    assert bridge.tensor([True]).item() is True
    assert b.size() == t.size() and b.size(1) == t.size(1) and b.dim() == 2 and b.numel() == 4


def test_grad_mode_and_detach():
    x = bridge.ones(2, requires_grad=True)
    with bridge.no_grad():
        y = x * 2
        assert not bridge.is_grad_enabled()
    assert bridge.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    z = x * 2
    assert z.requires_grad and z.grad_fn.name() == "MulBackward0" and not z.is_leaf

    @bridge.no_grad()
    def f(v):
        return v * 3
    assert not f(x).requires_grad
    assert not x.detach().requires_grad
