using Bridge.Random;

namespace Bridge.Nn;

/// <summary>y = x·Wᵀ + b, initialised as torch does (kaiming-uniform weight, uniform bias) from the default generator.</summary>
public sealed class Linear : Module
{
    /// <summary>Features per input row (the input's last dim).</summary>
    public int InFeatures { get; }
    /// <summary>Features per output row.</summary>
    public int OutFeatures { get; }
    /// <summary>
    /// Learnable weight [OutFeatures, InFeatures], drawn U(-1/√in, 1/√in) (torch's kaiming_uniform_ with a=√5).
    /// </summary>
    public Tensor Weight { get; set; }
    /// <summary>Learnable bias [OutFeatures], drawn U(-1/√in, 1/√in); null without bias.</summary>
    public Tensor? Bias { get; set; }

    /// <summary>torch's <c>Linear(in_features, out_features, bias)</c>: input [*, in] to output [*, out].</summary>
    /// <param name="inFeatures">Size of the input's last dim.</param>
    /// <param name="outFeatures">Size of the output's last dim.</param>
    /// <param name="bias">Whether to add a learnable bias.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var w = Torch.Zeros([outFeatures, inFeatures], dtype, Device.Cpu);
        var b = Torch.Zeros([outFeatures], dtype, Device.Cpu);
        var g = generator ?? Generator.Default;
        if (dtype == DType.Float64) LinearInit.Fill(w.ContiguousSpan<double>(), b.ContiguousSpan<double>(), inFeatures, g);
        else LinearInit.Fill(w.ContiguousSpan<float>(), bias ? b.ContiguousSpan<float>() : [], inFeatures, g);
        Weight = Parameter(w.To(Torch.DefaultDevice));
        Bias = bias ? Parameter(b.To(Torch.DefaultDevice)) : null;
        RegisterParameter("weight", () => Weight);
        RegisterParameter("bias", () => Bias);
    }

    /// <summary>torch.nn.functional.linear: addmm for a batch of rows, matmul + bias otherwise.</summary>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}";
}

/// <summary>max(x, 0) elementwise (torch.nn.ReLU).</summary>
public sealed class ReLU : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => input.Relu();
}

/// <summary>1 / (1 + e^-x) elementwise (torch.nn.Sigmoid).</summary>
public sealed class Sigmoid : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>tanh x elementwise (torch.nn.Tanh).</summary>
public sealed class Tanh : Module
{
    /// <summary>Applies the function to each element of <paramref name="input"/> (any shape).</summary>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>Softmax along <c>dim</c>.</summary>
public sealed class Softmax(int dim) : Module
{
    /// <summary>
    /// Softmax of <paramref name="input"/> along the dim given at construction (negative counts from the end).
    /// </summary>
    public override Tensor Forward(Tensor input) => input.Softmax(dim);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={dim}";
}

/// <summary>Randomly zeroes elements in training mode (see <see cref="Functional.Dropout"/>); identity after Eval().</summary>
public sealed class Dropout(double p = 0.5) : Module
{
    /// <summary>
    /// In training, zeroes each element with probability p and scales the rest by 1/(1-p); in eval mode returns
    /// <paramref name="input"/> unchanged.
    /// </summary>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, p, Training);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={p.ToString(System.Globalization.CultureInfo.InvariantCulture)}, inplace=False";
}
