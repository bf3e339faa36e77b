"""Backward gives memory back as torch 1.13's engine does: without retain_graph each node's saved tensors go as soon as
its backward has run, gradients once consumed; a second backward then raises torch's error, retain_graph=True keeps the
graph, and every tensor user code still holds (saved inputs and outputs, views of them, the gradient passed in, a hook's
tensors, retained and returned gradients) stays valid. Values and errors are compared with torch live."""

import os

import numpy as np
import pytest

import bridge
import torch
from helpers import assert_same, both

RNG = np.random.default_rng(22)


def test_second_backward_raises_torchs_error_and_retain_graph_keeps_the_graph():
    data = RNG.standard_normal((64, 64))
    messages, grads = [], []
    for lib, x in zip((bridge, torch), both(data, requires_grad=True)):
        loss = ((x * 2).exp() * x.sin()).sum()
        loss.backward(retain_graph=True)
        loss.backward()  # the graph was kept: this pass accumulates a second time
        grads.append(x.grad)
        with pytest.raises(RuntimeError) as e:
            loss.backward()
        messages.append(str(e.value))
    assert_same(grads[0], grads[1])
    assert messages[0] == messages[1]


def test_autograd_grad_second_call_raises_torchs_error():
    messages = []
    for lib, x in zip((bridge, torch), both(RNG.standard_normal(8), requires_grad=True)):
        y = (x.tanh() * x).sum()
        lib.autograd.grad(y, x)
        with pytest.raises(RuntimeError) as e:
            lib.autograd.grad(y, x)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def test_tensors_the_user_holds_stay_valid_after_backward():
    data = RNG.standard_normal((64, 64))
    held = []
    for lib, x in zip((bridge, torch), both(data, requires_grad=True)):
        a = x * 2            # saved by the product below
        view = a[3]          # a view of a saved tensor
        b = a * a
        y = (b * 0.1).exp()  # saves its own output
        g = lib.full((64, 64), 0.25, dtype=lib.float64)
        y.backward(g)
        held.append((a, view, b, y, g, x.grad))
    for mine, theirs in zip(*held):
        assert_same(mine, theirs)


def test_a_gradient_passed_on_unchanged_stays_the_callers():
    grads = []
    for lib, x in zip((bridge, torch), both(np.ones((64, 64)), requires_grad=True)):
        g = lib.full((4096,), 0.5, dtype=lib.float64)
        x.reshape(4096).backward(g)  # the leaf gets a view of g
        h = lib.full((64, 64), 2.0, dtype=lib.float64)
        (x + 0.0).backward(h)
        grads.append(x.grad)
        if lib is bridge:  # torch's AccumulateGrad may keep that view as x.grad and add h into g; bridge copies
            assert g.tolist() == [0.5] * 4096 and h.sum().item() == 2.0 * 4096
    assert_same(grads[0], grads[1])


def test_hooks_see_valid_gradients_and_their_results_survive():
    data = RNG.standard_normal((64, 64))
    results = []
    for lib, x in zip((bridge, torch), both(data, requires_grad=True)):
        seen = []
        a = x.sin()
        a.retain_grad()
        b = a * a
        b.register_hook(lambda g: seen.append(g) or None)  # keeps b's gradient past the pass
        replacement = lib.full((64, 64), 3.0, dtype=lib.float64)
        c = b.exp()
        c.register_hook(lambda g: replacement)               # c's gradient becomes the caller's tensor
        c.sum().backward()
        results.append((seen[0], replacement, a.grad, x.grad))
    assert_same(results[0], results[1])


def test_autograd_grad_results_outlive_the_pass():
    data = RNG.standard_normal((64, 64))
    results = []
    for lib, x in zip((bridge, torch), both(data, requires_grad=True)):
        a = x * 2
        loss = (a * a + x).sum()  # x's gradient: the ones passed through the sum, plus 2a·2
        results.append(lib.autograd.grad(loss, [a, x]))
    assert_same(results[0], results[1])
    assert results[0][0].grad_fn is None


def test_one_gradient_sent_to_two_inputs_survives_the_first_consumer():
    data = RNG.standard_normal((64, 64))
    grads = []
    for lib, x in zip((bridge, torch), both(data, requires_grad=True)):
        y = x.sin() + x.cos()
        (y * y).sum().backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1])


def test_custom_function_returning_a_saved_tensor_as_its_gradient():
    grads = []
    for lib, x in zip((bridge, torch), both(np.ones((64, 64)), requires_grad=True)):
        class SavedAsGradient(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(lib.full_like(x, 3.0))
                return x * 3

            @staticmethod
            def backward(ctx, g):
                return ctx.saved_tensors[0]

        SavedAsGradient.apply(x).sum().backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1])


def _hwm_growth_mib(run):
    """MiB the process's peak resident set grows by while run() executes (after resetting the peak mark)."""
    def status(field):
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
        raise RuntimeError(field)
    base = status("VmRSS:")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    run()
    return status("VmHWM:") - base


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="needs Linux's /proc/self/clear_refs to reset the peak mark")
def test_backward_frees_saved_tensors_and_gradients_as_it_goes():
    # A chain of 16 exp over 4 MiB: forward leaves 16 saved outputs (64 MiB) that only the graph holds. Releasing each
    # node's saved output, and each gradient once used, lets backward run in the blocks forward freed (about 20 blocks
    # at the peak); keeping them to the end of the pass needs two more blocks per link for the gradients (about 50).
    # An odd size, so that no block an earlier test left in the pool's cache is reused.
    n, links = (1 << 19) + 4096 + 8, 16

    def chain(lib):
        x = lib.full((n,), 0.01, dtype=lib.float64, requires_grad=True)
        y = x
        for _ in range(links):
            y = (y * 0.5).exp()
        y.sum().backward()
        return x.grad

    grads = []
    bridge_growth = _hwm_growth_mib(lambda: grads.append(chain(bridge)))
    torch_growth = _hwm_growth_mib(lambda: grads.append(chain(torch)))
    assert_same(grads[0], grads[1])
    block = n * 8 / 2 ** 20
    assert bridge_growth < (links + 8) * block, f"bridge grew {bridge_growth:.0f} MiB (torch {torch_growth:.0f} MiB)"
