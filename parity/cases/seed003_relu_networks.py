"""Seed 003: four small ReLU networks (1-1, 1-1-1, 1-2-1, 1-2-2-1) on input
0.5 with target 0.95, MSE loss, every gradient; for the first network also a
manual update (lr 0.5) and the prediction/loss after it.  Weights are 1-D or
2-D leaf tensors made trainable with requires_grad_() and combined with `@`
(1-D @ 1-D, 1-D @ 2-D)."""
import torch


def act(t):
    return torch.nn.ReLU()(t)


def mse(pred, actual):
    return torch.nn.MSELoss()(pred, actual)


def leaf(values):
    return torch.tensor(values).requires_grad_()


def run(rec):
    inputs = torch.tensor([0.5])
    actual = torch.tensor([0.95])

    # --- net1: 1 -> 1
    w = leaf([0.3])
    b = leaf([0.4])
    out = act(inputs @ w + b)
    loss = mse(out, actual)
    loss.backward()
    rec.record("net1", "prediction", out)
    rec.record("net1", "loss", loss)
    rec.record("net1_grads", "output_weights", w.grad)
    rec.record("net1_grads", "output_bias", b.grad)
    lr = 0.5
    new_b = b - lr * b.grad.data
    new_w = w - lr * w.grad.data
    new_out = act(inputs @ new_w + new_b)
    rec.record("net1_update", "output_weights", new_w)
    rec.record("net1_update", "output_bias", new_b)
    rec.record("net1_update", "prediction", new_out)
    rec.record("net1_update", "loss", mse(new_out, actual))

    # --- net2: 1 -> 1 -> 1
    w1, b1 = leaf([0.3]), leaf([0.4])
    w2, b2 = leaf([0.2]), leaf([0.1])
    h = act(inputs @ w1 + b1)
    out = act(h @ w2 + b2)
    loss = mse(out, actual)
    loss.backward()
    rec.record("net2", "hidden", h)
    rec.record("net2", "prediction", out)
    rec.record("net2", "loss", loss)
    for name, p in (("output_weights", w2), ("output_bias", b2),
                    ("hidden_weights", w1), ("hidden_bias", b1)):
        rec.record("net2_grads", name, p.grad)

    # --- net3: 1 -> 2 -> 1
    w1, b1 = leaf([[0.3, 0.2]]), leaf([0.4, 0.1])
    w2, b2 = leaf([[0.1], [0.7]]), leaf([0.3])
    h = act(inputs @ w1 + b1)
    out = act(h @ w2 + b2)
    loss = mse(out, actual)
    loss.backward()
    rec.record("net3", "hidden", h)
    rec.record("net3", "prediction", out)
    rec.record("net3", "loss", loss)
    for name, p in (("output_weights", w2), ("output_bias", b2),
                    ("hidden_weights", w1), ("hidden_bias", b1)):
        rec.record("net3_grads", name, p.grad)

    # --- net4: 1 -> 2 -> 2 -> 1
    w1, b1 = leaf([[0.3, 0.2]]), leaf([0.4, 0.1])
    w2, b2 = leaf([[0.1, 0.8], [0.6, 0.7]]), leaf([0.3, 0.2])
    w3, b3 = leaf([[0.4], [0.6]]), leaf([0.3])
    h1 = act(inputs @ w1 + b1)
    h2 = act(h1 @ w2 + b2)
    out = act(h2 @ w3 + b3)
    loss = mse(out, actual)
    loss.backward()
    rec.record("net4", "hidden1", h1)
    rec.record("net4", "hidden2", h2)
    rec.record("net4", "prediction", out)
    rec.record("net4", "loss", loss)
    for name, p in (("output_weights", w3), ("output_bias", b3),
                    ("hidden2_weights", w2), ("hidden2_bias", b2),
                    ("hidden1_weights", w1), ("hidden1_bias", b1)):
        rec.record("net4_grads", name, p.grad)
