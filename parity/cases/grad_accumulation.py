"""Gradient bookkeeping: .grad accumulates across backward calls until zeroed
(.grad.zero_() and .grad.data.zero_()); retain_graph=True allows a second
backward through the same graph (doubling the grads); backward(gradient) on a
non-scalar output; a leaf used twice in one graph; detach() and no_grad()
cut the graph; requires_grad_() on a fresh tensor."""
import torch


def run(rec):
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)

    # three separate graphs, grads accumulate
    for k in range(1, 4):
        loss = ((w * k + b) ** 2).sum()
        loss.backward()
        rec.record("accumulate", "loss", loss, step=k)
        rec.record("accumulate", "w_grad", w.grad, step=k)
        rec.record("accumulate", "b_grad", b.grad, step=k)

    w.grad.zero_()
    b.grad.data.zero_()
    rec.record("zeroed", "w_grad", w.grad)
    rec.record("zeroed", "b_grad", b.grad)

    # one graph, two backward passes
    y = (torch.tanh(w) * w).sum() * b
    y.backward(retain_graph=True)
    rec.record("retain", "w_grad_first", w.grad)
    rec.record("retain", "b_grad_first", b.grad)
    y.backward()
    rec.record("retain", "w_grad_second", w.grad)
    rec.record("retain", "b_grad_second", b.grad)

    # backward(gradient) on a non-scalar output
    w.grad.zero_()
    b.grad.zero_()
    z = w * w * b + torch.exp(w * 0.1)  # (3,)
    z.backward(torch.tensor([1.0, 0.5, -2.0]))
    rec.record("vjp", "z", z)
    rec.record("vjp", "w_grad", w.grad)
    rec.record("vjp", "b_grad", b.grad)

    # a (2,2) output with a (2,2) upstream gradient, matrix leaf used twice
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    p = m @ m.t() + m * 2.0
    p.backward(torch.tensor([[1.0, 0.0], [0.5, -1.0]]))
    rec.record("vjp_matrix", "p", p)
    rec.record("vjp_matrix", "m_grad", m.grad)

    # detach and no_grad stop gradient flow; requires_grad_ starts it
    w.grad.zero_()
    d = w.detach() * 3.0
    with torch.no_grad():
        nog = w * 10.0
    q = torch.ones(3).requires_grad_()
    out = (w * d).sum() + (w * nog).sum() + (q * w).sum()
    out.backward()
    rec.record("cut", "out", out)
    rec.record("cut", "w_grad", w.grad)
    rec.record("cut", "q_grad", q.grad)
    rec.record("cut", "d_requires_grad", bool(d.requires_grad))
    rec.record("cut", "nog_requires_grad", bool(nog.requires_grad))

    # in-place parameter update under no_grad keeps the leaf a leaf
    with torch.no_grad():
        w -= 0.1 * w.grad
        w.mul_(0.5)
        w.add_(1.0)
        w.clamp_(-0.5, 1.5)
    rec.record("update", "w", w)
    rec.record("update", "w_requires_grad", bool(w.requires_grad))
    w.grad.zero_()
    (w ** 3).sum().backward()
    rec.record("update", "w_grad_after", w.grad)
