"""bench/first-steps/Program.cs from Python: the first 1,000 MLP steps of a fresh process against steps 2,001-3,000.

Usage: first_steps.py bridge|torch. The first block includes `import` and building the model. One JSON line.
"""
import importlib
import json
import sys
import time

start = time.perf_counter()
torch = importlib.import_module(sys.argv[1])
STEPS = 1000

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
loss_fn = torch.nn.CrossEntropyLoss()
x = torch.randn(64, 784)
y = torch.randint(0, 10, (64,))


def block():
    global start
    for _ in range(STEPS):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    now = time.perf_counter()
    seconds, start = now - start, now
    return seconds


first = block()
block()
steady = block()
print(json.dumps({"first_s": round(first, 4), "steady_s": round(steady, 4)}))
