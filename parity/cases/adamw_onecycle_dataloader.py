"""A tanh MLP (3-8-1, default init after manual_seed(0)) trained with AdamW and OneCycleLR from a shuffled
DataLoader over a TensorDataset: 5 epochs of 5 batches of 8; records each step's lr, beta1 and loss, the order
the loader drew, and the final parameters."""
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

EPOCHS, BATCH = 5, 8


def data():
    x = torch.linspace(-1.0, 1.0, 120).reshape(40, 3)
    y = (x[:, 0] * x[:, 1] - 0.5 * x[:, 2]).reshape(40, 1)
    return x, y


def run(rec):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    x, y = data()
    loader = DataLoader(TensorDataset(x, y, torch.arange(40)), batch_size=BATCH, shuffle=True)
    opt = optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.05)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, epochs=EPOCHS, steps_per_epoch=len(loader))
    criterion = nn.MSELoss()
    torch.manual_seed(1)
    step = 0
    for epoch in range(EPOCHS):
        for xb, yb, ib in loader:
            rec.record("schedule", "lr", opt.param_groups[0]["lr"], step=step)
            rec.record("schedule", "beta1", opt.param_groups[0]["betas"][0], step=step)
            rec.record("order", "indices", ib, step=step)
            opt.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            opt.step()
            sched.step()
            rec.record("loss", "loss", loss, step=step)
            step += 1
    for name, p in zip(["l0_weight", "l0_bias", "l2_weight", "l2_bias"], model.parameters()):
        rec.record("final", name, p)
    state = opt.state_dict()["state"][0]
    rec.record("final", "l0_weight_exp_avg", state["exp_avg"])
    rec.record("final", "step", state["step"])
