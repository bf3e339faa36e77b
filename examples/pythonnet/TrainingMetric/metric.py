"""Metrics for the C# training loop: plain NumPy, called with Bridge tensors that arrive as ndarrays (no copy)."""

import numpy as np


def r2_score(prediction, target):
    """Coefficient of determination: 1 - SS_res / SS_tot."""
    residual = np.sum((target - prediction) ** 2)
    total = np.sum((target - target.mean()) ** 2)
    return float(1.0 - residual / total)


def describe(step, prediction, target, weight):
    """One log line; `weight` is the live first-layer weight, viewed where the C# optimizer writes it."""
    return (f"step {step:4d}  r2 {r2_score(prediction, target):.4f}  max|err| {np.abs(prediction - target).max():.4f}  "
            f"|W1| {np.linalg.norm(weight):.3f}  (weight is a view: owndata={weight.flags.owndata})")
