"""torch.optim.lr_scheduler against torch 1.13 live: the same lr (and momentum/beta1) sequences, number for
number, and state_dict round trips."""

import warnings

import pytest
import torch

import bridge


def _opt(module, name="SGD", groups=2):
    params = [module.zeros(2, requires_grad=True) for _ in range(groups)]
    kwargs = dict(lr=0.1, momentum=0.9) if name == "SGD" else dict(lr=0.1)
    return getattr(module.optim, name)([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)], **kwargs)


def _scale(epoch):
    return 0.95 ** epoch


SCHEDULERS = {
    "lambda": lambda m, o: m.optim.lr_scheduler.LambdaLR(o, _scale),
    "multiplicative": lambda m, o: m.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.9),
    "step": lambda m, o: m.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3),
    "multistep": lambda m, o: m.optim.lr_scheduler.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.5),
    "constant": lambda m, o: m.optim.lr_scheduler.ConstantLR(o, factor=0.25, total_iters=6),
    "linear": lambda m, o: m.optim.lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=13),
    "exponential": lambda m, o: m.optim.lr_scheduler.ExponentialLR(o, gamma=0.93),
    "cosine": lambda m, o: m.optim.lr_scheduler.CosineAnnealingLR(o, T_max=11, eta_min=0.001),
    "warm_restarts": lambda m, o: m.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-4),
    "cyclic": lambda m, o: m.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=6),
    "cyclic_tri2": lambda m, o: m.optim.lr_scheduler.CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=3, mode="triangular2"),
    "cyclic_exp": lambda m, o: m.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97),
    "onecycle": lambda m, o: m.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=60),
    "onecycle_linear_3": lambda m, o: m.optim.lr_scheduler.OneCycleLR(o, max_lr=[0.5, 1.0], epochs=4, steps_per_epoch=15,
                                                                      anneal_strategy="linear", three_phase=True),
    "polynomial": lambda m, o: m.optim.lr_scheduler.PolynomialLR(o, total_iters=20, power=2.0),
    "sequential": lambda m, o: m.optim.lr_scheduler.SequentialLR(o, [
        m.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=5),
        m.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30)], milestones=[5]),
    "chained": lambda m, o: m.optim.lr_scheduler.ChainedScheduler([
        m.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
        m.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)]),
}


def _sequence(module, make, optimizer="SGD", steps=59):
    opt = _opt(module, optimizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = make(module, opt)
    out = [(sched.get_last_lr(), [g.get("momentum", g.get("betas")) for g in opt.param_groups])]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append((sched.get_last_lr(), [g.get("momentum", g.get("betas")) for g in opt.param_groups]))
    return out


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_lr_sequence_matches_torch_exactly(name):
    assert _sequence(bridge, SCHEDULERS[name]) == _sequence(torch, SCHEDULERS[name])


@pytest.mark.parametrize("name", ["onecycle", "cosine", "step"])
def test_with_adamw_betas_match_torch(name):
    assert _sequence(bridge, SCHEDULERS[name], "AdamW") == _sequence(torch, SCHEDULERS[name], "AdamW")


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.91, 0.92, 0.4, 0.41, 0.42]
    runs = []
    for module in (bridge, torch):
        opt = _opt(module)
        sched = module.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1, min_lr=[0.01, 0.02])
        lrs = []
        for m in metrics * 3:
            opt.step()
            sched.step(m)
            lrs.append([g["lr"] for g in opt.param_groups])
        runs.append((lrs, sched.best, sched.num_bad_epochs))
    assert runs[0] == runs[1]


def test_state_dict_resumes_the_sequence():
    opt = _opt(bridge)
    sched = bridge.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    for _ in range(4):
        opt.step()
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 4
    opt2 = _opt(bridge)
    opt2.load_state_dict(opt.state_dict())  # the groups' lr and initial_lr travel with the optimizer
    sched2 = bridge.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=10, last_epoch=3)
    sched2.load_state_dict(state)
    opt2.load_state_dict(opt.state_dict())
    for _ in range(5):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        assert sched.get_last_lr() == sched2.get_last_lr()


def test_bad_arguments_raise_like_torch():
    for module in (bridge, torch):
        opt = _opt(module)
        with pytest.raises(ValueError, match="Expected positive integer total_steps"):
            module.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=0)
        with pytest.raises(TypeError, match="is not an Optimizer"):
            module.optim.lr_scheduler.StepLR(object(), 3)
        with pytest.raises(ValueError, match="Factor should be < 1.0"):
            module.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
    opt = _opt(bridge)
    sched = bridge.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=2)
    opt.step()
    sched.step()
    opt.step()
    sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        sched.step()
