"""float32 randn of >= 16 elements.  torch fills the tensor with uniforms and
turns each block of 16 into normals (Box-Muller on pairs j, j+8); when the size
is not a multiple of 16 the last 16 positions are redrawn and transformed
again.  The arithmetic is float32 with torch's SIMD log/sin/cos (Sleef on an
AVX2 build), so a runtime using another libm agrees only to an ulp or two; the
underlying uniforms, the block layout and the stream position afterwards must
still agree exactly (see the rand_after draws, compared under the same
tolerance but expected bitwise)."""
import torch


def run(rec):
    torch.manual_seed(0)
    rec.record("draws", "randn_4x5", torch.randn(4, 5))
    rec.record("draws", "randn_16", torch.randn(16))
    rec.record("draws", "randn_1000", torch.randn(1000))
    rec.record("draws", "rand_after", torch.rand(3))
    rec.record("draws", "randn_like_2x10", torch.randn_like(torch.zeros(2, 10)))
    rec.record("draws", "normal_mean1_std2_33", torch.empty(33).normal_(1.0, 2.0))
    torch.manual_seed(1234)
    rec.record("reseed", "randn_17", torch.randn(17))
    rec.record("reseed", "randn_3", torch.randn(3))
