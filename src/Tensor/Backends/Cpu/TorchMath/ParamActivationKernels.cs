// The activations of torch 1.13's Activation.cpp that take parameters (softplus's β and threshold, elu's α) and mish,
// per lane as ATen evaluates them: the Vectorized lambda (SLEEF's exp/log1p/tanh, blendv by the condition) on
// vectors, the scalar lambda (glibc) in the tails, with the FMAs GCC formed (mish's backward; the others have none).
// Checked against torch element for element in tests/python/test_activations_vs_torch.py.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>A one-input function with parameters (an instance), as torch evaluates it: vector forms and scalar tail forms.</summary>
internal interface IParamKernel
{
    V Invoke(V x);
    float Scalar(float x);
    VD Invoke(VD x);
    double Scalar(double x);
}

/// <summary>A two-input backward (∂y, x) with parameters.</summary>
internal interface IParamKernel2
{
    V Invoke(V dy, V x);
    float Scalar(float dy, float x);
    VD Invoke(VD dy, VD x);
    double Scalar(double dy, double x);
}

/// <summary>softplus_kernel: x where βx &gt; threshold, else log1p(e^(βx))/β.</summary>
internal readonly struct SoftplusKernel(double beta, double threshold) : IParamKernel
{
    readonly float _betaF = (float)beta, _thresholdF = (float)threshold;

    public V Invoke(V x)
    {
        var bx = x * Vector256.Create(_betaF);
        var soft = SleefFloat.Log1p(SleefFloat.Exp(bx)) / Vector256.Create(_betaF);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(bx, Vector256.Create(_thresholdF)), x, soft);
    }

    public float Scalar(float x) => x * _betaF > _thresholdF ? x : LibMFloat.Log1p(MathF.Exp(x * _betaF)) / _betaF;

    public VD Invoke(VD x)
    {
        var bx = x * Vector256.Create(beta);
        var soft = SleefDouble.Log1p(SleefDouble.Exp(bx)) / Vector256.Create(beta);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(bx, Vector256.Create(threshold)), x, soft);
    }

    public double Scalar(double x) => x * beta > threshold ? x : LibM.Log1p(Math.Exp(x * beta)) / beta;
}

/// <summary>softplus_backward_kernel: ∂y where βx &gt; threshold, else ∂y·z/(z + 1) with z = e^(βx).</summary>
internal readonly struct SoftplusBackwardKernel(double beta, double threshold) : IParamKernel2
{
    readonly float _betaF = (float)beta, _thresholdF = (float)threshold;

    public V Invoke(V dy, V x)
    {
        var bx = x * Vector256.Create(_betaF);
        var z = SleefFloat.Exp(bx);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(bx, Vector256.Create(_thresholdF)), dy, dy * z / (z + V.One));
    }

    public float Scalar(float dy, float x)
    {
        float z = MathF.Exp(x * _betaF);
        return x * _betaF > _thresholdF ? dy : dy * z / (z + 1f);
    }

    public VD Invoke(VD dy, VD x)
    {
        var bx = x * Vector256.Create(beta);
        var z = SleefDouble.Exp(bx);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(bx, Vector256.Create(threshold)), dy, dy * z / (z + VD.One));
    }

    public double Scalar(double dy, double x)
    {
        double z = Math.Exp(x * beta);
        return x * beta > threshold ? dy : dy * z / (z + 1);
    }
}

/// <summary>elu_kernel: x·scale where x &gt; 0, else (e^(x·input_scale) − 1)·α·scale.</summary>
internal readonly struct EluKernel(double alpha, double scale, double inputScale) : IParamKernel
{
    readonly float _neg = (float)alpha * (float)scale, _pos = (float)scale, _in = (float)inputScale;
    readonly double _negD = alpha * scale;

    public V Invoke(V x)
    {
        var negative = (SleefFloat.Exp(x * Vector256.Create(_in)) - V.One) * Vector256.Create(_neg);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(x, V.Zero), x * Vector256.Create(_pos), negative);
    }

    public float Scalar(float x) => x <= 0f ? (MathF.Exp(x * _in) - 1f) * _neg : x * _pos;

    public VD Invoke(VD x)
    {
        var negative = (SleefDouble.Exp(x * Vector256.Create(inputScale)) - VD.One) * Vector256.Create(_negD);
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(x, VD.Zero), x * Vector256.Create(scale), negative);
    }

    public double Scalar(double x) => x <= 0 ? (Math.Exp(x * inputScale) - 1) * _negD : x * scale;
}

