"""Functional forms of tensor methods: bridge.sum(x) is x.sum(), as in torch. Kept apart because their
names (sum, max, abs, all ...) would shadow Python builtins in any module that defines them. The declared
elementwise ops (exp, tanh, ...) have their functions generated in _declared.py."""

__all__ = ["clamp", "clip", "sum", "mean", "max", "min", "argmax", "argmin", "softmax", "log_softmax",
           "mm", "bmm", "dot", "mv", "transpose", "reshape", "flatten", "squeeze", "unsqueeze", "permute",
           "t", "numel", "clone", "detach", "pow", "add", "sub", "mul", "div", "eq", "ne", "lt", "le", "gt", "ge",
           "maximum", "minimum", "narrow", "select", "equal"]




def clamp(input, min=None, max=None):
    """Limits each element to [min, max] (either bound may be None)."""
    return input.clamp(min, max)


clip = clamp


def sum(input, dim=None, keepdim=False, dtype=None):
    """Sum of all elements, or over ``dim`` (an int or a tuple of ints)."""
    return input.sum(dim, keepdim, dtype)


def mean(input, dim=None, keepdim=False, dtype=None):
    """Mean of all elements, or over ``dim`` (floating-point inputs only)."""
    return input.mean(dim, keepdim, dtype)


def max(input, dim=None, keepdim=False):
    """Largest element; with ``dim``, a (values, indices) pair; with a tensor, the elementwise maximum."""
    return input.max(dim, keepdim)


def min(input, dim=None, keepdim=False):
    """Smallest element; with ``dim``, a (values, indices) pair; with a tensor, the elementwise minimum."""
    return input.min(dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    """Index of the first largest element (flat, or along ``dim``)."""
    return input.argmax(dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """Index of the first smallest element (flat, or along ``dim``)."""
    return input.argmin(dim, keepdim)


def softmax(input, dim):
    """exp(x) / sum(exp(x)) along ``dim``, computed stably."""
    return input.softmax(dim)


def log_softmax(input, dim):
    """log(softmax(x)) along ``dim``, computed stably."""
    return input.log_softmax(dim)


def mm(input, mat2):
    """Matrix product of two 2-D tensors."""
    return input.mm(mat2)




def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors."""
    return input.bmm(mat2)


def dot(input, other):
    """Inner product of two 1-D tensors."""
    return input.dot(other)


def mv(input, vec):
    """Product of a matrix and a vector."""
    return input.mv(vec)


def transpose(input, dim0, dim1):
    """A view with dims ``dim0`` and ``dim1`` swapped."""
    return input.transpose(dim0, dim1)


def reshape(input, shape):
    """The elements in a new shape: a view when the layout allows, else a copy."""
    return input.reshape(shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Dims ``start_dim`` to ``end_dim`` merged into one."""
    return input.flatten(start_dim, end_dim)


def squeeze(input, dim=None):
    """Removes dims of size 1 (all of them, or just ``dim``)."""
    return input.squeeze() if dim is None else input.squeeze(dim)


def unsqueeze(input, dim):
    """Inserts a dim of size 1 at ``dim``."""
    return input.unsqueeze(dim)


def permute(input, dims):
    """A view with the dims reordered."""
    return input.permute(*dims)


def t(input):
    """Transpose of a tensor of at most 2 dims."""
    return input.t()


def numel(input):
    """Number of elements."""
    return input.numel()


def clone(input):
    """A copy with its own memory (recorded by autograd)."""
    return input.clone()


def detach(input):
    """A view sharing memory that autograd does not track."""
    return input.detach()


def pow(input, exponent):
    """x raised to ``exponent`` (a number or a tensor), elementwise."""
    return input.pow(exponent)


def add(input, other, alpha=1, out=None):
    """input + alpha * other, broadcast; ``out`` receives the result without autograd."""
    return input.add(other, alpha=alpha, out=out)


def sub(input, other, alpha=1, out=None):
    """input - alpha * other, broadcast."""
    return input.sub(other, alpha=alpha, out=out)


def mul(input, other, out=None):
    """input * other, broadcast."""
    return input.mul(other, out=out)


def div(input, other, out=None):
    """input / other, broadcast (true division)."""
    return input.div(other, out=out)


def eq(input, other):
    """input == other as a bool tensor."""
    return input.eq(other)


def ne(input, other):
    """input != other as a bool tensor."""
    return input.ne(other)


def lt(input, other):
    """input < other as a bool tensor."""
    return input.lt(other)


def le(input, other):
    """input <= other as a bool tensor."""
    return input.le(other)


def gt(input, other):
    """input > other as a bool tensor."""
    return input.gt(other)


def ge(input, other):
    """input >= other as a bool tensor."""
    return input.ge(other)


def maximum(input, other):
    """Elementwise maximum (NaN propagates)."""
    return input.maximum(other)


def minimum(input, other):
    """Elementwise minimum (NaN propagates)."""
    return input.minimum(other)


def narrow(input, dim, start, length):
    """A view of ``length`` elements of ``dim`` from ``start``."""
    return input.narrow(dim, start, length)


def select(input, dim, index):
    """A view of one index along ``dim`` (that dim removed)."""
    return input.select(dim, index)






def equal(input, other):
    """True when both tensors have the same shape and elements."""
    return input.equal(other)
