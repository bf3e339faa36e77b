"""bridge.optim: SGD and Adam; the updates run in the engine (torch 1.13's single-tensor formulas)."""

from .._core import call
from ._copying import OptimizerCopyProtocols


class Optimizer(OptimizerCopyProtocols):  # deepcopy/pickle through state_dict (_copying.py)
    def __init__(self, params, defaults):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        if isinstance(params[0], dict):
            if len(params) != 1:
                raise NotImplementedError("bridge: several parameter groups are not supported")
            group = dict(params[0])
            params = list(group.pop("params"))
            defaults = {**defaults, **group}
        self.defaults = defaults
        self.param_groups = [{"params": params, **defaults}]
        self.state = {}
        self._engine = None

    def _params(self):
        return self.param_groups[0]["params"]

    def zero_grad(self, set_to_none=False):
        call("optimizer_zero_grad", self._engine, bool(set_to_none))

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        call("optimizer_step", self._engine)
        return loss


class SGD(Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        if maximize:
            raise NotImplementedError("bridge: SGD(maximize=True) is not supported")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))
        g = self.param_groups[0]
        self._engine = call("sgd", self._params(), float(g["lr"]), float(g["momentum"]), float(g["dampening"]),
                            float(g["weight_decay"]), bool(g["nesterov"]))


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0 or not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameters: {betas}")
        if amsgrad:
            raise NotImplementedError("bridge: Adam(amsgrad=True) is not supported")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))
        g = self.param_groups[0]
        self._engine = call("adam", self._params(), float(g["lr"]), float(g["betas"][0]), float(g["betas"][1]),
                            float(g["eps"]), float(g["weight_decay"]))


__all__ = ["Optimizer", "SGD", "Adam"]
