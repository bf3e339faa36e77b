using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The C library's functions that .NET lacks or computes inexactly: <c>double.ExpM1</c> and <c>double.LogP1</c> are
/// <c>Exp(x) - 1</c> and <c>Log(x + 1)</c>, which lose every digit near 0, and there is no erf. torch calls these
/// same libm functions, so its values are met exactly.
/// </summary>
internal static partial class LibM
{
    const string Library = "libm.so.6";

    [LibraryImport(Library, EntryPoint = "expm1")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Expm1(double x);

    [LibraryImport(Library, EntryPoint = "log1p")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Log1p(double x);

    [LibraryImport(Library, EntryPoint = "erf")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial double Erf(double x);

    /// <summary>
    /// erf⁻¹ y as ATen's calc_erfinv: a rational first guess (central range |y| ≤ 0.7, tail otherwise), then two
    /// Newton steps on erf(x) = y; ±1 give ±∞, |y| &gt; 1 gives NaN.
    /// </summary>
    public static double Erfinv(double y)
    {
        double a = Math.Abs(y);
        if (a > 1.0) return double.NaN;
        if (a == 1.0) return Math.CopySign(double.PositiveInfinity, y);
        double x;
        if (a <= 0.7)
        {
            double z = y * y;
            double num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
            double den = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0;
            x = y * num / den;
        }
        else
        {
            double z = Math.Sqrt(-Math.Log((1.0 - a) / 2.0));
            double num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
            double den = (1.637067800 * z + 3.543889200) * z + 1.0;
            x = Math.CopySign(num, y) / den;
        }
        double twoOverSqrtPi = 2.0 / Math.Sqrt(Math.PI);
        x -= (Erf(x) - y) / (twoOverSqrtPi * Math.Exp(-x * x));
        x -= (Erf(x) - y) / (twoOverSqrtPi * Math.Exp(-x * x));
        return x;
    }
}
