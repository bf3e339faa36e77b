"""torch.autograd.grad, create_graph / double backward, hooks, retain_grad, inference_mode, jacobian and hessian,
compared with torch 1.13 live and with float64 finite differences."""

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both

RNG = np.random.default_rng(1129)


def test_grad_leaves_dot_grad_alone():
    b, t = both(RNG.standard_normal(4), requires_grad=True)
    (gb,) = bridge.autograd.grad((b * b * b).sum(), b)
    (gt,) = torch.autograd.grad((t * t * t).sum(), t)
    assert_same(gb, gt)
    assert b.grad is None


def test_grad_several_outputs_inputs_and_grad_outputs():
    data = RNG.standard_normal((2, 3))
    b, t = both(data, requires_grad=True)
    res = []
    for lib, x in ((bridge, b), (torch, t)):
        h = x.sigmoid()
        y1, y2 = (h * 2).sum(1), h.tanh()
        g2 = lib.ones(2, 3, dtype=lib.float64) * 0.5
        res.append(lib.autograd.grad([y1, y2], [x, h], [lib.tensor([1.0, -1.0], dtype=lib.float64), g2]))
    assert_same(res[0], res[1])


def test_grad_allow_unused_and_errors():
    for lib in (bridge, torch):
        x, z = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        with pytest.raises(RuntimeError, match="allow_unused=True"):
            lib.autograd.grad(y, [x, z], retain_graph=True)
        gx, gz = lib.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
        assert gz is None and gx.tolist() == [2.0, 2.0]
        with pytest.raises(RuntimeError, match="only for scalar outputs"):
            lib.autograd.grad(x * 2, x)
        lib.autograd.grad(y, x)
        with pytest.raises(RuntimeError, match="second time"):
            lib.autograd.grad(y, x)


# Second derivatives of a range of ops: function of x -> scalar. Compared with torch and with finite differences.
OPS = {
    "sigmoid": lambda x: x.sigmoid(), "tanh": lambda x: x.tanh(), "exp": lambda x: x.exp(),
    "log": lambda x: (x * x + 1).log(), "sqrt": lambda x: (x * x + 1).sqrt(), "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(), "relu": lambda x: x.relu() * x, "pow": lambda x: x ** 3, "div": lambda x: 1 / (x * x + 2),
    "softmax": lambda x: x.reshape(2, 3).softmax(1).reshape(-1) * x,
    "log_softmax": lambda x: x.reshape(2, 3).log_softmax(1).reshape(-1) * x,
    "matmul": lambda x: (x.reshape(2, 3) @ x.reshape(3, 2)).reshape(-1),
    "slice": lambda x: x[1:] * x[:-1], "select": lambda x: x[0] * x, "max_dim": lambda x: x.reshape(2, 3).max(1)[0] * x[:2],
    "mean": lambda x: x.mean() * x, "abs": lambda x: x.abs() * x, "expand": lambda x: x.reshape(6, 1).expand(6, 4).sum(1) * x,
    "transpose": lambda x: (x.reshape(2, 3).t() * x.reshape(3, 2)).reshape(-1) * x,
    "mse": lambda x, F=None: x * x * x.mean(),
    "where": lambda x: x * x * (x > 0).double(),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_double_backward_matches_torch_and_finite_differences(name):
    f = OPS[name]
    data = np.array([0.3, -0.7, 1.1, 0.45, -1.6, 0.8])
    v = np.array([0.7, -1.3, 0.2, 0.9, 0.5, -0.4])
    second = []
    for lib in (bridge, torch):
        x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
        y = f(x)
        w = lib.arange(1.0, y.numel() + 1, dtype=lib.float64).reshape(tuple(y.shape))
        (g,) = lib.autograd.grad((y * w).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * lib.tensor(v, dtype=lib.float64)).sum(), x, allow_unused=True)
        second.append((g, gg if gg is not None else lib.zeros(6, dtype=lib.float64)))
    assert_same(second[0][0], second[1][0])
    np.testing.assert_allclose(second[0][1].numpy(), second[1][1].numpy(), rtol=1e-10, atol=1e-12)
    assert bridge.autograd.gradgradcheck(lambda x: f(x), (bridge.tensor(data, dtype=bridge.float64, requires_grad=True),))


