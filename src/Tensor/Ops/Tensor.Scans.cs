using Bridge.Autograd;

namespace Bridge;

// Running extremes and the running log-sum-exp along a dim, on host copies of the lines (HostLines), with torch's
// tie and NaN rules; and searchsorted/bucketize, torch's binary searches.
public sealed partial class Tensor
{
    /// <summary>Running maximum along dim and where it was (torch.cummax): ties and NaN take the later index, NaN propagates; ∂ goes to those indices.</summary>
    public (Tensor Values, Tensor Indices) Cummax(int dim) => RunningExtreme(dim, max: true);

    /// <summary>Running minimum along dim and where it was (torch.cummin), with cummax's rules.</summary>
    public (Tensor Values, Tensor Indices) Cummin(int dim) => RunningExtreme(dim, max: false);

    (Tensor Values, Tensor Indices) RunningExtreme(int dim, bool max)
    {
        int d = ShapeMath.WrapDim(dim, Math.Max(Dim(), 1));
        var lines = new HostLines(this, d);
        int n = lines.Length;
        var indices = new long[lines.Count * n];
        for (int line = 0; line < lines.Count; line++)
        {
            int best = 0;
            for (int i = 0; i < n; i++)
            {
                double x = lines.At(line, i), current = lines.At(line, best);
                // torch: x >= best (<= for min) or x is NaN moves the index, so later ties and every NaN win.
                if (double.IsNaN(x) || (max ? x >= current : x <= current)) best = i;
                indices[line * n + i] = best;
            }
        }
        var index = lines.Result(indices, n, DType.Int64);
        if (Dim() == 0) index = index.Reshape();
        return (Dim() == 0 ? Clone() : Gather(d, index), index);  // gather's gradient is torch's cummax backward
    }

    /// <summary>log Σ_{j≤i} exp(x_j) along dim (torch.logcumsumexp), accumulated in float64 as a running logaddexp; ∂x_j = Σ_{i≥j} g_i·exp(x_j − y_i).</summary>
    public Tensor Logcumsumexp(int dim)
    {
        if (!DType.IsFloatingPoint()) throw new InvalidOperationException($"\"logcumsumexp_out_cpu\" not implemented for '{DType.ScalarTypeName()}'");
        int d = ShapeMath.WrapDim(dim, Math.Max(Dim(), 1));
        var lines = new HostLines(this, d);
        int n = lines.Length;
        var y = new double[lines.Count * n];
        for (int line = 0; line < lines.Count; line++)
        {
            double acc = double.NegativeInfinity;
            for (int i = 0; i < n; i++) y[line * n + i] = acc = LogAddExp(acc, lines.Real![line * n + i]);
        }
        var result = lines.Result(y, n, DType);
        if (Dim() == 0) result = result.Reshape();
        if (!Recording.Needed(this)) return result;
        var input = this;
        return Recording.Record(result, "LogcumsumexpBackward0", [input], g => [GradMode.IsEnabled
            ? LogcumsumexpGradientRecorded(input, result, g, d)
            : LogcumsumexpGradient(input, result, g, d)], input, result);
    }

