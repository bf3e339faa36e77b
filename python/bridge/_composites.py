"""torch functions the engine composes from existing ops (src/Tensor/Ops/Tensor.Composites.cs): addcmul/addcdiv,
xlogy, sinc, logit, signbit, copysign, heaviside, float_power, nansum/nanmean, diff, inner/vdot/kron, addmv/addr/
addbmm, cross, aminmax, narrow_copy and the stack family; their gradients come from the ops they are made of."""

import collections

from ._core import call, TensorBase
from ._out import write as _out

__all__ = ["addcmul", "addcdiv", "xlogy", "sinc", "logit", "signbit", "copysign", "heaviside", "float_power", "nansum",
           "nanmean", "diff", "inner", "vdot", "kron", "addmv", "addr", "addbmm", "cross", "aminmax", "narrow_copy",
           "vstack", "hstack", "dstack", "column_stack", "row_stack", "clamp_min", "true_divide"]

aminmax_result = collections.namedtuple("aminmax", ["min", "max"])


def _tensor(value, like):
    """A number operand as a 0-d tensor of ``like``'s dtype (torch's wrapped-number promotion)."""
    if isinstance(value, TensorBase):
        return value
    from ._functions import tensor
    return tensor(value, dtype=like.dtype, device=like.device)


def _dims(dim):
    if dim is None:
        return None
    return list(dim) if isinstance(dim, (tuple, list)) else [int(dim)]


class CompositeMethods:
    """The Tensor methods of the composite ops."""
    __slots__ = ()

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2, broadcast."""
        return call("addcmul", self, tensor1, tensor2, float(value))

    def addcmul_(self, tensor1, tensor2, *, value=1):
        """In place: self += value * tensor1 * tensor2 (rounded as the out-of-place form)."""
        return self.add_(tensor1 * float(value) * tensor2)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2, broadcast (float tensors only, as in torch)."""
        return call("addcdiv", self, tensor1, tensor2, float(value))

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        """In place: self += value * tensor1 / tensor2 (rounded as the out-of-place form)."""
        call("addcdiv", self, tensor1, tensor2, float(value))  # torch's refusals (integer division) first
        return self.add_(tensor1 * float(value) / tensor2)

    def xlogy(self, other):
        """self * log(other), 0 where self is 0 (unless other is NaN)."""
        return call("xlogy", self, _tensor(other, self))

    def sinc(self):
        """sin(pi x) / (pi x), 1 at 0."""
        return call("sinc", self)

    def logit(self, eps=None):
        """log(z / (1 - z)), z = self clamped to [eps, 1 - eps] when eps is given."""
        return call("logit", self, None if eps is None else float(eps))

    def signbit(self):
        """Whether each element's sign bit is set (-0.0 included)."""
        return call("signbit", self)

    def copysign(self, other):
        """|self| with the sign of ``other`` (a tensor or a number)."""
        return call("copysign", self, _tensor(other, self))

    def heaviside(self, values):
        """0 where self < 0, ``values`` where self == 0, 1 where self > 0."""
        return call("heaviside", self, values)

    def float_power(self, exponent):
        """self ** exponent in float64."""
        return call("float_power", self, exponent if isinstance(exponent, TensorBase) else float(exponent))

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        """The sum with NaN counted as zero."""
        x = self if dtype is None else self.to(dtype)
        return call("nansum", x, _dims(dim), bool(keepdim))

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        """The mean of the elements that are not NaN."""
        x = self if dtype is None else self.to(dtype)
        return call("nanmean", x, _dims(dim), bool(keepdim))

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """The n-th forward difference along ``dim``."""
        return call("diff", self, int(n), int(dim), prepend, append)

    def inner(self, other):
        """The inner product over the last dims."""
        return call("inner", self, other)

    def vdot(self, other):
        """The dot product of two 1-D tensors."""
        return call("vdot", self, other)

    def kron(self, other):
        """The Kronecker product."""
        return call("kron", self, other)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        """beta * self + alpha * (mat @ vec)."""
        return call("addmv", self, mat, vec, float(beta), float(alpha))

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        """beta * self + alpha * outer(vec1, vec2)."""
        return call("addr", self, vec1, vec2, float(beta), float(alpha))

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        """beta * self + alpha * sum over b of batch1[b] @ batch2[b]."""
        return call("addbmm", self, batch1, batch2, float(beta), float(alpha))

    def cross(self, other, dim=None):
        """The cross product of 3-vectors along ``dim`` (the first dim of size 3 when None)."""
        return call("cross", self, other, None if dim is None else int(dim))

    def aminmax(self, *, dim=None, keepdim=False):
        """(min, max) of all elements, or along ``dim``."""
        return aminmax_result(*call("aminmax", self, None if dim is None else int(dim), bool(keepdim)))

    def narrow_copy(self, dim, start, length):
        """A copy of narrow(dim, start, length)."""
        return call("narrow_copy", self, int(dim), int(start), int(length))

    def true_divide(self, other):
        """self / other (true division)."""
        return self / other


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, broadcast."""
    return _out(input.addcmul(tensor1, tensor2, value=value), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2, broadcast."""
    return _out(input.addcdiv(tensor1, tensor2, value=value), out)


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0; ``input`` may be a number."""
    if not isinstance(input, TensorBase):
        input = _tensor(input, other)
    return _out(input.xlogy(other), out)


def sinc(input, *, out=None):
    """sin(pi x) / (pi x), 1 at 0."""
    return _out(input.sinc(), out)


def logit(input, eps=None, *, out=None):
    """log(z / (1 - z)), z = input clamped to [eps, 1 - eps] when eps is given."""
    return _out(input.logit(eps), out)


def signbit(input, *, out=None):
    """Whether each element's sign bit is set (-0.0 included)."""
    return _out(input.signbit(), out)


