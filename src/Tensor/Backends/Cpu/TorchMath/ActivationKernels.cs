// torch 1.13's ATen CPU kernels for the activations (aten/src/ATen/native/cpu/Activation.cpp, BSD-3-Clause), per
// lane: the Vectorized<T> lambda on vectors and the scalar lambda in the loop tails, each with the multiply-adds GCC
// 12 fused when it built the AVX2 kernels (-O2 -mfma with the default -ffp-contract=fast). Where a fusion sits was
// read from GCC's output for the same source and confirmed against torch element for element
// (tests/python/test_activations_vs_torch.py). Vectorized<T>'s exp/tanh/erf are SLEEF's (SleefFloat, SleefDouble);
// the scalar lambdas call glibc (MathF/Math, LibM).
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>A two-input function as torch evaluates it (a backward: ∂y and x to ∂x): vector forms and the scalar tail form.</summary>
internal interface IVectorKernel2
{
    static abstract V Invoke(V dy, V x);
    static abstract float Scalar(float dy, float x);
    static abstract VD Invoke(VD dy, VD x);
    static abstract double Scalar(double dy, double x);
}

/// <summary>GELU's constants as ATen rounds them to float (kBeta = √2·(2/√π)·½, kAlpha = 1/√2, ...).</summary>
internal static class GeluConstants
{
    public const double Beta = 1.41421356237309504880 * 1.12837916709551257390 * 0.5;
    public const double Kappa = 0.044715;
    public const double Alpha = 0.70710678118654752440;
    public const double PdfScale = 1.12837916709551257390 * 0.70710678118654752440 * 0.5;
}

/// <summary>GeluKernelImpl, tanh form: ½x·(1 + tanh(β·fma(κ, x³, x))).</summary>
internal readonly struct GeluTanhKernel : IVectorKernel
{
    public static V Invoke(V x)
    {
        var inner = Vector256.Create((float)GeluConstants.Beta) * Fma.MultiplyAdd(Vector256.Create((float)GeluConstants.Kappa), x * x * x, x);
        return x * Vector256.Create(0.5f) * (V.One + SleefFloat.Tanh(inner));
    }

    public static float Scalar(float x)
    {
        float inner = (float)GeluConstants.Beta * MathF.FusedMultiplyAdd((float)GeluConstants.Kappa, x * x * x, x);
        return 0.5f * x * (1f + MathF.Tanh(inner));
    }

    public static bool HasDouble => true;

    public static VD Invoke(VD x)
    {
        var inner = Vector256.Create(GeluConstants.Beta) * Fma.MultiplyAdd(Vector256.Create(GeluConstants.Kappa), x * x * x, x);
        return x * Vector256.Create(0.5) * (VD.One + SleefDouble.Tanh(inner));
    }

    public static double Scalar(double x)
    {
        double inner = GeluConstants.Beta * Math.FusedMultiplyAdd(GeluConstants.Kappa, x * x * x, x);
        return 0.5 * x * (1 + Math.Tanh(inner));
    }
}

/// <summary>GeluKernelImpl, exact form: (x·½)·(1 + erf(x/√2)) (what float64, and float32 off oneDNN's path, run).</summary>
internal readonly struct GeluErfKernel : IVectorKernel
{
    public static V Invoke(V x) => x * Vector256.Create(0.5f) * (V.One + SleefFloat.Erf(x * Vector256.Create((float)GeluConstants.Alpha)));
    public static float Scalar(float x) => x * 0.5f * (1f + LibMFloat.Erf(x * (float)GeluConstants.Alpha));
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => x * Vector256.Create(0.5) * (VD.One + SleefDouble.Erf(x * Vector256.Create(GeluConstants.Alpha)));
    public static double Scalar(double x) => x * 0.5 * (1 + LibM.Erf(x * GeluConstants.Alpha));
}

/// <summary>GeluBackwardKernelImpl, tanh form: ∂y·fma(½, 1 + t, ½x·(1 − t²)·β·fma(x², 3κ, 1)), t = tanh(inner).</summary>
internal readonly struct GeluTanhBackwardKernel : IVectorKernel2
{
    public static V Invoke(V dy, V x)
    {
        var beta = Vector256.Create((float)GeluConstants.Beta);
        var xSq = x * x;
        var t = SleefFloat.Tanh(beta * Fma.MultiplyAdd(Vector256.Create((float)GeluConstants.Kappa), xSq * x, x));
        var half = Vector256.Create(0.5f);
        var tanhDerivative = Fma.MultiplyAddNegated(t, t, V.One);
        var innerDerivative = beta * Fma.MultiplyAdd(xSq, Vector256.Create(3f * (float)GeluConstants.Kappa), V.One);
        var right = half * x * tanhDerivative * innerDerivative;
        return dy * Fma.MultiplyAdd(half, V.One + t, right);
    }

    public static float Scalar(float dy, float x)
    {
        float beta = (float)GeluConstants.Beta;
        float xSq = x * x;
        float t = MathF.Tanh(beta * MathF.FusedMultiplyAdd((float)GeluConstants.Kappa, xSq * x, x));
        float tanhDerivative = MathF.FusedMultiplyAdd(-t, t, 1f);
        float innerDerivative = beta * MathF.FusedMultiplyAdd(xSq, 3f * (float)GeluConstants.Kappa, 1f);
        float right = 0.5f * x * tanhDerivative * innerDerivative;
        return dy * MathF.FusedMultiplyAdd(0.5f, 1f + t, right);
    }

    public static VD Invoke(VD dy, VD x)
    {
        var beta = Vector256.Create(GeluConstants.Beta);
        var xSq = x * x;
        var t = SleefDouble.Tanh(beta * Fma.MultiplyAdd(Vector256.Create(GeluConstants.Kappa), xSq * x, x));
        var half = Vector256.Create(0.5);
        var tanhDerivative = Fma.MultiplyAddNegated(t, t, VD.One);
        var innerDerivative = beta * Fma.MultiplyAdd(xSq, Vector256.Create(3.0 * GeluConstants.Kappa), VD.One);
        var right = half * x * tanhDerivative * innerDerivative;
        return dy * Fma.MultiplyAdd(half, VD.One + t, right);
    }

    public static double Scalar(double dy, double x)
    {
        double beta = GeluConstants.Beta;
        double xSq = x * x;
        double t = Math.Tanh(beta * Math.FusedMultiplyAdd(GeluConstants.Kappa, xSq * x, x));
        double tanhDerivative = Math.FusedMultiplyAdd(-t, t, 1);
        double innerDerivative = beta * Math.FusedMultiplyAdd(xSq, 3.0 * GeluConstants.Kappa, 1);
        double right = 0.5 * x * tanhDerivative * innerDerivative;
        return dy * Math.FusedMultiplyAdd(0.5, 1 + t, right);
    }
}

