using Bridge.Autograd;

namespace Bridge.Nn;

// The activations torch runs as kernels of their own (silu, leaky_relu, elu, softplus, hardtanh, log_sigmoid,
// mish): the forward is composed from existing elementwise ops under no-grad (so it runs wherever those run,
// CUDA included) and recorded as one node with torch's name and torch's backward formula. Those torch itself
// composes in Python (softsign, tanhshrink, prelu) are composed here too, with autograd through the parts.
public static partial class Functional
{
    /// <summary>x·σ(x); ∂ = g·σ(x)·(1 + x·(1 - σ(x)))</summary>
    public static Tensor Silu(Tensor input)
    {
        var x = FloatInput(input);
        return Unary(x, "SiluBackward0", x => ExactActivation(Backends.Cpu.Activation.Silu, x) ?? x * x.Sigmoid(), (g, x) =>
            ExactActivationBackward(Backends.Cpu.Activation.Silu, g, x) ?? SiluDerivative(g, x));
    }

    static Tensor SiluDerivative(Tensor g, Tensor x)
    {
        var s = x.Sigmoid();
        return g * s * (1.0 + x * (1.0 - s));
    }

    /// <summary>x if x &gt; 0 else slope·x; ∂ = g if x &gt; 0 else slope·g</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) =>
        Unary(input, "LeakyReluBackward0", x => Tensor.Where(x > 0.0, x, x * negativeSlope), (g, x) => Tensor.Where(x > 0.0, g, g * negativeSlope));

    /// <summary>x if x &gt; 0 else α·(eˣ - 1); ∂ = g if x &gt; 0 else g·α·eˣ</summary>
    public static Tensor Elu(Tensor input, double alpha = 1.0)
    {
        var x = FloatInput(input);
        return Unary(x, "EluBackward0", x => ExactActivation(Backends.Cpu.Activation.Elu, x, alpha, 1, 1) ?? Tensor.Where(x > 0.0, x, Expm1(x) * alpha),
            (g, x) => ExactActivationBackward(Backends.Cpu.Activation.Elu, g, x, alpha, 1, 1) ?? Tensor.Where(x > 0.0, g, g * (x.Exp() * alpha)));
    }

    /// <summary>x if βx &gt; threshold else ln(1 + e^(βx))/β; ∂ = g if βx &gt; threshold else g·z/(z + 1), z = e^(βx)</summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20)
    {
        var x = FloatInput(input);
        return Unary(x, "SoftplusBackward0", x =>
        {
            if (ExactActivation(Backends.Cpu.Activation.Softplus, x, beta, threshold) is { } exact) return exact;
            var bx = x * beta;
            return Tensor.Where(bx > threshold, x, Log1p(bx.Exp()) / beta);
        }, (g, x) =>
        {
            if (ExactActivationBackward(Backends.Cpu.Activation.Softplus, g, x, beta, threshold) is { } exact) return exact;
            var bx = x * beta;
            var z = bx.Exp();
            return Tensor.Where(bx > threshold, g, g * z / (z + 1.0));
        });
    }

