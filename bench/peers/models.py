"""One training step of the nn issue's three real models at benchmark sizes (the same models, sizes, optimisers and
data as bench/Bridge.Bench/Models.cs): a LeNet with BatchNorm, a character LSTM and a tiny GPT. `torch` is passed in
so that the one definition serves PyTorch and Bridge (`import bridge as torch`) alike."""

VOCAB = 65
GPT_BLOCK, GPT_WIDTH, GPT_HEADS = 64, 128, 4


def build(torch, model):
    """(step function, description) for the named model; the step runs forward, loss, backward and the optimiser."""
    nn, F = torch.nn, torch.nn.functional

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6)
            self.conv2, self.bn2 = nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16)
            self.fc1, self.fc2, self.fc3 = nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(self.bn1(self.conv1(x)).relu(), 2)
            x = F.max_pool2d(self.bn2(self.conv2(x)).relu(), 2)
            x = torch.flatten(x, 1)
            return self.fc3(self.fc2(self.fc1(x).relu()).relu())

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed, self.lstm, self.head = nn.Embedding(VOCAB, 64), nn.LSTM(64, 256, batch_first=True), nn.Linear(256, VOCAB)

        def forward(self, x):
            return self.head(self.lstm(self.embed(x))[0])

    class GPTLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(GPT_WIDTH), nn.LayerNorm(GPT_WIDTH)
            self.attn = nn.MultiheadAttention(GPT_WIDTH, GPT_HEADS, batch_first=True)
            self.fc, self.gelu, self.proj = nn.Linear(GPT_WIDTH, 4 * GPT_WIDTH), nn.GELU(), nn.Linear(4 * GPT_WIDTH, GPT_WIDTH)

        def forward(self, x, mask):
            h = self.ln1(x)
            x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
            return x + self.proj(self.gelu(self.fc(self.ln2(x))))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(VOCAB, GPT_WIDTH), nn.Embedding(GPT_BLOCK, GPT_WIDTH)
            self.layers = nn.ModuleList([GPTLayer(), GPTLayer()])
            self.ln_f, self.head = nn.LayerNorm(GPT_WIDTH), nn.Linear(GPT_WIDTH, VOCAB, bias=False)
            self.mask = nn.Transformer.generate_square_subsequent_mask(GPT_BLOCK)

        def forward(self, idx):
            x = self.tok(idx) + self.pos(torch.arange(idx.size(1)))
            for layer in self.layers:
                x = layer(x, self.mask)
            return self.head(self.ln_f(x))

    torch.manual_seed(0)
    if model == "lenet":  # an MNIST-shaped batch of 64
        net = LeNet()
        x, y = torch.randn(64, 1, 28, 28), torch.randint(10, (64,))
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    elif model == "char_lstm":  # 32 sequences of 64 characters
        net = CharLSTM()
        x, y = torch.randint(VOCAB, (32, 64)), torch.randint(VOCAB, (32 * 64,))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    elif model == "tiny_gpt":  # 16 sequences of 64 tokens
        net = TinyGPT()
        x, y = torch.randint(VOCAB, (16, GPT_BLOCK)), torch.randint(VOCAB, (16 * GPT_BLOCK,))
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0.1)
    else:
        raise ValueError(f"unknown model {model}")

    def step():
        opt.zero_grad()
        logits = net(x)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB) if logits.dim() == 3 else logits, y)
        loss.backward()
        opt.step()

    return step
