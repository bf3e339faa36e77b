"""bridge.nn: modules, parameters and functional ops with torch.nn's names."""

from . import functional
from .modules import (CrossEntropyLoss, Dropout, Flatten, Identity, Linear, LogSoftmax, Module, ModuleList,
                      MSELoss, NLLLoss, ReLU, Sequential, Sigmoid, Softmax, Tanh)
from .parameter import Parameter
from . import parallel
from . import utils
from .sequence import GELU, Embedding, LayerNorm
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .transformer import (MultiheadAttention, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)

__all__ = ["functional", "Module", "Parameter", "Linear", "Sequential", "ModuleList", "ReLU", "Sigmoid", "Tanh",
           "Identity", "Flatten", "Softmax", "LogSoftmax", "Dropout", "MSELoss", "CrossEntropyLoss", "NLLLoss"]
__all__ += ["utils", "Embedding", "LayerNorm", "GELU", "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell",
            "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder",
            "Transformer"]
