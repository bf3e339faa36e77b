using Bridge.Ops;

namespace Bridge.Tests.OpInfo;

/// <summary>One input tensor of a sample: its values (row-major over <paramref name="Base"/>), and the view taken of them.</summary>
/// <param name="Base">Shape of the dense tensor built from the values.</param>
/// <param name="Layout">contiguous, transposed (2-D .t()), strided (every 2nd element of a 1-D base) or expanded (to <paramref name="Shape"/>).</param>
/// <param name="Shape">The view's shape for <c>expanded</c>.</param>
public sealed record SampleInput(int[] Base, double[] Values, string Layout = "contiguous", int[]? Shape = null)
{
    public Tensor Build(DType dtype, bool requiresGrad)
    {
        var t = Torch.Tensor(Values, DType.Float64).Reshape(Base).To(dtype);
        t = Layout switch
        {
            "transposed" => t.T(),
            "strided" => t.Slice(0, null, null, 2),
            "expanded" => t.Expand(Shape!),
            _ => t,
        };
        return requiresGrad ? t.Detach().RequiresGrad_(true) : t;
    }

    public override string ToString() => $"{Layout}[{string.Join(",", Base)}]";
}

/// <summary>A call of an op: its inputs, and whether it is smooth there (gradients are checked only where it is).</summary>
public sealed record Sample(string Name, SampleInput[] Inputs, bool Smooth = true);

/// <summary>
/// The OpInfo registry (PyTorch's common_methods_invocations.py in miniature): sample inputs for every declared op,
/// by family, with per-op value domains. A declared op without an entry here fails
/// <see cref="OpInfoTests.Registry_EveryDeclaredOp_HasSamples"/>.
/// </summary>
public static class OpSamples
{
    /// <summary>How an op's inputs are drawn: the range of its well-behaved values and the extremes worth trying.</summary>
    public sealed record Domain(double Low, double High, double[] Extremes);

    static readonly double[] AllExtremes = [0.0, -0.0, 1e-30, -1e-30, 1e30, -1e30, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 88.5, -88.5, 710];

    static readonly Domain Real = new(-2, 2, AllExtremes);

    /// <summary>Per-op domains; ops not listed take <see cref="Real"/>.</summary>
    static readonly Dictionary<string, Domain> Domains = new()
    {
        ["log"] = new(0.1, 3, AllExtremes),
        ["sqrt"] = new(0.1, 3, AllExtremes),
        // The device's sin/cos reduce |x| < 1.6e6 exactly (devmath.h); larger arguments are approximations there.
        ["sin"] = new(-4, 4, [0.0, -0.0, 1e-30, 1e5, -1e5, 3.141592653589793, double.PositiveInfinity, double.NegativeInfinity, double.NaN]),
        ["cos"] = new(-4, 4, [0.0, -0.0, 1e-30, 1e5, -1e5, 1.5707963267948966, double.PositiveInfinity, double.NegativeInfinity, double.NaN]),
        ["pow"] = new(0.5, 2, [0.0, 1.0, 2.0, 0.5, double.PositiveInfinity, double.NaN, 1e-30, 1e30]),
        ["div"] = new(0.5, 2, AllExtremes),
        ["tan"] = new(-1.4, 1.4, [0.0, -0.0, 1e-30, 1e5, -1e5, 1.5707963267948966, 88.5, double.PositiveInfinity, double.NegativeInfinity, double.NaN]),
        ["asin"] = new(-0.9, 0.9, [.. AllExtremes, 1.0, -1.0, 0.5]),
        ["acos"] = new(-0.9, 0.9, [.. AllExtremes, 1.0, -1.0, 0.5]),
        ["atanh"] = new(-0.9, 0.9, [.. AllExtremes, 1.0, -1.0, 0.5, 1e-10]),
        ["erfinv"] = new(-0.9, 0.9, [.. AllExtremes, 1.0, -1.0, 0.5, 0.99, -0.999, 1e-10]),
        ["acosh"] = new(1.1, 3, [.. AllExtremes, 1.0, 1.5, 2.5, 1e10]),
        ["asinh"] = new(-2, 2, [.. AllExtremes, 1e-10, 1.5, 3.0, 1e10]),
        ["log2"] = new(0.1, 3, [.. AllExtremes, 8.0, 0.125, 1.0, 1e-310]),
        ["log10"] = new(0.1, 3, [.. AllExtremes, 1000.0, 0.01, 1.0]),
        ["log1p"] = new(-0.5, 3, [.. AllExtremes, -1.0, -2.0, 1e-10]),
        ["expm1"] = new(-2, 2, [.. AllExtremes, 1e-10, -1e-10, 0.3, -40.0]),
        ["exp2"] = new(-2, 2, [.. AllExtremes, 1023.5, -1074.0, 0.5, -0.25]),
        ["rsqrt"] = new(0.1, 3, AllExtremes),
        ["reciprocal"] = new(0.5, 2, AllExtremes),
        ["round"] = new(-2, 2, [.. AllExtremes, 0.5, 1.5, 2.5, -0.5, -2.5]),
        ["frac"] = new(-2, 2, [.. AllExtremes, 0.5, -1.5]),
        ["sinh"] = new(-2, 2, [.. AllExtremes, 1e-10, 0.2, -0.9, 25.0]),
        ["cosh"] = new(-2, 2, [.. AllExtremes, 1e-10, 0.2, -0.9, 25.0]),
        ["erfc"] = new(-2, 2, [.. AllExtremes, 4.0, -4.0, 9.0, 10.5, 27.0, -27.0, 1e-10]),
        ["lgamma"] = new(0.2, 5, [.. AllExtremes, -0.5, -1.0, -2.0, -2.5, 1e-10, 1.0, 2.0, 100.0, 1e20, -1e20]),
        ["digamma"] = new(0.2, 5, [.. AllExtremes, -0.5, -1.0, -2.5, 1e-10, 1.0, 10.0, 1e17, 1e20]),
        ["i0"] = new(-2, 2, [.. AllExtremes, 8.0, -8.5, 20.0, 1e-10]),
        ["special_i0e"] = new(-2, 2, [.. AllExtremes, 8.0, -8.5, 20.0, 1e-10]),
        ["special_i1"] = new(-2, 2, [.. AllExtremes, 8.0, -8.5, 20.0, 1e-10]),
        ["special_i1e"] = new(-2, 2, [.. AllExtremes, 8.0, -8.5, 20.0, 1e-10]),
        ["special_ndtri"] = new(0.05, 0.95, [0.0, 1.0, 0.5, -0.5, 1.5, 1e-10, 1e-30, 0.9, 0.99999, double.NaN]),
        ["special_erfcx"] = new(-2, 2, [.. AllExtremes, -5.0, 5.0, 30.0, 1e5]),
        ["special_log_ndtr"] = new(-2, 2, [.. AllExtremes, -5.0, -10.0, -40.0, 5.0]),
        ["special_entr"] = new(0.1, 3, AllExtremes),
    };

