"""Per-layer times (ms, 1 thread, mean of 20 calls after one warm-up) of the LeNet benchmark's layers and of
float32 sums, for one runtime: run it once under PyTorch and once under Bridge and compare.

    /usr/bin/python3 bench/layers/probe.py torch
    .venv/bin/python bench/layers/probe.py bridge
"""
import sys
import time

if sys.argv[1:] == ["bridge"]:
    import bridge as torch
else:
    import torch
torch.set_num_threads(1)
torch.manual_seed(0)
F = torch.nn.functional


def ms(body, n=20):
    body()
    start = time.perf_counter()
    for _ in range(n):
        body()
    return (time.perf_counter() - start) / n * 1e3


def forward_backward(layer, x):
    def step():
        layer(x).sum().backward()
    return step


conv2, bn1 = torch.nn.Conv2d(6, 16, 5), torch.nn.BatchNorm2d(6)
h = torch.randn(64, 6, 14, 14, requires_grad=True)
y = torch.randn(64, 6, 28, 28, requires_grad=True)
big, square = torch.randn(1 << 24), torch.randn(4096, 4096)
ln, mha = torch.nn.LayerNorm(128), torch.nn.MultiheadAttention(128, 4, batch_first=True)
lstm, emb = torch.nn.LSTM(64, 256, batch_first=True), torch.nn.Embedding(65, 128)
tokens = torch.randn(16, 64, 128, requires_grad=True)
hidden = torch.randn(16, 64, 512, requires_grad=True)
logits, targets = torch.randn(1024, 65, requires_grad=True), torch.randint(65, (1024,))
chars = torch.randn(32, 64, 64, requires_grad=True)
ids = torch.randint(65, (16, 64))
mask = torch.nn.Transformer.generate_square_subsequent_mask(64)
gpt_params = [torch.randn(128, 512, requires_grad=True) for _ in range(8)]
for p in gpt_params:
    p.grad = torch.randn(128, 512)
adamw = torch.optim.AdamW(gpt_params, lr=1e-3, weight_decay=0.1)
rows = [
    ("Conv2d(6,16,5) forward, [64,6,14,14]", ms(lambda: conv2(h))),
    ("Conv2d(6,16,5) forward + backward", ms(forward_backward(conv2, h))),
    ("BatchNorm2d(6) forward + backward, [64,6,28,28]", ms(forward_backward(bn1, y))),
    ("relu + max_pool2d(2) forward + backward", ms(forward_backward(lambda z: F.max_pool2d(z.relu(), 2), y))),
    ("sum of 16M float32", ms(lambda: big.sum(), 5)),
    ("[4096,4096].sum(0)", ms(lambda: square.sum(0), 5)),
    ("[4096,4096].sum(1)", ms(lambda: square.sum(1), 5)),
    ("LayerNorm(128) forward + backward, [16,64,128]", ms(forward_backward(ln, tokens))),
    ("GELU forward + backward, [16,64,512]", ms(forward_backward(F.gelu, hidden))),
    ("cross_entropy forward + backward, [1024,65]", ms(forward_backward(lambda z: F.cross_entropy(z, targets), logits))),
    ("MultiheadAttention(128,4) causal fwd + bwd", ms(forward_backward(lambda z: mha(z, z, z, attn_mask=mask, need_weights=False)[0], tokens))),
    ("LSTM(64,256) forward + backward, [32,64,64]", ms(forward_backward(lambda z: lstm(z)[0], chars), 3)),
    ("Embedding(65,128) forward + backward, [16,64]", ms(forward_backward(emb, ids))),
    ("AdamW step, 8 x [128,512]", ms(adamw.step)),
]
for name, value in rows:
    print(f"{sys.argv[1]:6} {name:50} {value:8.2f}")
