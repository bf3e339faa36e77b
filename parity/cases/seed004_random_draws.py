"""Seed 004's random draws: torch.manual_seed(7) then the single-unit draws
(features randn((1,5)), weights randn_like, bias randn((1,1))); again
manual_seed(7) and the 3-2-1 network draws.  Then further draws exercising the
generator: rand, randint, randperm, float64 randn (also >= 16 elements),
randn_like, normal_ and uniform_.  Every value here is reproducible bit for bit
(float32 normals of < 16 elements and all float64 normals use double-precision
Box-Muller).  float32 randn of >= 16 elements, whose values depend on torch's
SIMD log/sin/cos, is in the separate case random_normal_vectorized."""
import torch


def run(rec):
    torch.manual_seed(7)
    features = torch.randn((1, 5))
    weights = torch.randn_like(features)
    bias = torch.randn((1, 1))
    rec.record("unit", "features", features)
    rec.record("unit", "weights", weights)
    rec.record("unit", "bias", bias)

    torch.manual_seed(7)
    features = torch.randn((1, 3))
    W1 = torch.randn(3, 2)
    W2 = torch.randn(2, 1)
    B1 = torch.randn((1, 2))
    B2 = torch.randn((1, 1))
    for name, t in (("features", features), ("W1", W1), ("W2", W2),
                    ("B1", B1), ("B2", B2)):
        rec.record("network", name, t)

    # one generator stream, drawn in this order
    torch.manual_seed(0)
    rec.record("stream", "rand_3x4", torch.rand(3, 4))
    rec.record("stream", "randint_0_10_x6", torch.randint(0, 10, (6,)))
    rec.record("stream", "randperm_10", torch.randperm(10))
    rec.record("stream", "randn_3x5", torch.randn(3, 5))  # 15 elements: scalar path
    rec.record("stream", "randn_f64_2x3", torch.randn(2, 3, dtype=torch.float64))
    rec.record("stream", "randn_f64_20", torch.randn(20, dtype=torch.float64))
    rec.record("stream", "rand_f64_5", torch.rand(5, dtype=torch.float64))
    base = torch.zeros(2, 3)
    rec.record("stream", "randn_like_2x3", torch.randn_like(base))
    rec.record("stream", "normal_mean1_std2_7", torch.empty(7).normal_(1.0, 2.0))
    rec.record("stream", "uniform_m3_3_x17", torch.empty(17).uniform_(-3.0, 3.0))
    rec.record("stream", "randint_5_x3", torch.randint(5, (3,)))
    rec.record("stream", "rand_after", torch.rand(2))

    # re-seeding restarts the stream
    torch.manual_seed(0)
    rec.record("reseed", "rand_3x4", torch.rand(3, 4))
    torch.manual_seed(1234)
    rec.record("reseed", "randn_3", torch.randn(3))
