"""nn.Module, layers, losses and optimizers against torch's: same init draws, same training trajectory."""

import numpy as np
import pytest
import torch

import bridge
from helpers import assert_same


class Net(bridge.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = bridge.nn.Linear(4, 8)
        self.out = bridge.nn.Linear(8, 3)
        self.scale = 2.0

    def forward(self, x):
        return self.out(self.hidden(x).tanh())


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 8)
        self.out = torch.nn.Linear(8, 3)

    def forward(self, x):
        return self.out(self.hidden(x).tanh())


def test_module_registration_names_and_init_match_torch():
    bridge.manual_seed(3)
    torch.manual_seed(3)
    b, t = Net(), TorchNet()
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in t.named_parameters()]
    for (_, pb), (_, pt) in zip(b.named_parameters(), t.named_parameters()):
        np.testing.assert_array_equal(pb.detach().numpy(), pt.detach().numpy())
        assert isinstance(pb, bridge.nn.Parameter) and pb.requires_grad
    assert repr(b) == repr(t).replace("TorchNet", "Net")
    assert b.scale == 2.0 and "scale" not in dict(b.named_parameters())


@pytest.mark.parametrize("make", [
    lambda m, ps: m.optim.SGD(ps, lr=0.1),
    lambda m, ps: m.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    lambda m, ps: m.optim.SGD(ps, lr=0.05, momentum=0.5, dampening=0.1, weight_decay=0.01),
    lambda m, ps: m.optim.Adam(ps, lr=0.01),
    lambda m, ps: m.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
], ids=["sgd", "nesterov", "momentum_dampening_wd", "adam", "adam_wd"])
def test_training_trajectory_matches_torch(make):
    bridge.manual_seed(11)
    torch.manual_seed(11)
    b, t = Net(), TorchNet()
    ob, ot = make(bridge, b.parameters()), make(torch, t.parameters())
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    xb, xt = bridge.from_numpy(x), torch.from_numpy(x)
    yb, yt = bridge.from_numpy(y), torch.from_numpy(y)
    for _ in range(20):
        ob.zero_grad()
        ot.zero_grad()
        lb = bridge.nn.CrossEntropyLoss()(b(xb), yb)
        lt = torch.nn.CrossEntropyLoss()(t(xt), yt)
        lb.backward()
        lt.backward()
        ob.step()
        ot.step()
    assert abs(lb.item() - lt.item()) < 1e-5
    for pb, pt in zip(b.parameters(), t.parameters()):
        np.testing.assert_allclose(pb.detach().numpy(), pt.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_sequential_mse_and_state_dict_round_trip():
    bridge.manual_seed(0)
    torch.manual_seed(0)
    b = bridge.nn.Sequential(bridge.nn.Linear(3, 5), bridge.nn.ReLU(), bridge.nn.Linear(5, 1), bridge.nn.Sigmoid())
    t = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1), torch.nn.Sigmoid())
    assert repr(b) == repr(t)
    assert list(b.state_dict()) == list(t.state_dict())
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
    assert_same(b(bridge.from_numpy(x)), t(torch.from_numpy(x)))
    # torch's state_dict, through numpy, into a fresh bridge model
    fresh = bridge.nn.Sequential(bridge.nn.Linear(3, 5), bridge.nn.ReLU(), bridge.nn.Linear(5, 1), bridge.nn.Sigmoid())
    fresh.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    assert_same(fresh(bridge.from_numpy(x)), t(torch.from_numpy(x)))
    with pytest.raises(RuntimeError, match='Missing key.*"2.bias"'):
        fresh.load_state_dict({k: v.numpy() for k, v in t.state_dict().items() if k != "2.bias"})
    with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
        fresh.load_state_dict({**{k: v.numpy() for k, v in t.state_dict().items()}, "0.weight": np.zeros((2, 2), np.float32)})


def test_dropout_train_eval_and_parameter_printing():
    bridge.manual_seed(1)
    torch.manual_seed(1)
    xb, xt = bridge.ones(4, 6), torch.ones(4, 6)
    db, dt = bridge.nn.Dropout(0.3), torch.nn.Dropout(0.3)
    assert_same(db(xb), dt(xt))
    db.eval()
    dt.eval()
    assert_same(db(xb), dt(xt))
    p = bridge.nn.Parameter(bridge.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
