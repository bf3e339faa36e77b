"""Seed 004's single sigmoid unit on the draws after torch.manual_seed(7):
sum of the elementwise product plus bias, then the same through mm with the
weights reshaped to (5, 1) by view, reshape and resize_; the (1,5)x(1,5) mm
shape error; the hand-written activation 1/(1+exp(-x)) next to torch.sigmoid."""
import torch


def activation(x):
    return 1 / (1 + torch.exp(-x))


def run(rec):
    torch.manual_seed(7)
    features = torch.randn((1, 5))
    weights = torch.randn_like(features)
    bias = torch.randn((1, 1))

    z = (features * weights).sum() + bias
    rec.record("sum", "output_layer_input", z)
    rec.record("sum", "output", activation(z))
    rec.record("sum", "torch_sigmoid", torch.sigmoid(z))

    try:
        torch.mm(features, weights)
        raised = False
    except Exception:  # torch raises RuntimeError
        raised = True
    rec.record("mm_mismatch", "raised", raised)

    prod = torch.mm(features, weights.view(5, 1))
    rec.record("mm_view", "mm", prod)
    z = prod.sum() + bias
    rec.record("mm_view", "output_layer_input", z)
    rec.record("mm_view", "output", activation(z))

    z = torch.mm(features, weights.reshape(5, 1)).sum() + bias
    rec.record("mm_reshape", "output_layer_input", z)
    rec.record("mm_reshape", "output", activation(z))

    weights.resize_(5, 1)  # in place, same 5 elements; last use of weights
    rec.record("mm_resize", "weights", weights)
    z = torch.mm(features, weights).sum() + bias
    rec.record("mm_resize", "output_layer_input", z)
    rec.record("mm_resize", "output", activation(z))