    /// <summary>clamp(x, min, max); ∂ = g strictly inside (min, max), else 0 (torch's hardtanh_backward)</summary>
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1)
    {
        if (minVal > maxVal) throw new ArgumentException("min_val cannot be greater than max_val");
        return Unary(input, "HardtanhBackward0", x => x.Clamp(minVal, maxVal), (g, x) => Tensor.Where((x > minVal) & (x < maxVal), g, 0.0));
    }

    /// <summary>min(max(x, 0), 6): hardtanh(x, 0, 6)</summary>
    public static Tensor Relu6(Tensor input) => Hardtanh(input, 0, 6);

    /// <summary>min(x, 0) - ln(1 + e^-|x|); ∂ = g·(1 - σ(x))</summary>
    public static Tensor LogSigmoid(Tensor input)
    {
        var x = FloatInput(input);
        // torch 1.13's log_sigmoid kernels: y = min(x, 0) − log1p(b), b = e^(−|x|) (SLEEF's exp and log1p, which
        // Exp/Log1p run on the CPU), and ∂x = g·(1 − b/(1 + b)) for x < 0, g·b/(1 + b) otherwise: each element
        // rounded as torch rounds it, so the composition is bit for bit torch's
        return Unary(x, "LogSigmoidBackward0", x => x.Clamp(max: 0) - (-x.Abs()).Exp().Log1p(), (g, x) =>
        {
            var b = (-x.Abs()).Exp();
            var t = b / (1.0 + b);
            return Tensor.Where(x < 0.0, 1.0 - t, t) * g;
        });
    }

    /// <summary>x·tanh(softplus(x)); ∂ = g·(t + x·σ(x)·(1 - t²)), t = tanh(softplus(x))</summary>
    public static Tensor Mish(Tensor input)
    {
        var x = FloatInput(input);
        return Unary(x, "MishBackward0", x => ExactActivation(Backends.Cpu.Activation.Mish, x) ?? x * SoftplusValue(x).Tanh(), (g, x) =>
        {
            if (ExactActivationBackward(Backends.Cpu.Activation.Mish, g, x) is { } exact) return exact;
            var t = SoftplusValue(x).Tanh();
            return g * (t + x * x.Sigmoid() * (1.0 - t * t));
        });
    }

    /// <summary>x / (1 + |x|), composed as torch composes it</summary>
    public static Tensor Softsign(Tensor input) => input / (input.Abs() + 1.0);

    /// <summary>x - tanh(x), composed as torch composes it</summary>
    public static Tensor Tanhshrink(Tensor input) => input - input.Tanh();

    /// <summary>x if x &gt; 0 else w·x, with one weight or one per channel (dim 1)</summary>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        if (weight.Numel() != 1)
        {
            if (input.Dim() == 0) throw new ArgumentException("Not allow zero-dim input tensor.");
            int channels = input.Dim() >= 2 ? input.ShapeArray[1] : input.ShapeArray[0];
            if (weight.Numel() != channels)
                throw new ArgumentException($"Mismatch of parameter numbers and input channel size. Found parameter numbers = {weight.Numel()} and channel size = {channels}.");
            var shape = Enumerable.Repeat(1, input.Dim()).ToArray();
            shape[input.Dim() >= 2 ? 1 : 0] = channels;
            weight = weight.Reshape(shape);
        }
        return Tensor.Where(input > 0.0, input, weight * input);
    }

    /// <summary>softmax's implicit dim for legacy calls without one: 0 for 0-, 1- and 3-d input, else 1</summary>
    public static int LegacySoftmaxDim(int ndim) => ndim is 0 or 1 or 3 ? 0 : 1;

    static Tensor SoftplusValue(Tensor x) => Tensor.Where(x > 20.0, x, Log1p(x.Exp()));

    /// <summary>ln(1 + t) accurate for tiny t (Goldberg's trick: log(u)·t/(u - 1) with u = 1 + t).</summary>
    internal static Tensor Log1p(Tensor t)
    {
        var u = t + 1.0;
        var d = u - 1.0;
        var value = Tensor.Where(d == 0.0, t, u.Log() * t / Tensor.Where(d == 0.0, 1.0, d));
        return Tensor.Where(u.IsInfinite(), u, value);
    }

    /// <summary>eˣ - 1 accurate for small x (Kahan's trick: (u - 1)·x/ln u with u = eˣ).</summary>
    internal static Tensor Expm1(Tensor x)
    {
        var u = x.Exp();
        var d = u - 1.0;
        var lnU = u.Log();
        var ratio = d * x / Tensor.Where(lnU == 0.0, 1.0, lnU);
        return Tensor.Where(d == 0.0, x, Tensor.Where(d == -1.0, -1.0, Tensor.Where(u.IsInfinite(), u, ratio)));
    }

    static Tensor FloatInput(Tensor input) => input.DType.IsFloatingPoint() ? input : input.To(DType.Float32);

    /// <summary>One recorded node: <paramref name="forward"/> without a tape, <paramref name="backward"/>(g, x) as its derivative.</summary>
    static Tensor Unary(Tensor x, string node, Func<Tensor, Tensor> forward, Func<Tensor, Tensor, Tensor> backward)
    {
        Tensor y;
        using (Torch.NoGrad()) y = forward(x);
        if (!Recording.Needed(x)) return y;
        return Recording.Record(y, node, [x], g => [backward(g, x)], x);
    }
}

/// <summary>Extension helpers the activations need and the op set lacks.</summary>
internal static class TensorFloatChecks
{
    /// <summary>|x| = ∞ (NaN is not infinite).</summary>
    public static Tensor IsInfinite(this Tensor x) => x.Abs() == double.PositiveInfinity;
}
