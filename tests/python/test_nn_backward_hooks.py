"""Module full backward hooks (register_full_backward_hook) against torch 1.13 live: the same model in both libraries,
comparing what the hooks receive, when they fire, what their replacements do and the errors. The backward pre-hook is
torch 2.0's API (1.13 lacks it): it is checked against hand-computed gradients."""

import numpy as np
import pytest
import torch

import bridge


def _arr(g):
    return None if g is None else g.detach().numpy().copy()


def _record(log, tag):
    def hook(module, grad_input, grad_output):
        log.append((tag, tuple(_arr(g) for g in grad_input), tuple(_arr(g) for g in grad_output)))
    return hook


def _assert_logs_equal(got, want):
    assert [e[0] for e in got] == [e[0] for e in want]
    for (_, gi_b, go_b), (_, gi_t, go_t) in zip(got, want):
        for b, t in zip(gi_b + go_b, gi_t + go_t):
            assert (b is None) == (t is None)
            if t is not None:
                np.testing.assert_allclose(b, t, rtol=1e-5, atol=1e-6)
        assert len(gi_b) == len(gi_t) and len(go_b) == len(go_t)


def _mlp(lib):
    lib.manual_seed(3)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))


@pytest.mark.parametrize("input_requires_grad", [True, False])
def test_hooks_receive_torchs_gradients_in_torchs_order(input_requires_grad):
    logs = {}
    for lib in (bridge, torch):
        model = _mlp(lib)
        log = logs[lib.__name__] = []
        for i, child in enumerate(model):
            child.register_full_backward_hook(_record(log, f"child{i}"))
        model.register_full_backward_hook(_record(log, "seq"))
        x = lib.linspace(-1, 1, 15).reshape(5, 3).requires_grad_(input_requires_grad)
        model(x).pow(2).sum().backward()
    _assert_logs_equal(logs["bridge"], logs["torch"])
    # with the input needing no gradient, torch runs the outer hook first (as soon as grad_output is known)
    assert logs["torch"][0][0] == ("child2" if input_requires_grad else "seq")


def test_multi_argument_module_packs_none_for_non_tensors_and_zeros_for_tensors_without_grad():
    logs = {}
    for lib in (bridge, torch):
        class TwoOut(lib.nn.Module):
            def forward(self, a, b, c):
                return a * b * c, a + 2 * b

        log = logs[lib.__name__] = []
        m = TwoOut()
        m.register_full_backward_hook(_record(log, "m"))
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        o1, o2 = m(a, b, 5)
        (o1.sum() * 2 + o2.sum()).backward()
        o1, o2 = m(a, b, 5)
        o1.sum().backward()  # o2 unused: its grad_output entry is None
    _assert_logs_equal(logs["bridge"], logs["torch"])
    assert logs["bridge"][1][2][1] is None and logs["bridge"][0][1][2] is None


def test_hook_result_replaces_grad_input():
    grads = {}
    for lib in (bridge, torch):
        model = _mlp(lib)
        model[2].register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
        x = lib.ones(2, 3, requires_grad=True)
        model(x).sum().backward()
        grads[lib.__name__] = (_arr(x.grad), _arr(model[0].weight.grad), _arr(model[2].weight.grad))
    for b, t in zip(grads["bridge"], grads["torch"]):
        np.testing.assert_allclose(b, t, rtol=1e-5, atol=1e-6)


def test_hooks_run_in_registration_order_and_chain_replacements_and_remove():
    for lib in (bridge, torch):
        lin = lib.nn.Linear(2, 2)
        order = []
        h1 = lin.register_full_backward_hook(lambda m, gi, go: order.append(1) or (gi[0] + 1,))
        lin.register_full_backward_hook(lambda m, gi, go: order.append((2, float(gi[0].sum()))))
        x = lib.zeros(1, 2, requires_grad=True)
        lin(x).sum().backward()
        h1.remove()
        lin(x).sum().backward()
        plain = float(lin.weight.sum(0).sum())
        assert order[0] == 1 and order[1][0] == 2 and abs(order[1][1] - (plain + 2)) < 1e-5
        assert len(order) == 3 and order[2][0] == 2 and abs(order[2][1] - plain) < 1e-5, lib.__name__


