"""bridge.Tensor's indexing-family and shape methods (gather/scatter, index_*, masks, split, tril, repeat, ...),
kept apart from _tensor.py; bridge.Tensor inherits them."""

from . import _core, _indexing
from ._core import TensorBase


def _dims_arg(dims):
    """flip(0, 1), flip((0, 1)) and flip([0, 1]) all mean the same dims."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return list(dims[0])
    return list(dims)


def _int_list(v):
    return [v] if isinstance(v, int) else list(v)


class ShapeMethods(TensorBase):
    __slots__ = ()

    # ---- gather / scatter / index_* ------------------------------------------------------------------

    def gather(self, dim, index, *, sparse_grad=False):
        """out[i][j] = self[i][index[i][j]] along ``dim`` (and likewise in other dims)."""
        return _core.call("gather", self, dim, index)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        """A copy with ``src`` (a tensor or number) written at the positions ``index`` names along ``dim``."""
        if reduce is not None:
            raise NotImplementedError("bridge: scatter(reduce=...) is not supported; use scatter_add")
        return _core.call("scatter", self, dim, index, _source(src, value))

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        """In-place :meth:`scatter`."""
        if reduce is not None:
            raise NotImplementedError("bridge: scatter_(reduce=...) is not supported; use scatter_add_")
        _core.call("scatter_", self, dim, index, _source(src, value))
        return self

    def scatter_add(self, dim, index, src):
        """A copy with ``src`` added at the positions ``index`` names along ``dim`` (repeats add up)."""
        return _core.call("scatter_add", self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        """In-place :meth:`scatter_add`."""
        _core.call("scatter_add_", self, dim, index, src)
        return self

    def index_select(self, dim, index):
        """The slices at ``index`` (1-D int64) along ``dim``."""
        return _core.call("index_select", self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        """A copy with ``alpha * source`` slices added at ``index`` along ``dim``."""
        return _core.call("index_add", self, dim, index, source, float(alpha))

    def index_add_(self, dim, index, source, *, alpha=1):
        """In-place :meth:`index_add`."""
        _core.call("index_add_", self, dim, index, source, float(alpha))
        return self

    def index_copy(self, dim, index, source):
        """A copy with ``source`` slices written at ``index`` along ``dim``."""
        return _core.call("index_copy", self, dim, index, source)

    def index_copy_(self, dim, index, source):
        """In-place :meth:`index_copy`."""
        _core.call("index_copy_", self, dim, index, source)
        return self

    def index_put(self, indices, values, accumulate=False):
        """A copy with ``self[indices] = values`` (``+=`` with accumulate, repeats adding up)."""
        return _indexing.index_put(self, indices, values, accumulate, in_place=False)

    def index_put_(self, indices, values, accumulate=False):
        """``self[indices] = values`` in place (``+=`` with accumulate, repeats adding up)."""
        return _indexing.index_put(self, indices, values, accumulate, in_place=True)

    def masked_fill(self, mask, value):
        """A copy with ``value`` where ``mask`` (bool, broadcast) is true."""
        return _core.call("masked_fill", self, mask, _fill_value(value))

    def masked_fill_(self, mask, value):
        """In-place :meth:`masked_fill`."""
        _core.call("masked_fill_", self, mask, _fill_value(value))
        return self

    def masked_select(self, mask):
        """The elements where ``mask`` is true, as a 1-D tensor."""
        return _core.call("masked_select", self, mask)

    def nonzero(self, *, as_tuple=False):
        """Positions of the nonzero elements: an [n, dim] int64 tensor, or one 1-D tensor per dim."""
        if as_tuple:
            return tuple(_core.call("nonzero_tuple", self))
        return _core.call("nonzero", self)

    def argwhere(self):
        """Same as ``nonzero()``."""
        return _core.call("nonzero", self)

    def take(self, index):
        """Elements at row-major positions ``index`` of the flattened tensor."""
        return _core.call("take", self, index)

    # ---- splitting and tiling ------------------------------------------------------------------------

    def split(self, split_size_or_sections, dim=0):
        """Views of ``split_size`` along ``dim`` (last one smaller), or of the listed sizes."""
        if isinstance(split_size_or_sections, int):
            return tuple(_core.call("split", self, split_size_or_sections, dim))
        return tuple(_core.call("split_with_sizes", self, list(split_size_or_sections), dim))

    def chunk(self, chunks, dim=0):
        """At most ``chunks`` views of equal size along ``dim`` (last one smaller)."""
        return tuple(_core.call("chunk", self, chunks, dim))

    def unbind(self, dim=0):
        """Every slice along ``dim``, that dim removed."""
        return tuple(_core.call("unbind", self, dim))

    def tril(self, diagonal=0):
        """The lower triangle of the last two dims, zeros above the ``diagonal``-th diagonal."""
        return _core.call("tril", self, diagonal)

    def triu(self, diagonal=0):
        """The upper triangle of the last two dims, zeros below the ``diagonal``-th diagonal."""
        return _core.call("triu", self, diagonal)

    def tril_(self, diagonal=0):
        """In-place :meth:`tril`."""
        _core.call("tril_", self, diagonal)
        return self

    def triu_(self, diagonal=0):
        """In-place :meth:`triu`."""
        _core.call("triu_", self, diagonal)
        return self

    def repeat(self, *sizes):
        """The tensor tiled ``sizes[d]`` times along each dim."""
        return _core.call("repeat", self, _dims_arg(sizes))

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """Each element (or slice along ``dim``) repeated ``repeats`` times (an int or a 1-D tensor)."""
        return _core.call("repeat_interleave", self, repeats, dim)

    def roll(self, shifts, dims=None):
        """Elements shifted along ``dims`` (or the flattened tensor), wrapping around."""
        return _core.call("roll", self, _int_list(shifts), None if dims is None else _int_list(dims))

    def flip(self, *dims):
        """The order of elements reversed along ``dims``."""
        return _core.call("flip", self, _dims_arg(dims))

    def fliplr(self):
        """Reversed along dim 1."""
        return _core.call("flip", self, [1]) if self.dim() >= 2 else _bad("Input must be >= 2-d.")

    def flipud(self):
        """Reversed along dim 0."""
        return _core.call("flip", self, [0]) if self.dim() >= 1 else _bad("Input must be >= 1-d.")

    def movedim(self, source, destination):
        """Dims ``source`` moved to ``destination``; a view."""
        return _core.call("movedim", self, _int_list(source), _int_list(destination))

    moveaxis = movedim

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of the (dim1, dim2) planes as a last dim; a view."""
        return _core.call("diagonal", self, offset, dim1, dim2)

    def diag(self, diagonal=0):
        """A 1-D tensor as a diagonal matrix, or a matrix's diagonal."""
        return _core.call("diag", self, diagonal)

    def outer(self, vec2):
        """Outer product with a 1-D tensor."""
        return _core.call("outer", self, vec2)

    ger = outer

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * (batch1 @ batch2)."""
        return _core.call("baddbmm", self, batch1, batch2, float(beta), float(alpha))

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        """beta * self + alpha * (mat1 @ mat2)."""
        if beta == 1 and alpha == 1:
            return _core.call("addmm", self, mat1, mat2)
        return _core.call("addmm_scaled", self, mat1, mat2, float(beta), float(alpha))


def _source(src, value):
    v = value if src is None else src
    if v is None:
        raise TypeError("scatter() missing 1 required positional argument: 'src' or 'value'")
    return v if isinstance(v, TensorBase) else float(v)


def _fill_value(value):
    if isinstance(value, TensorBase):
        return value
    if isinstance(value, bool):
        return float(value)
    return float(value)


def _bad(message):
    raise RuntimeError(message)
