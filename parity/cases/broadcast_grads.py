"""Broadcasting in forward and backward: operands of shapes (3,1,4), (2,4),
(4,), a 0-d tensor and Python scalars combine into a (3,2,4) result; keepdim
reductions (sum, mean, max, min) broadcast back; gradients must be summed
over the broadcast dimensions."""
import torch


def run(rec):
    a = torch.linspace(-1.05, 1.25, 12).reshape(3, 1, 4).requires_grad_()
    b = (torch.arange(8, dtype=torch.float32).reshape(2, 4) * 0.25 - 0.8).requires_grad_()
    c = torch.tensor([0.5, -1.5, 2.0, 0.75], requires_grad=True)
    s = torch.tensor(0.3, requires_grad=True)

    prod = a * b                                   # (3,2,4)
    mix = (prod + c) / (1.0 + s ** 2) - 2.0 * s    # (3,2,4)
    centred = mix - mix.mean(dim=2, keepdim=True)  # (3,2,4) - (3,2,1)
    scaled = centred * b.sum(dim=0, keepdim=True)  # (1,4)
    spread = mix.max(dim=1, keepdim=True)[0] - mix.min(dim=1, keepdim=True)[0]  # (3,1,4)
    out = scaled + spread * c + a.sum(dim=2, keepdim=True) ** 2
    weights = torch.linspace(0.1, 2.4, 24).reshape(3, 2, 4)
    loss = (out * weights).sum() + out.mean()

    rec.record("forward", "mix", mix)
    rec.record("forward", "spread", spread)
    rec.record("forward", "out", out)
    rec.record("forward", "loss", loss)

    loss.backward()
    rec.record("grads", "a", a.grad)
    rec.record("grads", "b", b.grad)
    rec.record("grads", "c", c.grad)
    rec.record("grads", "s", s.grad)

    # simpler broadcasts, one gradient each
    u = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)  # (3,1)
    v = torch.tensor([0.5, -1.0], requires_grad=True)            # (2,)
    w = (u - v) ** 2 * 3.0 + u / (v + 2.0)                       # (3,2)
    w.sum().backward()
    rec.record("simple", "w", w)
    rec.record("simple", "u_grad", u.grad)
    rec.record("simple", "v_grad", v.grad)

    # reductions with and without keepdim, whole-tensor max/min/argmax
    m = torch.tensor([[3.0, -1.0, 2.5], [0.5, 4.0, -2.0]], requires_grad=True)
    r = (m.sum(dim=0) * 2.0).sum() + m.mean(dim=1, keepdim=True).sum() \
        + m.max() * 3.0 - m.min() + m.max(dim=1)[0].sum()
    r.backward()
    rec.record("reduce", "r", r)
    rec.record("reduce", "m_grad", m.grad)
    rec.record("reduce", "argmax_all", torch.argmax(m))
    rec.record("reduce", "argmax_dim1", torch.argmax(m, dim=1))
    rec.record("reduce", "argmax_dim0_keep", torch.argmax(m, dim=0, keepdim=True))
    rec.record("reduce", "max_dim0_indices", m.max(dim=0)[1])
    rec.record("reduce", "min_dim1_keep", m.min(dim=1, keepdim=True)[0])
