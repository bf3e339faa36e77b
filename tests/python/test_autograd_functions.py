"""torch.autograd.Function (custom forward/backward called back from the engine), against torch 1.13 live."""

import gc

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both


def _exp_function(lib):
    class MyExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y
    return MyExp


def _scaled_function(lib):
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, w):
            ctx.k = k  # an arbitrary ctx attribute
            ctx.save_for_backward(x, None, w)
            ctx.flags = ctx.needs_input_grad
            sign = x.sign()
            ctx.mark_non_differentiable(sign)
            return x * k * w, sign

        @staticmethod
        def backward(ctx, g, g_sign):
            x, none, w = ctx.saved_tensors
            assert none is None
            return g * ctx.k * w, None, g * ctx.k * x
    return Scale


def _dirty_function(lib):
    class MulTwoInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return MulTwoInPlace


def test_custom_exp_value_gradient_and_node_name():
    data = np.array([0.5, -1.0, 2.0])
    b, t = both(data, requires_grad=True)
    yb, yt = _exp_function(bridge).apply(b), _exp_function(torch).apply(t)
    assert_same(yb, yt)
    assert yb.grad_fn.name() == yt.grad_fn.name() == "MyExpBackward"
    (yb * yb).sum().backward()
    (yt * yt).sum().backward()
    assert_same(b.grad, t.grad)


def test_custom_function_double_backward_through_saved_output():
    b, t = both(np.array([0.3, -0.4]), requires_grad=True)
    results = []
    for lib, x in ((bridge, b), (torch, t)):
        y = _exp_function(lib).apply(x * x)
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((g, gg))
    assert_same(results[0][0], results[1][0])
    assert_same(results[0][1], results[1][1])


def test_non_tensor_args_needs_input_grad_and_non_differentiable_outputs():
    data = np.array([-2.0, 3.0, 0.5])
    b, t = both(data, requires_grad=True)
    wb, wt = both(np.array([1.0, 2.0, 3.0]))
    ob, sb = _scaled_function(bridge).apply(b, 4.0, wb)
    ot, st = _scaled_function(torch).apply(t, 4.0, wt)
    assert_same(ob, ot)
    assert sb.requires_grad is st.requires_grad is False
    (ob * ob).sum().backward()
    (ot * ot).sum().backward()
    assert_same(b.grad, t.grad)
    assert wb.grad is None and wt.grad is None


def test_needs_input_grad():
    seen = {}

    for lib in (bridge, torch):
        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, w):
                seen[lib.__name__] = ctx.needs_input_grad
                return x * w

            @staticmethod
            def backward(ctx, g):
                return g, None, None

        Probe.apply(lib.ones(2, requires_grad=True), 3, lib.ones(2))
    assert seen["bridge"] == seen["torch"] == (True, False, False)


def test_mark_dirty_returns_the_same_object_and_rewrites_history():
    b, t = both(np.array([1.0, 2.0]), requires_grad=True)
    for lib, x in ((bridge, b), (torch, t)):
        h = x * 3
        y = _dirty_function(lib).apply(h)
        assert y is h
        (y * y).sum().backward()
    assert_same(b.grad, t.grad)


def test_mark_dirty_on_a_leaf_is_refused():
    for lib in (bridge, torch):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            _dirty_function(lib).apply(lib.ones(2, requires_grad=True))


def test_saved_tensor_modified_in_place_is_caught():
    for lib in (bridge, torch):
        x = lib.ones(2, requires_grad=True)
        y = _exp_function(lib).apply(x * 1)
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_errors_in_backward_propagate_with_their_type():
    class Boom(bridge.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            raise KeyError("from backward")

    x = bridge.ones(2, requires_grad=True)
    with pytest.raises(KeyError, match="from backward"):
        Boom.apply(x).sum().backward()
    # the engine is still usable afterwards, and another thread's error does not leak here
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_wrong_number_of_gradients_is_torchs_error():
    for lib in (bridge, torch):
        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y):
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g

        with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 2, got 1\)"):
            Two.apply(lib.ones(1, requires_grad=True), lib.ones(1, requires_grad=True)).sum().backward()


def test_gradient_for_a_non_tensor_input_is_refused():
    for lib in (bridge, torch):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, g):
                return g, g

        with pytest.raises(RuntimeError, match="returned a gradient different than None at position 2"):
            Bad.apply(lib.ones(1, requires_grad=True), 2.0).sum().backward()


def test_input_returned_unchanged_is_an_alias_with_new_history():
    for lib in (bridge, torch):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 5

        x = lib.ones(2, requires_grad=True)
        y = Identity.apply(x)
        assert y is not x
        y.sum().backward()
        assert x.grad.tolist() == [5.0, 5.0]


def test_materialized_zero_grads_for_unused_outputs():
    for lib in (bridge, torch):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, ga, gb):
                return ga * 2 + gb * 3

        x = lib.ones(2, requires_grad=True)
        a, _ = Split.apply(x)
        a.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_gradcheck_through_custom_function():
    x = bridge.tensor([0.3, -0.2, 0.9], dtype=bridge.float64, requires_grad=True)
    assert bridge.autograd.gradcheck(lambda t: _exp_function(bridge).apply(t * t) * t, (x,))
    assert bridge.autograd.gradgradcheck(lambda t: _exp_function(bridge).apply(t * t) * t, (x,))


def test_context_is_released_after_backward():
    before = len(bridge._core._keep)
    for _ in range(50):
        x = bridge.ones(3, requires_grad=True)
        _exp_function(bridge).apply(x).sum().backward()
    del x
    gc.collect()
    bridge._collect()
    assert len(bridge._core._keep) - before < 5
