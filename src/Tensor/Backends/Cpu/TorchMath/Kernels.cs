// The float32 kernels torch 1.13 runs for each unary op: SLEEF's vector function (SleefFloat) and, for the loop
// tails of cpu_kernel_vec ops, the scalar libm function that std:: calls (MathF calls the same glibc functions).
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector256<float>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>Sleef_sinf8_u10 / sinf</summary>
internal readonly struct SinKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Sin(x); public static float Scalar(float x) => MathF.Sin(x); }
/// <summary>Sleef_cosf8_u10 / cosf</summary>
internal readonly struct CosKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Cos(x); public static float Scalar(float x) => MathF.Cos(x); }
/// <summary>Sleef_tanf8_u10 / tanf</summary>
internal readonly struct TanKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Tan(x); public static float Scalar(float x) => MathF.Tan(x); }
/// <summary>Sleef_asinf8_u10 / asinf</summary>
internal readonly struct AsinKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Asin(x); public static float Scalar(float x) => MathF.Asin(x); }
/// <summary>Sleef_acosf8_u10 / acosf</summary>
internal readonly struct AcosKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Acos(x); public static float Scalar(float x) => MathF.Acos(x); }
/// <summary>Sleef_atanf8_u10 / atanf</summary>
internal readonly struct AtanKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Atan(x); public static float Scalar(float x) => MathF.Atan(x); }
/// <summary>Sleef_expf8_u10 / expf</summary>
internal readonly struct ExpKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Exp(x); public static float Scalar(float x) => MathF.Exp(x); }
/// <summary>Sleef_expm1f8_u10 / expm1f</summary>
internal readonly struct Expm1Kernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Expm1(x); public static float Scalar(float x) => (float)LibM.Expm1(x); }
/// <summary>Sleef_logf8_u10 / logf</summary>
internal readonly struct LogKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Log(x); public static float Scalar(float x) => MathF.Log(x); }
/// <summary>Sleef_log2f8_u10 / log2f</summary>
internal readonly struct Log2Kernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Log2(x); public static float Scalar(float x) => MathF.Log2(x); }
/// <summary>Sleef_log10f8_u10 / log10f</summary>
internal readonly struct Log10Kernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Log10(x); public static float Scalar(float x) => MathF.Log10(x); }
/// <summary>Sleef_log1pf8_u10 / log1pf</summary>
internal readonly struct Log1pKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Log1p(x); public static float Scalar(float x) => (float)LibM.Log1p(x); }
/// <summary>Sleef_sinhf8_u10 / sinhf</summary>
internal readonly struct SinhKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Sinh(x); public static float Scalar(float x) => MathF.Sinh(x); }
/// <summary>Sleef_coshf8_u10 / coshf</summary>
internal readonly struct CoshKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Cosh(x); public static float Scalar(float x) => MathF.Cosh(x); }
/// <summary>Sleef_tanhf8_u10 / tanhf</summary>
internal readonly struct TanhKernel : IVectorKernel { public static V Invoke(V x) => SleefFloat.Tanh(x); public static float Scalar(float x) => MathF.Tanh(x); }

/// <summary>ATen's sigmoid_kernel: 1 / ((0 - x).exp() + 1) on vectors (Sleef exp, then a division), 1 / (1 + expf(-x)) in the tails</summary>
internal readonly struct SigmoidKernel : IVectorKernel
{
    public static V Invoke(V x) => Vector256<float>.One / (SleefFloat.Exp(V.Zero - x) + Vector256<float>.One);
    public static float Scalar(float x) => 1f / (1f + MathF.Exp(-x));
}
