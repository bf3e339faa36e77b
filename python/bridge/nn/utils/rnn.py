"""torch.nn.utils.rnn: packing variable-length batches for the recurrent layers (packing runs in the engine)."""

import collections

from ..._core import call


class PackedSequence(collections.namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Time steps of sequences sorted longest first, back to back in ``data``; step t holds ``batch_sizes[t]`` rows."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same packed sequence with ``data`` moved or cast as :meth:`Tensor.to` does (self if nothing changes)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    @property
    def is_cuda(self):
        """Whether ``data`` is on a CUDA device."""
        return self.data.is_cuda


def _invert(indices):
    from ..._functions import tensor
    order = indices.tolist()
    inverse = [0] * len(order)
    for i, j in enumerate(order):
        inverse[j] = i
    return tensor(inverse)


def _lengths_list(lengths):
    if hasattr(lengths, "tolist"):
        return [int(x) for x in lengths.tolist()]
    return [int(x) for x in lengths]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch ([T, B, *] or [B, T, *]) of sequences of the given lengths; sorts it when ``enforce_sorted`` is False."""
    data, batch_sizes, sorted_indices, unsorted_indices = call("pack_padded_sequence", input, _lengths_list(lengths),
                                                               bool(batch_first), bool(enforce_sorted))
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undoes pack_padded_sequence: (padded batch, lengths as an int64 tensor), in the original batch order."""
    if total_length is not None and total_length < len(sequence.batch_sizes):
        raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but got "
                         f"total_length={total_length} and max sequence length being {len(sequence.batch_sizes)}")
    padded, lengths = call("pad_packed_sequence", sequence.data, _lengths_list(sequence.batch_sizes), sequence.sorted_indices,
                           sequence.unsorted_indices, bool(batch_first), float(padding_value),
                           None if total_length is None else int(total_length))
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    """Stacks variable-length tensors [L_i, *] into [max L, B, *] (or [B, max L, *]), padding with ``padding_value``."""
    from ..._functions import cat, full, stack
    longest = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        missing = longest - s.shape[0]
        rows.append(s if missing == 0 else cat([s, full((missing,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype)], 0))
    return stack(rows, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence(pad_sequence(sequences), lengths)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence"]
