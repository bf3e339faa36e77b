"""Gradients through views and joins: slices (negative indices, positive
steps), integer indexing, transpose/t, view/reshape, cat, stack, expand and
unsqueeze.  A distinct weight per output element makes each gradient entry
identifiable."""
import torch


def wsum(t, k):
    """Sum of t weighted by a fixed ramp, so every element has its own weight."""
    n = 1
    for d in t.shape:
        n *= d
    ramp = torch.linspace(0.5, 0.5 + 0.1 * k, n).reshape(t.shape)
    return (t * ramp).sum()


def run(rec):
    x = torch.arange(24, dtype=torch.float32).reshape(4, 6).requires_grad_()
    y = (torch.arange(6, dtype=torch.float32) * 0.5 - 1.0).requires_grad_()

    pieces = {
        "rows_1_3_step2": x[1:3, ::2],
        "last_row": x[-1],
        "last_two_cols": x[:, -2:],
        "t_first_two": x.t()[0:2],
        "transpose": x.transpose(0, 1),
        "element": x[2, 3],
        "neg_element": x[-2, -1],
        "step_3": x[::2, 1::3],
        "view_row": x.view(2, 12)[1],
        "reshape_cols": x.reshape(8, 3)[:, 1],
        "expand": x[0].unsqueeze(0).expand(3, 6),
        "cat0": torch.cat([x[0:1], y.unsqueeze(0), x[3:4] * 2.0], dim=0),
        "cat1": torch.cat([x[:, :2], x[:, 4:]], dim=1),
        "stack0": torch.stack([x[0], y, x[1] - y], dim=0),
        "stack1": torch.stack([x[:, 0], x[:, 5]], dim=1),
        "unsqueeze_bcast": y.unsqueeze(1) * x[:2].unsqueeze(0).sum(dim=1),
    }
    loss = torch.tensor(0.0)
    for k, (name, t) in enumerate(pieces.items()):
        rec.record("pieces", name, t)
        loss = loss + wsum(t, k + 1)
    rec.record("loss", "loss", loss)
    loss.backward()
    rec.record("grads", "x", x.grad)
    rec.record("grads", "y", y.grad)

    # in-place write into a slice of a non-leaf, then backward through it
    z = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    h = z * 3.0
    h[1:3] = z[1:3] * z[0]  # overwrite part of a non-leaf (CopySlices)
    total = (h * torch.tensor([1.0, 10.0, 100.0, 1000.0])).sum()
    total.backward()
    rec.record("setitem", "h", h)
    rec.record("setitem", "z_grad", z.grad)
