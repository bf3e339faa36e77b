"""torch.optim's optimizers against torch 1.13, step for step: the same gradients in, bit-identical parameters
out (the engine rounds add(alpha)/addcmul/addcdiv as torch's CPU kernels do); parameter groups, options changed
between steps, and state_dict moved between the runtimes in both directions."""

import math

import numpy as np
import pytest
import torch

import bridge

SHAPES = [(5, 3), (17,), ()]  # a matrix, a vector with an odd tail, a scalar


def _initial(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def _grad(values, step, k):
    # a gradient that depends on the parameter (so any drift would grow) and changes sign over time
    return (np.sin(3 * values) + 0.3 * np.cos(step + k) + 0.01 * values).astype(values.dtype)


def _torch_params(init):
    return [torch.tensor(a, requires_grad=True) for a in init]


def _bridge_params(init):
    return [bridge.tensor(a.copy(), requires_grad=True) for a in init]


def _run(opt, params, runtime, steps, start=0, closure_change=None):
    for step in range(start, start + steps):
        if closure_change is not None:
            closure_change(opt, step)
        for k, p in enumerate(params):
            g = _grad(p.detach().numpy(), step, k)
            p.grad = (torch if runtime == "torch" else bridge).tensor(g)
        opt.step()


CASES = {
    "sgd": ("SGD", dict(lr=0.1)),
    "sgd_momentum": ("SGD", dict(lr=0.05, momentum=0.9)),
    "sgd_dampening_wd": ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov_maximize": ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    "adam": ("Adam", dict(lr=0.01)),
    "adam_wd_betas": ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)),
    "adam_amsgrad": ("Adam", dict(lr=0.02, amsgrad=True)),
    "adam_maximize": ("Adam", dict(lr=0.01, maximize=True, eps=1e-6)),
    "adamw": ("AdamW", dict(lr=0.01)),
    "adamw_amsgrad_wd": ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    "adamw_maximize": ("AdamW", dict(lr=0.01, maximize=True)),
    "rmsprop": ("RMSprop", dict(lr=0.01)),
    "rmsprop_centered": ("RMSprop", dict(lr=0.01, centered=True)),
    "rmsprop_momentum_wd": ("RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.01)),
    "rmsprop_all": ("RMSprop", dict(lr=0.005, alpha=0.9, centered=True, momentum=0.5, maximize=True)),
    "adagrad": ("Adagrad", dict(lr=0.1)),
    "adagrad_decay": ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    "adadelta": ("Adadelta", dict()),
    "adadelta_wd": ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1, maximize=True)),
    "adamax": ("Adamax", dict()),
    "adamax_wd": ("Adamax", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    "nadam": ("NAdam", dict()),
    "nadam_wd": ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    "radam": ("RAdam", dict()),
    "radam_wd": ("RAdam", dict(lr=0.01, weight_decay=0.1, betas=(0.9, 0.99))),
}


def _assert_identical(bp, tp):
    for b, t in zip(bp, tp):
        np.testing.assert_array_equal(b.detach().numpy(), t.detach().numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_matches_torch_bitwise_over_many_steps(case, dtype):
    name, kwargs = CASES[case]
    init = _initial(dtype)
    tp, bp = _torch_params(init), _bridge_params(init)
    ot, ob = getattr(torch.optim, name)(tp, **kwargs), getattr(bridge.optim, name)(bp, **kwargs)
    _run(ot, tp, "torch", 40)
    _run(ob, bp, "bridge", 40)
    _assert_identical(bp, tp)
    # the state has torch's keys and values
    st, sb = ot.state_dict(), ob.state_dict()
    assert st["param_groups"] == sb["param_groups"]
    assert st["state"].keys() == sb["state"].keys()
    for k in st["state"]:
        assert st["state"][k].keys() == sb["state"][k].keys()
        for key, v in st["state"][k].items():
            w = sb["state"][k][key]
            if isinstance(v, torch.Tensor):
                assert str(v.dtype).split(".")[-1] == str(w.dtype).split(".")[-1]
                np.testing.assert_array_equal(w.numpy(), v.numpy())
            else:
                assert v == w


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_param_groups_and_lr_changed_between_steps(name):
    init = _initial(np.float32, seed=1)
    tp, bp = _torch_params(init), _bridge_params(init)
    extra = dict(momentum=0.9) if name in ("SGD", "RMSprop") else {}

    def groups(ps):
        return [{"params": ps[:1], "lr": 0.05}, {"params": ps[1:2], "weight_decay": 0.1}]

    ot = getattr(torch.optim, name)(groups(tp), lr=0.01, **extra)
    ob = getattr(bridge.optim, name)(groups(bp), lr=0.01, **extra)
    ot.add_param_group({"params": tp[2:], "lr": 0.001})
    ob.add_param_group({"params": bp[2:], "lr": 0.001})

    def change(opt, step):
        if step == 10:
            opt.param_groups[0]["lr"] = 0.2
            opt.param_groups[2]["lr"] *= 3

    _run(ot, tp, "torch", 25, closure_change=change)
    _run(ob, bp, "bridge", 25, closure_change=change)
    _assert_identical(bp, tp)
    assert ot.state_dict()["param_groups"] == ob.state_dict()["param_groups"]


def _to_bridge(value):
    if isinstance(value, torch.Tensor):
        return bridge.tensor(value.numpy())
    if isinstance(value, dict):
        return {k: _to_bridge(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_bridge(v) for v in value]
    return value


def _to_torch(value):
    if isinstance(value, bridge.Tensor):
        return torch.tensor(value.numpy())
    if isinstance(value, dict):
        return {k: _to_torch(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_torch(v) for v in value]
    return value


@pytest.mark.parametrize("case", ["sgd_momentum", "adam_amsgrad", "adamw", "rmsprop_all", "adagrad_decay",
                                  "adadelta", "adamax", "nadam", "radam"])
def test_state_dict_resumes_across_runtimes(case):
    name, kwargs = CASES[case]
    init = _initial(np.float32, seed=2)
    # reference: torch, 20 steps uninterrupted
    ref = _torch_params(init)
    oref = getattr(torch.optim, name)(ref, **kwargs)
    _run(oref, ref, "torch", 20)

    # torch 10 steps -> bridge 10 steps
    tp = _torch_params(init)
    ot = getattr(torch.optim, name)(tp, **kwargs)
    _run(ot, tp, "torch", 10)
    bp = _bridge_params([p.detach().numpy() for p in tp])
    ob = getattr(bridge.optim, name)(bp, **kwargs)
    ob.load_state_dict(_to_bridge(ot.state_dict()))
    _run(ob, bp, "bridge", 10, start=10)
    _assert_identical(bp, ref)

    # bridge 10 steps -> torch 10 steps
    bp = _bridge_params(init)
    ob = getattr(bridge.optim, name)(bp, **kwargs)
    _run(ob, bp, "bridge", 10)
    tp = _torch_params([p.detach().numpy() for p in bp])
    ot = getattr(torch.optim, name)(tp, **kwargs)
    ot.load_state_dict(_to_torch(ob.state_dict()))
    _run(ot, tp, "torch", 10, start=10)
    _assert_identical(tp, ref)


def test_load_state_dict_checks_groups_like_torch():
    p = bridge.zeros(3, requires_grad=True)
    q = bridge.zeros(3, requires_grad=True)
    opt = bridge.optim.Adam([p])
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0, 1], "lr": 0.1}]})
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})
    opt.add_param_group({"params": [q], "lr": 0.5})
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["betas"] == (0.9, 0.999)


