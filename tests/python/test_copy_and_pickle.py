"""copy.copy, copy.deepcopy and pickle of tensors, Parameters and Modules behave as torch's (issue 15)."""

import copy
import pickle
import subprocess
import sys

import pytest

import bridge


def test_deepcopy_owns_its_memory_and_keeps_class_grad_and_requires_grad():
    p = bridge.nn.Parameter(bridge.ones(3))
    (p * 2).sum().backward()
    q = copy.deepcopy(p)
    assert type(q) is bridge.nn.Parameter and q.requires_grad and q.is_leaf
    assert q.grad.tolist() == [2.0, 2.0, 2.0]
    with bridge.no_grad():
        q.add_(1)
    assert p.tolist() == [1.0, 1.0, 1.0] and q.tolist() == [2.0, 2.0, 2.0]
    del p  # the copy does not share the original's handle
    assert q.sum().item() == 6.0


def test_deepcopy_of_a_model_is_independent_of_the_original():
    bridge.manual_seed(0)
    model = bridge.nn.Sequential(bridge.nn.Linear(2, 3), bridge.nn.ReLU(), bridge.nn.Linear(3, 1))
    twin = copy.deepcopy(model)
    before = model[0].weight.tolist()
    with bridge.no_grad():
        twin[0].weight.fill_(5.0)
    assert model[0].weight.tolist() == before
    del model
    assert twin(bridge.ones(1, 2)).shape == (1, 1)


def test_deepcopy_of_a_non_leaf_that_requires_grad_is_refused_as_in_torch():
    x = bridge.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)


def test_shallow_copy_shares_memory_as_torchs_does():
    x = bridge.zeros(3)
    y = copy.copy(x)
    y.add_(1)
    assert x.tolist() == [1.0, 1.0, 1.0]


def test_pickles_carry_the_data_into_another_process():
    t = bridge.arange(6).reshape(2, 3).float()
    p = bridge.nn.Parameter(bridge.full((2,), 0.5))
    blob = pickle.dumps({"t": t, "p": p, "i": bridge.tensor([1, -2]), "b": bridge.tensor([True, False])})
    back = pickle.loads(blob)
    assert back["t"].tolist() == t.tolist() and back["t"].dtype == bridge.float32
    assert type(back["p"]) is bridge.nn.Parameter and back["p"].requires_grad
    assert back["i"].dtype == bridge.int64 and back["b"].dtype == bridge.bool
    code = ("import pickle, sys, bridge; d = pickle.loads(sys.stdin.buffer.read()); "
            "print(d['t'].sum().item(), d['p'].tolist(), d['i'].tolist())")
    out = subprocess.run([sys.executable, "-c", code], input=blob, capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().split("\n")[0] == "15.0 [0.5, 0.5] [1, -2]"


def test_a_module_pickles_and_loads_with_its_weights():
    bridge.manual_seed(1)
    model = bridge.nn.Linear(3, 2)
    again = pickle.loads(pickle.dumps(model))
    assert again.weight.tolist() == model.weight.tolist()
    x = bridge.ones(1, 3)
    assert again(x).tolist() == model(x).tolist()


def _train(model, opt, steps=3):
    for i in range(steps):
        opt.zero_grad()
        loss = (model(bridge.full((2, 3), 0.5 + i)) ** 2).sum()
        loss.backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def _optimizers(params):
    return [bridge.optim.SGD(params, lr=0.1, momentum=0.9), bridge.optim.Adam(params, lr=0.01)]


@pytest.mark.parametrize("which", [0, 1])
def test_optimizers_deepcopy_and_pickle_with_their_state_or_refuse_clearly(which):
    import numpy as np
    bridge.manual_seed(0)
    model = bridge.nn.Linear(3, 2)
    opt = _optimizers(list(model.parameters()))[which]
    _train(model, opt)
    if not hasattr(opt, "state_dict"):
        # this build's optimizers keep their state only in the engine: copying must say so, never share it
        with pytest.raises(TypeError, match="state_dict"):
            copy.deepcopy(opt)
        with pytest.raises(TypeError, match="state_dict"):
            pickle.dumps(opt)
        return
    twin_model, twin_opt = copy.deepcopy((model, opt))
    assert twin_opt.param_groups[0]["params"][0] is twin_model.weight  # the copy steps the copied model
    restored_model, restored_opt = pickle.loads(pickle.dumps((model, opt)))
    want = _train(model, opt)
    for m, o in ((twin_model, twin_opt), (restored_model, restored_opt)):
        for got, expected in zip(_train(m, o), want):
            np.testing.assert_allclose(got, expected, rtol=1e-6)


class _MomentumSGD(bridge.optim.Optimizer):
    """An optimizer with Python-side state and torch's state_dict layout, to test the generic copy protocol."""

    def __init__(self, params, lr=0.1, momentum=0.9):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    def zero_grad(self, set_to_none=False):
        for p in self.param_groups[0]["params"]:
            p.grad = None

    def step(self, closure=None):
        g = self.param_groups[0]
        with bridge.no_grad():
            for i, p in enumerate(g["params"]):
                buf = self.state.setdefault(i, bridge.zeros_like(p))
                buf.mul_(g["momentum"]).add_(p.grad)
                p.sub_(buf * g["lr"])

    def state_dict(self):
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        return {"state": {i: b.clone() for i, b in self.state.items()}, "param_groups": groups}

    def load_state_dict(self, state_dict):
        self.state = {i: b.clone() for i, b in state_dict["state"].items()}


def test_an_optimizer_with_state_dict_deepcopies_and_pickles_its_state():
    import numpy as np
    bridge.manual_seed(0)
    model = bridge.nn.Linear(3, 2)
    opt = _MomentumSGD(list(model.parameters()), lr=0.05)
    _train(model, opt)
    twin_model, twin_opt = copy.deepcopy((model, opt))
    assert twin_opt.param_groups[0]["params"][0] is twin_model.weight and twin_opt.param_groups[0]["lr"] == 0.05
    assert twin_opt.state[0].data_ptr() != opt.state[0].data_ptr()  # the copy owns its momentum
    restored_model, restored_opt = pickle.loads(pickle.dumps((model, opt)))
    want = _train(model, opt)
    for m, o in ((twin_model, twin_opt), (restored_model, restored_opt)):
        for got, expected in zip(_train(m, o), want):
            np.testing.assert_allclose(got, expected, rtol=1e-6)
