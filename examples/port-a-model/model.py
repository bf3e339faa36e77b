#!/usr/bin/python3
"""The PyTorch side: the model a team ports to C#, trained for a few steps and recorded with bridge.parity.

    python model.py --export              # once: weights.safetensors and data.safetensors, the port's inputs
    python model.py --out out/torch.csv   # the reference run, recorded
    python model.py --runtime bridge --out out/bridge.csv   # the same script on bridge (import bridge as torch)

Both runs start from weights.safetensors, so they (and the C# port, Port/) begin equal without hand copying.
"""
import argparse
import importlib
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 8


def load_runtime(name):
    torch = importlib.import_module(name)
    return torch, torch.nn


def build(torch, nn):
    class TinyClassifier(nn.Module):
        """4 features -> 3 classes; the C# port (Port/Model.cs) names its fields the same (embed, act1, ...)."""

        def __init__(self):
            super().__init__()
            self.embed = nn.Linear(4, 16)
            self.act1 = nn.Tanh()
            self.hidden = nn.Linear(16, 16)
            self.act2 = nn.ReLU()
            self.head = nn.Linear(16, 3)

        def forward(self, x):
            return self.head(self.act2(self.hidden(self.act1(self.embed(x)))))

    return TinyClassifier()


def export(path_weights, path_data):
    """The team's existing checkpoint and batch, as safetensors files (a .pt checkpoint converts the same way:
    ``bridge.save({k: v.numpy() for k, v in torch.load(f).items()}, "weights.safetensors")``)."""
    import torch
    import bridge
    torch.manual_seed(0)
    model = build(torch, torch.nn)
    bridge.save({k: v.detach().numpy() for k, v in model.state_dict().items()}, path_weights)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = np.argmax(x @ rng.standard_normal((4, 3)).astype(np.float32), axis=1).astype(np.int64)
    bridge.save({"x": x, "y": y}, path_data)


def run(runtime, out, weights, data):
    import bridge
    from bridge.parity import Recorder
    torch, nn = load_runtime(runtime)
    tensors = {k: v.numpy() for k, v in bridge.load(weights).items()}
    batch = {k: v.numpy() for k, v in bridge.load(data).items()}
    model = build(torch, nn)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in tensors.items()})
    x, y = torch.from_numpy(batch["x"].copy()), torch.from_numpy(batch["y"].copy())
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    with Recorder(out) as rec:
        rec.watch(model)                      # each layer's output, each parameter's gradient, per step
        for _ in range(STEPS):
            loss = loss_fn(model(x), y)
            rec.record("loss", loss)
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(f"{runtime}: {STEPS} steps, final loss {float(loss):.6f}, recorded to {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runtime", choices=("torch", "bridge"), default="torch")
    ap.add_argument("--out", default=os.path.join(HERE, "out", "torch.csv"))
    ap.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"))
    ap.add_argument("--data", default=os.path.join(HERE, "data.safetensors"))
    ap.add_argument("--export", action="store_true", help="write the weights and data files, then stop")
    args = ap.parse_args()
    if args.export:
        export(args.weights, args.data)
        print(f"wrote {args.weights} and {args.data}")
        return
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    run(args.runtime, args.out, args.weights, args.data)


if __name__ == "__main__":
    sys.exit(main())
