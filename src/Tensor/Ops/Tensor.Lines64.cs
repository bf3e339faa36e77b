using Bridge.Backends.Cpu;

namespace Bridge;

// Ops along one dim ("lines") of tensors past int.MaxValue elements: reductions, running sums and products, sort and
// topk. The walked dim is permuted last and the tensor cut into pieces of at most LinePiece elements along the other
// dims; each piece, re-based so it fits the int path, runs the ordinary op, and its results are copied into their
// slice of the full results. A single line longer than a piece goes to the op's long-line handler (reductions fold
// partial results; running ops carry the running value); ops without one refuse with a message saying so.
public sealed partial class Tensor
{
    /// <summary>
    /// The most elements one piece holds: small enough that an op widening a piece to int64 or float64 stays at 512 MiB.
    /// Internal and settable so that tests can lower it and compare piecewise results with one pass.
    /// </summary>
    internal static long LinePiece = 1L << 26;

    /// <summary>Runs <paramref name="op"/> on a line longer than <see cref="LinePiece"/> (a 1-D view) into <paramref name="outs"/>.</summary>
    delegate void LongLine(Tensor line, Tensor[] outs, Func<Tensor, Tensor[]> op);

    /// <summary>
    /// Applies <paramref name="op"/> along dim <paramref name="dim"/> of this tensor piece by piece. <paramref name="op"/>
    /// takes a piece with the walked dim last and returns its results: the piece's outer shape (reductions), or that
    /// plus a last dim of <paramref name="lineLength"/> (ops that keep lines). The results come back in this tensor's
    /// dim order, the walked dim kept (size 1 for reductions).
    /// </summary>
    Tensor[] AlongLines64(string opName, int dim, DType[] outDTypes, long? lineLength, Func<Tensor, Tensor[]> op, LongLine? longLine)
    {
        if (Numel() == 0)
            throw new TensorTooLargeException($"{opName} does not support empty tensors with a dim past {TensorTooLargeException.Limit}: got shape {ShapeMath.FormatList(Shape64)}");
        int d = ShapeMath.WrapDim(dim, Dim());
        int[] perm = [.. Enumerable.Range(0, Dim()).Where(k => k != d), d];
        var view = Detach().Permute(perm);
        long[] outShape = lineLength is long k2 ? [.. view.Shape64[..^1], k2] : view.Shape64[..^1];
        var outs = outDTypes.Select(t => Allocate64(outShape, t, Device, zero: false)).ToArray();
        WalkLines(opName, view, outs, op, longLine);
        // Back to this tensor's dim order: a line-keeping result is permuted back (a view; made contiguous, as torch's
        // results are), a reduction's gets the walked dim back as size 1.
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return outs.Select(o => lineLength is null ? o.Unsqueeze(d) : o.Permute(inverse).Contiguous()).ToArray();
    }

    static void WalkLines(string opName, Tensor view, Tensor[] outs, Func<Tensor, Tensor[]> op, LongLine? longLine)
    {
        if (view.Numel() <= LinePiece)
        {
            // A piece whose strides still reach past an int (lines of a transposed view) is copied first: one piece.
            // The piece's temporaries go with it: never piling up in an enclosing dispose scope (the C ABI's).
            using var scope = Torch.NewDisposeScope();
            var piece = LargeTensors.Rebased(view);
            var results = op(piece.Fits32 ? piece : view.Contiguous());
            for (int i = 0; i < outs.Length; i++) Backends.Backend.Copy(results[i], outs[i]);
            return;
        }
        long line = view.Shape64[^1];
        if (view.Numel() / line > 1)
        {
            // Cut the outer dim that reaches farthest into groups of whole lines, each at most one piece when it can.
            int cut = LargeTensors.FarthestDim([view], view.Dim() - 1);
            long size = view.Shape64[cut], per = view.Numel() / size;
            long step = Math.Max(1, LinePiece / per);
            for (long start = 0; start < size; start += step)
            {
                long n = Math.Min(step, size - start);
                using var scope = Torch.NewDisposeScope(); // each group's views and temporaries go with it
                WalkLines(opName, view.Narrow(cut, start, n), outs.Select(o => o.Narrow(cut, start, n)).ToArray(), op, longLine);
            }
            return;
        }
        if (longLine is null)
            throw new TensorTooLargeException($"{opName} does not support lines of more than {LinePiece} elements along the walked dim on tensors of more than " +
                $"{TensorTooLargeException.Limit} elements yet: got a line of {line} elements (shape {ShapeMath.FormatList(view.Shape64)} with that dim last); " +
                "lines of up to that length work at any tensor size");
        using var lineScope = Torch.NewDisposeScope();
        var flat = FromStorage(view.Storage, view.DType, [line], [view.Strides64[^1]], view.StorageOffset);
        var flatOuts = outs.Select(o => o.Dim() == view.Dim()
            ? FromStorage(o.Storage, o.DType, [o.Shape64[^1]], [o.Strides64[^1]], o.StorageOffset)
            : FromStorage(o.Storage, o.DType, [], [], o.StorageOffset)).ToArray();
        longLine(flat, flatOuts, op);
    }

    /// <summary>
    /// A 1-D line at most <see cref="LinePiece"/> elements at a time, and few enough that a piece's reach (its length
    /// times its stride) fits an int: [start, start + n) re-based for the int path.
    /// </summary>
    static IEnumerable<(Tensor Piece, long Start)> LinePieces(Tensor line)
    {
        long length = line.Shape64[0];
        long step = Math.Max(1, Math.Min(LinePiece, int.MaxValue / Math.Max(1, Math.Abs(line.Strides64[0]))));
        for (long start = 0; start < length; start += step)
            yield return (LargeTensors.Rebased(line.Narrow(0, start, Math.Min(step, length - start))), start);
    }

    /// <summary>
    /// A reduction of one long line: the partial results of its pieces, gathered into a short line, reduced again by
    /// the same op (a sum of sums, a max of maxes); an index result is the winning piece's start plus its index there.
    /// </summary>
    static void FoldLongLine(Tensor line, Tensor[] outs, Func<Tensor, Tensor[]> op)
    {
        var partials = LinePieces(line).Select(p =>
        {
            // Each piece's temporaries (a widened copy can be 8x the piece) go with it; its 0-d results move out.
            using var scope = Torch.NewDisposeScope();
            var results = op(p.Piece);
            scope.MoveToOuter(results);
            return (Results: results, p.Start);
        }).ToList();
        var values = Cat(partials.Select(p => p.Results[0].Reshape(1)).ToArray());
        var folded = op(values);
        Backends.Backend.Copy(folded[0], outs[0]);
        if (outs.Length < 2) return;
        int winner = (int)folded[1].Item<long>();
        outs[1].Fill_(partials[winner].Start + partials[winner].Results[1].Item<long>());
    }
}
