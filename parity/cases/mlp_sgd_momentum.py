"""A 4-8-3 tanh MLP (nn.Sequential, default nn.Linear init after
torch.manual_seed(0)) fitted to fixed data with MSELoss and SGD with Nesterov
momentum and weight decay, 50 full-batch steps."""
import torch
import torch.nn as nn
import torch.optim as optim

STEPS = 50


def data():
    # 10 samples x 4 features, evenly spaced in [-1, 1]
    x = torch.linspace(-1.0, 1.0, 40).reshape(10, 4)
    # targets: a smooth fixed function of the inputs, 10 x 3
    y = torch.stack([x[:, 0] * x[:, 1],
                     x[:, 2] - 0.5 * x[:, 3],
                     torch.tanh(x.sum(dim=1))], dim=1)
    return x, y


def named_params(model):
    # parameters() order: layer 0 weight, layer 0 bias, layer 2 weight, layer 2 bias
    names = ("l0_weight", "l0_bias", "l2_weight", "l2_bias")
    return tuple(zip(names, model.parameters()))


def run(rec):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    for name, p in named_params(model):
        rec.record("init", name, p)

    x, y = data()
    rec.record("data", "x", x)
    rec.record("data", "y", y)

    criterion = nn.MSELoss()
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                    weight_decay=1e-3)
    for step in range(STEPS):
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        if step == 0:
            for name, p in named_params(model):
                rec.record("first_grads", name, p.grad)
        opt.step()
        rec.record("loss", "loss", loss, step=step)

    for name, p in named_params(model):
        rec.record("final", name, p)
    with torch.no_grad():
        out = model(x)
        rec.record("final", "output", out)
        rec.record("final", "loss", criterion(out, y))
