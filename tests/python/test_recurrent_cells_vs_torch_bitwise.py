"""nn.LSTMCell and nn.GRUCell bit for bit as torch 1.13 computes them on the CPU, forward and backward, float32 and
float64 (issue 17): the cells run the fused layers' torch-exact gate kernels (SLEEF sigmoid/tanh loops per row of H,
torch's rounding order). Hidden sizes cover rows shorter than a vector, the vector tails and several vectors; they
stay where every projection (B·H·4H multiply-adds) is below Bridge's reference-order GEMM threshold, since larger
products match torch's BLAS only under BRIDGE_GEMM_ORDER=reference."""

import numpy as np
import pytest

import bridge
import torch
from torch_bits import same_bits


def copy_weights(tm, bm):
    bm.load_state_dict({k: bridge.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
@pytest.mark.parametrize("hidden", [1, 5, 8, 16, 17, 33, 40])
def test_cell_steps_match_torch_bitwise(kind, hidden, dtype):
    torch.manual_seed(hidden)
    tdt = getattr(torch, dtype)
    tm = getattr(torch.nn, kind)(7, hidden).to(tdt)
    bm = getattr(bridge.nn, kind)(7, hidden, dtype=getattr(bridge, dtype))
    copy_weights(tm, bm)
    rng = np.random.default_rng(hidden)
    xs = (rng.standard_normal((3, 4, 7)) * 2).astype(dtype)
    h0 = rng.standard_normal((4, hidden)).astype(dtype)
    c0 = rng.standard_normal((4, hidden)).astype(dtype)
    th = torch.tensor(h0, requires_grad=True)
    bh = bridge.tensor(h0, requires_grad=True)
    tc, bc = torch.tensor(c0, requires_grad=True), bridge.tensor(c0, requires_grad=True)
    tx, bx = torch.tensor(xs, requires_grad=True), bridge.tensor(xs, requires_grad=True)
    tstate, bstate = ((th, tc), (bh, bc)) if kind == "LSTMCell" else (th, bh)
    touts, bouts = [], []
    for t in range(3):  # three steps, each state feeding the next
        tstate, bstate = tm(tx[t], tstate), bm(bx[t], bstate)
        touts.append(tstate[0] if kind == "LSTMCell" else tstate)
        bouts.append(bstate[0] if kind == "LSTMCell" else bstate)
        same_bits(bouts[-1].detach().numpy(), touts[-1].detach().numpy(), f"h step {t}")
        if kind == "LSTMCell":
            same_bits(bstate[1].detach().numpy(), tstate[1].detach().numpy(), f"c step {t}")
    g = rng.standard_normal((3, 4, hidden)).astype(dtype)
    torch.stack(touts).backward(torch.tensor(g))
    bridge.stack(bouts).backward(bridge.tensor(g))
    same_bits(bx.grad.numpy(), tx.grad.numpy(), "dx")
    same_bits(bh.grad.numpy(), th.grad.numpy(), "dh0")
    if kind == "LSTMCell":
        same_bits(bc.grad.numpy(), tc.grad.numpy(), "dc0")
    for (name, tp), bp in zip(tm.named_parameters(), bm.parameters()):
        same_bits(bp.grad.numpy(), tp.grad.numpy(), f"d{name}")


@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
def test_unbatched_cell_and_default_state_match_torch_bitwise(kind):
    torch.manual_seed(0)
    tm = getattr(torch.nn, kind)(5, 9)
    bm = getattr(bridge.nn, kind)(5, 9)
    copy_weights(tm, bm)
    x = np.random.default_rng(1).standard_normal(5).astype("float32")
    tout, bout = tm(torch.tensor(x)), bm(bridge.tensor(x))
    if kind == "LSTMCell":
        same_bits(bout[0].detach().numpy(), tout[0].detach().numpy(), "h")
        same_bits(bout[1].detach().numpy(), tout[1].detach().numpy(), "c")
    else:
        same_bits(bout.detach().numpy(), tout.detach().numpy(), "h")
