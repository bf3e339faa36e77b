namespace Bridge.Nn;

// one_hot, normalize, cosine_similarity, pairwise_distance: composed from elementwise ops and reductions, as ATen
// composes them, so they differentiate through their parts and run wherever those run.
public static partial class Functional
{
    /// <summary>An int64 tensor of shape (*, C) with 1 at each index's class (C = max + 1 when <paramref name="numClasses"/> is -1).</summary>
    public static Tensor OneHot(Tensor input, long numClasses = -1)
    {
        if (input.DType != DType.Int64) throw new ArgumentException("one_hot is only applicable to index tensor.");
        var classes = input.Reshape(-1).ToArray<long>();
        if (numClasses == -1)
        {
            if (classes.Length == 0) throw new ArgumentException("Can not infer total number of classes from empty tensor.");
            numClasses = classes.Max() + 1;
        }
        foreach (long c in classes)
        {
            if (c < 0) throw new ArgumentException("Class values must be non-negative.");
            if (c >= numClasses) throw new ArgumentException("Class values must be smaller than num_classes.");
        }
        var values = new long[classes.Length * numClasses];
        for (int i = 0; i < classes.Length; i++) values[i * numClasses + classes[i]] = 1;
        return Torch.Tensor(values).Reshape([.. input.ShapeArray, (int)numClasses]).To(input.Device);
    }

    /// <summary>The p-norm along <paramref name="dim"/>: (Σ|x|ᵖ)^(1/p), max |x| for p = ∞, min |x| for p = -∞, count of non-zeros for p = 0.</summary>
    public static Tensor Norm(Tensor x, double p, int dim, bool keepDim = false) => p switch
    {
        2 when x.DType.IsFloatingPoint() => x.Norm(2, [dim], keepDim),
        2 => (x * x).Sum(dim, keepDim).Sqrt(),
        1 => x.Abs().Sum(dim, keepDim),
        double.PositiveInfinity => x.Abs().Max(dim, keepDim).Values,
        double.NegativeInfinity => x.Abs().Min(dim, keepDim).Values,
        0 => (x != 0.0).To(x.DType).Sum(dim, keepDim),
        _ => x.Abs().Pow(p).Sum(dim, keepDim).Pow(1 / p),
    };

    /// <summary>x / max(‖x‖ₚ, eps) along <paramref name="dim"/>.</summary>
    public static Tensor Normalize(Tensor input, double p = 2.0, int dim = 1, double eps = 1e-12) =>
        input / Norm(input, p, dim, keepDim: true).Clamp(min: eps).ExpandAs(input);

    /// <summary>Σ x₁x₂ / √max(Σx₁²·Σx₂², eps²) along <paramref name="dim"/> (inputs broadcast to a common shape).</summary>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8)
    {
        var w12 = (x1 * x2).Sum(dim);
        var w1 = (x1 * x1).Sum(dim);
        var w2 = (x2 * x2).Sum(dim);
        return w12 / (w1 * w2).Clamp(min: eps * eps).Sqrt();
    }

    /// <summary>‖x₁ - x₂ + eps‖ₚ along the last dim.</summary>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepDim = false)
    {
        int outDims = Math.Max(x1.Dim(), x2.Dim());
        int innermost = outDims == 0 ? 0 : outDims - 1;
        return Norm(x1 - x2 + eps, p, innermost, keepDim);
    }
}
