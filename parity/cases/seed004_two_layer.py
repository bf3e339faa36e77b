"""Seed 004's 3-2-1 network: after torch.manual_seed(7) draw features (1,3),
W1 (3,2), W2 (2,1), B1 (1,2), B2 (1,1); hidden = f(x W1 + B1),
output = f(hidden W2 + B2) with f(x) = 1/(1+exp(-x))."""
import torch


def activation(x):
    return 1 / (1 + torch.exp(-x))


def run(rec):
    torch.manual_seed(7)
    features = torch.randn((1, 3))
    n_input = features.shape[1]
    n_hidden, n_output = 2, 1
    W1 = torch.randn(n_input, n_hidden)
    W2 = torch.randn(n_hidden, n_output)
    B1 = torch.randn((1, n_hidden))
    B2 = torch.randn((1, n_output))
    for name, t in (("features", features), ("W1", W1), ("W2", W2),
                    ("B1", B1), ("B2", B2)):
        rec.record("draws", name, t)

    hidden = activation(torch.mm(features, W1) + B1)
    output = activation(torch.mm(hidden, W2) + B2)
    rec.record("forward", "hidden", hidden)
    rec.record("forward", "output", output)
