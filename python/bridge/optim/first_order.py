"""torch.optim's first-order optimizers: torch 1.13's defaults, checks and state layout; the update of each
parameter is the engine's (``optim_<name>``, Bridge.Optim.Updates), line for line torch's single-tensor code."""

from .._core import call
from .optimizer import Optimizer, required


def _zeros_like(p):
    from .. import zeros_like
    return zeros_like(p)


def _step_tensor():
    from .. import float32, tensor
    return tensor(0.0, dtype=float32)


def _check(ok, message):
    if not ok:
        raise ValueError(message)


def _check_adam_family(lr, eps, betas, weight_decay):
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov, weight decay and maximize."""

    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False):
        if lr is not required and lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _after_load(self):
        super()._after_load()
        for group in self.param_groups:
            for key, value in (("nesterov", False), ("maximize", False), ("foreach", None), ("differentiable", False)):
                group.setdefault(key, value)

    def _update(self, group, p, grad, state):
        buf = state.get("momentum_buffer")
        new = call("optim_sgd", p, grad, buf, float(group["lr"]), float(group["momentum"]), float(group["dampening"]),
                   float(group["weight_decay"]), bool(group["nesterov"]), bool(group["maximize"]))
        state["momentum_buffer"] = buf if (buf is not None and new is not None) else new


class Adam(Optimizer):
    """Adam (amsgrad, maximize); AdamW subclasses it with decoupled weight decay."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=False):
        _check_adam_family(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def _after_load(self):
        super()._after_load()
        self._steps_as_tensors()

    def _update(self, group, p, grad, state):
        amsgrad = bool(group["amsgrad"])
        if len(state) == 0:
            state["step"] = _step_tensor()
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
            if amsgrad:
                state["max_exp_avg_sq"] = _zeros_like(p)
        beta1, beta2 = group["betas"]
        call("optim_adam", p, grad, state["exp_avg"], state["exp_avg_sq"], state["max_exp_avg_sq"] if amsgrad else None,
             state["step"], float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
             float(group["weight_decay"]), amsgrad, bool(group["maximize"]), self._decoupled)


class AdamW(Adam):
    """Adam with decoupled weight decay: param *= 1 - lr * weight_decay before the Adam step."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False):
        _check_adam_family(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, foreach=foreach,
                        maximize=maximize, capturable=capturable)
        Optimizer.__init__(self, params, defaults)


class RMSprop(Optimizer):
    """RMSprop (plain, centered, with momentum)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 foreach=None, maximize=False, differentiable=False):
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, group, p, grad, state):
        momentum, centered = float(group["momentum"]), bool(group["centered"])
        if len(state) == 0:
            state["step"] = 0
            state["square_avg"] = _zeros_like(p)
            if momentum > 0:
                state["momentum_buffer"] = _zeros_like(p)
            if centered:
                state["grad_avg"] = _zeros_like(p)
        state["step"] += 1
        call("optim_rmsprop", p, grad, state["square_avg"], state.get("grad_avg") if centered else None,
             state.get("momentum_buffer") if momentum > 0 else None, float(group["lr"]), float(group["alpha"]),
             float(group["eps"]), float(group["weight_decay"]), momentum, centered, bool(group["maximize"]))


class Adagrad(Optimizer):
    """Adagrad (dense gradients); like torch's, its state exists from construction."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False):
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= initial_accumulator_value,
               f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)
        from .. import full_like
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = _step_tensor()
                state["sum"] = full_like(p, float(group["initial_accumulator_value"]))

    def _after_load(self):
        super()._after_load()
        self._steps_as_tensors()

    def _update(self, group, p, grad, state):
        call("optim_adagrad", p, grad, state["sum"], state["step"], float(group["lr"]), float(group["weight_decay"]),
             float(group["lr_decay"]), float(group["eps"]), bool(group["maximize"]))


class Adadelta(Optimizer):
    """Adadelta."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, maximize=False):
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach)
        super().__init__(params, defaults)

    def _update(self, group, p, grad, state):
        if len(state) == 0:
            state["step"] = 0
            state["square_avg"] = _zeros_like(p)
            state["acc_delta"] = _zeros_like(p)
        state["step"] += 1
        call("optim_adadelta", p, grad, state["square_avg"], state["acc_delta"], float(group["lr"]),
             float(group["rho"]), float(group["eps"]), float(group["weight_decay"]), bool(group["maximize"]))


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False):
        _check_adam_family(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _after_load(self):
        super()._after_load()
        self._steps_as_tensors()

    def _update(self, group, p, grad, state):
        if len(state) == 0:
            state["step"] = _step_tensor()
            state["exp_avg"] = _zeros_like(p)
            state["exp_inf"] = _zeros_like(p)
        beta1, beta2 = group["betas"]
        call("optim_adamax", p, grad, state["exp_avg"], state["exp_inf"], state["step"], float(group["lr"]),
             float(beta1), float(beta2), float(group["eps"]), float(group["weight_decay"]), bool(group["maximize"]))


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum and momentum decay)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 foreach=None):
        _check_adam_family(lr, eps, betas, weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        foreach=foreach)
        super().__init__(params, defaults)

    def _after_load(self):
        super()._after_load()
        self._steps_as_tensors()

    def _update(self, group, p, grad, state):
        if len(state) == 0:
            from .. import tensor
            state["step"] = _step_tensor()
            state["mu_product"] = tensor(1.0)
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
        beta1, beta2 = group["betas"]
        call("optim_nadam", p, grad, state["exp_avg"], state["exp_avg_sq"], state["mu_product"], state["step"],
             float(group["lr"]), float(beta1), float(beta2), float(group["eps"]), float(group["weight_decay"]),
             float(group["momentum_decay"]))


class RAdam(Optimizer):
    """RAdam (rectified Adam)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None):
        _check_adam_family(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach)
        super().__init__(params, defaults)

    def _after_load(self):
        super()._after_load()
        self._steps_as_tensors()

    def _update(self, group, p, grad, state):
        if len(state) == 0:
            state["step"] = _step_tensor()
            state["exp_avg"] = _zeros_like(p)
            state["exp_avg_sq"] = _zeros_like(p)
        beta1, beta2 = group["betas"]
        call("optim_radam", p, grad, state["exp_avg"], state["exp_avg_sq"], state["step"], float(group["lr"]),
             float(beta1), float(beta2), float(group["eps"]), float(group["weight_decay"]))
