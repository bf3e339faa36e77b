"""BRIDGE_GEMM_ORDER=reference runs float products through a packed kernel (ReferenceOrderGemm) that keeps netlib
BLAS's rounding: each C[i, j] adds its products in k order, each product and each sum rounded on its own. Debian's
torch 1.13 calls that BLAS, so mm, addmm, matmul and linear agree with it bit for bit here, whatever the layouts,
at tile and block edges, past the sizes where the kernel splits k into blocks and rows across threads. The variable
is read once per process, so each check runs in a child interpreter."""

import os
import subprocess
import sys

import pytest

CHILD = r"""
import numpy as np, torch, bridge
rng = np.random.default_rng(5)
bad = []

def same(name, t, b):
    t, b = t.detach().numpy(), b.detach().numpy()
    if t.shape != b.shape or t.tobytes() != b.tobytes():
        bad.append(f"{name}: {int((t != b).sum()) if t.shape == b.shape else 'shape'} differ")

def values(shape, dtype):
    v = rng.standard_normal(shape) * np.exp(rng.standard_normal(shape) * 2)
    return v.astype(dtype)

def both(v):
    return torch.tensor(v), bridge.tensor(v)

SHAPES = [(1, 1, 1), (3, 2, 5), (9, 17, 33), (8, 16, 32), (40, 32, 96), (40, 1782, 32), (63, 65, 47),
          (65, 200, 97), (130, 513, 70), (300, 129, 257), (200, 300, 100)]
for dtype in (np.float32, np.float64):
    for (m, k, n) in SHAPES:
        tag = f"{np.dtype(dtype).name} {m}x{k}x{n}"
        for ta in (False, True):
            for tb in (False, True):
                a = values((k, m) if ta else (m, k), dtype)
                b = values((n, k) if tb else (k, n), dtype)
                (xa, ya), (xb, yb) = both(a), both(b)
                if ta: xa, ya = xa.t(), ya.t()
                if tb: xb, yb = xb.t(), yb.t()
                same(f"mm {tag} ta={ta} tb={tb}", torch.mm(xa, xb), bridge.mm(ya, yb))
                same(f"matmul {tag} ta={ta} tb={tb}", torch.matmul(xa, xb), bridge.matmul(ya, yb))
                bias = values((n,), dtype)
                full = values((m, n), dtype)
                (tbias, bbias), (tfull, bfull) = both(bias), both(full)
                same(f"addmm bias {tag} ta={ta} tb={tb}", torch.addmm(tbias, xa, xb), bridge.addmm(bbias, ya, yb))
                same(f"addmm full {tag} ta={ta} tb={tb}", torch.addmm(tfull, xa, xb), bridge.addmm(bfull, ya, yb))
                same(f"addmm beta=0 {tag} ta={ta} tb={tb}", torch.addmm(tfull, xa, xb, beta=0), bridge.addmm(bfull, ya, yb, beta=0))
        # nn.Linear: 2-D and 3-D input, forward and both gradients
        x, w, bias = values((m, k), dtype), values((n, k), dtype), values((n,), dtype)
        g = values((m, n), dtype)
        for shape in [(m, k)] + ([(2, m // 2, k)] if m % 2 == 0 else []):
            tx, tw, tbias = (torch.tensor(v, requires_grad=True) for v in (x.reshape(shape), w, bias))
            bx, bw, bbias = (bridge.tensor(v, requires_grad=True) for v in (x.reshape(shape), w, bias))
            ty = torch.nn.functional.linear(tx, tw, tbias)
            by = bridge.nn.functional.linear(bx, bw, bbias)
            gg = g.reshape(shape[:-1] + (n,))
            ty.backward(torch.tensor(gg)); by.backward(bridge.tensor(gg))
            for name, t, c in [("y", ty, by), ("dx", tx.grad, bx.grad), ("dw", tw.grad, bw.grad), ("db", tbias.grad, bbias.grad)]:
                same(f"linear {name} {tag} input {shape}", t, c)
# batched matmul: per-batch products of the sizes where torch's bmm calls BLAS (contraction·rows·cols >= 400)
for (bs, m, k, n) in [(3, 10, 8, 10), (4, 40, 33, 17), (2, 70, 130, 40)]:
    a, b = values((bs, m, k), np.float32), values((bs, k, n), np.float32)
    (xa, ya), (xb, yb) = both(a), both(b)
    same(f"matmul batched {bs}x{m}x{k}x{n}", torch.matmul(xa, xb), bridge.matmul(ya, yb))
    same(f"bmm {bs}x{m}x{k}x{n}", torch.bmm(xa, xb), bridge.bmm(ya, yb))
print("BAD" if bad else "OK", len(bad), bad[:40])
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_products_match_torch_bitwise_with_the_reference_order_kernel(threads):
    env = dict(os.environ, BRIDGE_GEMM_ORDER="reference", OMP_NUM_THREADS=str(threads))
    code = f"import torch, bridge; torch.set_num_threads({threads}); bridge.set_num_threads({threads})\n" + CHILD
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("OK"), out.stdout[-4000:]
