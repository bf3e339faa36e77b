using System.Numerics;
using Bridge.Autograd;

namespace Bridge.Nn;

/// <summary>torch.nn.GELU: x·Φ(x) (<c>approximate="none"</c>) or its tanh approximation (<c>"tanh"</c>).</summary>
public sealed class GELU : Module
{
    public string Approximate { get; }

    public GELU(string approximate = "none")
    {
        Functional.CheckGeluApproximate(approximate);
        Approximate = approximate;
    }

    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

public static partial class Functional
{
    const double Sqrt1Over2 = 0.70710678118654752440;
    const double Sqrt2OverPi = 0.79788456080286535588;
    const double InvSqrt2Pi = 0.39894228040143267794;
    const double TanhCoefficient = 0.044715;

    internal static void CheckGeluApproximate(string approximate)
    {
        if (approximate is not ("none" or "tanh")) throw new ArgumentException($"approximate argument must be either none or tanh.");
    }

    /// <summary>
    /// x·½(1 + erf(x/√2)), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) for <c>approximate="tanh"</c>; one node
    /// (<c>GeluBackward0</c>) whose gradient is torch's closed form. CPU kernels; on CUDA only the tanh form,
    /// composed from the device's own tanh (the device has no erf).
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        CheckGeluApproximate(approximate);
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"\"GeluKernelImpl\" not implemented for '{input.DType.ShortName()}'");
        bool tanh = approximate == "tanh";
        if (input.Device.IsCuda)
        {
            if (!tanh) throw new NotSupportedException("gelu(approximate='none') is not supported on cuda tensors yet (the device has no erf kernel); use approximate='tanh' or move the tensor to the cpu");
            return GeluTanhComposed(input);
        }
        var x = input.Contiguous();
        Tensor y;
        using (GradMode.Set(false))
        {
            y = Torch.EmptyLike(x);
            if (x.DType == DType.Float64) GeluKernel(x.ContiguousSpan<double>(), y.ContiguousSpan<double>(), tanh);
            else GeluKernel(x.ContiguousSpan<float>(), y.ContiguousSpan<float>(), tanh);
        }
        if (!Recording.Needed(input)) return y;
        return Recording.Record(y, "GeluBackward0", [input], g =>
        {
            if (GradMode.IsEnabled) return [g * GeluDerivativeRecorded(input, tanh)]; // create_graph
            var gc = g.Contiguous();
            var dx = Torch.EmptyLike(x);
            if (x.DType == DType.Float64) GeluBackwardKernel(gc.ContiguousSpan<double>(), x.ContiguousSpan<double>(), dx.ContiguousSpan<double>(), tanh);
            else GeluBackwardKernel(gc.ContiguousSpan<float>(), x.ContiguousSpan<float>(), dx.ContiguousSpan<float>(), tanh);
            return [dx];
        }, x, input); // input (x itself when contiguous) for create_graph
    }

    // gelu'(x) from recorded ops (double backward): Φ(x) + x·φ(x), or for the tanh form
    // ½(1 + t) + ½x(1 − t²)·β(1 + 3κx²) with t = tanh(β(x + κx³)).
    static Tensor GeluDerivativeRecorded(Tensor x, bool tanh)
    {
        if (tanh)
        {
            var t = ((x + x * x * x * TanhCoefficient) * Sqrt2OverPi).Tanh();
            return (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * Sqrt2OverPi * (x * x * (3 * TanhCoefficient) + 1.0);
        }
        var cdf = ((x * Sqrt1Over2).Erf() + 1.0) * 0.5;
        var pdf = (x * x * -0.5).Exp() * 0.39894228040143267794; // 1/√(2π)
        return cdf + x * pdf;
    }

    // ½x(1 + tanh(k(x + c·x³))) from differentiable ops, for devices without the fused kernel.
    static Tensor GeluTanhComposed(Tensor x)
    {
        var inner = (x + x * x * x * TanhCoefficient) * Sqrt2OverPi;
        return x * 0.5 * (inner.Tanh() + 1.0);
    }

    // In the element type, as ATen's CPU kernel computes it; only erf/tanh/exp go through double (rounded back to T).
    static void GeluKernel<T>(ReadOnlySpan<T> x, Span<T> y, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
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

    // ATen's GeluBackward formulas: Φ(x) + x·φ(x), and the tanh form's product rule.
    static void GeluBackwardKernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
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

/// <summary>The error function in double precision (.NET has none): Taylor series near 0, Lentz's continued fraction for erfc beyond.</summary>
internal static class ErfMath
{
    const double TwoOverSqrtPi = 1.12837916709551257390;
    const double InvSqrtPi = 0.56418958354775628695;

    /// <summary>erf x = 2/√π Σ (-1)ⁿ x²ⁿ⁺¹ / (n!(2n+1)) for |x| ≤ 2; 1 - erfc x otherwise.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a <= 2.0) return Series(x);
        double r = 1 - Erfc(a);
        return x < 0 ? -r : r;
    }

    static double Series(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) <= 1e-17 * Math.Abs(sum)) break;
        }
        return TwoOverSqrtPi * sum;
    }

    // erfc a = e^(-a²)/√π · 1/(a + ½/(a + 1/(a + (3/2)/(a + …)))) for a > 2, by modified Lentz.
    static double Erfc(double a)
    {
        if (a > 27) return 0;
        const double tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double an = n * 0.5;
            d = a + an * d;
            if (d == 0) d = tiny;
            d = 1 / d;
            c = a + an / c;
            if (c == 0) c = tiny;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-a * a) * InvSqrtPi / f;
    }
}