    /// <summary>
    /// Ops the CUDA backend has no kernel for yet (device code cannot call libm, and devmath.h has no such function
    /// yet), with the reason: there they raise NotSupportedException naming the kernel, which the tests check.
    /// </summary>
    public static readonly Dictionary<string, string> DeviceGaps = new()
    {
        ["erfc"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["lgamma"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["digamma"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["i0"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_i0e"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_i1"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_i1e"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_ndtri"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_erfcx"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["special_log_ndtr"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
        ["trigamma"] = "polygamma(1, x)'s kernel (not a declared op): no device kernel yet, like digamma's",
        ["special_entr"] = "no device kernel yet (devmath.h has no such function): issue 17 ported the CPU kernels only",
    };

    /// <summary>
    /// Dtypes the CUDA backend has no kernels for yet: CUDA tensors of them move and convert, but arithmetic raises
    /// NotSupportedException ("no CUDA kernels for torch.int8"). On the device their cases must compute torch's
    /// value or raise that (OpInfoTests.DeviceDTypeGaps_ComputeAsTorchOrRaiseNotSupported).
    /// </summary>
    public static readonly Dictionary<DType, string> DeviceDTypeGaps = new()
    {
    };

    /// <summary>
    /// (op, dtype) that torch 1.13 computes but the declaration leaves out, with why: there Bridge's answer is not
    /// checked against torch. Every other dtype torch computes must be declared (OpInfoTests fails otherwise).
    /// </summary>
    public static readonly Dictionary<(string Op, DType DType), string> UndeclaredOnPurpose = new()
    {
        [("special_i0e", DType.BFloat16)] = "torch 1.13's vectorised bfloat16 i0e steps through bfloat16 (up to 2 bfloat16 ulps from the float32 value); Bridge computes it in float32 and rounds once",
    };

    /// <summary>
    /// torch messages Bridge words differently on purpose (the exception type must still be torch's), with why.
    /// </summary>
    public static readonly Dictionary<string, string> KnownMessageDifferences = new()
    {
    };

    /// <summary>
    /// Ops whose float16/bfloat16 results may be one half-type ulp from torch's, and why: torch's CPU vectorises
    /// their float32 math with Sleef (1 ulp), .NET uses libm (0.5 ulp), and a last-bit difference in float32 rounds
    /// to neighbouring half values when it straddles a rounding boundary. Every other op must match bit for bit.
    /// </summary>
    public static readonly HashSet<string> HalfUlps =
    [
        // torch steps through bfloat16 in these kernels (entr's -x * log(x), i0e's series), Bridge computes float32 and
        // rounds once: measured one bfloat16 ulp apart (issue 17).
        "special_entr",
    ];

    /// <summary>Every op this registry knows, by torch name (checked against the declarations by a test).</summary>
    public static readonly HashSet<string> Covered =
    [
        "neg", "abs", "sign", "relu", "exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos",
        "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "exp2", "expm1", "log2", "log10", "log1p",
        "rsqrt", "reciprocal", "frac", "erf", "erfinv", "floor", "ceil", "round", "trunc", "isnan", "isinf", "isfinite",
        "atan2", "hypot", "fmod", "remainder", "logaddexp", "bitwise_and", "bitwise_or", "bitwise_xor", "logical_and", "logical_or", "logical_xor",
        "add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
        "sum", "mean", "max", "min", "argmax",
        "erfc", "lgamma", "digamma", "i0", "special_i0e", "special_i1", "special_i1e", "special_ndtri", "special_erfcx",
        "special_log_ndtr", "special_entr",
    ];

    /// <summary>
    /// Relative tolerances wider than the default (float32 6e-7, float64 1e-15), with the bound they come from.
    /// float64 pow on the device is exp(y·ln x) in double: about |y·ln x| ulp (Backends/Cuda/README.md), up to
    /// ~140 ulp for the extremes here (x = 1e-30).
    /// </summary>
    public static readonly Dictionary<string, (double Float32, double Float64)> RelativeTolerance = new()
    {
        ["pow"] = (6e-7, 5e-14),
        // max + log1p(e^-|a-b|) cancels where the result nears 0, which magnifies the last-bit differences between
        // torch's vectorised exp/log1p (Sleef, 1 ulp) and libm's: measured 1.6e-6 (float32) and 3e-15 (float64).
        ["logaddexp"] = (4e-6, 1e-14),
        // erfcx is not ATen's Chebyshev table (within 8 ulp of it), and log_ndtr goes through it below -1; their
        // gradients read the result.
        ["special_erfcx"] = (2e-6, 1e-13),
        ["special_log_ndtr"] = (1e-6, 1e-13),
    };

    /// <summary>
    /// Known differences from torch 1.13, kept visible (OpInfo's expected failures): (op, sample) -> why. The
    /// forward test requires each of these to still differ, so a fix shows up as a failure to update this list.
    /// </summary>
    public static readonly Dictionary<(string Op, string Sample), string> KnownDifferences = new()
    {
        [("sign", "extremes")] = "torch 1.13 gives sign(NaN) = 0; bridge keeps NaN (unchanged here: this refactor changes no behaviour)",
    };

    /// <summary>The samples of <paramref name="op"/> for input dtype <paramref name="dtype"/>.</summary>
    public static IEnumerable<Sample> For(OpDeclaration op, DType dtype)
    {
        var d = Domains.GetValueOrDefault(op.TorchName, Real);
        bool integral = !dtype.IsFloatingPoint();
        double[] V(int n, int seed) => Values(n, seed, d, dtype);
        SampleInput Dense(int[] shape, int seed) => new(shape, V(shape.Aggregate(1, (a, b) => a * b), seed));
        int arity = op.Family is OpFamily.Binary or OpFamily.Comparison ? 2 : 1;
        SampleInput[] Same(Func<int, SampleInput> make) => Enumerable.Range(0, arity).Select(make).ToArray();

        yield return new("0-d", Same(k => Dense([], 1 + k)));
        yield return new("2x3", Same(k => Dense([2, 3], 2 + k)));
        yield return new("transposed", Same(k => new SampleInput([3, 2], V(6, 3 + k), "transposed")));
        yield return new("strided", Same(k => new SampleInput([8], V(8, 4 + k), "strided")));
        // Expanded values repeat, so max/min meet ties there: a kink, where finite differences mean nothing.
        yield return new("expanded", Same(k => new SampleInput([3, 1], V(3, 5 + k), "expanded", [3, 4])), Smooth: op.TorchName is not ("max" or "min"));
        if (op.Family != OpFamily.Reduction || op.TorchName is "sum" or "mean")
            yield return new("empty", Same(k => Dense([0, 3], 6 + k)));
        if (arity == 2)
        {
            yield return new("broadcast", [Dense([3, 1, 4], 7), Dense([2, 4], 8)]);
            yield return new("scalar-tensor", [Dense([], 9), Dense([5], 10)]);
        }
        if (!integral && dtype != DType.Bool)
        {
            // Extremes against a well-behaved partner (binary ops), where torch's result is defined anyway.
            var ex = d.Extremes;
            yield return new("extremes", arity == 1 ? [new([ex.Length], ex)] : [new([ex.Length], ex), new([ex.Length], V(ex.Length, 11))], Smooth: false);
            if (arity == 2) yield return new("extremes-right", [new([ex.Length], V(ex.Length, 12)), new([ex.Length], ex)], Smooth: false);
        }
    }

    // Deterministic, non-symmetric values inside the domain, away from kinks; integers for int64, 0/1 for bool.
    static double[] Values(int n, int seed, Domain d, DType dtype)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = 0.5 + 0.5 * Math.Sin(1.7 * i + 0.4 + 2.3 * seed);
            v[i] = d.Low + (d.High - d.Low) * (0.05 + 0.9 * u);
            if (dtype.IsInteger()) v[i] = Math.Round(v[i] * 2);
            if (dtype == DType.UInt8) v[i] = Math.Abs(v[i]); // a negative value would test the cast, not the op
            if (dtype == DType.Bool) v[i] = (i + seed) % 3 == 0 ? 0 : 1;
        }
        return v;
    }
}
