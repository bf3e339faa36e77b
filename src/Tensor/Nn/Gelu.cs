using Bridge.Autograd;
using Bridge.Backends;

namespace Bridge.Nn;

/// <summary>torch.nn.GELU: x·Φ(x) (<c>approximate="none"</c>) or its tanh approximation (<c>"tanh"</c>).</summary>
public sealed class GELU : Module
{
    /// <summary><c>"none"</c> for the exact x·Φ(x), <c>"tanh"</c> for the tanh approximation.</summary>
    public string Approximate { get; }

    /// <summary>torch's <c>GELU(approximate)</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither "none" nor "tanh".</exception>
    public GELU(string approximate = "none")
    {
        Functional.CheckGeluApproximate(approximate);
        Approximate = approximate;
    }

    /// <summary>Applies GELU to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

public static partial class Functional
{
    internal static void CheckGeluApproximate(string approximate)
    {
        if (approximate is not ("none" or "tanh")) throw new ArgumentException($"approximate argument must be either none or tanh.");
    }

    /// <summary>
    /// x·½(1 + erf(x/√2)), or ½x(1 + tanh(√(2/π)(x + 0.044715x³))) for <c>approximate="tanh"</c>; one node
    /// (<c>GeluBackward0</c>) whose gradient is torch's closed form, on the tensor's backend (CPU or CUDA kernels).
    /// </summary>
    public static Tensor Gelu(Tensor input, string approximate = "none")
    {
        CheckGeluApproximate(approximate);
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"\"GeluKernelImpl\" not implemented for '{input.DType.ShortName()}'");
        bool tanh = approximate == "tanh";
        Tensor x, y;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            y = Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            var exact = GeluActivation(input, tanh);
            if (!Backend.TryActivation(exact, x, y)) Backend.Gelu(x, y, tanh);
        }
        if (!Recording.Needed(input)) return y;
        return Recording.Record(y, "GeluBackward0", [input], g =>
        {
            if (GradMode.IsEnabled) return [g * GeluDerivativeRecorded(input, tanh)]; // create_graph
            var gc = g.Contiguous();
            var dx = Tensor.Allocate(x.ShapeArray, x.DType, x.Device, zero: false);
            if (!Backend.TryActivationBackward(GeluActivation(input, tanh), gc, x, dx)) Backend.GeluBackward(gc, x, dx, tanh);
            return [dx];
        }, x, input); // input (x itself when contiguous) for create_graph
    }

    // torch sends a contiguous float32 input through oneDNN and anything else through ATen's kernel.
    static Backends.Cpu.Activation GeluActivation(Tensor input, bool tanh) =>
        tanh ? Backends.Cpu.Activation.GeluTanh : input.IsContiguous() ? Backends.Cpu.Activation.GeluOneDnn : Backends.Cpu.Activation.Gelu;

    // gelu'(x) from recorded ops (double backward): Φ(x) + x·φ(x), or for the tanh form
    // ½(1 + t) + ½x(1 − t²)·β(1 + 3κx²) with t = tanh(β(x + κx³)).
    static Tensor GeluDerivativeRecorded(Tensor x, bool tanh)
    {
        if (tanh)
        {
            var t = ((x + x * x * x * GeluMath.TanhCoefficient) * GeluMath.Sqrt2OverPi).Tanh();
            return (t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * GeluMath.Sqrt2OverPi * (x * x * (3 * GeluMath.TanhCoefficient) + 1.0);
        }
        var cdf = ((x * GeluMath.Sqrt1Over2).Erf() + 1.0) * 0.5;
        var pdf = (x * x * -0.5).Exp() * GeluMath.InvSqrt2Pi;
        return cdf + x * pdf;
    }
}

/// <summary>GELU's constants, shared by the CPU kernels, the recorded derivative (double backward) and nothing else.</summary>
internal static class GeluMath
{
    internal const double Sqrt1Over2 = 0.70710678118654752440;
    internal const double Sqrt2OverPi = 0.79788456080286535588;
    internal const double InvSqrt2Pi = 0.39894228040143267794;
    internal const double TanhCoefficient = 0.044715;
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