    static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double hi = Math.Max(a, b), lo = Math.Min(a, b);
        return double.IsNaN(hi) || double.IsNaN(lo) ? double.NaN : hi + Math.Log(1 + Math.Exp(lo - hi));
    }

    /// <summary>∂x_j = exp(x_j − y_j)·R_j with R_j = g_j + exp(y_j − y_{j+1})·R_{j+1}: every factor is at most 1, so nothing overflows.</summary>
    static Tensor LogcumsumexpGradient(Tensor x, Tensor y, Tensor g, int dim)
    {
        var xs = new HostLines(x, dim);
        var ys = new HostLines(y.To(DType.Float64), dim);
        var gs = new HostLines(g.To(DType.Float64), dim);
        int n = xs.Length;
        var grad = new double[xs.Count * n];
        for (int line = 0; line < xs.Count; line++)
        {
            int o = line * n;
            double r = 0;
            for (int j = n - 1; j >= 0; j--)
            {
                r = gs.Real![o + j] + (j == n - 1 ? 0 : Math.Exp(ys.Real![o + j] - ys.Real[o + j + 1]) * r);
                grad[o + j] = Math.Exp(xs.Real![o + j] - ys.Real![o + j]) * r;
            }
        }
        var result = xs.Result(grad, n, g.DType);
        return x.Dim() == 0 ? result.Reshape() : result;
    }

    /// <summary>The same gradient from recorded ops (create_graph), as torch writes it: the positive and negative parts of g
    /// each summed in log space, exp(x + reverse-logcumsumexp(log|g±| − y)), so no term overflows; a part that is absent
    /// is the dtype's lowest finite value rather than −inf, which keeps the next derivative free of inf − inf.</summary>
    static Tensor LogcumsumexpGradientRecorded(Tensor x, Tensor y, Tensor g, int dim)
    {
        if (x.Dim() == 0) return g;
        Tensor ReverseLogcumsumexp(Tensor z) => z.Flip([dim]).Logcumsumexp(dim).Flip([dim]);
        var lowest = Scalar(g.DType == DType.Float64 ? double.MinValue : float.MinValue, g);
        var logAbs = g.Abs().Log();
        var positive = (ReverseLogcumsumexp(Where(g > 0.0, logAbs, lowest) - y) + x).Exp();
        var negative = (ReverseLogcumsumexp(Where(g < 0.0, logAbs, lowest) - y) + x).Exp();
        return positive - negative;
    }

    /// <summary>
    /// For each value, the index in the sorted innermost dim of <paramref name="sortedSequence"/> where it would be
    /// inserted (torch.searchsorted): the first element ≥ value, or with <paramref name="right"/> the first &gt; value;
    /// NaN values go to the end. A 1-D sequence serves every value; otherwise the leading dims must match.
    /// </summary>
    public static Tensor SearchSorted(Tensor sortedSequence, Tensor values, bool outInt32 = false, bool right = false)
    {
        bool shared = sortedSequence.Dim() == 1;
        if (!shared && (values.Dim() != sortedSequence.Dim() || !sortedSequence.Shape64[..^1].AsSpan().SequenceEqual(values.Shape64[..^1])))
            throw new ArgumentException("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor " +
                $"and input value tensor must match, but we got boundaries tensor {ShapeMath.FormatList(sortedSequence.Shape64)} and input value tensor {ShapeMath.FormatList(values.Shape64)}");
        var seq = new HostLines(sortedSequence, -1);
        var vals = new HostLines(values.Dim() == 0 ? values.Reshape(1) : values, -1);
        int n = seq.Length, m = vals.Length;
        var positions = new long[vals.Count * m];
        for (int line = 0; line < vals.Count; line++)
        {
            int s = shared ? 0 : line;
            for (int k = 0; k < m; k++)
            {
                double v = vals.At(line, k);
                int lo = 0, hi = n;
                while (lo < hi)
                {
                    int mid = lo + (hi - lo) / 2;
                    double at = seq.At(s, mid);
                    if (right ? !(at > v) : !(at >= v)) lo = mid + 1;  // negated, as torch writes it: NaN values run to the end
                    else hi = mid;
                }
                positions[line * m + k] = lo;
            }
        }
        var result = vals.Result(positions, m, outInt32 ? DType.Int32 : DType.Int64);
        return values.Dim() == 0 ? result.Reshape() : result;
    }

    /// <summary>The bucket of each element among the sorted 1-D <paramref name="boundaries"/> (torch.bucketize): searchsorted with the roles swapped.</summary>
    public Tensor Bucketize(Tensor boundaries, bool outInt32 = false, bool right = false)
    {
        if (boundaries.Dim() != 1) throw new ArgumentException($"boundaries tensor must be 1 dimension, but got dim({boundaries.Dim()})");
        return SearchSorted(boundaries, this, outInt32, right);
    }
}
