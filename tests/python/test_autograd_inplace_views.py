"""In-place ops on views rewrite the base's history (torch's CopySlices); version counters, overlapping writes and
concurrent backward (issue 15's reproducers), against torch 1.13 live."""

import threading

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both


def _run(fn):
    """fn(lib, x) on bridge and torch with x = ones(3) requiring grad; returns both x.grad."""
    grads = []
    for lib in (bridge, torch):
        x = lib.ones(3, requires_grad=True)
        fn(lib, x)
        grads.append(x.grad)
    return grads


def test_index_assign_on_a_result():
    def f(lib, x):
        y = x * 2
        y[0] = 5.
        assert y.grad_fn.name().endswith("CopySlices")  # torch: torch::autograd::CopySlices
        y.sum().backward()
    b, t = _run(f)
    assert b.tolist() == t.tolist() == [0.0, 2.0, 2.0]


def test_mul_in_place_on_a_slice():
    def f(lib, x):
        y = x * 2
        y[0:2].mul_(3)
        y.sum().backward()
    b, t = _run(f)
    assert b.tolist() == t.tolist() == [6.0, 6.0, 2.0]


def test_copy_sends_the_gradient_to_the_source():
    zs = []

    def f(lib, x):
        z = lib.ones(3, requires_grad=True)
        y = x * 1
        y.copy_(z * 3)
        y.sum().backward()
        zs.append(z.grad)
    b, t = _run(f)
    assert b.tolist() == t.tolist() == [0.0, 0.0, 0.0]
    assert zs[0].tolist() == zs[1].tolist() == [3.0, 3.0, 3.0]


def test_views_made_earlier_follow_the_new_history():
    def f(lib, x):
        y = x * 2
        v = y[1:]
        w = y[0]
        y[0:2].mul_(3)
        (v * lib.tensor([1.0, 10.0]) + w).sum().backward()
    b, t = _run(f)
    assert_same(b, t)


def test_writing_into_a_buffer_a_loop_fills():
    data = np.random.default_rng(3).standard_normal((4, 3))
    b, t = both(data, requires_grad=True)
    for lib, x in ((bridge, b), (torch, t)):
        out = lib.zeros(4, 3, dtype=lib.float64)
        h = lib.zeros(3, dtype=lib.float64)
        for i in range(4):
            h = (x[i] + h).tanh()
            out[i] = h
        (out * out).sum().backward()
    assert_same(b.grad, t.grad)


def test_in_place_through_a_transposed_view_and_nested_views():
    data = np.arange(12.0).reshape(3, 4) / 10
    b, t = both(data, requires_grad=True)
    for lib, x in ((bridge, b), (torch, t)):
        y = x * 1
        y.t()[1:3, 0].mul_(5)
        y[2][1:].add_(y[0][:3].detach())
        z = y[:, ::2]
        z.sin_()
        (y * y).sum().backward()
    assert_same(b.grad, t.grad)


def test_view_of_a_leaf_and_leaf_writes_are_refused():
    for lib in (bridge, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place operation"):
            x[0:2].mul_(2)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            x[0] = 5.
        with lib.no_grad():
            x[0:2].mul_(2)
        assert x.tolist() == [2.0, 2.0, 1.0]


@pytest.mark.parametrize("write", ["add_", "mul_", "setitem", "copy_", "sigmoid_"])
def test_every_stale_saved_tensor_is_caught(write):
    for lib in (bridge, torch):
        x = lib.ones(3, requires_grad=True)
        h = x * 3
        p = h.sigmoid()  # saves its output
        q = p * h        # saves p and h
        if write == "add_":
            p.add_(1)
        elif write == "mul_":
            h[1:].mul_(2)
        elif write == "setitem":
            h[0] = 1.
        elif write == "copy_":
            p.copy_(lib.zeros(3))
        else:
            h.sigmoid_()
        with pytest.raises(RuntimeError, match="one of the variables needed for gradient computation has been modified by an inplace operation"):
            q.sum().backward()


def test_overlapping_writes_are_refused():
    message = ("unsupported operation: more than one element of the written-to tensor refers to a single memory "
               "location. Please clone() the tensor before performing the operation.")
    for lib in (bridge, torch):
        for write in (lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.copy_(lib.ones(2, 3)), lambda t: t.exp_()):
            with pytest.raises(RuntimeError) as info:
                write(lib.zeros(3).expand(2, 3))
            assert str(info.value) == message
        lib.zeros(3).expand(1, 3).add_(1)  # a size-1 dim writes each element once


def test_concurrent_backward_through_a_shared_node_is_exact():
    x = bridge.tensor([1.0, 2.0, 3.0], dtype=bridge.float64, requires_grad=True)
    loss = ((x * 2).sigmoid() ** 2).sum()
    (expected,) = bridge.autograd.grad(loss, x, retain_graph=True)
    threads, rounds = 4, 20
    for trial in range(5):
        x.grad = None
        workers = [threading.Thread(target=lambda: [loss.backward(retain_graph=True) for _ in range(rounds)])
                   for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        np.testing.assert_allclose(x.grad.numpy(), expected.numpy() * threads * rounds, rtol=1e-12)


def test_overwritten_targets_of_cross_entropy_are_caught():
    for lib in (bridge, torch):
        x = lib.tensor([[0.1, 0.2, 0.3], [0.5, -0.5, 0.0]], requires_grad=True)
        target = lib.tensor([1, 2])
        loss = lib.nn.functional.cross_entropy(x, target)
        target.add_(-1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            loss.backward()
