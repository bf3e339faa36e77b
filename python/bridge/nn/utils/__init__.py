"""torch.nn.utils: recurrent-sequence packing (rnn)."""

from . import rnn

__all__ = ["rnn"]
