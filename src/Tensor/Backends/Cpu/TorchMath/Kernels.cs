// The kernels torch 1.13 runs for each unary op: SLEEF's vector function (SleefFloat, SleefDouble) and, for the
// loop tails of cpu_kernel_vec ops, the scalar libm function that std:: calls (MathF/Math call the same glibc
// functions). Only sinh, cosh and sigmoid run such tails; the other ops are vml ops whose every element meets SLEEF.
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>Sleef_sinf8_u10 / sinf (float64 keeps libm: Sleef's float64 form is not ported yet)</summary>
internal readonly struct SinKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Sin(x);
    public static float Scalar(float x) => MathF.Sin(x);
}

/// <summary>Sleef_cosf8_u10 / cosf (float64 keeps libm: Sleef's float64 form is not ported yet)</summary>
internal readonly struct CosKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Cos(x);
    public static float Scalar(float x) => MathF.Cos(x);
}

/// <summary>Sleef_tanf8_u10 / tanf (float64 keeps libm: Sleef's float64 form is not ported yet)</summary>
internal readonly struct TanKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Tan(x);
    public static float Scalar(float x) => MathF.Tan(x);
}

/// <summary>Sleef_asinf8_u10 / asinf; Sleef_asind4_u10 / asin</summary>
internal readonly struct AsinKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Asin(x);
    public static float Scalar(float x) => MathF.Asin(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Asin(x);
    public static double Scalar(double x) => Math.Asin(x);
}

/// <summary>Sleef_acosf8_u10 / acosf; Sleef_acosd4_u10 / acos</summary>
internal readonly struct AcosKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Acos(x);
    public static float Scalar(float x) => MathF.Acos(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Acos(x);
    public static double Scalar(double x) => Math.Acos(x);
}

/// <summary>Sleef_atanf8_u10 / atanf; Sleef_atand4_u10 / atan</summary>
internal readonly struct AtanKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Atan(x);
    public static float Scalar(float x) => MathF.Atan(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Atan(x);
    public static double Scalar(double x) => Math.Atan(x);
}

/// <summary>Sleef_expf8_u10 / expf; Sleef_expd4_u10 / exp</summary>
internal readonly struct ExpKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Exp(x);
    public static float Scalar(float x) => MathF.Exp(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Exp(x);
    public static double Scalar(double x) => Math.Exp(x);
}

/// <summary>Sleef_expm1f8_u10 / expm1f; Sleef_expm1d4_u10 / expm1</summary>
internal readonly struct Expm1Kernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Expm1(x);
    public static float Scalar(float x) => (float)LibM.Expm1(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Expm1(x);
    public static double Scalar(double x) => LibM.Expm1(x);
}

/// <summary>Sleef_logf8_u10 / logf; Sleef_logd4_u10 / log</summary>
internal readonly struct LogKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Log(x);
    public static float Scalar(float x) => MathF.Log(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Log(x);
    public static double Scalar(double x) => Math.Log(x);
}

/// <summary>Sleef_log2f8_u10 / log2f; Sleef_log2d4_u10 / log2</summary>
internal readonly struct Log2Kernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Log2(x);
    public static float Scalar(float x) => MathF.Log2(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Log2(x);
    public static double Scalar(double x) => Math.Log2(x);
}

/// <summary>Sleef_log10f8_u10 / log10f; Sleef_log10d4_u10 / log10</summary>
internal readonly struct Log10Kernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Log10(x);
    public static float Scalar(float x) => MathF.Log10(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Log10(x);
    public static double Scalar(double x) => Math.Log10(x);
}

/// <summary>Sleef_log1pf8_u10 / log1pf; Sleef_log1pd4_u10 / log1p</summary>
internal readonly struct Log1pKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Log1p(x);
    public static float Scalar(float x) => (float)LibM.Log1p(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Log1p(x);
    public static double Scalar(double x) => LibM.Log1p(x);
}

/// <summary>Sleef_sinhf8_u10 / sinhf; Sleef_sinhd4_u10 / sinh</summary>
internal readonly struct SinhKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Sinh(x);
    public static float Scalar(float x) => MathF.Sinh(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Sinh(x);
    public static double Scalar(double x) => Math.Sinh(x);
}

/// <summary>Sleef_coshf8_u10 / coshf; Sleef_coshd4_u10 / cosh</summary>
internal readonly struct CoshKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Cosh(x);
    public static float Scalar(float x) => MathF.Cosh(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Cosh(x);
    public static double Scalar(double x) => Math.Cosh(x);
}

/// <summary>Sleef_tanhf8_u10 / tanhf; Sleef_tanhd4_u10 / tanh</summary>
internal readonly struct TanhKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Tanh(x);
    public static float Scalar(float x) => MathF.Tanh(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Tanh(x);
    public static double Scalar(double x) => Math.Tanh(x);
}

/// <summary>Sleef_erff8_u10 / erff; Sleef_erfd4_u10 / erf</summary>
internal readonly struct ErfKernel : IVectorKernel
{
    public static V Invoke(V x) => SleefFloat.Erf(x);
    public static float Scalar(float x) => LibMFloat.Erf(x);
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => SleefDouble.Erf(x);
    public static double Scalar(double x) => LibM.Erf(x);
}

/// <summary>ATen's sigmoid_kernel: 1 / ((0 - x).exp() + 1) on vectors (Sleef exp, then a division), 1 / (1 + exp(-x)) in the tails</summary>
internal readonly struct SigmoidKernel : IVectorKernel
{
    public static V Invoke(V x) => V.One / (SleefFloat.Exp(V.Zero - x) + V.One);
    public static float Scalar(float x) => 1f / (1f + MathF.Exp(-x));
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => VD.One / (SleefDouble.Exp(VD.Zero - x) + VD.One);
    public static double Scalar(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
