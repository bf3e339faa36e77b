using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Random;

/// <summary>
/// Normal draws: <c>torch.randn</c> and <c>Tensor.normal_(mean, std)</c>, following ATen's CPU
/// <c>normal_kernel</c> (native/cpu/DistributionTemplates.h) as compiled for AVX2:
/// <list type="bullet">
/// <item>fewer than 16 elements: one scalar double-precision Box-Muller per element, with the
/// sin branch cached in the generator for the next scalar draw (both dtypes);</item>
/// <item>16 or more: fill with uniforms, transform blocks of 16 (8 cos + 8 sin); if the size is not a
/// multiple of 16 the last 16 elements are re-drawn and transformed again. float32 uses
/// <c>normal_fill_16_AVX2</c> (avx_mathfun log/sincos, see <see cref="AvxMathFun"/>); float64 uses
/// <c>normal_fill_16&lt;double&gt;</c> with libm log/sin/cos.</item>
/// </list>
/// Neither ≥16 path reads or writes the cached Box-Muller value.
/// </summary>
public sealed partial class Generator
{
    private const int NormalBlock = 16;

    /// <summary>Fills with N(0, 1) like <c>torch.randn</c>.</summary>
    public void FillNormal<T>(Span<T> dst) where T : IBinaryFloatingPointIeee754<T> => FillNormal(dst, 0.0, 1.0);

    /// <summary>Fills with N(mean, std²) like <c>normal_(mean, std)</c> on a contiguous tensor of <c>dst.Length</c> elements.</summary>
    public void FillNormal<T>(Span<T> dst, double mean, double std) where T : IBinaryFloatingPointIeee754<T>
    {
        Transformation.CheckSupported<T>();
        if (!(std >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, $"normal expects std >= 0.0, but found std {std}");
        }
        lock (_sync)
        {
            if (dst.Length >= NormalBlock)
            {
                // ATen casts mean/std to the element type before the block transform.
                NormalFill(dst, T.CreateTruncating(mean), T.CreateTruncating(std));
            }
            else
            {
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = T.CreateTruncating(NextNormalDouble(mean, std));
                }
            }
        }
    }

    /// <summary>
    /// <c>at::normal_distribution&lt;double&gt;</c>: returns the cached sample if there is one, otherwise
    /// draws u1, u2, caches r·sin θ and returns r·cos θ. The final <c>ret * std + mean</c> is one FMA
    /// in libtorch's AVX2 build (contracted by GCC), so it is one here too.
    /// </summary>
    private double NextNormalDouble(double mean, double std)
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return Math.FusedMultiplyAdd(cached, std, mean);
        }
        double u1 = NextUniform(0.0, 1.0);
        double u2 = NextUniform(0.0, 1.0);
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        // GCC turns torch's ::sin/::cos pair into one glibc sincos call; glibc's sin and cos give the same bits.
        _nextDoubleNormal = r * Math.Sin(theta);
        return Math.FusedMultiplyAdd(r * Math.Cos(theta), std, mean);
    }

    /// <summary>ATen's <c>normal_fill</c> / <c>normal_fill_AVX2</c> driver; caller holds _sync.</summary>
    private void NormalFill<T>(Span<T> data, T mean, T std) where T : IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = NextUniform(T.Zero, T.One);
        }
        for (int i = 0; i < data.Length - (NormalBlock - 1); i += NormalBlock)
        {
            NormalBlock16(data.Slice(i, NormalBlock), mean, std);
        }
        if (data.Length % NormalBlock != 0)
        {
            // Recompute the last 16 values from fresh uniforms (they overlap the previous block).
            Span<T> tail = data[^NormalBlock..];
            for (int i = 0; i < NormalBlock; i++)
            {
                tail[i] = NextUniform(T.Zero, T.One);
            }
            NormalBlock16(tail, mean, std);
        }
    }

    private static void NormalBlock16<T>(Span<T> block, T mean, T std) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            AvxMathFun.NormalFill16(Reinterpret<T, float>(block),
                float.CreateTruncating(mean), float.CreateTruncating(std));
        }
        else
        {
            NormalFill16Double(Reinterpret<T, double>(block),
                double.CreateTruncating(mean), double.CreateTruncating(std));
        }
    }

    // Same-type view after a typeof check (MemoryMarshal.Cast would need a struct constraint on T).
    private static Span<TTo> Reinterpret<TFrom, TTo>(Span<TFrom> span) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    /// <summary>
    /// <c>normal_fill_16&lt;double&gt;</c>: u1 = 1 - data[j] (so log never sees 0), radius = sqrt(-2 log u1),
    /// θ = 2π·data[j+8]; outputs <c>fma(radius·cos θ, std, mean)</c> and the sin twin
    /// (GCC vectorised and contracted these multiply-adds in libtorch's AVX2 build).
    /// </summary>
    private static void NormalFill16Double(Span<double> data, double mean, double std)
    {
        for (int j = 0; j < NormalBlock / 2; j++)
        {
            double u1 = 1.0 - data[j];
            double u2 = data[j + 8];
            double radius = Math.Sqrt(Math.Log(u1) * -2.0);
            double theta = 2.0 * Math.PI * u2;
            data[j] = Math.FusedMultiplyAdd(radius * Math.Cos(theta), std, mean);
            data[j + 8] = Math.FusedMultiplyAdd(radius * Math.Sin(theta), std, mean);
        }
    }
}
