using System.Numerics;
using Bridge.Nn;

namespace Bridge.Backends.Cpu;

/// <summary>
/// GELU and its gradient over contiguous data in the element type, as ATen's CPU kernel computes them; only erf, tanh
/// and exp go through double (rounded back to T). The device twin is <c>gelu</c>/<c>gelu_backward</c> in Kernels/Nn.cu.
/// </summary>
internal static class GeluKernels
{
    const double Sqrt1Over2 = Nn.GeluMath.Sqrt1Over2;
    const double Sqrt2OverPi = Nn.GeluMath.Sqrt2OverPi;
    const double InvSqrt2Pi = Nn.GeluMath.InvSqrt2Pi;
    const double TanhCoefficient = Nn.GeluMath.TanhCoefficient;

    /// <summary>y = x·½(1 + erf(x/√2)), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) when <paramref name="tanh"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5), beta = T.CreateTruncating(Sqrt2OverPi), kappa = T.CreateTruncating(TanhCoefficient), root = T.CreateTruncating(Sqrt1Over2);
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            if (tanh)
            {
                T inner = beta * (v + kappa * v * v * v);
                y[i] = half * v * (T.One + Round<T>(Math.Tanh(double.CreateTruncating(inner))));
            }
            else
            {
                y[i] = v * half * (T.One + Round<T>(ErfMath.Erf(double.CreateTruncating(v * root))));
            }
        }
    }

    static T Round<T>(double v) where T : IFloatingPointIeee754<T> => T.CreateTruncating(v);

    /// <summary>ATen's GeluBackward formulas: ∂x = ∂y·(Φ(x) + x·φ(x)), and the tanh form's product rule.</summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5), beta = T.CreateTruncating(Sqrt2OverPi), kappa = T.CreateTruncating(TanhCoefficient), root = T.CreateTruncating(Sqrt1Over2);
        T alpha = T.CreateTruncating(InvSqrt2Pi), three = T.CreateTruncating(3.0), minusHalf = T.CreateTruncating(-0.5);
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            if (tanh)
            {
                T xSq = v * v;
                T inner = beta * (v + kappa * xSq * v);
                T t = Round<T>(Math.Tanh(double.CreateTruncating(inner)));
                T left = half * v, right = T.One + t;
                T leftDerivative = half * right;
                T rightDerivative = left * (T.One - t * t) * beta * (T.One + three * kappa * xSq);
                dx[i] = g[i] * (leftDerivative + rightDerivative);
            }
            else
            {
                T cdf = half * (T.One + Round<T>(ErfMath.Erf(double.CreateTruncating(v * root))));
                T pdf = alpha * Round<T>(Math.Exp(double.CreateTruncating(v * v * minusHalf)));
                dx[i] = g[i] * (cdf + v * pdf);
            }
        }
    }
}
