namespace Bridge.Nn;

/// <summary>torch.nn.functional in .NET casing.</summary>
public static partial class Functional
{
    /// <summary>Softmax along <paramref name="dim"/>: exp(x) / Σ exp(x), computed stably (F.softmax).</summary>
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    /// <summary>log(softmax(x)) along <paramref name="dim"/>, computed stably (F.log_softmax).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

    /// <summary>
    /// Zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) in training, as
    /// ATen's CPU dropout does: noise = bernoulli_(1 - p) / (1 - p), then input * noise.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
        if (!training || p == 0) return input;
        if (p == 1) return input * 0.0;
        var noise = Torch.ZerosLike(input).Bernoulli_(1 - p);
        noise.Div_(1 - p);
        return input * noise;
    }

    /// <summary>x·Wᵀ + b: addmm for 2-D input with a bias (one fused op, as torch), matmul (+ b) otherwise.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (input.Dim() == 2 && bias is not null) return Tensor.Addmm(bias, input, weight.T());
        var output = input.MatMul(weight.T());
        return bias is null ? output : output + bias;
    }
}