@pytest.mark.parametrize("case", ["wrong_count", "no_input_grad_returns_tensor"])
def test_errors_match_torch(case):
    messages = {}
    for lib in (bridge, torch):
        if case == "wrong_count":
            class TwoIn(lib.nn.Module):
                def forward(self, a, b):
                    return a * b

            m = TwoIn()
            m.register_full_backward_hook(lambda mod, gi, go: (gi[0],))
            args = (lib.ones(2, requires_grad=True), lib.ones(2))
        else:
            m = lib.nn.Linear(3, 2)
            m.register_full_backward_hook(lambda mod, gi, go: (lib.ones(1),))
            args = (lib.ones(2, 3),)
        with pytest.raises(RuntimeError) as info:
            m(*args).sum().backward()
        messages[lib.__name__] = str(info.value)
    assert messages["torch"] in messages["bridge"]


def test_in_place_on_hooked_output_raises_torchs_error():
    messages = {}
    for lib in (bridge, torch):
        lin = lib.nn.Linear(3, 2)
        lin.register_full_backward_hook(lambda m, gi, go: None)
        y = lin(lib.ones(1, 3))
        assert y.grad_fn.name() == "BackwardHookFunctionBackward"
        with pytest.raises(RuntimeError) as info:
            y.add_(1)
        messages[lib.__name__] = str(info.value)
        y2 = lin(lib.ones(1, 3)).clone()
        y2.add_(1)  # a clone is writable
    assert messages["bridge"] == messages["torch"]
    assert messages["torch"].startswith("Output 0 of BackwardHookFunctionBackward is a view")


def test_no_hooks_fire_under_no_grad_and_hook_survives_state_dict_round_trip():
    lin = bridge.nn.Linear(2, 2)
    fired = []
    lin.register_full_backward_hook(lambda m, gi, go: fired.append(1))
    with bridge.no_grad():
        y = lin(bridge.ones(1, 2))
    assert y.grad_fn is None and not fired


def test_backward_pre_hook_replaces_grad_output_hand_computed():
    # y = W x + b with W = [[1, 2]], b = 0, x = [3, 4] (requires grad); loss = 5 * y. grad_output = 5.
    lin = bridge.nn.Linear(2, 1)
    with bridge.no_grad():
        lin.weight.copy_(bridge.tensor([[1.0, 2.0]]))
        lin.bias.zero_()
    seen = []
    lin.register_full_backward_pre_hook(lambda m, go: seen.append(("pre", float(go[0].sum()))) or (go[0] * 2,))
    lin.register_full_backward_pre_hook(lambda m, go: seen.append(("first", float(go[0].sum()))), prepend=True)
    lin.register_full_backward_hook(lambda m, gi, go: seen.append(("full", gi[0].tolist(), float(go[0].sum()))))
    x = bridge.tensor([[3.0, 4.0]], requires_grad=True)
    (lin(x) * 5).sum().backward()
    # the pre-hook doubled grad_output to 10: dL/dW = 10 x, dL/db = 10, dL/dx = 10 W; the full hook sees the new 10
    assert seen == [("first", 5.0), ("pre", 5.0), ("full", [[10.0, 20.0]], 10.0)]
    assert lin.weight.grad.tolist() == [[30.0, 40.0]] and lin.bias.grad.tolist() == [10.0]
    assert x.grad.tolist() == [[10.0, 20.0]]


def test_backward_pre_hook_alone_and_its_errors():
    lin = bridge.nn.Linear(2, 1)
    handle = lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 0,))
    lin(bridge.ones(1, 2)).sum().backward()
    assert lin.weight.grad.abs().sum().item() == 0  # the module's own backward saw the zeroed grad_output
    handle.remove()
    lin.weight.grad = None
    lin(bridge.ones(1, 2)).sum().backward()
    assert lin.weight.grad.tolist() == [[1.0, 1.0]]
    lin.register_full_backward_pre_hook(lambda m, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of grad_output, got 2, but expected 1"):
        lin(bridge.ones(1, 2)).sum().backward()
    assert not hasattr(torch.nn.Module, "register_full_backward_pre_hook")  # torch 1.13: the API is 2.0's
