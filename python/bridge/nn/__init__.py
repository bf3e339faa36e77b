"""bridge.nn: modules, parameters and functional ops with torch.nn's names."""

from . import functional
from .modules import (CrossEntropyLoss, Dropout, Flatten, Identity, Linear, LogSoftmax, Module, ModuleList,
                      MSELoss, NLLLoss, ReLU, Sequential, Sigmoid, Softmax, Tanh)
from .parameter import Parameter
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Dropout2d, Fold, GroupNorm, MaxPool1d,
                      MaxPool2d, Unfold, Upsample)
from . import parallel

__all__ = ["functional", "Module", "Parameter", "Linear", "Sequential", "ModuleList", "ReLU", "Sigmoid", "Tanh",
           "Identity", "Flatten", "Softmax", "LogSoftmax", "Dropout", "MSELoss", "CrossEntropyLoss", "NLLLoss",
           "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
           "BatchNorm1d", "BatchNorm2d", "GroupNorm", "Dropout2d", "Upsample", "Unfold", "Fold"]
