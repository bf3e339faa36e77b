using Bridge.Random;

namespace Bridge.Nn;

/// <summary>y = x·Wᵀ + b, initialised as torch does (kaiming-uniform weight, uniform bias) from the default generator.</summary>
public sealed class Linear : Module
{
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; set; }
    public Tensor? Bias { get; set; }

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

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")}";
}

public sealed class ReLU : Module { public override Tensor Forward(Tensor input) => input.Relu(); }
public sealed class Sigmoid : Module { public override Tensor Forward(Tensor input) => input.Sigmoid(); }
public sealed class Tanh : Module { public override Tensor Forward(Tensor input) => input.Tanh(); }

/// <summary>Softmax along <c>dim</c>.</summary>
public sealed class Softmax(int dim) : Module
{
    public override Tensor Forward(Tensor input) => input.Softmax(dim);
    protected override string ExtraRepr() => $"dim={dim}";
}

/// <summary>Randomly zeroes elements in training mode (see <see cref="Functional.Dropout"/>); identity after Eval().</summary>
public sealed class Dropout(double p = 0.5) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, p, Training);
    protected override string ExtraRepr() => $"p={p.ToString(System.Globalization.CultureInfo.InvariantCulture)}, inplace=False";
}
