// ATen's calc_erfinv (aten/src/ATen/native/Math.h, BSD-3-Clause), as torch 1.13's CPU erfinv_kernel runs it: in the
// tensor's own precision (float32 in float, float64 in double), the rational guess's Horner steps fused into FMAs
// the way GCC 12 compiled them (-O2 -mfma; checked against the same source built with the same compiler, and against
// torch), glibc's erf/exp/log in the two Newton steps.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>erf⁻¹ as torch 1.13 computes it on the CPU, bit for bit, in float and in double.</summary>
internal static partial class TorchErfinv
{
    const string Library = "libm.so.6";

    /// <summary>erf⁻¹ y in float: a rational first guess (|y| ≤ 0.7, else the tail form), two Newton steps.</summary>
    public static float Erfinv(float y)
    {
        float a = MathF.Abs(y);
        if (a > 1f) return float.NaN;
        if (a == 1f) return MathF.CopySign(float.PositiveInfinity, y);
        float x;
        if (a <= 0.7f)
        {
            float z = y * y;
            float num = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(-0.140543331f, z, 0.914624893f), z, -1.645349621f), z, 0.886226899f);
            float den = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(0.012229801f, z, -0.329097515f), z, 1.442710462f), z, -2.118377725f), z, 1f);
            x = y * num / den;
        }
        else
        {
            float z = MathF.Sqrt(-Logf((1f - a) / 2f));
            float num = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(1.641345311f, z, 3.429567803f), z, -1.624906493f), z, -1.970840454f);
            float den = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(1.637067800f, z, 3.543889200f), z, 1f);
            x = MathF.CopySign(num, y) / den;
        }
        const float twoOverSqrtPi = 2f / (float)1.77245385090551602729; // T(2) / T(√π)
        x -= (Erff(x) - y) / (twoOverSqrtPi * Expf(-x * x));
        x -= (Erff(x) - y) / (twoOverSqrtPi * Expf(-x * x));
        return x;
    }

    /// <summary>erf⁻¹ y in double, the same steps.</summary>
    public static double Erfinv(double y)
    {
        double a = Math.Abs(y);
        if (a > 1.0) return double.NaN;
        if (a == 1.0) return Math.CopySign(double.PositiveInfinity, y);
        double x;
        if (a <= 0.7)
        {
            double z = y * y;
            double num = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(-0.140543331, z, 0.914624893), z, -1.645349621), z, 0.886226899);
            double den = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(0.012229801, z, -0.329097515), z, 1.442710462), z, -2.118377725), z, 1.0);
            x = y * num / den;
        }
        else
        {
            double z = Math.Sqrt(-Log((1.0 - a) / 2.0));
            double num = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(1.641345311, z, 3.429567803), z, -1.624906493), z, -1.970840454);
            double den = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(1.637067800, z, 3.543889200), z, 1.0);
            x = Math.CopySign(num, y) / den;
        }
        const double twoOverSqrtPi = 2.0 / 1.77245385090551602729;
        x -= (LibM.Erf(x) - y) / (twoOverSqrtPi * Exp(-x * x));
        x -= (LibM.Erf(x) - y) / (twoOverSqrtPi * Exp(-x * x));
        return x;
    }

    [LibraryImport(Library, EntryPoint = "erff")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial float Erff(float x);

    [LibraryImport(Library, EntryPoint = "expf")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial float Expf(float x);

    [LibraryImport(Library, EntryPoint = "logf")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial float Logf(float x);

    [LibraryImport(Library, EntryPoint = "exp")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial double Exp(double x);

    [LibraryImport(Library, EntryPoint = "log")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial double Log(double x);
}
