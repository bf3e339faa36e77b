"""RNN, LSTM, GRU and their cells: torch's parameter names and order; the recurrence and the init draws run in the engine."""

import inspect
import math
import numbers
import warnings

from .._core import call
from .modules import Module
from .parameter import Parameter
from .utils.rnn import PackedSequence


def _default_dtype(dtype):
    from .._functions import get_default_dtype
    return dtype or get_default_dtype()


class RNNBase(Module):
    """Shared body: weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, U(-1/sqrt(H), 1/sqrt(H)) in that order."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False,
                 proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                          f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero" if isinstance(hidden_size, int)
                             else f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        directions = 2 if bidirectional else 1
        names = []
        for layer in range(num_layers):
            for d in range(directions):
                suffix = "_reverse" if d == 1 else ""
                names += [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                if proj_size > 0:
                    names += [f"weight_hr_l{layer}{suffix}"]
        tensors = call("rnn_init", mode, int(input_size), int(hidden_size), int(num_layers), bool(bias), bool(bidirectional),
                       _default_dtype(dtype), int(proj_size))
        self._flat_weights_names = names
        for name, t in zip(names, tensors):
            setattr(self, name, Parameter._adopt(t))
        if device is not None:
            self.to(device)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters per layer and direction: ``[[weight_ih, weight_hh, bias_ih, bias_hh], ...]``."""
        per = (4 if self.bias else 2) + (1 if self.proj_size > 0 else 0)
        flat = self._flat_weights
        return [flat[i:i + per] for i in range(0, len(flat), per)]

    def _run(self, input, h0, c0):
        if isinstance(input, PackedSequence):
            data, h, c = call("rnn_packed", self.mode, input.data, [int(x) for x in input.batch_sizes.tolist()], input.sorted_indices,
                              input.unsorted_indices, h0, c0, self._flat_weights, self.bias, self.num_layers, self.dropout,
                              self.training, self.bidirectional)
            return PackedSequence(data, input.batch_sizes, input.sorted_indices, input.unsorted_indices), h, c
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2-D or 3-D but received {input.dim()}-D tensor")
        return tuple(call("rnn", self.mode, input, h0, c0, self._flat_weights, self.bias, self.num_layers, self.dropout, self.training,
                          self.bidirectional, self.batch_first))

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def flatten_parameters(self):
        """A no-op kept for torch compatibility (cuDNN's weight layout does not apply here)."""


class RNN(RNNBase):
    """Elman RNN with tanh or ReLU: h_t = tanh(x_t W_ihᵀ + b_ih + h_(t-1) W_hhᵀ + b_hh); returns (output, h_n).

    Shapes: input [L, N, H_in] ([N, L, H_in] with ``batch_first``, [L, H_in] unbatched) or a PackedSequence;
    hx and h_n [D * num_layers, N, H_out], zeros if omitted (D = 2 when ``bidirectional``); output [L, N, D * H_out].
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.nonlinearity = kwargs.pop("nonlinearity", "tanh") if len(args) < 4 else args[3]
        if len(args) > 3:
            args = args[:3] + args[4:]
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def __setattr__(self, name, value):
        if name == "nonlinearity" and "_parameters" not in self.__dict__:
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def forward(self, input, hx=None):
        output, h, _ = self._run(input, hx, None)
        return output, h


class LSTM(RNNBase):
    """LSTM (gates i, f, g, o): returns (output, (h_n, c_n)).

    Shapes: input [L, N, H_in] ([N, L, H_in] with ``batch_first``, [L, H_in] unbatched) or a PackedSequence;
    hx = (h_0, c_0), h_n and c_n [D * num_layers, N, H_out], zeros if omitted (D = 2 when ``bidirectional``);
    output [L, N, D * H_out]. With ``proj_size`` > 0, H_out is proj_size for h (c keeps hidden_size).
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        h0, c0 = (None, None) if hx is None else hx
        output, h, c = self._run(input, h0, c0)
        return output, (h, c)


class GRU(RNNBase):
    """GRU (gates r, z, n): returns (output, h_n).

    Shapes: input [L, N, H_in] ([N, L, H_in] with ``batch_first``, [L, H_in] unbatched) or a PackedSequence;
    hx and h_n [D * num_layers, N, H_out], zeros if omitted (D = 2 when ``bidirectional``); output [L, N, D * H_out].
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        output, h, _ = self._run(input, hx, None)
        return output, h


class RNNCellBase(Module):
    """weight_ih [chunks*H, I], weight_hh [chunks*H, H], bias_ih, bias_hh; U(-1/sqrt(H), 1/sqrt(H)) in that order."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        w_ih, w_hh, b_ih, b_hh = call("rnn_cell_init", int(num_chunks), int(input_size), int(hidden_size), bool(bias), _default_dtype(dtype))
        self.weight_ih = Parameter._adopt(w_ih)
        self.weight_hh = Parameter._adopt(w_hh)
        if bias:
            self.bias_ih = Parameter._adopt(b_ih)
            self.bias_hh = Parameter._adopt(b_hh)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        if device is not None:
            self.to(device)

    def __setattr__(self, name, value):
        if name == "bias" and isinstance(value, bool):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = self.__dict__.get("nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or ReLU). Input [N, I] (or [I]), hx [N, H]
    (zeros if None); returns h' [N, H]."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        object.__setattr__(self, "nonlinearity", nonlinearity)
        if nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {nonlinearity}")

    def forward(self, input, hx=None):
        return call("rnn_cell", input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity)


class LSTMCell(RNNCellBase):
    """One LSTM step: input [N, I] (or [I]), hx a pair (h, c) of [N, H] (zeros if None); returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        h, c = (None, None) if hx is None else hx
        return tuple(call("lstm_cell", input, h, c, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh))


class GRUCell(RNNCellBase):
    """One GRU step: input [N, I] (or [I]), hx [N, H] (zeros if None); returns h' [N, H]."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        return call("gru_cell", input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


# torch documents these parameters; RNN, LSTM and GRU take (*args, **kwargs) as torch's do (RNN's fourth positional
# argument is nonlinearity), so help() and IDEs are shown the documented signature instead.
def _rnn_parameters(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                    dropout=0.0, bidirectional=False, device=None, dtype=None):
    """RNN's parameters."""


def _lstm_parameters(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                     bidirectional=False, proj_size=0, device=None, dtype=None):
    """LSTM's parameters."""


def _gru_parameters(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                    bidirectional=False, device=None, dtype=None):
    """GRU's parameters."""


RNN.__init__.__signature__ = inspect.signature(_rnn_parameters)
LSTM.__init__.__signature__ = inspect.signature(_lstm_parameters)
GRU.__init__.__signature__ = inspect.signature(_gru_parameters)


del math
