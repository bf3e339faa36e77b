#!/usr/bin/python3
"""Writes parity/data/state_dict_mlp.npz, the weights parity case state_dict_npz loads:
the state_dict of nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)) after
torch.manual_seed(7), saved with np.savez under torch's names (0.weight, 0.bias, ...).

Run once from the repository root:  /usr/bin/python3 parity/data/make_state_dict_mlp.py
(the committed file is the output; re-running rewrites identical values)."""
import os

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))

torch.manual_seed(7)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
np.savez(os.path.join(HERE, "state_dict_mlp.npz"),
         **{name: value.numpy() for name, value in model.state_dict().items()})