def test_backward_create_graph_makes_grad_differentiable():
    b, t = both(np.array([0.5, -0.25]), requires_grad=True)
    for x in (b, t):
        (x.exp() * x).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad
        x.grad = None
        (g * g).sum().backward()
    assert_same(b.grad, t.grad)


def test_gradient_penalty_style_training_step():
    data = RNG.standard_normal((4, 3))
    wdata = RNG.standard_normal((3, 2))
    res = []
    for lib in (bridge, torch):
        x = lib.tensor(data, requires_grad=True)
        w = lib.tensor(wdata, requires_grad=True)
        out = (x @ w).tanh().sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        loss = out + (gx * gx).sum()
        loss.backward()
        res.append(w.grad)
    assert_same(res[0], res[1])


def test_register_hook_replaces_gradient_and_remove():
    b, t = both(np.array([1.0, 2.0]), requires_grad=True)
    for x in (b, t):
        h = x * 2
        handle = h.register_hook(lambda g: g * 10)
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()))
        h.sum().backward(retain_graph=True)
        assert seen == [[20.0, 20.0]]
        handle.remove()
        h.sum().backward()
    assert_same(b.grad, t.grad)


def test_hook_exception_propagates():
    x = bridge.ones(2, requires_grad=True)
    y = x * 2

    def bad(g):
        raise ValueError("hook says no")
    y.register_hook(bad)
    with pytest.raises(ValueError, match="hook says no"):
        y.sum().backward()


def test_register_hook_on_tensor_without_grad():
    for lib in (bridge, torch):
        with pytest.raises(RuntimeError, match="doesn't require gradient"):
            lib.ones(2).register_hook(lambda g: g)


def test_retain_grad():
    b, t = both(np.array([1.0, -2.0]), requires_grad=True)
    hs = []
    for x in (b, t):
        h = x * 3
        h.retain_grad()
        assert h.retains_grad
        (h * h).sum().backward()
        hs.append(h.grad)
    assert_same(hs[0], hs[1])


def test_inference_mode_context_and_decorator():
    x = bridge.ones(2, requires_grad=True)
    with bridge.inference_mode():
        assert bridge.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
    assert not bridge.is_inference_mode_enabled()

    @bridge.inference_mode()
    def f(t):
        return t * 2

    @bridge.inference_mode
    def g(t):
        return t * 3
    assert not f(x).requires_grad and not g(x).requires_grad
    with bridge.inference_mode(False):
        assert (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_jacobian_and_hessian_match_torch():
    data = np.array([0.5, -1.2, 2.0])
    for fn in (lambda x: x.sin() * x.sum(), lambda x: (x.reshape(3, 1) @ x.reshape(1, 3)).exp()):
        jb = bridge.autograd.functional.jacobian(fn, bridge.tensor(data))
        jt = torch.autograd.functional.jacobian(fn, torch.tensor(data))
        assert_same(jb, jt)
    scalar = lambda x: (x.exp() * x.roll(1) if hasattr(x, "roll") else x.exp()).sum() if False else (x.exp() * x * x.sum()).sum()
    hb = bridge.autograd.functional.hessian(scalar, bridge.tensor(data))
    ht = torch.autograd.functional.hessian(scalar, torch.tensor(data))
    assert_same(hb, ht)
    # tuple inputs
    jb = bridge.autograd.functional.jacobian(lambda a, c: a * c, (bridge.tensor(data), bridge.tensor(data * 2)))
    jt = torch.autograd.functional.jacobian(lambda a, c: a * c, (torch.tensor(data), torch.tensor(data * 2)))
    assert_same(list(jb), list(jt))


def test_detach_in_place():
    for lib in (bridge, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        assert y.detach_() is y
        assert not y.requires_grad and y.is_leaf and y.grad_fn is None
        with pytest.raises(RuntimeError, match="Can't detach views in-place"):
            (x * 2)[0:2].detach_()