def copysign(input, other, *, out=None):
    """|input| with the sign of ``other``."""
    return _out(input.copysign(other), out)


def heaviside(input, values, *, out=None):
    """0 where input < 0, ``values`` where input == 0, 1 where input > 0."""
    return _out(input.heaviside(values), out)


def float_power(input, exponent, *, out=None):
    """input ** exponent in float64; ``input`` may be a number."""
    if not isinstance(input, TensorBase):
        from ._functions import tensor
        input = tensor(input, dtype=exponent.dtype if isinstance(exponent, TensorBase) else None)
    return _out(input.float_power(exponent), out)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """The sum with NaN counted as zero."""
    return _out(input.nansum(dim, keepdim, dtype=dtype), out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """The mean of the elements that are not NaN."""
    return _out(input.nanmean(dim, keepdim, dtype=dtype), out)


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The n-th forward difference along ``dim``."""
    return _out(input.diff(n, dim, prepend, append), out)


def inner(input, other, *, out=None):
    """The inner product over the last dims."""
    return _out(input.inner(other), out)


def vdot(input, other, *, out=None):
    """The dot product of two 1-D tensors."""
    return _out(input.vdot(other), out)


def kron(input, other, *, out=None):
    """The Kronecker product."""
    return _out(input.kron(other), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    return _out(input.addmv(mat, vec, beta=beta, alpha=alpha), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2)."""
    return _out(input.addr(vec1, vec2, beta=beta, alpha=alpha), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum over b of batch1[b] @ batch2[b]."""
    return _out(input.addbmm(batch1, batch2, beta=beta, alpha=alpha), out)


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along ``dim``."""
    return _out(input.cross(other, dim), out)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(min, max) of all elements, or along ``dim``."""
    return _out(input.aminmax(dim=dim, keepdim=keepdim), out)


def narrow_copy(input, dim, start, length, *, out=None):
    """A copy of narrow(dim, start, length)."""
    return _out(input.narrow_copy(dim, start, length), out)


def vstack(tensors, *, out=None):
    """1-D tensors become rows, then cat along dim 0."""
    return _out(call("vstack", list(tensors)), out)


row_stack = vstack


def hstack(tensors, *, out=None):
    """cat along dim 1 (dim 0 for 1-D tensors)."""
    return _out(call("hstack", list(tensors)), out)


def dstack(tensors, *, out=None):
    """Tensors made at least 3-D, then cat along dim 2."""
    return _out(call("dstack", list(tensors)), out)


def column_stack(tensors, *, out=None):
    """0-D and 1-D tensors become columns, then cat along dim 1."""
    return _out(call("column_stack", list(tensors)), out)


def clamp_min(input, min, *, out=None):
    """Limits each element to at least ``min``."""
    return _out(input.clamp(min=min), out)


def true_divide(dividend, divisor, *, out=None):
    """dividend / divisor (true division)."""
    return _out(dividend / divisor, out)
