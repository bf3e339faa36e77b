"""Seed 002, full run: the XOR 2-2-1 net trained with batch size 1 and manual
SGD (n = 0.01), zeroing grads before each sample, 5000 epochs.

As in the seed notebook, training starts from the parameters left by the
single worked update on sample 0 (see seed002_first_sample), not from the
initial values.  The full-dataset mean squared error is recorded every 1000
epochs (checkpoint `loss_report`, step = epoch + 1 as the seed prints it) and
every 100 epochs plus the last (checkpoint `loss_curve`)."""
import torch

EPOCHS = 5000
LR = 0.01


def run(rec):
    x = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
    y = torch.tensor([0, 1, 1, 0], dtype=torch.float32)
    w1 = torch.tensor([[0.1, 0.3], [0.2, 0.1]], requires_grad=True)
    b1 = torch.tensor([0.2, -0.2], requires_grad=True)
    w2 = torch.tensor([[0.1], [-0.4]], requires_grad=True)
    b2 = torch.tensor([0.0], requires_grad=True)
    params = [w1, b1, w2, b2]
    names = ["w1", "b1", "w2", "b2"]

    def forward(inp):
        hidden = torch.relu(torch.matmul(inp, w1) + b1)
        return torch.sigmoid(torch.matmul(hidden, w2) + b2)

    def sgd_step():
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad

    def zero_grads():
        for p in params:
            if p.grad is not None:
                p.grad.data.zero_()

    # the worked example on sample 0 (grads left in place, then zeroed below)
    loss = (y[0] - forward(x[0])) ** 2
    loss.backward()
    sgd_step()
    for n, p in zip(names, params):
        rec.record("start", n, p)

    for epoch in range(EPOCHS):
        for i in range(4):
            zero_grads()
            loss = (y[i] - forward(x[i])) ** 2
            loss.backward()
            sgd_step()
        report = epoch % 1000 == 0
        curve = epoch % 100 == 0 or epoch == EPOCHS - 1
        if report or curve:
            with torch.no_grad():
                full = torch.mean((y - forward(x).squeeze()) ** 2)
            if report:
                rec.record("loss_report", "loss", full, step=epoch + 1)
            if curve:
                rec.record("loss_curve", "loss", full, step=epoch + 1)

    for n, p in zip(names, params):
        rec.record("final", n, p)
    with torch.no_grad():
        for i in range(4):
            rec.record("predictions", f"pred_{i}", forward(x[i]))
