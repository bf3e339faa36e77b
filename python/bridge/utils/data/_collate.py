"""torch.utils.data's default_collate and default_convert (torch 1.13's rules)."""

import collections.abc
import re

from ..._core import TensorBase

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")


def _is_numpy(elem_type):
    return elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_")


def default_convert(data):
    """NumPy arrays (inside sequences, mappings, namedtuples) become tensors; everything else is left as is."""
    from ... import as_tensor
    elem_type = type(data)
    if isinstance(data, TensorBase):
        return data
    if _is_numpy(elem_type):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """Stacks a list of samples into a batch: tensors are stacked along a new first dim, NumPy arrays become
    tensors first, floats a float64 tensor, ints an int64 tensor, strings stay a list; dicts, namedtuples and
    sequences are collated field by field (tuples and lists come back as lists)."""
    from ... import as_tensor, float64, stack, tensor
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, TensorBase):
        return stack(list(batch), 0)
    if _is_numpy(elem_type):
        if elem_type.__name__ in ("ndarray", "memmap"):
            if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
                raise TypeError(default_collate_err_msg_format.format(elem.dtype))
            return default_collate([as_tensor(b) for b in batch])
        if elem.shape == ():  # NumPy scalars keep their dtype, as torch.as_tensor keeps it
            import numpy as np
            return as_tensor(np.asarray(batch))
    elif isinstance(elem, float):
        return tensor(batch, dtype=float64)
    elif isinstance(elem, int):
        return tensor(batch)
    elif isinstance(elem, (str, bytes)):
        return batch
    elif isinstance(elem, collections.abc.Mapping):
        try:
            return elem_type({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    elif isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    elif isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            return elem_type([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))