@pytest.mark.parametrize("make, message", [
    (lambda m, ps: m.optim.SGD(ps, lr=-1), "Invalid learning rate: -1"),
    (lambda m, ps: m.optim.Adam(ps, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
    (lambda m, ps: m.optim.AdamW(ps, eps=-1.0), "Invalid epsilon value: -1.0"),
    (lambda m, ps: m.optim.RMSprop(ps, alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda m, ps: m.optim.Adadelta(ps, rho=1.5), "Invalid rho value: 1.5"),
    (lambda m, ps: m.optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda m, ps: m.optim.SGD([], lr=0.1), "empty parameter list"),
])
def test_bad_options_raise_torchs_errors(make, message):
    for module in (torch, bridge):
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            make(module, [module.zeros(2, requires_grad=True)] if "empty" not in message else [])


def test_sgd_requires_lr_and_zero_grad():
    p = bridge.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        bridge.optim.SGD([p])
    opt = bridge.optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad()
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad(set_to_none=True)
    assert p.grad is None
    assert repr(opt) == repr(torch.optim.SGD([torch.ones(3, requires_grad=True)], lr=0.1))


def test_adagrad_state_exists_from_construction_like_torch():
    opt = bridge.optim.Adagrad([bridge.zeros(2, requires_grad=True)], initial_accumulator_value=0.5)
    state = opt.state_dict()["state"][0]
    assert state["step"].item() == 0.0 and state["sum"].tolist() == [0.5, 0.5]


def test_training_a_model_with_adamw_matches_torch():
    bridge.manual_seed(0)
    torch.manual_seed(0)
    b = bridge.nn.Sequential(bridge.nn.Linear(4, 8), bridge.nn.Tanh(), bridge.nn.Linear(8, 1))
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    ob, ot = bridge.optim.AdamW(b.parameters(), lr=0.01), torch.optim.AdamW(t.parameters(), lr=0.01)
    x = np.linspace(-1, 1, 64, dtype=np.float32).reshape(16, 4)
    y = np.sin(x.sum(1, keepdims=True))
    for _ in range(30):
        for opt, model, mod in ((ob, b, bridge), (ot, t, torch)):
            opt.zero_grad()
            loss = ((model(mod.tensor(x)) - mod.tensor(y)) ** 2).mean()
            loss.backward()
            opt.step()
    for pb, pt in zip(b.parameters(), t.parameters()):
        np.testing.assert_allclose(pb.detach().numpy(), pt.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert math.isfinite(loss.item())


def test_optimizer_pickles_and_deepcopies_with_its_state():
    import copy
    import pickle
    ps = [bridge.tensor([1.0, 2.0], requires_grad=True)]
    opt = bridge.optim.AdamW(ps, lr=0.1)
    sched = bridge.optim.lr_scheduler.StepLR(opt, 2)
    ps[0].grad = bridge.tensor([0.5, -0.5])
    opt.step()
    sched.step()
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert clone.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
        (state,) = clone.state.values()
        assert state["exp_avg"].tolist() == opt.state[ps[0]]["exp_avg"].tolist()
        assert state["step"].item() == 1.0
