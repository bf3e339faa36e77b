"""A LeNet-style CNN with BatchNorm (conv 5x5 -> BatchNorm2d -> relu -> max_pool2d, twice, then two
Linear layers), default init after torch.manual_seed(0), trained 5 steps with SGD + momentum on
fixed 16x16 images and cross-entropy; then evaluated with the running statistics."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

STEPS = 5


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def data():
    # 8 single-channel 16x16 images from a fixed formula, and fixed class labels
    x = torch.sin(torch.arange(8 * 16 * 16, dtype=torch.float32) * 0.37).reshape(8, 1, 16, 16)
    y = torch.tensor([3, 1, 4, 1, 5, 9, 2, 6])
    return x, y


def run(rec):
    torch.manual_seed(0)
    model = LeNet()
    for name, p in model.named_parameters():
        rec.record("init", name, p)

    x, y = data()
    criterion = nn.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(STEPS):
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        if step == 0:
            for name, p in model.named_parameters():
                rec.record("first_grads", name, p.grad)
        opt.step()
        rec.record("loss", "loss", loss, step=step)

    for name, p in model.named_parameters():
        rec.record("final", name, p)
    for bn_name, bn in (("bn1", model.bn1), ("bn2", model.bn2)):
        rec.record("final", bn_name + ".running_mean", bn.running_mean)
        rec.record("final", bn_name + ".running_var", bn.running_var)
        rec.record("final", bn_name + ".num_batches_tracked", bn.num_batches_tracked)
    model.eval()
    with torch.no_grad():
        rec.record("eval", "output", model(x))
