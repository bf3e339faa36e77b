"""A tiny GPT (token and position Embedding, two pre-norm blocks of causal MultiheadAttention + LayerNorm + GELU MLP,
final LayerNorm, untied head), default torch initialisation from seed 0, trained 6 AdamW steps on next-character
prediction with nanoGPT's configure_optimizers (weight decay on the 2-D weights only: two parameter groups), then greedy
generation of 10 characters. The attention has no biases (nanoGPT's bias=False): a key-projection bias has a zero
gradient in exact arithmetic (softmax ignores a per-query constant), so its computed gradient is rounding noise, which
Adam would normalise into lr-sized steps that differ from runtime to runtime without changing any output."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

TEXT = "to be or not to be, that is the question: whether tis nobler in the mind to suffer"
STEPS = 6
BATCH, BLOCK, D, HEADS = 4, 8, 16, 2


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.gelu = nn.GELU()
        self.proj = nn.Linear(4 * d, d)

    def forward(self, x, mask):
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = x + a
        return x + self.proj(self.gelu(self.fc(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, D)
        self.pos = nn.Embedding(BLOCK, D)
        self.blocks = nn.ModuleList([Block(D, HEADS), Block(D, HEADS)])
        self.ln_f = nn.LayerNorm(D)
        self.head = nn.Linear(D, vocab, bias=False)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(t))
        mask = nn.Transformer.generate_square_subsequent_mask(t)
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.ln_f(x))


def configure_optimizers(model, weight_decay, learning_rate, betas):
    """nanoGPT's: every 2-D parameter (matmul weights, embeddings) decays, biases and LayerNorm weights do not."""
    params = [p for _, p in model.named_parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return optim.AdamW(groups, lr=learning_rate, betas=betas)


def run(rec):
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    vocab = len(chars)
    ids = torch.tensor([chars.index(c) for c in TEXT])
    x = torch.stack([ids[i * 9:i * 9 + BLOCK] for i in range(BATCH)])
    y = torch.stack([ids[i * 9 + 1:i * 9 + BLOCK + 1] for i in range(BATCH)])
    model = TinyGPT(vocab)
    for name, p in model.named_parameters():
        rec.record("init", name, p)
    opt = configure_optimizers(model, weight_decay=0.1, learning_rate=1e-2, betas=(0.9, 0.95))
    for step in range(STEPS):
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        rec.record("loss", "loss", loss, step=step)
        if step == 0:
            for name, p in model.named_parameters():
                rec.record("first_grads", name, p.grad)
        opt.step()
    for name, p in model.named_parameters():
        rec.record("final", name, p)
    with torch.no_grad():
        rec.record("final", "logits", model(x))
        context = [chars.index("t")]
        for _ in range(10):
            window = torch.tensor([context[-BLOCK:]])
            nxt = int(model(window)[0, -1].argmax().item())
            context.append(nxt)
        rec.record("sample", "ids", torch.tensor(context))
