namespace Bridge.Tests.Ops;

/// <summary>
/// float32 transcendental ops bit for bit as torch 1.13 computes them on the CPU (SLEEF's AVX2 functions, glibc in
/// some loop tails): Data/TorchExactMath/&lt;op&gt;.bin holds torch's results for the inputs built here
/// (Data/TorchExactMath/generate.py wrote them). 523 elements: 32 whole vectors, a tail, and specials.
/// The long sweeps against libsleef itself are in tests/python/test_torch_exact_math.py.
/// </summary>
[TestClass]
public sealed class TorchExactMathTests
{
    static readonly double[] Specials = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-45, 1e6, -123456.7, 88.7, 1.0, -1.0, 300.0];

    static float[] Inputs(double low, double high)
    {
        var x = new float[523];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(low + (high - low) * (i * 7919L % 1000) / 1000.0);
        for (int k = 0; k < Specials.Length; k++) x[k * 47 + 3] = (float)Specials[k];
        return x;
    }

    static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["sin"] = t => t.Sin(),
        ["cos"] = t => t.Cos(),
        ["tan"] = t => t.Tan(),
        ["asin"] = t => t.Asin(),
        ["acos"] = t => t.Acos(),
        ["atan"] = t => t.Atan(),
        ["exp"] = t => t.Exp(),
        ["expm1"] = t => t.Expm1(),
        ["log"] = t => t.Log(),
        ["log2"] = t => t.Log2(),
        ["log10"] = t => t.Log10(),
        ["log1p"] = t => t.Log1p(),
        ["tanh"] = t => t.Tanh(),
        ["sinh"] = t => t.Sinh(),
        ["cosh"] = t => t.Cosh(),
        ["sigmoid"] = t => t.Sigmoid(),
    };

    [TestMethod]
    [DataRow("sin", -10, 10), DataRow("cos", -10, 10), DataRow("tan", -3, 3), DataRow("asin", -1, 1)]
    [DataRow("acos", -1, 1), DataRow("atan", -20, 20), DataRow("exp", -90, 90), DataRow("expm1", -20, 20)]
    [DataRow("log", 0, 100), DataRow("log2", 0, 100), DataRow("log10", 0, 100), DataRow("log1p", -1, 100)]
    [DataRow("tanh", -10, 10), DataRow("sinh", -10, 10), DataRow("cosh", -10, 10), DataRow("sigmoid", -20, 20)]
    public void Float32MatchesTorchBitForBit(string op, double low, double high)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported)
            Assert.Inconclusive("torch's SLEEF kernels are reproduced on AVX2+FMA CPUs only; others keep libm");
        var x = Inputs(low, high);
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "TorchExactMath", op + ".bin"));
        var want = new float[x.Length];
        Buffer.BlockCopy(bytes, 0, want, 0, bytes.Length);
        var got = Ops[op](Torch.FromArray(x, x.Length)).ToArray<float>();
        for (int i = 0; i < x.Length; i++)
        {
            bool same = BitConverter.SingleToInt32Bits(got[i]) == BitConverter.SingleToInt32Bits(want[i]) || (float.IsNaN(got[i]) && float.IsNaN(want[i]));
            Assert.IsTrue(same, $"{op}({x[i]:R}) at {i}: {got[i]:R}, torch {want[i]:R}");
        }
    }
}