/// <summary>GeluBackwardKernelImpl, exact form: ∂y·fma(x, pdf, cdf) on vectors, ∂y·fma(½, 1 + erf, x·pdf) in the tails; cdf = ½(1 + erf(x/√2)), pdf = e^(−x²/2)/√(2π).</summary>
internal readonly struct GeluErfBackwardKernel : IVectorKernel2
{
    public static V Invoke(V dy, V x)
    {
        var cdf = Vector256.Create(0.5f) * (V.One + SleefFloat.Erf(x * Vector256.Create((float)GeluConstants.Alpha)));
        var pdf = Vector256.Create((float)GeluConstants.PdfScale) * SleefFloat.Exp(x * x * Vector256.Create(-0.5f));
        return dy * Fma.MultiplyAdd(x, pdf, cdf);
    }

    public static float Scalar(float dy, float x)
    {
        // the scalar lambda's fusion differs from the vector one's: ½·(1 + erf) fused into the sum
        float pdf = (float)GeluConstants.PdfScale * MathF.Exp(x * x * -0.5f);
        return dy * MathF.FusedMultiplyAdd(0.5f, 1f + LibMFloat.Erf(x * (float)GeluConstants.Alpha), x * pdf);
    }

    public static VD Invoke(VD dy, VD x)
    {
        var cdf = Vector256.Create(0.5) * (VD.One + SleefDouble.Erf(x * Vector256.Create(GeluConstants.Alpha)));
        var pdf = Vector256.Create(GeluConstants.PdfScale) * SleefDouble.Exp(x * x * Vector256.Create(-0.5));
        return dy * Fma.MultiplyAdd(x, pdf, cdf);
    }

    public static double Scalar(double dy, double x)
    {
        double pdf = GeluConstants.PdfScale * Math.Exp(x * x * -0.5);
        return dy * Math.FusedMultiplyAdd(0.5, 1 + LibM.Erf(x * GeluConstants.Alpha), x * pdf);
    }
}

/// <summary>silu_kernel: x / (1 + e^(−x)).</summary>
internal readonly struct SiluKernel : IVectorKernel
{
    public static V Invoke(V x) => x / (V.One + SleefFloat.Exp(x ^ Vector256.Create(-0f)));
    public static float Scalar(float x) => x / (1f + MathF.Exp(-x));
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => x / (VD.One + SleefDouble.Exp(x ^ Vector256.Create(-0.0)));
    public static double Scalar(double x) => x / (1 + Math.Exp(-x));
}

/// <summary>silu_backward_kernel: (∂y·σ)·fma(x, 1 − σ, 1) with σ = 1/(1 + e^(−x)).</summary>
internal readonly struct SiluBackwardKernel : IVectorKernel2
{
    public static V Invoke(V dy, V x)
    {
        var s = V.One / (V.One + SleefFloat.Exp(x ^ Vector256.Create(-0f)));
        return dy * s * Fma.MultiplyAdd(x, V.One - s, V.One);
    }

    public static float Scalar(float dy, float x)
    {
        float s = 1f / (1f + MathF.Exp(-x));
        return dy * s * MathF.FusedMultiplyAdd(x, 1f - s, 1f);
    }

    public static VD Invoke(VD dy, VD x)
    {
        var s = VD.One / (VD.One + SleefDouble.Exp(x ^ Vector256.Create(-0.0)));
        return dy * s * Fma.MultiplyAdd(x, VD.One - s, VD.One);
    }

    public static double Scalar(double dy, double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return dy * s * Math.FusedMultiplyAdd(x, 1 - s, 1);
    }
}

/// <summary>glibc's erff (what std::erf(float) calls in the scalar tails); .NET has no float erf.</summary>
internal static partial class LibMFloat
{
    [System.Runtime.InteropServices.LibraryImport("libm.so.6", EntryPoint = "erff")]
    [System.Runtime.InteropServices.UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial float Erf(float x);
}
