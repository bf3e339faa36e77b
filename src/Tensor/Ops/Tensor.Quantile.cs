namespace Bridge;

// torch.quantile / nanquantile as torch computes them: sort each line (NaN last), place q at rank q·(count − 1)
// and interpolate between the neighbouring sorted values. Sort values and lerp are differentiable, so the gradient
// reaches the two elements each quantile is read from, as torch's does.
public sealed partial class Tensor
{
    /// <summary>The q-th quantiles of all elements or along dim (torch.quantile): a line holding NaN gives NaN.
    /// <paramref name="interpolation"/> is linear, lower, higher, midpoint or nearest. A 1-D q puts its dim first.</summary>
    public Tensor Quantile(Tensor q, int? dim = null, bool keepDim = false, string interpolation = "linear") =>
        QuantileCore(q, dim, keepDim, interpolation, ignoreNan: false, "quantile");

    /// <summary>One quantile (torch.quantile with a float q).</summary>
    public Tensor Quantile(double q, int? dim = null, bool keepDim = false, string interpolation = "linear") =>
        QuantileCore(Scalar(q, this), dim, keepDim, interpolation, ignoreNan: false, "quantile");

    /// <summary>Quantiles that skip NaN (torch.nanquantile): a line of NaN only gives NaN.</summary>
    public Tensor Nanquantile(Tensor q, int? dim = null, bool keepDim = false, string interpolation = "linear") =>
        QuantileCore(q, dim, keepDim, interpolation, ignoreNan: true, "nanquantile");

    /// <summary>One quantile that skips NaN (torch.nanquantile with a float q).</summary>
    public Tensor Nanquantile(double q, int? dim = null, bool keepDim = false, string interpolation = "linear") =>
        QuantileCore(Scalar(q, this), dim, keepDim, interpolation, ignoreNan: true, "nanquantile");

    Tensor QuantileCore(Tensor q, int? dim, bool keepDim, string interpolation, bool ignoreNan, string op)
    {
        if (DType is not (DType.Float32 or DType.Float64)) throw new ArgumentException($"{op}() input tensor must be either float or double dtype");
        if (q.DType != DType) throw new ArgumentException($"{op}() q tensor must be same dtype as the input tensor");
        if (q.Dim() > 1) throw new ArgumentException($"{op}() q must be a scalar or 1D tensor");
        if (Numel() == 0) throw new ArgumentException($"{op}() input tensor must be non-empty");
        if (interpolation is not ("linear" or "lower" or "higher" or "midpoint" or "nearest"))
            throw new ArgumentException($"{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got {interpolation}");
        var qs = q.Detach().Reshape(-1);
        foreach (var value in qs.ToDoubleArray())
            if (!(value >= 0 && value <= 1)) throw new ArgumentException($"{op}() q must be in the range [0, 1] but got {value}");

        int d = dim is int given ? ShapeMath.WrapDim(given, Math.Max(Dim(), 1)) : 0;
        var x = dim is null ? Reshape(-1) : Dim() == 0 ? Reshape(1) : this;
        var sorted = x.Sort(d).Values.Movedim(d, -1);                          // [..., n], NaN last
        long n = sorted.Shape64[^1];
        var nan = sorted.Detach().IsNan();
        var count = ignoreNan ? (~nan).To(DType).Sum([-1], keepDim: true) : Torch.Full(new long[] { 1 }, n, DType, device: Device);
        var ranks = qs * (count - 1);                                           // [..., nq]
        if (!ignoreNan) ranks = Where(nan.Any([-1], keepDim: true), Scalar(n - 1, ranks), ranks);
        ranks = interpolation switch
        {
            "lower" => ranks.Floor(),
            "higher" => ranks.Ceil(),
            "nearest" => ranks.Round(),                                         // half to even, as torch rounds
            _ => ranks,
        };
        var below = ranks.Floor().Clamp(0, n - 1).To(DType.Int64);
        var above = ranks.Ceil().Clamp(0, n - 1).To(DType.Int64);
        var lower = sorted.Gather(-1, below);
        var result = interpolation switch
        {
            "linear" => Lerp(lower, sorted.Gather(-1, above), ranks - below.To(DType)),
            "midpoint" => Lerp(lower, sorted.Gather(-1, above), 0.5),
            _ => lower,
        };
        result = result.Movedim(-1, 0);                                         // [nq, ...]
        if (keepDim)
        {
            if (dim is null) result = result.Reshape([result.Shape64[0], .. Enumerable.Repeat(1L, Dim())]);
            else if (Dim() > 0) result = result.Unsqueeze(d + 1);
        }
        return q.Dim() == 0 ? result.Squeeze(0) : result;
    }
}
