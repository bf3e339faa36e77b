namespace Bridge.Random;

/// <summary>
/// Draws for float16 and bfloat16, bit-exact with torch 1.13's CPU kernels, returned as float32 values that the
/// half type holds exactly. What differs from float32 draws (checked against torch, element for element):
/// <list type="bullet">
/// <item>a uniform keeps std::numeric_limits&lt;T&gt;::digits bits of one 32-bit draw: 11 for float16, 8 for bfloat16;</item>
/// <item>the Box-Muller block (16 or more elements) runs in the half type: c10's <c>Half</c> arithmetic returns
/// float from mixed operands and rounds only on assignment, while every <c>BFloat16</c> operation and math function
/// (c10's BFloat16-math overloads) rounds its result to bfloat16;</item>
/// <item>fewer than 16 elements draw double normals and cast, as for float32.</item>
/// </list>
/// </summary>
public sealed partial class Generator
{
    /// <summary>Fills with U[from, to) as torch's <c>uniform_</c> on a <paramref name="dtype"/> tensor (float16 or bfloat16).</summary>
    internal void FillUniformHalf(Span<float> dst, double from, double to, DType dtype)
    {
        CheckUniformBounds<float>(from, to);
        var round = Rounder(dtype);
        float f = round((float)from), t = round((float)to);
        float width = round(t - f); // Half - Half is a Half in c10
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++) dst[i] = round(MathF.FusedMultiplyAdd(NextHalfUnit(dtype), width, f));
        }
    }

    /// <summary>Fills with N(mean, std²) as torch's <c>normal_</c> on a contiguous <paramref name="dtype"/> tensor.</summary>
    internal void FillNormalHalf(Span<float> dst, double mean, double std, DType dtype)
    {
        if (!(std >= 0.0)) throw new ArgumentOutOfRangeException(nameof(std), std, $"normal expects std >= 0.0, but found std {std}");
        var round = Rounder(dtype);
        lock (_sync)
        {
            if (dst.Length < NormalBlock)
            {
                for (int i = 0; i < dst.Length; i++) dst[i] = round((float)NextNormalDouble(mean, std));
                return;
            }
            float m = round((float)mean), s = round((float)std);
            for (int i = 0; i < dst.Length; i++) dst[i] = NextHalfUnit(dtype);
            for (int i = 0; i + NormalBlock <= dst.Length; i += NormalBlock) HalfBoxMuller(dst.Slice(i, NormalBlock), m, s, dtype);
            if (dst.Length % NormalBlock != 0)
            {
                // As for float32: the last 16 values are drawn afresh and transformed again.
                Span<float> tail = dst[^NormalBlock..];
                for (int i = 0; i < NormalBlock; i++) tail[i] = NextHalfUnit(dtype);
                HalfBoxMuller(tail, m, s, dtype);
            }
        }
    }

    // uniform_real_distribution<Half or BFloat16>(0, 1): the low `digits` bits of one 32-bit draw; caller holds _sync.
    private float NextHalfUnit(DType dtype)
    {
        int digits = dtype == DType.Float16 ? 11 : 8;
        return (Random32() & ((1u << digits) - 1)) * (1f / (1 << digits));
    }

    // normal_fill_16<scalar_t>: 8 cos outputs and 8 sin outputs from 16 uniforms, in the half type's arithmetic.
    private static void HalfBoxMuller(Span<float> data, float mean, float std, DType dtype)
    {
        var round = Rounder(dtype);
        bool bf16 = dtype == DType.BFloat16;
        for (int j = 0; j < NormalBlock / 2; j++)
        {
            float u1 = round(1f - data[j]);
            float u2 = data[j + 8];
            float radius = bf16
                ? round(MathF.Sqrt(round(-2f * round(MathF.Log(u1)))))
                : round(MathF.Sqrt(-2f * MathF.Log(u1)));
            // 2.0f * c10::pi<double> * u2 is a double; the half types take it through float.
            float theta = round((float)(2.0 * Math.PI * u2));
            data[j] = Scale(radius, MathF.Cos(theta));
            data[j + 8] = Scale(radius, MathF.Sin(theta));
        }

        float Scale(float radius, float trig) => bf16
            ? round(round(round(radius * round(trig)) * std) + mean)
            : round(MathF.FusedMultiplyAdd(radius * trig, std, mean));
    }

    private static Func<float, float> Rounder(DType dtype) => dtype switch
    {
        DType.Float16 => v => (float)(Half)v,
        DType.BFloat16 => v => (BFloat16)v,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "a half type (float16 or bfloat16) was expected"),
    };
}
