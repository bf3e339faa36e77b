"""A Python script driving the managed engine through pythonnet (``import bridge.clr``).

NumPy data goes into C# tensors without a copy, a C# model trains with the C# optimizer, and the learned
weights come back as NumPy views of the live parameters, checked against NumPy's least-squares solution.
Run with the package's interpreter: .venv/bin/python examples/pythonnet/drive_engine.py
"""

import time

import numpy as np

import bridge.clr as bclr
from Bridge import DType, Torch
from Bridge.Nn import Functional, Linear
from Bridge.Optim import SGD

rng = np.random.default_rng(0)
features = rng.normal(size=(512, 3)).astype(np.float32)
true_weight = np.array([[1.5, -2.0, 0.5]], dtype=np.float32)
targets = (features @ true_weight.T + 0.25 + 0.01 * rng.normal(size=(512, 1))).astype(np.float32)

x = bclr.from_numpy(features)  # C# tensors over NumPy's memory: no copy
y = bclr.from_numpy(targets)
print(f"x: {x.DType} {list(x.Size().ToArray())}, shares memory with NumPy: "
      f"{int(x.Storage.Pointer.ToInt64()) == features.ctypes.data}")

Torch.ManualSeed(0)
model = Linear(3, 1)
optimizer = SGD(model.Parameters(), 0.1)
weight = bclr.to_numpy(model.Weight.Detach())  # a live view: the optimizer's updates show here

start = time.perf_counter()
for step in range(1, 201):
    optimizer.ZeroGrad()
    loss = Functional.MseLoss(model.Forward(x), y)
    loss.Backward()
    optimizer.Step()
    if step in (1, 50, 200):
        print(f"step {step:3d}  loss {loss.Item[float]():.6f}  weight (NumPy view) {np.round(weight.astype(np.float64), 4).tolist()}")
elapsed = time.perf_counter() - start

solution, *_ = np.linalg.lstsq(np.hstack([features, np.ones((512, 1), np.float32)]), targets, rcond=None)
bias = bclr.to_numpy(model.Bias.Detach())
print(f"NumPy lstsq: weight {np.round(solution[:3, 0].astype(np.float64), 4).tolist()} bias {solution[3, 0]:.4f}")
print(f"C# model:    weight {np.round(weight[0].astype(np.float64), 4).tolist()} bias {bias[0]:.4f}  ({elapsed * 1e3:.0f} ms for 200 steps)")
assert np.allclose(weight[0], solution[:3, 0], atol=1e-3) and abs(bias[0] - solution[3, 0]) < 1e-3

# The other way round: a C# tensor handed to NumPy, written there, read back in C#.
ones = Torch.Ones([4], DType.Float64)
bclr.to_numpy(ones)[:] = np.arange(4)
print(f"C# sum after NumPy wrote into it: {ones.Sum().Item[float]()}")
