using Bridge.Autograd;

namespace Bridge.Nn;

/// <summary>torch.nn.LayerNorm: normalises over the trailing <c>normalized_shape</c> dims, then (optionally) scales by weight (ones) and shifts by bias (zeros).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>The trailing dims normalised over (their sizes must match the input's last dims).</summary>
    public int[] NormalizedShape { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer has learnable weight and bias of <see cref="NormalizedShape"/>.</summary>
    public bool ElementwiseAffine { get; }
    /// <summary>Learnable scale, shaped <see cref="NormalizedShape"/>, starting at ones; null without affine.</summary>
    public Tensor? Weight { get; set; }
    /// <summary>
    /// Learnable shift, shaped <see cref="NormalizedShape"/>, starting at zeros; null without affine.
    /// </summary>
    public Tensor? Bias { get; set; }

    /// <summary>
    /// torch's <c>LayerNorm(normalized_shape, eps, elementwise_affine)</c> over the trailing dims <paramref
    /// name="normalizedShape"/>.
    /// </summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            Weight = Parameter(Torch.Ones(NormalizedShape, dtype, Torch.DefaultDevice));
            Bias = Parameter(Torch.Zeros(NormalizedShape, dtype, Torch.DefaultDevice));
        }
        RegisterParameter("weight", () => Weight);
        RegisterParameter("bias", () => Bias);
    }

    /// <summary>
    /// torch's <c>LayerNorm(n)</c>: normalises over the last dim of size <paramref name="normalizedShape"/>.
    /// </summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype) { }

    /// <summary>
    /// (x - mean) / √(var + eps) over the trailing <see cref="NormalizedShape"/> dims of <paramref name="input"/>
    /// (biased variance), then weight·x + bias.
    /// </summary>
    /// <exception cref="ArgumentException">The input's trailing dims differ from NormalizedShape.</exception>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"({string.Join(", ", NormalizedShape)}{(NormalizedShape.Length == 1 ? "," : "")}), eps={Eps.ToString(System.Globalization.CultureInfo.InvariantCulture)}, elementwise_affine={(ElementwiseAffine ? "True" : "False")}";
}

public static partial class Functional
{
    /// <summary>
    /// (x - mean) / √(var + eps) · weight + bias over the trailing <paramref name="normalizedShape"/> dims (biased
    /// variance); one node (<c>NativeLayerNormBackward0</c>) with ATen's backward:
    /// ∂x = rstd/N · (N·ĝ - Σĝ - x̂·Σ(ĝ·x̂)) with ĝ = g·weight, ∂weight = Σ g·x̂, ∂bias = Σ g over the leading dims.
    /// Composed from device ops, so it runs wherever they do.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        int k = normalizedShape.Length, dims = input.Dim();
        bool matches = k > 0 && dims >= k;
        for (int i = 0; matches && i < k; i++) matches = input.ShapeArray[dims - k + i] == normalizedShape[i];
        if (!matches)
        {
            throw new ArgumentException($"Given normalized_shape=[{string.Join(", ", normalizedShape)}], expected input with shape [*, {string.Join(", ", normalizedShape)}], but got input of size[{string.Join(", ", input.ShapeArray)}]");
        }
        foreach (var (name, p) in new[] { ("weight", weight), ("bias", bias) })
        {
            if (p is not null && !p.ShapeArray.SequenceEqual(normalizedShape))
                throw new ArgumentException($"Expected {name} to be of same shape as normalized_shape, but got {name} of shape [{string.Join(", ", p.ShapeArray)}] and normalized_shape = [{string.Join(", ", normalizedShape)}]");
        }
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"\"LayerNormKernelImpl\" not implemented for '{input.DType.ShortName()}'");
        if (FusedLayerNormApplies(input, weight, bias)) return FusedLayerNorm(input, normalizedShape, weight, bias, eps);
        var reduce = Enumerable.Range(dims - k, k).ToArray();
        var lead = Enumerable.Range(0, dims - k).ToArray();
        Tensor y, xhat, rstd;
        using (GradMode.Set(false))
        {
            var centered = input - input.Mean(reduce, keepDim: true);
            var variance = (centered * centered).Mean(reduce, keepDim: true);
            rstd = (variance + eps).Sqrt().Reciprocal();
            xhat = centered * rstd;
            y = weight is null ? xhat : xhat * weight;
            if (bias is not null) y = y + bias;
        }
        var inputs = new List<Tensor> { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        if (!GradMode.IsEnabled || !inputs.Any(t => t.RequiresGrad)) return y;
        int n = normalizedShape.Aggregate(1, (a, b) => a * b);
        var (savedXhat, savedRstd) = (xhat, rstd);
        var saved = weight is null ? new[] { xhat, rstd, input } : [xhat, rstd, weight, input]; // input for create_graph, as torch saves it
        return Recording.Record(y, "NativeLayerNormBackward0", [.. inputs], g =>
        {
            var grads = new Tensor?[inputs.Count];
            var (normalised, invStd) = GradMode.IsEnabled ? Normalise(input, reduce, eps) : (savedXhat, savedRstd); // create_graph: recorded
            if (input.RequiresGrad)
            {
                var gw = weight is null ? g : g * weight;
                var sumG = gw.Sum(reduce, keepDim: true);
                var sumGx = (gw * normalised).Sum(reduce, keepDim: true);
                grads[0] = invStd / (double)n * (gw * (double)n - sumG - normalised * sumGx);
            }
            int next = 1;
            if (weight is not null)
            {
                if (weight.RequiresGrad) grads[next] = lead.Length == 0 ? g * normalised : (g * normalised).Sum(lead);
                next++;
            }
            if (bias is not null && bias.RequiresGrad) grads[next] = lead.Length == 0 ? g.Clone() : g.Sum(lead);
            return grads;
        }, saved);
    }

    /// <summary>x̂ = (x − mean)·rstd and rstd = 1/√(var + eps) over <paramref name="reduce"/>, from recorded ops.</summary>
    static (Tensor Xhat, Tensor Rstd) Normalise(Tensor input, int[] reduce, double eps)
    {
        var centered = input - input.Mean(reduce, keepDim: true);
        var rstd = ((centered * centered).Mean(reduce, keepDim: true) + eps).Sqrt().Reciprocal();
        return (centered * rstd, rstd);
    }
}
