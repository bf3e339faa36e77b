"""bridge.optim: torch.optim's optimizers (updates in the engine, torch 1.13's single-tensor formulas) and
lr_scheduler."""

from .optimizer import Optimizer
from .first_order import SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "LBFGS",
           "lr_scheduler"]
