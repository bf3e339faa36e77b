"""bridge.compile: a traced and replayed step computes what the eager step computes, bit for bit (manual SGD on
seed-002's XOR, an MLP with SGD+momentum and with Adam, an inference step), falls back to eager with one warning
naming the guard when inputs change or the step reads data on the host, and does not grow memory over 10k replays.
The eager side is bridge itself run the same way; torch 1.13 checks that the XOR losses are the real ones."""

import os
import struct
import warnings

import pytest
import torch

import bridge


def bits(t):
    return [struct.pack("<d", v) for v in t.detach().double().reshape(-1).tolist()]


def xor_parameters(lib):
    return [lib.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True), lib.tensor([0.2, -0.2], requires_grad=True),
            lib.tensor([[0.1], [-0.4]], requires_grad=True), lib.tensor([0.0], requires_grad=True)]


def xor_step(lib, ps):
    w1, b1, w2, b2 = ps

    def step(x, y):
        for p in ps:
            if p.grad is not None:
                p.grad.data.zero_()
        hidden = lib.relu(x @ w1 + b1)
        output = lib.sigmoid(hidden @ w2 + b2)
        loss = (y - output).pow(2)
        loss.backward()
        with lib.no_grad():
            for p in ps:
                p -= 0.01 * p.grad
        return loss
    return step


X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
Y = [0.0, 1.0, 1.0, 0.0]


def test_xor_training_is_bit_identical_to_eager_and_matches_torch():
    eager_ps, compiled_ps, torch_ps = xor_parameters(bridge), xor_parameters(bridge), xor_parameters(torch)
    eager, torch_step = xor_step(bridge, eager_ps), xor_step(torch, torch_ps)
    compiled = bridge.compile(xor_step(bridge, compiled_ps))
    x, y, tx, ty = bridge.tensor(X), bridge.tensor(Y), torch.tensor(X), torch.tensor(Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for step in range(1000):
            i = step % 4
            expected = eager(x[i], y[i])
            actual = compiled(x[i], y[i])
            assert bits(actual) == bits(expected), f"step {step}"
            reference = torch_step(tx[i], ty[i])
            assert abs(actual.item() - reference.item()) <= 1e-6, f"step {step}: {actual.item()} vs torch {reference.item()}"
    for e, c in zip(eager_ps, compiled_ps):
        assert bits(c) == bits(e)
        assert bits(c.grad) == bits(e.grad)
    assert compiled.state == "traced"
    assert compiled.replays == 998 and compiled.eager_calls == 0
    assert actual.grad_fn is None and not actual.requires_grad


def mlp(seed):
    bridge.manual_seed(seed)
    return bridge.nn.Sequential(bridge.nn.Linear(4, 8), bridge.nn.ReLU(), bridge.nn.Linear(8, 3))


def train_step(model, opt):
    def step(x, y):
        opt.zero_grad()
        loss = bridge.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


@pytest.mark.parametrize("make", [
    lambda ps: bridge.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3),
    lambda ps: bridge.optim.Adam(ps, lr=0.01),
], ids=["sgd_momentum", "adam"])
def test_mlp_training_with_an_optimizer_is_bit_identical_to_eager(make):
    em, cm = mlp(3), mlp(3)
    eager = train_step(em, make(em.parameters()))
    compiled = bridge.compile(train_step(cm, make(cm.parameters())))
    bridge.manual_seed(11)
    xs, ys = bridge.randn(200, 5, 4), bridge.randn(200, 5, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for s in range(200):
            assert bits(compiled(xs[s], ys[s])) == bits(eager(xs[s], ys[s])), f"step {s}"
    for e, c in zip(em.parameters(), cm.parameters()):
        assert bits(c) == bits(e)
    assert compiled.state == "traced" and compiled.replays == 198


def test_inference_step_returns_a_tuple_bit_identical_to_eager():
    model = mlp(5)

    @bridge.compile
    def infer(x):
        logits = model(x)
        return logits, bridge.softmax(logits, dim=1)

    bridge.manual_seed(2)
    with bridge.no_grad():
        for s in range(30):
            x = bridge.randn(16, 4)
            logits, probs = infer(x)
            assert bits(logits) == bits(model(x))
            assert bits(probs) == bits(bridge.softmax(model(x), dim=1))
    assert infer.replays == 28


def test_shape_change_falls_back_with_one_warning_then_replays_again():
    w = bridge.tensor([[1.5, -2.0], [0.25, 3.0]])
    step = bridge.compile(lambda x: bridge.tanh(x @ w) * 2)
    small, big = bridge.tensor([[1.0, 2.0]]), bridge.tensor([[1.0, 2.0], [-1.0, 0.5], [3.0, 4.0]])
    step(small)
    step(small)
    with pytest.warns(UserWarning, match=r"bridge.compile: falling back to eager for this call: input 0's shape changed"):
        out = step(big)
    assert bits(out) == bits(bridge.tanh(big @ w) * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once
        step(big)
        assert bits(step(small)) == bits(bridge.tanh(small @ w) * 2)
    assert step.eager_calls == 2 and step.replays == 1 and "shape" in step.fallback_reason


def test_item_in_control_flow_keeps_the_step_eager_with_a_warning():
    w = bridge.tensor([1.0], requires_grad=True)

    @bridge.compile
    def step(x):
        y = (x * w).sum()
        return y * 2 if y.item() > 0 else y * -1

    assert step(bridge.tensor([1.0])).item() == 2.0
    with pytest.warns(UserWarning, match=r"runs eagerly: .*Tensor.Item"):
        assert step(bridge.tensor([1.0])).item() == 2.0
    assert step(bridge.tensor([-1.0])).item() == 1.0  # the other branch: the step is eager
    assert step.state == "eager" and step.replays == 0


def test_exceptions_of_the_step_reach_the_caller():
    def step(x):
        raise ValueError("boom")
    compiled = bridge.compile(step)
    with pytest.raises(ValueError, match="boom"):
        compiled(bridge.ones(2))
    with pytest.raises(TypeError, match="input 0 must be a Tensor"):
        compiled(3.0)
    compiled.close()
    with pytest.raises(RuntimeError, match="closed"):
        compiled(bridge.ones(2))


def rss_mib():
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def test_ten_thousand_replays_do_not_grow_memory():
    ps = xor_parameters(bridge)
    compiled = bridge.compile(xor_step(bridge, ps))
    xs, ys = [bridge.tensor(r) for r in X], [bridge.tensor(v) for v in Y]
    for s in range(10_000):
        compiled(xs[s % 4], ys[s % 4])
    bridge._collect()
    before = rss_mib()
    for s in range(10_000):
        compiled(xs[s % 4], ys[s % 4])
    bridge._collect()
    assert rss_mib() - before < 2.0
    assert compiled.replays == 19_998
    compiled.close()
