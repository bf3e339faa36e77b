using System.Numerics;

namespace Bridge.Random;

/// <summary>
/// Bernoulli draws: <c>bernoulli_(p)</c> with a scalar p (the mask of <c>nn.Dropout</c>, which on CPU
/// computes <c>input * bernoulli_(1 - p) / (1 - p)</c>) and <c>torch.bernoulli(probs)</c>.
/// Debian's libtorch is built without MKL, so both use ATen's default serial kernels.
/// </summary>
public sealed partial class Generator
{
    /// <summary>
    /// Fills with 1 (probability p) or 0 like <c>bernoulli_(p)</c>: one double uniform u per element
    /// (a 64-bit draw, whatever <typeparamref name="T"/> is) and the value <c>u &lt; p</c>.
    /// </summary>
    public void FillBernoulli<T>(Span<T> dst, double p) where T : IBinaryFloatingPointIeee754<T>
    {
        Transformation.CheckSupported<T>();
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, $"bernoulli_ expects p to be in [0, 1], but got p={p}");
        }
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = NextUniform(0.0, 1.0) < p ? T.One : T.Zero;
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="dst"/>[i] with 1 (probability <paramref name="probabilities"/>[i]) or 0, like
    /// <c>torch.bernoulli(probs)</c> for a probability tensor of type <typeparamref name="T"/>: ATen's
    /// <c>bernoulli_distribution&lt;T&gt;</c>, so float probabilities use 24-bit float uniforms and
    /// double probabilities 53-bit double uniforms.
    /// </summary>
    public void FillBernoulli<T>(Span<T> dst, ReadOnlySpan<T> probabilities) where T : IBinaryFloatingPointIeee754<T>
    {
        Transformation.CheckSupported<T>();
        if (probabilities.Length != dst.Length)
        {
            throw new ArgumentException(
                $"bernoulli: probabilities has {probabilities.Length} elements but the destination has {dst.Length}.",
                nameof(probabilities));
        }
        for (int i = 0; i < probabilities.Length; i++)
        {
            T p = probabilities[i];
            if (!(p >= T.Zero && p <= T.One))
            {
                throw new ArgumentOutOfRangeException(nameof(probabilities), p,
                    $"bernoulli expects every probability to be in [0, 1], but probabilities[{i}]={p}");
            }
        }
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = NextUniform(T.Zero, T.One) < probabilities[i] ? T.One : T.Zero;
            }
        }
    }
}
