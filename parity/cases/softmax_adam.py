"""A linear softmax classifier (4 features, 3 classes) with fixed,
formula-made initial weights, CrossEntropyLoss on class indices, Adam(lr=0.01),
100 full-batch steps."""
import torch
import torch.nn as nn
import torch.optim as optim

STEPS = 100


class LinearSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.linspace(-0.5, 0.6, 12).reshape(4, 3))
        self.bias = nn.Parameter(torch.tensor([0.1, -0.2, 0.05]))

    def forward(self, x):
        return x @ self.weight + self.bias


def data():
    labels = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0]
    centers = torch.tensor([[1.0, 0.0, 0.5, -1.0],
                            [0.0, 1.0, -1.0, 0.5],
                            [-1.0, -0.5, 1.0, 1.0]])
    # class centre plus a deterministic per-sample offset (overlapping classes)
    offsets = torch.linspace(-0.9, 0.9, 48).reshape(12, 4)
    offsets = offsets.t().reshape(12, 4)  # scramble the ramp across features
    x = torch.stack([centers[k] for k in labels]) + offsets
    y = torch.tensor(labels)
    return x, y


def run(rec):
    model = LinearSoftmax()
    x, y = data()
    rec.record("data", "x", x)
    rec.record("data", "y", y)
    criterion = nn.CrossEntropyLoss()
    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(STEPS):
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        if step % 10 == 0:
            rec.record("loss", "loss", loss, step=step)
        if step == 0:
            rec.record("first_grads", "weight", model.weight.grad)
            rec.record("first_grads", "bias", model.bias.grad)
        opt.step()

    rec.record("final", "weight", model.weight)
    rec.record("final", "bias", model.bias)
    with torch.no_grad():
        logits = model(x)
        rec.record("final", "loss", criterion(logits, y))
        rec.record("final", "probs", torch.softmax(logits, dim=1))
        rec.record("final", "pred", torch.argmax(logits, dim=1))
