#!/usr/bin/python3
"""Record PyTorch's CPU random draws bit for bit, for Bridge.Random's parity tests.

Run with Debian's interpreter (the one that has torch): /usr/bin/python3 parity/rng/record_rng.py
Writes text files under tests/Bridge.Tensor.Tests/Data/Rng/.

File format (tab separated, one draw per line, '#' lines are comments):
    case <TAB> seed <TAB> op <TAB> dtype <TAB> values
A case is a sequence of draws made right after torch.manual_seed(seed); the lines of
one case appear in draw order, so cached Box-Muller values carry from one line to the next.
values is either a comma separated list (hex of the IEEE bits for float32/float64,
decimal for int64, hex bytes for uint8 state) or "sha256:<hex of the little-endian
bytes>|<first 8 values>" for large draws.

ops (n is the element count; the tensor is contiguous, shape does not matter to the RNG):
    rand n | randn n | uniform n from to | normal n mean std | randint n low high
    randperm n | bernoulli n p | bernoulli_t n (per-element p, see probs()) |
    dropout_mask n p (mask of F.dropout(ones, p)) | linear in out (weight then bias) |
    state (torch.get_rng_state() bytes at that point)
"""
import hashlib
import os
import struct
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "Bridge.Tensor.Tests", "Data", "Rng")
SEEDS = [0, 7, 42, 2**40 + 3]
SIZES = [1, 5, 15, 16, 17, 31, 1000, (3, 7), (1, 5)]
DTYPES = {"float32": torch.float32, "float64": torch.float64}
HASH_ABOVE = 4096  # draws larger than this are stored as a hash


def numel(size):
    n = 1
    for s in (size if isinstance(size, tuple) else (size,)):
        n *= s
    return n


def probs(n, dtype):
    # Deterministic per-element probabilities, exactly representable and easy to rebuild in C#:
    # p_i = (i * 7 % 13) / 12, computed in double then rounded to the dtype.
    return torch.tensor([(i * 7 % 13) / 12.0 for i in range(n)], dtype=torch.float64).to(dtype)


def encode(t, dtype):
    t = t.detach().contiguous().reshape(-1)
    if dtype == "float32":
        raw = t.numpy().astype("<f4").tobytes()
        vals = ["%08x" % v for v in struct.unpack("<%dI" % t.numel(), raw)]
    elif dtype == "float64":
        raw = t.numpy().astype("<f8").tobytes()
        vals = ["%016x" % v for v in struct.unpack("<%dQ" % t.numel(), raw)]
    elif dtype == "int64":
        raw = t.numpy().astype("<i8").tobytes()
        vals = [str(v) for v in t.tolist()]
    elif dtype == "uint8":
        return bytes(t.numpy()).hex()
    else:
        raise ValueError(dtype)
    if len(vals) > HASH_ABOVE:
        return "sha256:%s|%s" % (hashlib.sha256(raw).hexdigest(), ",".join(vals[:8]))
    return ",".join(vals)


def run_op(op, dtype):
    """Run one op string on the default generator; return (tensor, dtype used for encoding)."""
    parts = op.split()
    name, args = parts[0], parts[1:]
    dt = DTYPES.get(dtype)
    if name == "rand":
        return torch.rand(int(args[0]), dtype=dt)
    if name == "randn":
        return torch.randn(int(args[0]), dtype=dt)
    if name == "uniform":
        return torch.empty(int(args[0]), dtype=dt).uniform_(float(args[1]), float(args[2]))
    if name == "normal":
        return torch.empty(int(args[0]), dtype=dt).normal_(float(args[1]), float(args[2]))
    if name == "randint":
        return torch.randint(int(args[1]), int(args[2]), (int(args[0]),), dtype=torch.int64)
    if name == "randperm":
        return torch.randperm(int(args[0]))
    if name == "bernoulli":
        return torch.empty(int(args[0]), dtype=dt).bernoulli_(float(args[1]))
    if name == "bernoulli_t":
        return torch.bernoulli(probs(int(args[0]), dt))
    if name == "dropout_mask":
        out = F.dropout(torch.ones(int(args[0]), dtype=dt), float(args[1]), training=True)
        return (out != 0).to(dt)
    if name == "linear":
        lin = torch.nn.Linear(int(args[0]), int(args[1]), dtype=dt)
        return torch.cat([lin.weight.detach().reshape(-1), lin.bias.detach().reshape(-1)])
    if name == "state":
        return torch.get_rng_state()
    raise ValueError(op)


class Writer:
    def __init__(self, name):
        self.path = os.path.join(OUT, name)
        self.lines = [
            "# torch %s, numpy via /usr/bin/python3, made by parity/rng/record_rng.py" % torch.__version__,
            "# cpu capability: %s" % [l.strip() for l in torch.__config__.show().splitlines() if "CPU capability" in l],
            "# case\tseed\top\tdtype\tvalues",
        ]

    def case(self, case, seed, steps):
        """steps: list of (op, dtype). Seeds once, then runs every step in order."""
        torch.manual_seed(seed)
        for op, dtype in steps:
            t = run_op(op, dtype)
            enc_dtype = {"randint": "int64", "randperm": "int64", "state": "uint8"}.get(op.split()[0], dtype)
            self.lines.append("\t".join([case, str(seed), op, enc_dtype, encode(t, enc_dtype)]))

    def save(self):
        with open(self.path, "w") as f:
            f.write("\n".join(self.lines) + "\n")
        print("wrote", self.path, os.path.getsize(self.path), "bytes")


