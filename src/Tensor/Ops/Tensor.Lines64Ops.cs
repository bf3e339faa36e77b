namespace Bridge;

// The line-walking ops of tensors past int.MaxValue elements, through AlongLines64: cumsum and cumprod (a long line
// carries its running value from piece to piece), sort and topk (a long line is sorted piece by piece and the pieces
// merged, stably, in torch's order; recording a gradient through these is refused).
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
            using var scope = Torch.NewDisposeScope(); // the piece's widened copies go with it
            long n = piece.Shape64[0];
            var values = piece.To(result.DType).To(wide);
            if (carry is not null) values = Cat([carry, values]);
            var run = product ? values.Cumprod(0) : values.Cumsum(0);
            if (carry is not null) run = run.Narrow(0, 1, n);
            carry = scope.MoveToOuter(run.Narrow(0, n - 1, 1).Clone());
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
        }, (line, outs, op) => MergeLongLine(line, outs, op, descending));
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
        }, (line, outs, _) => MergeLongLine(line, outs, p =>
        {
            var (values, indices) = p.Topk((int)Math.Min(k, p.Shape64[0]), -1, largest);
            return [values, indices];
        }, largest));
        return (outs[0], outs[1]);
    }

    /// <summary>
    /// Sort (or topk) of one long line: each piece sorted by <paramref name="op"/> (values, indices), then the pieces
    /// merged into <paramref name="outs"/> until they are full. Ascending puts NaN last, descending first, as torch
    /// does; equal values keep their order (the earlier piece wins a tie, and each piece is stable), so the result
    /// equals one stable pass.
    /// </summary>
    static unsafe void MergeLongLine(Tensor line, Tensor[] outs, Func<Tensor, Tensor[]> op, bool descending)
    {
        var pieces = LinePieces(line).Select(p => (Sorted: op(p.Piece), p.Start)).ToArray();
        var heads = new long[pieces.Length];
        var (values, indices) = (outs[0], outs[1]);
        int size = values.DType.ElementSize();
        bool exactLong = values.DType == DType.Int64; // int64 past 2^53 would round as double
        long total = values.Shape64[0];
        for (long o = 0; o < total; o++)
        {
            int best = -1;
            for (int j = 0; j < pieces.Length; j++)
                if (heads[j] < pieces[j].Sorted[0].Shape64[0] && (best < 0 || Before(j, best))) best = j;
            var (sorted, start) = pieces[best];
            long at = heads[best]++;
            Buffer.MemoryCopy((byte*)sorted[0].Storage.Raw + (sorted[0].StorageOffset + at * sorted[0].Strides64[0]) * size,
                (byte*)values.Storage.Raw + (values.StorageOffset + o * values.Strides64[0]) * size, size, size);
            indices.Ref<long>(indices.StorageOffset + o * indices.Strides64[0]) =
                start + sorted[1].Ref<long>(sorted[1].StorageOffset + at * sorted[1].Strides64[0]);
        }

        // Whether piece i's next value goes strictly before piece j's (ties: neither, so the earlier piece stays best).
        bool Before(int i, int j)
        {
            Tensor a = pieces[i].Sorted[0], b = pieces[j].Sorted[0];
            long ai = a.StorageOffset + heads[i] * a.Strides64[0], bj = b.StorageOffset + heads[j] * b.Strides64[0];
            if (exactLong)
            {
                long x = a.Ref<long>(ai), y = b.Ref<long>(bj);
                return descending ? x > y : x < y;
            }
            double u = a.ReadAsDouble(ai), v = b.ReadAsDouble(bj);
            if (descending) return double.IsNaN(u) ? !double.IsNaN(v) : !double.IsNaN(v) && u > v;
            return !double.IsNaN(u) && (double.IsNaN(v) || u < v);
        }
    }
}
