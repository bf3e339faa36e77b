"""BRIDGE_GEMM_ORDER=reference: every float product in netlib BLAS's order (Debian's torch calls the reference BLAS:
each C[i, j] is Σ a·b accumulated in k order, each product and each sum rounded), so nn.Linear's forward and both
backward products agree with torch 1.13 bit for bit at any size, as word_language_model's Transformer needs to
follow torch step for step. The default packed FMA kernel is faster and rounds differently past 32³ multiply-adds.
The variable is read once per process, so each check runs in a child interpreter."""

import os
import subprocess
import sys

import pytest

CHILD = r"""
import numpy as np, torch, bridge
rng = np.random.default_rng(0)
bad = []
for (m, k, n) in [(40, 32, 1782), (40, 32, 96), (40, 32, 32), (128, 300, 65), (7, 1000, 9)]:
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = (rng.standard_normal((n, k)) * 0.1).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    g = rng.standard_normal((m, n)).astype(np.float32)
    for shape in [(m, k), (2, m // 2, k) if m % 2 == 0 else (m, k)]:
        tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x.reshape(shape), w, b))
        bx, bw, bb = (bridge.tensor(v, requires_grad=True) for v in (x.reshape(shape), w, b))
        ty, by = torch.nn.functional.linear(tx, tw, tb), bridge.nn.functional.linear(bx, bw, bb)
        gg = g.reshape(shape[:-1] + (n,))
        ty.backward(torch.tensor(gg)); by.backward(bridge.tensor(gg))
        for name, t, c in [("y", ty.detach(), by.detach()), ("dx", tx.grad, bx.grad), ("dw", tw.grad, bw.grad), ("db", tb.grad, bb.grad)]:
            if t.numpy().tobytes() != c.numpy().tobytes():
                bad.append(f"{name} {(m, k, n)} {shape}: {int((t.numpy() != c.numpy()).sum())} differ")
print("BAD" if bad else "OK", bad)
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_linear_forward_and_backward_match_torch_bitwise_in_reference_order(threads):
    env = dict(os.environ, BRIDGE_GEMM_ORDER="reference", OMP_NUM_THREADS=str(threads))
    code = f"import torch, bridge; torch.set_num_threads({threads}); bridge.set_num_threads({threads})\n" + CHILD
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("OK"), out.stdout[-2000:]
