using System.Reflection;

namespace Bridge.Tests.Ops;

/// <summary>
/// BRIDGE_GEMM_ORDER=reference's packed kernel (ReferenceOrderGemm) against the scalar reference loop it replaces, bit for
/// bit (signed zeros, infinities and NaNs included): every tile and k-block edge, all four layouts plus general strides,
/// products with a starting C (addmm, beta/alpha), float32 and float64, 1 and 2 threads. The loop itself agrees with
/// torch 1.13 over netlib BLAS (tests/python/test_gemm_reference_kernel_vs_torch.py checks the kernel against torch).
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class ReferenceOrderGemmTests : OnTheCpu
{
    static readonly Type Gemm = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.Gemm")!;

    /// <summary>Runs <paramref name="product"/> in reference order, through the packed kernel or through the scalar loop.</summary>
    static Tensor InReferenceOrder(bool kernel, Func<Tensor> product) => WithGemm(referenceAlways: true, kernel, product);

    /// <summary>Runs <paramref name="product"/> with Gemm.ReferenceAlways = <paramref name="referenceAlways"/> and Gemm.ReferenceKernel = <paramref name="kernel"/>.</summary>
    static Tensor WithGemm(bool referenceAlways, bool kernel, Func<Tensor> product)
    {
        var always = Gemm.GetField("ReferenceAlways", BindingFlags.NonPublic | BindingFlags.Static)!;
        var useKernel = Gemm.GetField("ReferenceKernel", BindingFlags.NonPublic | BindingFlags.Static)!;
        object oldAlways = always.GetValue(null)!, oldKernel = useKernel.GetValue(null)!;
        try
        {
            always.SetValue(null, referenceAlways);
            useKernel.SetValue(null, kernel);
            return product();
        }
        finally
        {
            always.SetValue(null, oldAlways);
            useKernel.SetValue(null, oldKernel);
        }
    }

    static void SameBits(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shape");
        double[] x = expected.ToDoubleArray(), y = actual.ToDoubleArray();
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.DoubleToInt64Bits(x[i]) != BitConverter.DoubleToInt64Bits(y[i]) && !(double.IsNaN(x[i]) && double.IsNaN(y[i])))
                Assert.Fail($"{what}: element {i} is {y[i]:R}, the reference loop gives {x[i]:R}");
    }

    /// <summary>Kernel and loop agree on <paramref name="product"/> at 1 and 2 threads.</summary>
    static void Check(Func<Tensor> product, string what)
    {
        var expected = InReferenceOrder(kernel: false, product);
        int saved = Torch.GetNumThreads();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Torch.SetNumThreads(threads);
                SameBits(expected, InReferenceOrder(kernel: true, product), $"{what}, {threads} thread(s)");
            }
        }
        finally
        {
            Torch.SetNumThreads(saved);
        }
    }

    /// <summary>Values of mixed magnitude (products round differently in another order), some exact zeros of both signs.</summary>
    static Tensor Values(DType dtype, params int[] shape)
    {
        var v = Torch.Randn(shape, dtype) * Torch.Exp(Torch.Randn(shape, dtype) * 3);
        return Torch.Where(Torch.Rand(shape) < 0.05, v * 0, v);
    }

    /// <summary>A [rows, cols] operand in one of five layouts: row-major, transposed, every other column, every other row
    /// and column of a transposed buffer (strides on both dims), or a single broadcast row repeated (row stride 0).</summary>
    static Tensor Operand(DType dtype, int rows, int cols, int layout) => layout switch
    {
        0 => Values(dtype, rows, cols),
        1 => Values(dtype, cols, rows).T(),
        2 => Values(dtype, rows, 2 * cols).Slice(1, 0, null, 2),
        3 => Values(dtype, 2 * cols, 2 * rows).T().Slice(0, 1, null, 2).Slice(1, 0, null, 2),
        _ => Values(dtype, 1, cols).Expand([rows, cols]),
    };

    static readonly int[][] Shapes =
    [
        [1, 1, 1], [1, 5, 1], [3, 2, 5], [7, 33, 9], [8, 16, 32], [9, 17, 33], [16, 1, 64], [17, 31, 15],
        [40, 32, 96], [40, 32, 32], [40, 1782, 32], [63, 65, 47], [65, 200, 97], [6, 600, 130], [130, 513, 70],
        [300, 129, 257], [200, 300, 100], [12, 1100, 31],
    ];

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void MatMul_EveryLayoutAndEdge_MatchesScalarLoopBitwise(DType dtype)
    {
        Torch.ManualSeed(11);
        foreach (var s in Shapes)
        {
            int m = s[0], k = s[1], n = s[2];
            for (int la = 0; la < 5; la++)
                for (int lb = 0; lb < 5; lb++)
                {
                    if ((la >= 2 || lb >= 2) && (long)m * n * k > 200_000) continue; // strided layouts: small shapes suffice
                    var a = Operand(dtype, m, k, la);
                    var b = Operand(dtype, k, n, lb);
                    Check(() => a.MatMul(b), $"{dtype} {m}x{k}x{n} layouts {la},{lb}");
                }
        }
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void Addmm_StartingFromC_MatchesScalarLoopBitwise(DType dtype)
    {
        Torch.ManualSeed(12);
        foreach (var s in Shapes)
        {
            int m = s[0], k = s[1], n = s[2];
            var bias = Values(dtype, n);
            var full = Values(dtype, m, n);
            var a = Operand(dtype, m, k, 0);
            var b = Operand(dtype, k, n, 0);
            var bt = Operand(dtype, k, n, 1);
            Check(() => Tensor.Addmm(bias, a, b), $"addmm {dtype} {m}x{k}x{n}");
            Check(() => Tensor.Addmm(full, a, bt), $"addmm (full C, transposed B) {dtype} {m}x{k}x{n}");
            Check(() => Tensor.Addmm(full, a, b, 0.5, 1.5), $"addmm beta 0.5 alpha 1.5 {dtype} {m}x{k}x{n}");
            Check(() => Tensor.Addmm(full, a, b, 0, -2), $"addmm beta 0 alpha -2 {dtype} {m}x{k}x{n}");
        }
    }

    [TestMethod]
    public void DefaultMode_SmallProducts_RunTheKernelWithTheScalarLoopsBits()
    {
        // Below Gemm.ReferenceWork (32³) the default mode keeps reference order too; from 16³ up it takes the kernel.
        Torch.ManualSeed(14);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (var s in new[] { new[] { 16, 16, 16 }, [31, 31, 31], [17, 15, 17], [40, 32, 20], [10, 400, 8], [9, 9, 9] })
                for (int layout = 0; layout < 4; layout++)
                {
                    int m = s[0], k = s[1], n = s[2];
                    var a = Operand(dtype, m, k, layout & 1);
                    var b = Operand(dtype, k, n, layout >> 1);
                    SameBits(WithGemm(referenceAlways: false, kernel: false, () => a.MatMul(b)), WithGemm(referenceAlways: false, kernel: true, () => a.MatMul(b)),
                        $"default mode {dtype} {m}x{k}x{n} layout {layout}");
                }
    }

    [TestMethod]
    public void SpecialValues_PropagateAsInTheScalarLoop()
    {
        Torch.ManualSeed(13);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            // Large magnitudes overflow to ±inf partway along k; inf·0 and inf − inf make NaNs; -0·x makes signed zeros.
            int m = 37, k = 70, n = 45;
            var a = Values(dtype, m, k) * 1e36;
            var b = Values(dtype, k, n) * 1e3;
            var special = Torch.Rand([m, k]);
            a = Torch.Where(special < 0.02, a * double.PositiveInfinity, a);
            a = Torch.Where(special > 0.98, a * 0, a); // zeros of both signs
            Check(() => a.MatMul(b), $"{dtype} specials");
            Check(() => b.T().MatMul(a.T()), $"{dtype} specials transposed");
        }
    }
}
