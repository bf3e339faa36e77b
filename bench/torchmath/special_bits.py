"""How many of N inputs give other bits than torch 1.13's CPU, per special function and dtype (issue 17).
Run: .venv/bin/python bench/torchmath/special_bits.py [N]   (inputs: tests/python/test_special_functions.py's mix of
scales, signs, poles of lgamma/digamma, NaN and inf)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "python"))
import bridge  # noqa: E402
import torch  # noqa: E402
from test_special_functions import inputs, resolve, ulp_distance  # noqa: E402

OPS = ["erfc", "lgamma", "digamma", "polygamma 1", "polygamma 2", "polygamma 4", "i0", "special.i0e", "special.i1",
       "special.i1e", "special.ndtr", "special.ndtri", "special.log_ndtr", "special.erfcx", "special.entr", "mvlgamma 3"]


def call(module, op, x):
    name, _, arg = op.partition(" ")
    if name == "polygamma":
        return module.polygamma(int(arg), x)
    if name == "mvlgamma":
        return module.mvlgamma(x, int(arg))
    return resolve(module, name)(x)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    torch.set_num_threads(1)
    bridge.set_num_threads(1)
    print(f"| op | dtype | inputs | differing bits | max ulp |")
    print("|---|---|---|---|---|")
    for op in OPS:
        for dtype in ["float32", "float64"]:
            x = inputs(dtype, n=n)
            if op == "special.ndtri":
                x = np.concatenate([np.random.default_rng(1).uniform(0, 1, n), 10.0 ** -np.random.default_rng(2).uniform(0, 300, n // 4),
                                    [0.0, 1.0, -0.5, 2.0, np.nan]]).astype(dtype)
            if op.startswith("polygamma") and op != "polygamma 1":
                x = x[~(x < -60)]  # zeta's recurrence walks from x up to 9 one step at a time, in torch too
            if op.startswith("mvlgamma"):
                x = x[np.isnan(x) | (x > 1.0)]
            got = call(bridge, op, bridge.tensor(x)).numpy()
            want = call(torch, op, torch.tensor(x)).numpy()
            d = ulp_distance(got, want)
            print(f"| {op} | {dtype} | {x.size} | {int((d > 0).sum())} | {d.max():.3g} |")


if __name__ == "__main__":
    main()