def size_name(size):
    return "x".join(str(s) for s in size) if isinstance(size, tuple) else str(size)


def main():
    os.makedirs(OUT, exist_ok=True)

    # rand / randn: every seed, dtype and size; one draw per case.
    for kind in ["rand", "randn"]:
        w = Writer(kind + ".txt")
        for dname in DTYPES:
            for seed in SEEDS:
                for size in SIZES:
                    w.case("%s_%s_%s_seed%d" % (kind, dname, size_name(size), seed), seed,
                           [("%s %d" % (kind, numel(size)), dname)])
            # Large draws, stored as hashes: they exercise the 16-wide block transform on ~1M values.
            w.case("%s_%s_1000003_seed0" % (kind, dname), 0, [("%s 1000003" % kind, dname)])
        w.save()

    # Sequences: the cached second Box-Muller value must flow between draws (and across dtypes).
    w = Writer("sequences.txt")
    for seed in SEEDS:
        for dname in DTYPES:
            w.case("seq_%s_seed%d" % (dname, seed), seed, [
                ("randn 1", dname), ("randn 5", dname), ("randn 17", dname), ("rand 3", dname),
                ("randn 3", dname), ("randn 1", dname), ("normal 2 1.5 0.25", dname), ("randn 33", dname)])
        w.case("seq_mixed_seed%d" % seed, seed, [
            ("randn 1", "float32"), ("randn 1", "float64"), ("randn 3", "float64"), ("randn 16", "float32"),
            ("randn 1", "float32"), ("randint 4 0 10", "int64"), ("randn 1", "float32")])
    # A fresh torch.Generator() is seeded with default_rng_seed_val = 67280421310721.
    w.case("fresh_generator", 67280421310721, [("rand 5", "float32"), ("randn 3", "float32"), ("randn 20", "float32")])
    # Seed 004's figures.
    w.case("seed004_randn_like", 7, [("randn 5", "float32"), ("randn 5", "float32")])
    w.case("seed004_features_w1_b1", 7, [("randn 3", "float32"), ("randn 6", "float32"), ("randn 2", "float32"),
                                         ("randn 2", "float32"), ("randn 1", "float32")])
    w.save()

    # normal_(mean, std) and uniform_(from, to) with non-trivial parameters (FMA matters here).
    w = Writer("normal_uniform.txt")
    for dname in DTYPES:
        for seed in SEEDS:
            for n in [1, 5, 16, 17, 1000]:
                w.case("normal_%s_%d_seed%d" % (dname, n, seed), seed, [("normal %d 0.3 2.5" % n, dname)])
                w.case("normal_%s_%d_seed%d_b" % (dname, n, seed), seed, [("normal %d -7.1 0.013" % n, dname)])
                w.case("uniform_%s_%d_seed%d" % (dname, n, seed), seed, [("uniform %d -0.37 1.9" % n, dname)])
                w.case("uniform_%s_%d_seed%d_b" % (dname, n, seed), seed, [("uniform %d 3 1000.5" % n, dname)])
    w.save()

    # Integers: randint (32-bit and 64-bit draw paths) and randperm.
    w = Writer("integers.txt")
    for seed in SEEDS:
        for low, high in [(0, 10), (-5, 5), (0, 2**31), (3, 2**32 + 3), (-(2**40), 2**41), (0, 2**32), (0, 2**32 - 1),
                          (-(2**63), 2**63 - 1)]:
            w.case("randint_%d_%d_seed%d" % (low, high, seed), seed, [("randint 37 %d %d" % (low, high), "int64")])
        for n in [1, 2, 5, 100, 50000]:
            w.case("randperm_%d_seed%d" % (n, seed), seed, [("randperm %d" % n, "int64")])
    w.save()

    # Bernoulli: scalar p (dropout's path), per-element p, and the dropout mask itself.
    w = Writer("bernoulli.txt")
    for dname in DTYPES:
        for seed in SEEDS:
            for n in [1, 17, 1000]:
                for p in [0.0, 0.2, 0.5, 0.9, 1.0]:
                    w.case("bernoulli_%s_%d_p%s_seed%d" % (dname, n, p, seed), seed, [("bernoulli %d %r" % (n, p), dname)])
                w.case("bernoulli_t_%s_%d_seed%d" % (dname, n, seed), seed, [("bernoulli_t %d" % n, dname)])
                w.case("dropout_%s_%d_seed%d" % (dname, n, seed), seed, [("dropout_mask %d 0.3" % n, dname)])
    w.save()

    # nn.Linear initialisation (kaiming_uniform_(a=sqrt(5)) then bias uniform_).
    w = Writer("linear.txt")
    for dname in DTYPES:
        for seed in SEEDS:
            w.case("linear_3_2_%s_seed%d" % (dname, seed), seed, [("linear 3 2", dname)])
        w.case("mlp_784_256_10_%s_seed0" % dname, 0, [("linear 784 256", dname), ("linear 256 10", dname)])
    w.save()

    # get_rng_state bytes after various draws (cached normals included).
    w = Writer("state.txt")
    for seed in SEEDS:
        w.case("state_fresh_seed%d" % seed, seed, [("state", "uint8")])
        w.case("state_after_draws_seed%d" % seed, seed, [
            ("rand 700", "float32"), ("randn 1", "float64"), ("state", "uint8"), ("randn 1", "float64"),
            ("state", "uint8"), ("randint 3 0 5", "int64"), ("state", "uint8")])
    w.save()


if __name__ == "__main__":
    sys.exit(main())
