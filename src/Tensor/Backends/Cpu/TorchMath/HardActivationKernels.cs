// torch 1.13's ATen CPU kernels for hardswish and hardsigmoid (aten/src/ATen/native/cpu/Activation.cpp, BSD-3-Clause),
// per lane: the Vectorized<T> lambda on cpu_kernel_vec's vectors, the scalar lambda in the loop tails. Nothing here
// can fuse (no multiply feeds an add). The two forms differ on purpose-free details that torch's output shows, and
// which this port keeps: vec::minimum/maximum propagate NaN where std::min/max return an operand, and hardswish's
// backward takes x = 3 into the slope (½ + x/3) in the scalar form but passes ∂y through in the vector form.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>ATen's Vectorized minimum/maximum on AVX2 and std::min/max, as the kernels call them.</summary>
internal static class TorchMinMax
{
    /// <summary>vec::minimum: _mm256_min_ps with NaN (all ones) where either input is NaN.</summary>
    public static V Minimum(V a, V b) => Avx.Or(Avx.Min(a, b), Avx.Compare(a, b, FloatComparisonMode.UnorderedNonSignaling));
    /// <summary>vec::maximum: _mm256_max_ps with NaN (all ones) where either input is NaN.</summary>
    public static V Maximum(V a, V b) => Avx.Or(Avx.Max(a, b), Avx.Compare(a, b, FloatComparisonMode.UnorderedNonSignaling));
    /// <summary>vec::minimum on doubles.</summary>
    public static VD Minimum(VD a, VD b) => Avx.Or(Avx.Min(a, b), Avx.Compare(a, b, FloatComparisonMode.UnorderedNonSignaling));
    /// <summary>vec::maximum on doubles.</summary>
    public static VD Maximum(VD a, VD b) => Avx.Or(Avx.Max(a, b), Avx.Compare(a, b, FloatComparisonMode.UnorderedNonSignaling));
    /// <summary>std::min(a, b): b when b &lt; a, else a.</summary>
    public static T Min<T>(T a, T b) where T : System.Numerics.IFloatingPointIeee754<T> => b < a ? b : a;
    /// <summary>std::max(a, b): b when a &lt; b, else a.</summary>
    public static T Max<T>(T a, T b) where T : System.Numerics.IFloatingPointIeee754<T> => a < b ? b : a;
}

/// <summary>hardswish_kernel: x·min(max(x + 3, 0), 6)/6.</summary>
internal readonly struct HardswishKernel : IVectorKernel
{
    public static V Invoke(V x)
    {
        var clamped = TorchMinMax.Minimum(TorchMinMax.Maximum(x + Vector256.Create(3f), V.Zero), Vector256.Create(6f));
        return x * clamped / Vector256.Create(6f);
    }

    public static float Scalar(float x) => x * TorchMinMax.Min(TorchMinMax.Max(x + 3f, 0f), 6f) / 6f;
    public static bool HasDouble => true;

    public static VD Invoke(VD x)
    {
        var clamped = TorchMinMax.Minimum(TorchMinMax.Maximum(x + Vector256.Create(3.0), VD.Zero), Vector256.Create(6.0));
        return x * clamped / Vector256.Create(6.0);
    }

    public static double Scalar(double x) => x * TorchMinMax.Min(TorchMinMax.Max(x + 3.0, 0.0), 6.0) / 6.0;
}

/// <summary>hardswish_backward_kernel: 0 below −3, ∂y·(x/3 + ½) up to 3 (vectors: below 3), ∂y above.</summary>
internal readonly struct HardswishBackwardKernel : IVectorKernel2
{
    public static V Invoke(V dy, V x)
    {
        var slope = dy * (x / Vector256.Create(3f) + Vector256.Create(0.5f));
        var upper = Avx.BlendVariable(slope, dy, Avx.Compare(x, Vector256.Create(3f), FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling));
        return Avx.BlendVariable(upper, V.Zero, Avx.Compare(x, Vector256.Create(-3f), FloatComparisonMode.OrderedLessThanNonSignaling));
    }

    public static float Scalar(float dy, float x) => x < -3f ? 0f : x <= 3f ? dy * (x / 3f + 0.5f) : dy;

    public static VD Invoke(VD dy, VD x)
    {
        var slope = dy * (x / Vector256.Create(3.0) + Vector256.Create(0.5));
        var upper = Avx.BlendVariable(slope, dy, Avx.Compare(x, Vector256.Create(3.0), FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling));
        return Avx.BlendVariable(upper, VD.Zero, Avx.Compare(x, Vector256.Create(-3.0), FloatComparisonMode.OrderedLessThanNonSignaling));
    }

    public static double Scalar(double dy, double x) => x < -3.0 ? 0.0 : x <= 3.0 ? dy * (x / 3.0 + 0.5) : dy;
}

/// <summary>hardsigmoid_kernel: min(max(x + 3, 0), 6)/6.</summary>
internal readonly struct HardsigmoidKernel : IVectorKernel
{
    public static V Invoke(V x) =>
        TorchMinMax.Minimum(TorchMinMax.Maximum(x + Vector256.Create(3f), V.Zero), Vector256.Create(6f)) / Vector256.Create(6f);

    public static float Scalar(float x) => TorchMinMax.Min(TorchMinMax.Max(x + 3f, 0f), 6f) / 6f;
    public static bool HasDouble => true;

    public static VD Invoke(VD x) =>
        TorchMinMax.Minimum(TorchMinMax.Maximum(x + Vector256.Create(3.0), VD.Zero), Vector256.Create(6.0)) / Vector256.Create(6.0);

    public static double Scalar(double x) => TorchMinMax.Min(TorchMinMax.Max(x + 3.0, 0.0), 6.0) / 6.0;
}

/// <summary>hardsigmoid_backward_kernel: ∂y·(1/6) strictly inside (−3, 3), else 0; 1/6 is rounded to float first, as ATen writes it.</summary>
internal readonly struct HardsigmoidBackwardKernel : IVectorKernel2
{
    const float OneSixth = 1f / 6f;

    public static V Invoke(V dy, V x)
    {
        var inside = Avx.And(Avx.Compare(x, Vector256.Create(-3f), FloatComparisonMode.OrderedGreaterThanNonSignaling),
            Avx.Compare(x, Vector256.Create(3f), FloatComparisonMode.OrderedLessThanNonSignaling));
        return Avx.BlendVariable(V.Zero, dy * Vector256.Create(OneSixth), inside);
    }

    public static float Scalar(float dy, float x) => x > -3f && x < 3f ? dy * OneSixth : 0f;

    public static VD Invoke(VD dy, VD x)
    {
        var inside = Avx.And(Avx.Compare(x, Vector256.Create(-3.0), FloatComparisonMode.OrderedGreaterThanNonSignaling),
            Avx.Compare(x, Vector256.Create(3.0), FloatComparisonMode.OrderedLessThanNonSignaling));
        return Avx.BlendVariable(VD.Zero, dy * Vector256.Create((double)OneSixth), inside);
    }

    public static double Scalar(double dy, double x) => x > -3.0 && x < 3.0 ? dy * (double)OneSixth : 0.0;
}
