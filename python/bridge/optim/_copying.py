"""copy.deepcopy and pickle of optimizers, as torch's (issue #15).

An optimizer's Python object holds an engine object (its update rule and state, such as momentum buffers); copying
that handle would make two optimizers share one state, and a pickle would carry a number meaningless elsewhere. So an
optimizer copies and pickles as what torch saves of it: its class, hyperparameters, parameter groups (the parameters
themselves, which a deep copy of a model and its optimizer together maps onto the model's copies) and its
``state_dict()``; unpickling constructs it afresh and loads that state. This works for any optimizer whose constructor
takes torch's arguments (``params`` and the keys of ``defaults``) and that has ``state_dict``/``load_state_dict``.
"""

import inspect


class OptimizerCopyProtocols:
    """Mixed into bridge.optim.Optimizer."""

    def __getstate__(self):
        if not callable(getattr(self, "state_dict", None)) or not callable(getattr(self, "load_state_dict", None)):
            raise TypeError(f"cannot copy or pickle a bridge {type(self).__name__}: its state lives in the engine and "
                            "this optimizer has no state_dict()/load_state_dict() to carry it")
        return {"defaults": dict(self.defaults), "param_groups": [dict(g) for g in self.param_groups],
                "optimizer_state": self.state_dict()}

    def __setstate__(self, state):
        cls = type(self)
        accepted = inspect.signature(cls.__init__).parameters
        kwargs = {k: v for k, v in state["defaults"].items() if k in accepted and k != "params"}
        cls.__init__(self, [dict(g) for g in state["param_groups"]], **kwargs)
        self.load_state_dict(state["optimizer_state"])
