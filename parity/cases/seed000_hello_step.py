"""Seed 000: a 1-1-1 network (sigmoid after both layers) with hand-set
parameters, MSE loss against target 1 for input 0.8, one plain SGD step
(lr 0.1), then the output again."""
import torch
import torch.nn as nn
import torch.optim as optim


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden_layer = nn.Linear(1, 1)
        self.output_layer = nn.Linear(1, 1)
        # replace the random default init with the seed's fixed values
        self.hidden_layer.weight = nn.Parameter(torch.tensor([[1.58]]))
        self.hidden_layer.bias = nn.Parameter(torch.tensor([-0.14]))
        self.output_layer.weight = nn.Parameter(torch.tensor([[2.45]]))
        self.output_layer.bias = nn.Parameter(torch.tensor([-0.11]))

    def forward(self, x):
        h = torch.sigmoid(self.hidden_layer(x))
        return torch.sigmoid(self.output_layer(h))


def _params(rec, checkpoint, net, grads=False):
    pairs = [("w_l1", net.hidden_layer.weight), ("b_l1", net.hidden_layer.bias),
             ("w_l2", net.output_layer.weight), ("b_l2", net.output_layer.bias)]
    for name, p in pairs:
        rec.record(checkpoint, name, p.grad if grads else p)


def run(rec):
    torch.manual_seed(0)  # only the (discarded) default init draws from it
    net = TinyNet()
    _params(rec, "before", net)

    x = torch.tensor([0.8])
    target = torch.tensor([1.0])
    a_l2 = net(x)
    loss = nn.MSELoss()(a_l2, target)
    rec.record("forward", "a_l2", a_l2)
    rec.record("forward", "loss", loss)

    net.zero_grad()
    loss.backward()
    _params(rec, "grads", net, grads=True)

    opt = optim.SGD(net.parameters(), lr=0.1)
    opt.step()
    _params(rec, "after", net)

    rec.record("forward_after", "a_l2", net(x))
