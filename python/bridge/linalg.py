"""torch.linalg's norms: vector norms of any order, and the matrix norms that need no decomposition
('fro', 1, -1, inf, -inf). The spectral and nuclear norms (ord 2, -2, 'nuc') need an SVD and raise
NotImplementedError."""

import math

__all__ = ["norm", "vector_norm", "matrix_norm"]


def _out(result, out):
    from ._out import write
    return write(result, out)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm over ``dim`` (all elements when None)."""
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got '{ord}'")
    return _out(x.norm(float(ord), dim, keepdim, dtype), out)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix ``ord``-norm over the two dims ``dim``: 'fro', 1 / -1 (max / min column sum of |A|),
    inf / -inf (max / min row sum)."""
    if A.dim() < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    x = A if dtype is None else A.to(dtype)
    rows, cols = (d % x.dim() for d in dim)
    if ord == "fro":
        return _out(x.norm(2.0, (rows, cols), keepdim), out)
    if ord in (1, -1, math.inf, -math.inf):
        summed, reduced = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = x.abs().sum(summed, keepdim=True)
        result = sums.amax(reduced, keepdim=True) if ord > 0 else sums.amin(reduced, keepdim=True)
        if not keepdim:
            result = result.squeeze(max(rows, cols)).squeeze(min(rows, cols))
        return _out(result, out)
    if ord in (2, -2, "nuc"):
        raise NotImplementedError(f"bridge: linalg.matrix_norm with ord={ord!r} needs an SVD, not implemented")
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: with ``ord`` None the 2-norm (of the flattened tensor when ``dim`` is None); a 1-D
    ``dim`` (or a 1-D tensor) takes a vector norm, a 2-D ``dim`` (or a 2-D tensor) a matrix norm."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype, out=out)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype, out=out)
    if dim is None:
        if A.dim() == 1:
            return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
        if A.dim() == 2:
            return matrix_norm(A, ord, (0, 1), keepdim, dtype=dtype, out=out)
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A.dim()}D.")
    if len(dim) == 1:
        return vector_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
    return matrix_norm(A, ord, dim, keepdim, dtype=dtype, out=out)
