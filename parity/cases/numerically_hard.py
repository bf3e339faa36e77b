"""Values at the edges of floating point: +/-1000 logits through softmax,
log_softmax and cross_entropy (must not overflow), sigmoid/tanh saturating at
+/-50 (values and grads), exp overflowing to inf and underflowing to 0,
log(0) = -inf, log of a negative = nan, relu at 0 (grad 0), abs at 0, clamp at
its edges (grad passes at the boundary), where() with a masked log(0) branch
(nan gradient), sqrt(0) grad inf; float32 and float64."""
import torch
import torch.nn.functional as F


def logits_case(rec, dtype, tag):
    z = torch.tensor([[1000.0, -1000.0, 0.0],
                      [-1000.0, -1000.0, -1000.0],
                      [1000.0, 1000.0, 999.0],
                      [50.0, 51.0, 52.5]], dtype=dtype, requires_grad=True)
    target = torch.tensor([1, 0, 2, 2])
    sm = torch.softmax(z, dim=1)
    lsm = torch.log_softmax(z, dim=1)
    rec.record(tag + "_logits", "softmax", sm)
    rec.record(tag + "_logits", "log_softmax", lsm)
    rec.record(tag + "_logits", "F_softmax_dim0", F.softmax(z, dim=0))
    rec.record(tag + "_logits", "F_log_softmax_dim0", F.log_softmax(z, dim=0))
    ce = F.cross_entropy(z, target)
    rec.record(tag + "_logits", "cross_entropy", ce)
    ce.backward()
    rec.record(tag + "_logits", "z_grad", z.grad)
    z.grad.zero_()
    upstream = torch.tensor([[1.0, 0.5, -2.0], [0.3, 1.7, 0.2],
                             [-1.0, 2.0, 0.4], [0.9, -0.6, 1.1]], dtype=dtype)
    (lsm * upstream).sum().backward()
    rec.record(tag + "_logits", "z_grad_log_softmax", z.grad)


def saturating_case(rec, dtype, tag):
    x = torch.tensor([-50.0, -20.0, -1.0, 0.0, 1.0, 20.0, 50.0], dtype=dtype,
                     requires_grad=True)
    s = torch.sigmoid(x)
    s.sum().backward()
    rec.record(tag + "_sigmoid", "value", s)
    rec.record(tag + "_sigmoid", "grad", x.grad)
    x.grad.zero_()
    t = torch.tanh(x)
    t.sum().backward()
    rec.record(tag + "_tanh", "value", t)
    rec.record(tag + "_tanh", "grad", x.grad)


def edges_case(rec, dtype, tag):
    e = torch.tensor([-200.0, -80.0, 0.0, 80.0, 88.0, 89.0, 100.0, 710.0], dtype=dtype)
    rec.record(tag + "_exp", "exp", torch.exp(e))

    l = torch.tensor([0.0, 1e-30, 1.0, -1.0], dtype=dtype, requires_grad=True)
    lv = torch.log(l)
    lv.sum().backward()
    rec.record(tag + "_log", "log", lv)
    rec.record(tag + "_log", "grad", l.grad)

    r = torch.tensor([-1.0, 0.0, 2.0], dtype=dtype, requires_grad=True)
    rv = torch.relu(r) + F.relu(r) * 2.0 + torch.abs(r)
    rv.sum().backward()
    rec.record(tag + "_relu_abs", "value", rv)
    rec.record(tag + "_relu_abs", "grad", r.grad)

    c = torch.tensor([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], dtype=dtype, requires_grad=True)
    cv = torch.clamp(c, min=-1.0, max=1.0)
    (cv * torch.arange(1, 7, dtype=dtype)).sum().backward()
    rec.record(tag + "_clamp", "value", cv)
    rec.record(tag + "_clamp", "grad", c.grad)
    c.grad.zero_()
    (torch.clamp(c, min=0.5) + torch.clamp(c, max=-1.0)).sum().backward()
    rec.record(tag + "_clamp", "grad_one_sided", c.grad)

    w = torch.tensor([0.0, 1.0, 4.0], dtype=dtype, requires_grad=True)
    safe = torch.where(w > 0, torch.log(w), torch.zeros_like(w))
    safe.sum().backward()
    rec.record(tag + "_where", "value", safe)
    rec.record(tag + "_where", "grad", w.grad)  # nan at 0: 0 * inf

    q = torch.tensor([0.0, 4.0], dtype=dtype, requires_grad=True)
    qv = torch.sqrt(q)
    qv.sum().backward()
    rec.record(tag + "_sqrt", "value", qv)
    rec.record(tag + "_sqrt", "grad", q.grad)

    big = torch.tensor([3e38, -3e38, 1e308], dtype=dtype)
    rec.record(tag + "_overflow", "times_10", big * 10.0)
    rec.record(tag + "_overflow", "inf_minus_inf", (big * 10.0) - (big * 10.0))
    rec.record(tag + "_overflow", "mse_large", F.mse_loss(big[:2], -big[:2]))


def run(rec):
    for dtype, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
        logits_case(rec, dtype, tag)
        saturating_case(rec, dtype, tag)
        edges_case(rec, dtype, tag)
