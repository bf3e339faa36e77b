"""bridge.nn: modules, parameters and functional ops with torch.nn's names."""

from . import functional
from .modules import (CrossEntropyLoss, Dropout, Flatten, Identity, Linear, LogSoftmax, Module, ModuleList,
                      MSELoss, NLLLoss, ReLU, Sequential, Sigmoid, Softmax, Tanh)
from .parameter import Parameter
from . import parallel

__all__ = ["functional", "Module", "Parameter", "Linear", "Sequential", "ModuleList", "ReLU", "Sigmoid", "Tanh",
           "Identity", "Flatten", "Softmax", "LogSoftmax", "Dropout", "MSELoss", "CrossEntropyLoss", "NLLLoss"]
