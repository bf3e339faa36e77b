namespace Bridge.Nn;

/// <summary>torch.nn.utils: gradient clipping and flattening parameters into one vector.</summary>
public static class NnUtils
{
    /// <summary>
    /// Scales every gradient in place by min(1, max_norm / (total + 1e-6)), where total is the
    /// <paramref name="normType"/>-norm of the per-gradient norms (max of max-norms for ∞), and returns total.
    /// With <paramref name="errorIfNonfinite"/>, a NaN or infinite total throws instead of scaling.
    /// </summary>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Where(p => p.Grad is not null).Select(p => p.Grad!).ToList();
        if (grads.Count == 0) return Torch.Tensor(0.0, DType.Float32);
        Tensor total;
        using (Torch.NoGrad())
        {
            var norms = grads.Select(g => VectorNorm(g.Detach(), normType).To(grads[0].Device)).ToArray();
            total = double.IsPositiveInfinity(normType) ? Torch.Stack(norms).Max() : VectorNorm(Torch.Stack(norms), normType);
            double value = total.Item();
            if (errorIfNonfinite && !double.IsFinite(value))
                throw new InvalidOperationException($"The total norm of order {PyRepr.Float(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set {Spelling.Of("`errorIfNonfinite: false`", "`error_if_nonfinite=False`")}");
            // torch 1.13 writes max_norm / (total + 1e-6), which its Tensor.__rtruediv__ runs as reciprocal() * max_norm
            var coefficient = ((total + 1e-6).Reciprocal() * maxNorm).Clamp(max: 1.0);
            foreach (var g in grads) g.Detach().Mul_(coefficient.To(g.Device).To(g.DType));
        }
        return total;
    }

    /// <summary>Clamps every gradient in place to [-clip_value, clip_value].</summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using (Torch.NoGrad())
            foreach (var p in parameters)
                p.Grad?.Detach().Clamp_(-clipValue, clipValue);
    }

    /// <summary>Every parameter flattened and joined into one vector (differentiable, as torch's).</summary>
    public static Tensor ParametersToVector(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Device? device = null;
        var pieces = new List<Tensor>();
        foreach (var p in parameters)
        {
            device ??= p.Device;
            if (p.Device != device) throw new ArgumentException("Found two parameters on different devices, this is currently not supported.");
            pieces.Add(p.Reshape(-1));
        }
        return Torch.Cat([.. pieces]);
    }

    /// <summary>Copies consecutive slices of <paramref name="vector"/> into the parameters (in place, keeping their identity).</summary>
    public static void VectorToParameters(Tensor vector, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        int needed = list.Sum(p => p.Numel32);
        if (vector.Dim() != 1) throw new ArgumentException($"expected torch.Tensor, but got: {vector.Dim()}-d tensor");
        if (vector.Numel() != needed) throw new ArgumentException($"vector has {vector.Numel()} elements, the parameters need {needed}");
        int offset = 0;
        using (Torch.NoGrad())
            foreach (var p in list)
            {
                int n = p.Numel32;
                p.Copy_(vector.Narrow(0, offset, n).Reshape(p.ShapeArray));
                offset += n;
            }
    }

    /// <summary>The p-norm of all elements (torch.linalg.vector_norm).</summary>
    internal static Tensor VectorNorm(Tensor x, double p) => Functional.Norm(x.Reshape(-1), p, 0);
}
