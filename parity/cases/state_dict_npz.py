"""Loads an MLP's weights from a committed .npz (parity/data/state_dict_mlp.npz,
written by parity/data/make_state_dict_mlp.py) with np.load, torch.from_numpy and
load_state_dict, then runs a forward pass: state-dict names, file values and the
loaded model must agree across runtimes."""
import os

import numpy as np
import torch
import torch.nn as nn

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                    "state_dict_mlp.npz")
NAMES = ("0.weight", "0.bias", "2.weight", "2.bias")


def run(rec):
    # the seed only fixes the default init, which load_state_dict overwrites
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    saved = np.load(DATA)
    state = {name: torch.from_numpy(saved[name]) for name in saved.files}
    model.load_state_dict(state)
    # parameters() order is the state_dict order: 0.weight, 0.bias, 2.weight, 2.bias
    for name, value in zip(NAMES, model.parameters()):
        rec.record("loaded", name, value)

    x = torch.linspace(-2.0, 2.0, 20).reshape(5, 4)
    with torch.no_grad():
        out = model(x)
    rec.record("forward", "output", out)
