"""Seed 002, first sample: XOR 2-2-1 net (relu hidden, sigmoid output) with
bare leaf tensors, squared error on sample 0, backward, then one manual SGD
update (n = 0.01) under no_grad."""
import torch


def make_data():
    x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
    y = torch.tensor([0, 1, 1, 0], dtype=torch.float32)
    return x, y


def make_params():
    w1 = torch.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True)
    b1 = torch.tensor([0.2, -0.2], requires_grad=True)
    w2 = torch.tensor([[0.1], [-0.4]], requires_grad=True)
    b2 = torch.tensor([0.0], requires_grad=True)
    return w1, b1, w2, b2


def first_sample(rec, x, y, params, lr):
    """Forward/backward/update on sample 0, recording everything."""
    w1, b1, w2, b2 = params
    o1 = torch.relu(torch.matmul(x[0], w1) + b1)
    o2 = torch.sigmoid(torch.matmul(o1, w2) + b2)
    loss = (y[0] - o2) ** 2
    rec.record("forward", "o1", o1)
    rec.record("forward", "o2", o2)
    rec.record("forward", "loss", loss)

    loss.backward()
    for name, p in zip(("w1", "b1", "w2", "b2"), params):
        rec.record("grads", name, p.grad)

    with torch.no_grad():
        w1 -= lr * w1.grad
        b1 -= lr * b1.grad
        w2 -= lr * w2.grad
        b2 -= lr * b2.grad
    for name, p in zip(("w1", "b1", "w2", "b2"), params):
        rec.record("update", name, p)


def run(rec):
    x, y = make_data()
    first_sample(rec, x, y, make_params(), 0.01)
