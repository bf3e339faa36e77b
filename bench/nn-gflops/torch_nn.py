#!/usr/bin/python3
"""The peer side of NnGflops (Program.cs): the same workloads and FLOP counts under PyTorch 1.13 (or Bridge's Python
package with --bridge), best of many short samples, one "name ms GFLOP/s" line each.

    /usr/bin/python3 bench/nn-gflops/torch_nn.py THREADS [SECONDS]
    .venv/bin/python bench/nn-gflops/torch_nn.py THREADS [SECONDS] --bridge

torch 1.13 has no scaled_dot_product_attention (it arrived in 2.0): the attention rows compose it as nanoGPT does on
torch < 2 (softmax of the masked, scaled Q·Kᵀ, times V).
"""
import math
import sys
import time

use_bridge = "--bridge" in sys.argv
argv = [a for a in sys.argv[1:] if a != "--bridge"]
if use_bridge:
    import bridge as torch
else:
    import torch
F = torch.nn.functional
threads = int(argv[0])
seconds = float(argv[1]) if len(argv) > 1 else 1.5
torch.set_num_threads(threads)


def conv(n, c, h, w, oc, k, pad):
    x = torch.rand(n, c, h, w).requires_grad_()
    wt = torch.rand(oc, c, k, k).requires_grad_()
    b = torch.rand(oc).requires_grad_()

    def step():
        F.conv2d(x, wt, b, padding=pad).sum().backward()
        x.grad = None
        wt.grad = None
        b.grad = None
    return step


def attention(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    t = q.shape[-2]
    scores = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(q.shape[-1]))
    mask = torch.ones(t, t, dtype=torch.bool).tril()
    return F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1) @ v


def sdpa(grad):
    q, k, v = (torch.randn(16, 4, 64, 32) for _ in range(3))
    if not grad:
        def forward():
            with torch.no_grad():
                attention(q, k, v)
        return forward
    for t in (q, k, v):
        t.requires_grad_()

    def step():
        attention(q, k, v).sum().backward()
        q.grad = k.grad = v.grad = None
    return step


def lstm_cell():
    cell = torch.nn.LSTMCell(64, 256)
    x, h, c = torch.randn(32, 64), torch.randn(32, 256), torch.randn(32, 256)

    def step():
        with torch.no_grad():
            cell(x, (h, c))
    return step


def lstm_layer():
    lstm = torch.nn.LSTM(64, 256, batch_first=True)
    x = torch.randn(32, 64, 64).requires_grad_()

    def step():
        lstm(x)[0].sum().backward()
        x.grad = None
        for p in lstm.parameters():
            p.grad = None
    return step


def workloads():
    for name, n, c, h, w, oc, k, pad in [
        ("conv_lenet2_64x6x14x14_16k5", 64, 6, 14, 14, 16, 5, 0),
        ("conv_mnist2_64x32x26x26_64k3", 64, 32, 26, 26, 64, 3, 0),
        ("conv_resnet_16x64x32x32_64k3p1", 16, 64, 32, 32, 64, 3, 1),
    ]:
        oh, ow = h + 2 * pad - k + 1, w + 2 * pad - k + 1
        yield name, 3.0 * 2 * n * oc * c * k * k * oh * ow, lambda a=(n, c, h, w, oc, k, pad): conv(*a)
    attn = 4.0 * 16 * 4 * 64 * 64 * 32
    yield "sdpa_fwd_16x4x64x32_causal", attn, lambda: sdpa(False)
    yield "sdpa_fwdbwd_16x4x64x32_causal", 3 * attn, lambda: sdpa(True)
    step = 2.0 * 32 * 4 * 256 * (64 + 256)
    yield "lstm_cell_step_32x64x256", step, lstm_cell
    yield "lstm_layer_fwdbwd_32x64x64x256", 3 * 64 * step, lstm_layer


for name, flops, make in workloads():
    torch.manual_seed(0)
    fn = make()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds / 4:
        fn()
    best = float("inf")
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{name} {best * 1e3:.3f} {flops / best / 1e9:.1f}", flush=True)
