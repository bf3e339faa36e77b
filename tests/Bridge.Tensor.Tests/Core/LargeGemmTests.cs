using static Bridge.Tests.Core.LargeTensorSupport;

namespace Bridge.Tests.Core;

/// <summary>
/// Matrix products past what the int GEMM kernels address (issue 16), cut into blocks of rows, columns and the inner
/// dim. A real one would need 8 GiB of float32, so the blocking is checked with its piece size lowered (blocks of a
/// few elements, every kind of cut) and on <see cref="LargeTensorSupport.Far"/> operands, against one pass; the
/// values are small integers, so every summation order gives the same result.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class LargeGemmTests : OnTheCpu
{
    static readonly Type LargeGemm = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.LargeGemm")!;

    static Tensor Ints(DType dtype, params int[] shape)
    {
        var v = (Torch.Rand(shape) * 5 - (dtype == DType.UInt8 ? 0 : 2)).Floor();
        return v.To(dtype);
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    [DataRow(DType.Int64)]
    [DataRow(DType.UInt8)]
    public void BlockedProduct_EqualsOnePass(DType dtype)
    {
        Torch.ManualSeed(4);
        var a = Ints(dtype, 13, 11);
        var b = Ints(dtype, 11, 7);
        var bias = Ints(dtype, 7);
        var expected = a.Mm(b);
        var expectedT = b.T().Mm(a.T());
        var expectedBias = Tensor.Addmm(bias, a, b);
        foreach (long piece in new long[] { 1, 5, 20, 80 })
            using (Lowered(LargeGemm, "PieceElements", piece))
            {
                Same(expected, a.Mm(b), $"mm, blocks of {piece}");
                Same(expectedT, b.T().Mm(a.T()), $"mm of transposed views, blocks of {piece}");
                Same(expectedBias, Tensor.Addmm(bias, a, b), $"addmm (accumulates onto the bias), blocks of {piece}");
                Same(expected, a.MatMul(b), $"matmul, blocks of {piece}");
            }
    }

    [TestMethod]
    public void FarOperands_PastInt32Offsets_EqualOnePass()
    {
        Torch.ManualSeed(5);
        using var a = Ints(DType.Float32, 9, 6);
        using var b = Ints(DType.Float32, 6, 4);
        Same(a.Mm(b), Far(a).Mm(b), "far A");
        Same(a.Mm(b), a.Mm(Far(b)), "far B");
        Same(a.T().Mm(a), Far(a).T().Mm(Far(a)), "far transposed A and far B");
    }
}