/// <summary>elu_backward_kernel (from the input): ∂y·scale where x &gt; 0, else ∂y·input_scale·α·scale·e^(x·input_scale).</summary>
internal readonly struct EluBackwardKernel(double alpha, double scale, double inputScale) : IParamKernel2
{
    readonly float _neg = (float)alpha * (float)scale, _pos = (float)scale, _in = (float)inputScale;
    readonly double _negD = alpha * scale;

    public V Invoke(V dy, V x)
    {
        var negative = dy * Vector256.Create(_in) * Vector256.Create(_neg) * SleefFloat.Exp(x * Vector256.Create(_in));
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(x, V.Zero), dy * Vector256.Create(_pos), negative);
    }

    public float Scalar(float dy, float x) => x <= 0f ? dy * _in * _neg * MathF.Exp(x * _in) : dy * _pos;

    public VD Invoke(VD dy, VD x)
    {
        var negative = dy * Vector256.Create(inputScale) * Vector256.Create(_negD) * SleefDouble.Exp(x * Vector256.Create(inputScale));
        return Vector256.ConditionalSelect(Avx.CompareGreaterThan(x, VD.Zero), dy * Vector256.Create(scale), negative);
    }

    public double Scalar(double dy, double x) => x <= 0 ? dy * inputScale * _negD * Math.Exp(x * inputScale) : dy * scale;
}

/// <summary>mish_kernel: x·tanh(log1p(eˣ)).</summary>
internal readonly struct MishKernel : IVectorKernel
{
    public static V Invoke(V x) => x * SleefFloat.Tanh(SleefFloat.Log1p(SleefFloat.Exp(x)));
    public static float Scalar(float x) => x * MathF.Tanh(LibMFloat.Log1p(MathF.Exp(x)));
    public static bool HasDouble => true;
    public static VD Invoke(VD x) => x * SleefDouble.Tanh(SleefDouble.Log1p(SleefDouble.Exp(x)));
    public static double Scalar(double x) => x * Math.Tanh(LibM.Log1p(Math.Exp(x)));
}

/// <summary>mish_backward_kernel: ∂y·fma(x·σ, 1 − t², t) with t = tanh(log1p(eˣ)), σ = 1/(1 + e^(−x)), 1 − t² fused.</summary>
internal readonly struct MishBackwardKernel : IVectorKernel2
{
    public static V Invoke(V dy, V x)
    {
        var s = V.One / (V.One + SleefFloat.Exp(x ^ Vector256.Create(-0f)));
        var t = SleefFloat.Tanh(SleefFloat.Log1p(SleefFloat.Exp(x)));
        return dy * Fma.MultiplyAdd(x * s, Fma.MultiplyAddNegated(t, t, V.One), t);
    }

    public static float Scalar(float dy, float x)
    {
        float s = 1f / (1f + MathF.Exp(-x));
        float t = MathF.Tanh(LibMFloat.Log1p(MathF.Exp(x)));
        return dy * MathF.FusedMultiplyAdd(x * s, MathF.FusedMultiplyAdd(-t, t, 1f), t);
    }

    public static VD Invoke(VD dy, VD x)
    {
        var s = VD.One / (VD.One + SleefDouble.Exp(x ^ Vector256.Create(-0.0)));
        var t = SleefDouble.Tanh(SleefDouble.Log1p(SleefDouble.Exp(x)));
        return dy * Fma.MultiplyAdd(x * s, Fma.MultiplyAddNegated(t, t, VD.One), t);
    }

    public static double Scalar(double dy, double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        double t = Math.Tanh(LibM.Log1p(Math.Exp(x)));
        return dy * Math.FusedMultiplyAdd(x * s, Math.FusedMultiplyAdd(-t, t, 1), t);
    }
}

internal static partial class LibMFloat
{
    /// <summary>glibc's log1pf (std::log1p(float) in the scalar tails).</summary>
    [System.Runtime.InteropServices.LibraryImport("libm.so.6", EntryPoint = "log1pf")]
    [System.Runtime.InteropServices.UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial float Log1p(float x);
}
