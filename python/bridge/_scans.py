"""Running extremes, logcumsumexp, searchsorted/bucketize and quantiles (src/Tensor/Ops/Tensor.Scans.cs and
Tensor.Quantile.cs): torch's functions and Tensor methods over the engine's ops."""

import collections

from ._core import call, TensorBase
from ._out import write as _out

__all__ = ["cummax", "cummin", "logcumsumexp", "searchsorted", "bucketize", "quantile", "nanquantile"]

cummax_result = collections.namedtuple("cummax", ["values", "indices"])
cummin_result = collections.namedtuple("cummin", ["values", "indices"])


def _q(q, like):
    """q as a tensor of the input's dtype (a float q is a 0-d tensor, so the result has no q dim)."""
    if isinstance(q, TensorBase):
        return q
    from ._functions import tensor
    return tensor(q, dtype=like.dtype, device=like.device)


class ScanMethods:
    """The Tensor methods of the scans, searches and quantiles."""
    __slots__ = ()

    def cummax(self, dim):
        """Running maximum along ``dim`` and its indices (ties and NaN take the later index)."""
        return cummax_result(*call("cummax", self, int(dim)))

    def cummin(self, dim):
        """Running minimum along ``dim`` and its indices (ties and NaN take the later index)."""
        return cummin_result(*call("cummin", self, int(dim)))

    def logcumsumexp(self, dim):
        """log of the running sum of exp along ``dim``, without overflow."""
        return call("logcumsumexp", self, int(dim))

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """The q-th quantiles (a line holding NaN gives NaN); a 1-D q puts its dim first."""
        return call("quantile", self, _q(q, self), None if dim is None else int(dim), bool(keepdim), str(interpolation))

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """The q-th quantiles of the elements that are not NaN."""
        return call("nanquantile", self, _q(q, self), None if dim is None else int(dim), bool(keepdim), str(interpolation))


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and its indices."""
    return _out(input.cummax(dim), out)


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and its indices."""
    return _out(input.cummin(dim), out)


def logcumsumexp(input, dim, *, out=None):
    """log of the running sum of exp along ``dim``."""
    return _out(input.logcumsumexp(dim), out)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Where each value of ``input`` would be inserted in the sorted innermost dim of ``sorted_sequence``."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    if sorter is not None:
        sorted_sequence = sorted_sequence.gather(-1, sorter)
    if not isinstance(input, TensorBase):
        from ._functions import tensor
        input = tensor(input, dtype=sorted_sequence.dtype)
    return _out(call("searchsorted", sorted_sequence, input, bool(out_int32), bool(right)), out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each element among the sorted 1-D ``boundaries``."""
    if boundaries.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of all elements or along ``dim``."""
    return _out(input.quantile(q, dim, keepdim, interpolation=interpolation), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles, skipping NaN."""
    return _out(input.nanquantile(q, dim, keepdim, interpolation=interpolation), out)
