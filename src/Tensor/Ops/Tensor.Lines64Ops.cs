namespace Bridge;

// The line-walking ops of tensors past int.MaxValue elements, through AlongLines64: cumsum and cumprod (a long line
// carries its running value from piece to piece), sort and topk (lines up to a piece long, any number of them; a
// longer line is refused, as is recording a gradient through these).
public sealed partial class Tensor
{
    /// <summary>cumsum/cumprod into <paramref name="outType"/>; each piece is converted on its own (a uint8 tensor never widens whole).</summary>
    Tensor Running64(int dim, bool product, DType outType)
    {
        string op = product ? "cumprod" : "cumsum";
        RefuseGradient64(true, op);
        int d = ShapeMath.WrapDim(dim, Dim());
        return AlongLines64(op, d, [outType], _shape[d], p => [product ? p.Cumprod(-1, outType) : p.Cumsum(-1, outType)],
            (line, outs, _) => CarryLongLine(line, outs[0], product))[0];
    }

    /// <summary>
    /// The running sum or product of one long line, piece by piece, each piece seeded with the previous piece's last
    /// running value (in float64 for floats, int64 for integers, as torch accumulates), so every output is rounded
    /// once from the same accumulator as in one pass.
    /// </summary>
    static void CarryLongLine(Tensor line, Tensor result, bool product)
    {
        var wide = result.DType.IsFloatingPoint() ? DType.Float64 : DType.Int64;
        Tensor? carry = null;
        foreach (var (piece, start) in LinePieces(line))
        {
            long n = piece.Shape64[0];
            var values = piece.To(result.DType).To(wide);
            if (carry is not null) values = Cat([carry, values]);
            var run = product ? values.Cumprod(0) : values.Cumsum(0);
            if (carry is not null) run = run.Narrow(0, 1, n);
            carry = run.Narrow(0, n - 1, 1).Clone();
            Backends.Backend.Copy(run, result.Narrow(0, start, n));
        }
    }

    (Tensor Values, Tensor Indices) Sort64(int dim, bool descending)
    {
        RefuseGradient64(true, "sort");
        int d = ShapeMath.WrapDim(dim, Dim());
        var outs = AlongLines64("sort", d, [DType, DType.Int64], _shape[d], p =>
        {
            var (values, indices) = p.Sort(-1, descending);
            return [values, indices];
        }, longLine: null);
        return (outs[0], outs[1]);
    }

    (Tensor Values, Tensor Indices) Topk64(int k, int dim, bool largest)
    {
        RefuseGradient64(true, "topk");
        int d = ShapeMath.WrapDim(dim, Dim());
        if (k < 0 || k > _shape[d]) throw new ArgumentException("selected index k out of range");
        var outs = AlongLines64("topk", d, [DType, DType.Int64], k, p =>
        {
            var (values, indices) = p.Topk(k, -1, largest);
            return [values, indices];
        }, longLine: null);
        return (outs[0], outs[1]);
    }
}
