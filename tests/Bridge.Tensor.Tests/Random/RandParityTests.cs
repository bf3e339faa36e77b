namespace Bridge.Tests.Random;

/// <summary>
/// torch.rand and torch.randn, bit for bit against PyTorch 1.13 (Data/Rng/rand.txt, randn.txt),
/// for seeds 0, 7, 42 and 2^40+3. Sizes below 16 exercise the scalar Box-Muller path, 16 and above the
/// 16-wide block transform (AVX2 avx_mathfun for float32, libm for float64), including the re-drawn tail
/// block for sizes that are not multiples of 16; Size1000003 compares a SHA-256 of all bits.
/// </summary>
[TestClass]
public sealed class RandParityTests
{
    [TestMethod]
    public void Rand_Float32_Size1_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_1_seed");

    [TestMethod]
    public void Rand_Float32_Size5_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_5_seed");

    [TestMethod]
    public void Rand_Float32_Size15_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_15_seed");

    [TestMethod]
    public void Rand_Float32_Size16_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_16_seed");

    [TestMethod]
    public void Rand_Float32_Size17_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_17_seed");

    [TestMethod]
    public void Rand_Float32_Size31_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_31_seed");

    [TestMethod]
    public void Rand_Float32_Size1000_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_1000_seed");

    [TestMethod]
    public void Rand_Float32_Shape3x7_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_3x7_seed");

    [TestMethod]
    public void Rand_Float32_Shape1x5_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_1x5_seed");

    [TestMethod]
    public void Rand_Float32_Size1000003_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float32_1000003_seed");

    [TestMethod]
    public void Rand_Float64_Size1_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_1_seed");

    [TestMethod]
    public void Rand_Float64_Size5_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_5_seed");

    [TestMethod]
    public void Rand_Float64_Size15_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_15_seed");

    [TestMethod]
    public void Rand_Float64_Size16_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_16_seed");

    [TestMethod]
    public void Rand_Float64_Size17_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_17_seed");

    [TestMethod]
    public void Rand_Float64_Size31_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_31_seed");

    [TestMethod]
    public void Rand_Float64_Size1000_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_1000_seed");

    [TestMethod]
    public void Rand_Float64_Shape3x7_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_3x7_seed");

    [TestMethod]
    public void Rand_Float64_Shape1x5_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_1x5_seed");

    [TestMethod]
    public void Rand_Float64_Size1000003_MatchesTorchBits() => RngAssert.CasesMatch("rand.txt", "rand_float64_1000003_seed");

    [TestMethod]
    public void Randn_Float32_Size1_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_1_seed");

    [TestMethod]
    public void Randn_Float32_Size5_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_5_seed");

    [TestMethod]
    public void Randn_Float32_Size15_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_15_seed");

    [TestMethod]
    public void Randn_Float32_Size16_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_16_seed");

    [TestMethod]
    public void Randn_Float32_Size17_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_17_seed");

    [TestMethod]
    public void Randn_Float32_Size31_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_31_seed");

    [TestMethod]
    public void Randn_Float32_Size1000_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_1000_seed");

    [TestMethod]
    public void Randn_Float32_Shape3x7_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_3x7_seed");

    [TestMethod]
    public void Randn_Float32_Shape1x5_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_1x5_seed");

    [TestMethod]
    public void Randn_Float32_Size1000003_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float32_1000003_seed");

    [TestMethod]
    public void Randn_Float64_Size1_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_1_seed");

    [TestMethod]
    public void Randn_Float64_Size5_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_5_seed");

    [TestMethod]
    public void Randn_Float64_Size15_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_15_seed");

    [TestMethod]
    public void Randn_Float64_Size16_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_16_seed");

    [TestMethod]
    public void Randn_Float64_Size17_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_17_seed");

    [TestMethod]
    public void Randn_Float64_Size31_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_31_seed");

    [TestMethod]
    public void Randn_Float64_Size1000_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_1000_seed");

    [TestMethod]
    public void Randn_Float64_Shape3x7_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_3x7_seed");

    [TestMethod]
    public void Randn_Float64_Shape1x5_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_1x5_seed");

    [TestMethod]
    public void Randn_Float64_Size1000003_MatchesTorchBits() => RngAssert.CasesMatch("randn.txt", "randn_float64_1000003_seed");
}
