"""A character-level LSTM language model (Embedding -> 2-layer LSTM -> Linear), default torch initialisation from
seed 0, trained 6 Adam steps on next-character prediction, then greedy sampling of 12 characters with the state carried."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

TEXT = "hello world, hello bridge. the quick brown fox jumps over the lazy dog; hello again."
STEPS = 6
BATCH, SEQ = 4, 12


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed=8, hidden=16):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


def run(rec):
    torch.manual_seed(0)
    chars = sorted(set(TEXT))
    vocab = len(chars)
    ids = torch.tensor([chars.index(c) for c in TEXT])
    x = torch.stack([ids[i * SEQ:i * SEQ + SEQ] for i in range(BATCH)])
    y = torch.stack([ids[i * SEQ + 1:i * SEQ + SEQ + 1] for i in range(BATCH)])
    model = CharLSTM(vocab)
    for name, p in model.named_parameters():
        rec.record("init", name, p)
    opt = optim.Adam(model.parameters(), lr=0.01)
    for step in range(STEPS):
        opt.zero_grad()
        logits, _ = model(x)
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
        logits, (h, c) = model(x)
        rec.record("final", "logits", logits)
        rec.record("final", "h", h)
        rec.record("final", "c", c)
        token = torch.tensor([[chars.index("h")]])
        state = None
        sampled = []
        for _ in range(12):
            out, state = model(token, state)
            nxt = int(out[0, -1].argmax().item())
            sampled.append(nxt)
            token = torch.tensor([[nxt]])
        rec.record("sample", "ids", torch.tensor(sampled))
