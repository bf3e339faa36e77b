#!/usr/bin/python3
"""Regenerates the fixtures both diffs (Python's bridge.parity, C#'s Bridge.Parity) are tested against.

    PYTHONPATH=python /usr/bin/python3 tests/parity-fixtures/make_fixtures.py

watch_mlp_torch.csv: a 3-4-2 tanh MLP with fixed weights, two SGD steps, recorded with Recorder.watch under
real PyTorch 1.13 (the C# recorder's test builds the same model and must line up with it row for row).
diff/: hand-made variants of it, and expected.txt, the verdict each pair must get from either diff.
"""
import csv
import os
import sys

import torch
import torch.nn as nn

from bridge.parity import Recorder

HERE = os.path.dirname(os.path.abspath(__file__))
FC1_W = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.25, -0.35, 0.45]]
FC1_B = [0.01, -0.02, 0.03, -0.04]
FC2_W = [[0.3, -0.1, 0.2, 0.5], [-0.4, 0.6, -0.25, 0.15]]
FC2_B = [0.05, -0.05]
X = [[-1.0, -0.6, -0.2], [0.2, 0.6, 1.0]]
Y = [[0.5, -0.5], [1.0, 0.25]]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def record_torch(path):
    model = Mlp()
    model.load_state_dict({"fc1.weight": torch.tensor(FC1_W), "fc1.bias": torch.tensor(FC1_B),
                           "fc2.weight": torch.tensor(FC2_W), "fc2.bias": torch.tensor(FC2_B)})
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = torch.tensor(X), torch.tensor(Y)
    with Recorder(path, case="watch_mlp") as rec:
        rec.watch(model)
        for _ in range(2):
            loss = nn.functional.mse_loss(model(x), y)
            rec.record("loss", loss)
            opt.zero_grad()
            loss.backward()
            opt.step()


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write(path, table):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(table)


def variants(ref_path, out):
    """Each variant of the reference, and what a diff must say about it (exit code, first divergence)."""
    table = rows(ref_path)
    header, body = table[0], table[1:]
    col = {c: i for i, c in enumerate(header)}

    def changed(pred, fn):
        return [header] + [fn(list(r)) if pred(r) else list(r) for r in body]

    def set_value(r, v):
        r[col["value"]] = v
        return r

    def is_(cp, step, name, index):
        return lambda r: (r[col["checkpoint"]], r[col["step"]], r[col["name"]], r[col["index"]]) == (cp, step, name, index)

    expected = []
    write(os.path.join(out, "reference.csv"), table)
    write(os.path.join(out, "same.csv"), [header] + [r[:-2] + ["csharp", "0.1.0"] for r in body])
    expected.append("same.csv 0 -")
    write(os.path.join(out, "perturbed.csv"), changed(is_("forward", "1", "act", "5"), lambda r: set_value(r, "0.123")))
    expected.append("perturbed.csv 1 1 forward/act 5")
    # step 1's first forward record and a step 0 gradient both wrong: the earliest step wins
    t = changed(is_("forward", "1", "fc1", "0"), lambda r: set_value(r, "9.0"))
    t = [t[0]] + [set_value(list(r), "-1.5") if is_("grad", "0", "fc1.weight", "2")(r) else r for r in t[1:]]
    write(os.path.join(out, "two_faults.csv"), t)
    expected.append("two_faults.csv 1 0 grad/fc1.weight 2")
    write(os.path.join(out, "nan.csv"), changed(is_("record", "0", "loss", "0"), lambda r: set_value(r, "nan")))
    expected.append("nan.csv 1 0 record/loss 0")
    write(os.path.join(out, "shorter.csv"), [header] + [r for r in body if r[col["step"]] == "0"])
    expected.append("shorter.csv 1 1 forward/fc1 -")
    write(os.path.join(out, "renamed.csv"), [header] + [r[:3] + ["act2" if r[3] == "act" else r[3]] + r[4:] for r in body])
    expected.append("renamed.csv 1 0 forward/act -")
    write(os.path.join(out, "other_schema.csv"), [["checkpoint", "name", "value"], ["forward", "fc1", "0.5"]])
    expected.append("other_schema.csv 2 -")
    write(os.path.join(out, "disjoint.csv"), [header] + [r[:3] + ["other_" + r[3]] + r[4:] for r in body])
    expected.append("disjoint.csv 2 -")
    write(os.path.join(out, "bad_value.csv"), changed(is_("forward", "0", "fc2", "1"), lambda r: set_value(r, "zero")))
    expected.append("bad_value.csv 2 -")
    expected.append("does_not_exist.csv 2 -")
    with open(os.path.join(out, "expected.txt"), "w") as f:
        f.write("# CAND exit [step label index]: `diff reference.csv CAND` must exit so and name that first divergence\n"
                "# (index '-' for a record missing/extra on one side); written by make_fixtures.py\n")
        f.write("\n".join(expected) + "\n")


if __name__ == "__main__":
    ref = os.path.join(HERE, "watch_mlp_torch.csv")
    record_torch(ref)
    os.makedirs(os.path.join(HERE, "diff"), exist_ok=True)
    variants(ref, os.path.join(HERE, "diff"))
    print(f"wrote {ref} and {os.path.join(HERE, 'diff')}", file=sys.stderr)
