using System.Numerics;

namespace Bridge.Random;

/// <summary>
/// <c>nn.Linear.reset_parameters</c> (torch 1.13): <c>kaiming_uniform_(weight, a=sqrt(5))</c>, then
/// <c>uniform_(bias, -1/sqrt(fan_in), 1/sqrt(fan_in))</c>. The bounds are computed in double exactly as
/// torch/nn/init.py computes them in Python floats (same libm sqrt/pow), then drawn with <see cref="Generator.FillUniform{T}(Span{T}, double, double)"/>.
/// </summary>
public static class LinearInit
{
    /// <summary>
    /// Initialises a row-major [outFeatures, inFeatures] weight and its bias (may be empty for bias=False)
    /// with the same draws, in the same order, as <c>nn.Linear(inFeatures, outFeatures)</c>.
    /// </summary>
    public static void Fill<T>(Span<T> weight, Span<T> bias, int inFeatures, Generator g)
        where T : IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        if (inFeatures == 0 ? weight.Length != 0 : weight.Length % inFeatures != 0)
        {
            throw new ArgumentException(
                $"weight has {weight.Length} elements, which is not a whole number of rows of inFeatures={inFeatures}.", nameof(weight));
        }
        if (!bias.IsEmpty && bias.Length != (inFeatures == 0 ? bias.Length : weight.Length / inFeatures))
        {
            throw new ArgumentException(
                $"bias has {bias.Length} elements but the weight has {weight.Length / inFeatures} rows.", nameof(bias));
        }

        // kaiming_uniform_: torch warns and draws nothing for a zero-element weight.
        if (!weight.IsEmpty)
        {
            double bound = KaimingUniformBound(inFeatures, Math.Sqrt(5.0));
            g.FillUniform(weight, -bound, bound);
        }
        if (!bias.IsEmpty)
        {
            double biasBound = BiasBound(inFeatures);
            g.FillUniform(bias, -biasBound, biasBound);
        }
    }

    /// <summary>
    /// init.py: gain = calculate_gain('leaky_relu', a) = sqrt(2 / (1 + a ** 2)); std = gain / sqrt(fan);
    /// bound = sqrt(3) * std. Python's <c>**</c> on floats is C <c>pow</c>, hence Math.Pow, not a*a.
    /// </summary>
    public static double KaimingUniformBound(int fanIn, double a)
    {
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        double std = gain / Math.Sqrt(fanIn);
        return Math.Sqrt(3.0) * std;
    }

    /// <summary>Linear's bias bound: 1 / sqrt(fan_in) if fan_in &gt; 0 else 0.</summary>
    public static double BiasBound(int fanIn) => fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0.0;
}
