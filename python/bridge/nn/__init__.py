"""bridge.nn: modules, parameters and functional ops with torch.nn's names."""

from . import functional
from . import init
from .module import Module
from .modules import Dropout, Linear, ReLU, Sigmoid, Tanh
from .containers import (Flatten, Identity, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential,
                         Unflatten)
from .activation import (ELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU6, SiLU, Softmax,
                         Softplus, Softsign, Tanhshrink)
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MarginRankingLoss, MSELoss, NLLLoss, SmoothL1Loss)
from .parameter import Parameter
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import (AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Dropout2d, Fold, GroupNorm, MaxPool1d,
                      MaxPool2d, Unfold, Upsample)
from . import parallel
from . import utils
from .sequence import GELU, Embedding, LayerNorm
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)

__all__ = ["functional", "init", "utils", "Module", "Parameter", "Linear", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ParameterDict", "ReLU", "Sigmoid", "Tanh", "Identity", "Flatten", "Unflatten", "Softmax",
           "LogSoftmax", "Dropout", "SiLU", "LeakyReLU", "ELU", "Softplus", "Hardtanh", "Hardswish", "Hardsigmoid", "ReLU6", "LogSigmoid", "Mish",
           "Softsign", "Tanhshrink", "PReLU", "MSELoss", "CrossEntropyLoss", "NLLLoss", "L1Loss", "SmoothL1Loss",
           "HuberLoss", "KLDivLoss", "BCELoss", "BCEWithLogitsLoss", "CosineEmbeddingLoss", "MarginRankingLoss",
           "Conv1d", "Conv2d", "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
           "BatchNorm1d", "BatchNorm2d", "GroupNorm", "Dropout2d", "Upsample", "Unfold", "Fold",
           "Embedding", "LayerNorm", "GELU", "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell",
           "GRUCell", "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
           "TransformerDecoder", "Transformer"]
