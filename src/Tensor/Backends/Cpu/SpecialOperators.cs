using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Backends.Cpu.TorchMath;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu;

// The special functions of issue 17 (erfc, lgamma, digamma, i0, i0e): one operator struct each, computed as torch
// 1.13's CPU kernels compute them. erfc and lgamma are vml ops there (SLEEF on every element, TorchLoops.Map); the
// others apply ATen's scalar functions (TorchGamma) element by element, so no loop shape matters.

/// <summary>erfc x = 1 − erf x (SLEEF's, as torch's vml kernel; libm's off AVX2)</summary>
internal readonly struct ErfcOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "erfc";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? (T)(object)LibMFloat.Erfc((float)(object)x) : T.CreateTruncating(LibM.Erfc(double.CreateTruncating(x)));
    public static bool Transcendental => true;
    public static TorchLoop TorchLoop => TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMathOps.TryRun<T, ErfcKernel>(TorchLoop, x, result);
}

/// <summary>ln|Γ(x)| (SLEEF's, as torch's vml kernel; libm's off AVX2); +inf at 0, the negative integers and ±inf</summary>
internal readonly struct LgammaOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "lgamma";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? (T)(object)LibMFloat.Lgamma((float)(object)x) : T.CreateTruncating(LibM.Lgamma(double.CreateTruncating(x)));
    public static bool Transcendental => true;
    public static TorchLoop TorchLoop => TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMathOps.TryRun<T, LgammaKernel>(TorchLoop, x, result);
}

/// <summary>ψ(x) = d/dx ln Γ(x) (ATen's calc_digamma, in the element's own precision)</summary>
internal readonly struct DigammaOperator : IFloatUnaryOperator
{
    public static string Name => "digamma";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.Digamma((double)(object)x) : T.CreateTruncating(TorchGamma.Digamma(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>ψ′(x) (ATen's trigamma): polygamma(1, x)</summary>
internal readonly struct TrigammaOperator : IFloatUnaryOperator
{
    public static string Name => "trigamma";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.Trigamma((double)(object)x) : T.CreateTruncating(TorchGamma.Trigamma(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>I₀(x), the modified Bessel function of the first kind of order 0 (ATen's calc_i0)</summary>
internal readonly struct I0Operator : IFloatUnaryOperator
{
    public static string Name => "i0";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.I0((double)(object)x) : T.CreateTruncating(TorchGamma.I0(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>e^(−|x|) I₀(x) (ATen's calc_i0e)</summary>
internal readonly struct I0eOperator : IFloatUnaryOperator
{
    public static string Name => "special_i0e";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.I0e((double)(object)x) : T.CreateTruncating(TorchGamma.I0e(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>I₁(x), the modified Bessel function of the first kind of order 1 (ATen's calc_i1)</summary>
internal readonly struct I1Operator : IFloatUnaryOperator
{
    public static string Name => "special_i1";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.I1((double)(object)x) : T.CreateTruncating(TorchGamma.I1(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>e^(−|x|) I₁(x) (ATen's calc_i1e)</summary>
internal readonly struct I1eOperator : IFloatUnaryOperator
{
    public static string Name => "special_i1e";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchGamma.I1e((double)(object)x) : T.CreateTruncating(TorchGamma.I1e(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>Φ⁻¹(x), the inverse of the standard normal CDF (ATen's calc_ndtri)</summary>
internal readonly struct NdtriOperator : IFloatUnaryOperator
{
    public static string Name => "special_ndtri";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchNormal.Ndtri((double)(object)x) : T.CreateTruncating(TorchNormal.Ndtri(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>e^(x²) erfc(x) (double-precision evaluation, within an ulp of ATen's calc_erfcx)</summary>
internal readonly struct ErfcxOperator : IFloatUnaryOperator
{
    public static string Name => "special_erfcx";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchNormal.Erfcx((double)(object)x) : T.CreateTruncating(TorchNormal.Erfcx(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>ln Φ(x), the log of the standard normal CDF (ATen's calc_log_ndtr)</summary>
internal readonly struct LogNdtrOperator : IFloatUnaryOperator
{
    public static string Name => "special_log_ndtr";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double) ? (T)(object)TorchNormal.LogNdtr((double)(object)x) : T.CreateTruncating(TorchNormal.LogNdtr(float.CreateTruncating(x)));
    public static bool Transcendental => true;
}

/// <summary>−x ln x for x &gt; 0, 0 at 0, −inf below 0, NaN kept (ATen's entr kernel, libm's log)</summary>
internal readonly struct EntrOperator : IFloatUnaryOperator
{
    public static string Name => "special_entr";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.IsNaN(x) ? x : x > T.Zero ? -x * T.Log(x) : x == T.Zero ? T.Zero : T.NegativeInfinity;
}

/// <summary>Sleef_erfcf8_u15 / erfcf; Sleef_erfcd4_u15 / erfc</summary>
internal readonly struct ErfcKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Erfc(x);
    public static float Scalar(float x) => LibMFloat.Erfc(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Erfc(x);
    public static double Scalar(double x) => LibM.Erfc(x);
}

/// <summary>Sleef_lgammaf8_u10 / lgammaf; Sleef_lgammad4_u10 / lgamma</summary>
internal readonly struct LgammaKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Lgamma(x);
    public static float Scalar(float x) => LibMFloat.Lgamma(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Lgamma(x);
    public static double Scalar(double x) => LibM.Lgamma(x);
}

/// <summary>glibc's erfc and lgamma (double).</summary>
internal static partial class LibM
{
    [LibraryImport("libm.so.6", EntryPoint = "erfc")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial double Erfc(double x);

    [LibraryImport("libm.so.6", EntryPoint = "lgamma")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial double Lgamma(double x);
}
