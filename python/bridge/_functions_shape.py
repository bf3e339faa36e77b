"""torch-level forms of the indexing-family and shape ops (torch.gather, torch.split, torch.einsum, ...)."""

from . import _core
from ._core import TensorBase

__all__ = ["gather", "scatter", "scatter_add", "index_select", "index_add", "index_copy", "index_put", "masked_fill",
           "masked_select", "nonzero", "argwhere", "take", "split", "chunk", "unbind", "tril", "triu",
           "repeat_interleave", "roll", "flip", "fliplr", "flipud", "movedim", "moveaxis", "diagonal", "diag", "outer",
           "ger", "einsum", "baddbmm", "tensordot", "tril_indices", "triu_indices"]


def gather(input, dim, index, *, sparse_grad=False):
    """out[i][j] = input[i][index[i][j]] along ``dim``."""
    return input.gather(dim, index)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of input with ``src`` written at ``index`` along ``dim``."""
    return input.scatter(dim, index, src, value=value, reduce=reduce)


def scatter_add(input, dim, index, src):
    """A copy of input with ``src`` added at ``index`` along ``dim``."""
    return input.scatter_add(dim, index, src)


def index_select(input, dim, index):
    """The slices at ``index`` along ``dim``."""
    return input.index_select(dim, index)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy with ``alpha * source`` added at ``index`` along ``dim``."""
    return input.index_add(dim, index, source, alpha=alpha)


def index_copy(input, dim, index, source):
    """A copy with ``source`` written at ``index`` along ``dim``."""
    return input.index_copy(dim, index, source)


def index_put(input, indices, values, accumulate=False):
    """A copy with ``input[indices] = values`` (``+=`` with accumulate)."""
    return input.index_put(indices, values, accumulate)


def masked_fill(input, mask, value):
    """A copy with ``value`` where ``mask`` is true."""
    return input.masked_fill(mask, value)


def masked_select(input, mask):
    """The elements where ``mask`` is true, 1-D."""
    return input.masked_select(mask)


def nonzero(input, *, as_tuple=False):
    """Positions of the nonzero elements."""
    return input.nonzero(as_tuple=as_tuple)


def argwhere(input):
    """Positions of the nonzero elements, [n, dim]."""
    return input.nonzero()


def take(input, index):
    """Elements at row-major positions of the flattened input."""
    return input.take(index)


def split(tensor, split_size_or_sections, dim=0):
    """Views of ``split_size`` (or the listed sizes) along ``dim``."""
    return tensor.split(split_size_or_sections, dim)


def chunk(input, chunks, dim=0):
    """At most ``chunks`` equal views along ``dim``."""
    return input.chunk(chunks, dim)


def unbind(input, dim=0):
    """Every slice along ``dim``."""
    return input.unbind(dim)


def tril(input, diagonal=0):
    """Lower triangle of the last two dims."""
    return input.tril(diagonal)


def triu(input, diagonal=0):
    """Upper triangle of the last two dims."""
    return input.triu(diagonal)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Elements repeated; ``repeat_interleave(repeats)`` alone gives each index i repeats[i] times."""
    if repeats is None:
        return _core.call("repeat_interleave_counts", input)
    return input.repeat_interleave(repeats, dim)


def roll(input, shifts, dims=None):
    """Elements shifted with wrap-around."""
    return input.roll(shifts, dims)


def flip(input, dims):
    """Reversed along ``dims``."""
    return input.flip(dims)


def fliplr(input):
    """Reversed along dim 1."""
    return input.fliplr()


def flipud(input):
    """Reversed along dim 0."""
    return input.flipud()


def movedim(input, source, destination):
    """Dims moved; a view."""
    return input.movedim(source, destination)


moveaxis = movedim


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A diagonal as a last dim; a view."""
    return input.diagonal(offset, dim1, dim2)


def diag(input, diagonal=0):
    """A vector as a diagonal matrix, or a matrix's diagonal."""
    return input.diag(diagonal)


def outer(input, vec2):
    """Outer product of two 1-D tensors."""
    return input.outer(vec2)


ger = outer


def einsum(equation, *operands):
    """Einstein summation: ``einsum("bij,bjk->bik", a, b)``; operands may also come as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return _core.call("einsum", equation, list(operands))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * (batch1 @ batch2)."""
    return input.baddbmm(batch1, batch2, beta=beta, alpha=alpha)


def tensordot(a, b, dims=2):
    """Sums products over the last ``dims`` dims of a and the first of b, or over two lists of dims."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.dim() - dims, a.dim())), list(range(dims))
    elif isinstance(dims, TensorBase):
        return tensordot(a, b, dims.tolist())
    else:
        da, db = dims
        da, db = ([da], [db]) if isinstance(da, int) else (list(da), list(db))
    return _core.call("tensordot", a, b, da, db)


def tril_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """The (row, col) positions of the lower triangle, row-major, as a [2, n] int64 tensor."""
    return _triangle_indices(row, col, offset, True, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device="cpu"):
    """The (row, col) positions of the upper triangle, row-major, as a [2, n] int64 tensor."""
    return _triangle_indices(row, col, offset, False, dtype)


def _triangle_indices(row, col, offset, lower, dtype):
    from ._functions import ones
    from ._dtype import bool_
    m = ones(row, col, dtype=bool_)
    m = m.tril(offset) if lower else m.triu(offset)
    t = m.nonzero().t().contiguous()
    return t if dtype is None else t.to(dtype)
