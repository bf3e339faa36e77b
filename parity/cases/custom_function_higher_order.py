"""Autograd beyond first-order backward: a custom autograd.Function (saved output, a non-tensor argument, a
non-differentiable output) inside a small model; torch.autograd.grad with create_graph for a gradient penalty and
a second derivative; in-place writes through views of a computed tensor (CopySlices); copy_ into a computed
tensor; a Hessian-vector product by double backward."""
import torch


class ScaledExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        y = torch.exp(x) * scale
        ctx.save_for_backward(y)
        ctx.scale = scale
        sign = torch.sign(x)
        ctx.mark_non_differentiable(sign)
        return y, sign

    @staticmethod
    def backward(ctx, grad_y, grad_sign):
        (y,) = ctx.saved_tensors
        return grad_y * y, None


def run(rec):
    x = torch.linspace(-1.0, 1.0, 6).reshape(2, 3).requires_grad_()
    w = torch.tensor([[0.5, -0.25], [0.75, 0.1], [-0.3, 0.6]], requires_grad=True)

    # custom function in a model, first-order gradients
    y, sign = ScaledExp.apply(x @ w @ w.t(), 0.5)
    loss = (y * y).sum() + (sign * 0.0).sum()
    loss.backward()
    rec.record("custom", "y", y)
    rec.record("custom", "loss", loss)
    rec.record("custom", "x_grad", x.grad)
    rec.record("custom", "w_grad", w.grad)

    # gradient penalty: loss + |d out / d x|^2, differentiated again (create_graph)
    x.grad = None
    w.grad = None
    out = torch.tanh(x @ w).sum()
    (gx,) = torch.autograd.grad(out, x, create_graph=True)
    penalty = (gx * gx).sum()
    (out + penalty).backward()
    rec.record("penalty", "gx", gx)
    rec.record("penalty", "penalty", penalty)
    rec.record("penalty", "x_grad", x.grad)
    rec.record("penalty", "w_grad", w.grad)

    # second derivative through the custom function and sigmoid; Hessian-vector product
    v = torch.tensor([1.0, -0.5, 0.25])
    z = torch.tensor([0.2, -0.4, 0.9], requires_grad=True)
    f = (ScaledExp.apply(z * z, 2.0)[0] * torch.sigmoid(z)).sum()
    (g,) = torch.autograd.grad(f, z, create_graph=True)
    (hv,) = torch.autograd.grad((g * v).sum(), z)
    rec.record("second", "g", g)
    rec.record("second", "hv", hv)

    # in-place writes through views of a computed tensor, and copy_
    a = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    b = torch.tensor([0.5, -1.0], requires_grad=True)
    h = a * 2
    h[0] = 5.0
    h[1:3].mul_(b)
    m = h.reshape(2, 2)
    m.t()[1].add_(b * b)
    c = a * 1
    c[2:].copy_(b * 3)
    total = (h * torch.arange(1.0, 5.0)).sum() + (c * c).sum()
    total.backward()
    rec.record("inplace", "h", h)
    rec.record("inplace", "c", c)
    rec.record("inplace", "a_grad", a.grad)
    rec.record("inplace", "b_grad", b.grad)
