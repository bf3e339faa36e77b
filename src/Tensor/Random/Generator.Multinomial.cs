using System.Numerics;

namespace Bridge.Random;

/// <summary>
/// Exponential draws and <c>torch.multinomial</c> as PyTorch 1.13's CPU kernels make them (the build without MKL,
/// whose exponential_ is ATen's own: one 53-bit uniform u per element, -log(1 - u) / lambda, then cast).
/// </summary>
public sealed partial class Generator
{
    /// <summary>Fills with Exp(lambda) draws like <c>Tensor.exponential_(lambd)</c>.</summary>
    public void FillExponential<T>(Span<T> dst, double lambda = 1) where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(lambda > 0)) throw new ArgumentException($"exponential_ expects lambda > 0.0, but found lambda={lambda}");
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                double u = Transformation.UniformReal(Random64(), 0.0, 1.0);
                dst[i] = T.CreateTruncating(-1.0 / lambda * Math.Log(1.0 - u));
            }
        }
    }

    /// <summary>
    /// <c>torch.multinomial</c> with replacement and more than one sample (ATen's multinomial_with_replacement):
    /// per row, the cumulative sum in <typeparamref name="T"/> divided by its total, then one double uniform per
    /// sample located by binary search (the last bucket forced to 1).
    /// </summary>
    public void MultinomialWithReplacement<T>(ReadOnlySpan<T> probabilities, int rows, int categories, int samples, Span<long> result)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var cumulative = new T[categories];
        lock (_sync)
        {
            for (int i = 0; i < rows; i++)
            {
                T sum = T.Zero;
                for (int j = 0; j < categories; j++)
                {
                    T v = probabilities[i * categories + j];
                    if (!(v >= T.Zero)) throw new ArgumentException("invalid multinomial distribution (encountering probability entry < 0)");
                    if (!T.IsFinite(v)) throw new ArgumentException("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
                    sum += v;
                    cumulative[j] = sum;
                }
                if (!(sum > T.Zero)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
                for (int j = 0; j < categories; j++) cumulative[j] /= sum;
                for (int s = 0; s < samples; s++)
                {
                    double u = Transformation.UniformReal(Random64(), 0.0, 1.0);
                    cumulative[categories - 1] = T.One;
                    int left = 0, right = categories;
                    while (right - left > 0)
                    {
                        int mid = left + (right - left) / 2;
                        if (double.CreateTruncating(cumulative[mid]) < u) left = mid + 1;
                        else right = mid;
                    }
                    result[i * samples + s] = left;
                }
            }
        }
    }
}
