using System.Globalization;

namespace Bridge.Nn;

/// <summary>x·σ(x) (torch.nn.SiLU).</summary>
public sealed class SiLU : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Silu(input);
}

/// <summary>x if x &gt; 0 else slope·x (torch.nn.LeakyReLU).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    /// <summary>Slope for negative inputs (torch's <c>negative_slope</c>, default 0.01).</summary>
    public double NegativeSlope { get; } = negativeSlope;
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={PyRepr.Float(NegativeSlope)}";
}

/// <summary>x if x &gt; 0 else α·(eˣ - 1) (torch.nn.ELU).</summary>
public sealed class ELU(double alpha = 1.0) : Module
{
    /// <summary>α, the negative saturation value (default 1).</summary>
    public double Alpha { get; } = alpha;
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Elu(input, Alpha);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"alpha={PyRepr.Float(Alpha)}";
}

/// <summary>ln(1 + e^(βx))/β, linear above the threshold (torch.nn.Softplus).</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module
{
    /// <summary>β: larger values approach ReLU (default 1).</summary>
    public double Beta { get; } = beta;
    /// <summary>Above β·x &gt; threshold the function returns x itself, for stability (default 20).</summary>
    public double Threshold { get; } = threshold;
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Softplus(input, Beta, Threshold);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"beta={PyRepr.Number(Beta)}, threshold={PyRepr.Number(Threshold)}";
}

/// <summary>clamp(x, min_val, max_val) (torch.nn.Hardtanh).</summary>
public class Hardtanh : Module
{
    /// <summary>Lower bound of the output.</summary>
    public double MinVal { get; }
    /// <summary>Upper bound of the output.</summary>
    public double MaxVal { get; }

    /// <summary>Clamps to [<paramref name="minVal"/>, <paramref name="maxVal"/>].</summary>
    /// <exception cref="ArgumentException"><paramref name="minVal"/> &gt; <paramref name="maxVal"/>.</exception>
    public Hardtanh(double minVal = -1, double maxVal = 1)
    {
        if (minVal > maxVal) throw new ArgumentException("min_val cannot be greater than max_val");
        MinVal = minVal;
        MaxVal = maxVal;
    }

    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, MinVal, MaxVal);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"min_val={PyRepr.Float(MinVal)}, max_val={PyRepr.Float(MaxVal)}";
}

/// <summary>min(max(x, 0), 6) (torch.nn.ReLU6).</summary>
public sealed class ReLU6() : Hardtanh(0, 6)
{
    /// <inheritdoc/>
    protected override string ExtraRepr() => "";
}

/// <summary>log σ(x) = -softplus(-x), computed stably (torch.nn.LogSigmoid).</summary>
public sealed class LogSigmoid : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.LogSigmoid(input);
}

/// <summary>x·tanh(softplus(x)) (torch.nn.Mish).</summary>
public sealed class Mish : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Mish(input);
}

/// <summary>x / (1 + |x|) (torch.nn.Softsign).</summary>
public sealed class Softsign : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Softsign(input);
}

/// <summary>x - tanh(x) (torch.nn.Tanhshrink).</summary>
public sealed class Tanhshrink : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => Functional.Tanhshrink(input);
}

/// <summary>log(softmax(x)) along <c>dim</c> (torch.nn.LogSoftmax).</summary>
public sealed class LogSoftmax(int dim) : Module
{
    /// <summary>The dim the softmax normalises over.</summary>
    public int Dim { get; } = dim;
    /// <summary>log(softmax(input)) along <see cref="Dim"/>, computed stably.</summary>
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>x if x &gt; 0 else a·x with learnable a, one or one per channel, initialised to <c>init</c> (torch.nn.PReLU).</summary>
public sealed class PReLU : Module
{
    /// <summary>How many slopes: 1 (shared) or the number of channels (dim 1 of the input).</summary>
    public int NumParameters { get; }
    /// <summary>The learnable negative slopes [NumParameters].</summary>
    public Tensor Weight { get; set; }

    /// <summary>
    /// torch's <c>PReLU(num_parameters, init)</c>: <paramref name="numParameters"/> slopes, each starting at <paramref
    /// name="init"/>.
    /// </summary>
    public PReLU(int numParameters = 1, double init = 0.25, DType dtype = DType.Float32)
    {
        NumParameters = numParameters;
        Weight = Parameter(Torch.Full([numParameters], init, dtype));
        RegisterParameter("weight", () => Weight);
    }

    /// <summary>x if x &gt; 0 else a·x, with a broadcast along the channel dim (dim 1; dim 0 for 1-d input).</summary>
    public override Tensor Forward(Tensor input) => Functional.Prelu(input, Weight);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"num_parameters={NumParameters}";
}

/// <summary>Formats numbers as Python's repr does, for printouts that match torch's.</summary>
internal static class PyRepr
{
    /// <summary>Python's repr of a float: <c>1.0</c>, <c>0.01</c>, <c>1e-05</c>.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.Floor(v) && Math.Abs(v) < 1e16) return v.ToString("F1", CultureInfo.InvariantCulture);
        var r = v.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return r;
        int exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        return r[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>An integral value as an int (torch's integer defaults, <c>beta=1</c>), anything else as a float.</summary>
    public static string Number(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e16 ? ((long)v).ToString(CultureInfo.InvariantCulture) : Float(v);
}
