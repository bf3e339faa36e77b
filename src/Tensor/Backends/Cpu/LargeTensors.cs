namespace Bridge.Backends.Cpu;

/// <summary>
/// Runs the CPU kernels, which index with int, over tensors past <see cref="int.MaxValue"/> elements (or storage
/// offsets): the work is split along the outer dim (a contiguous operand first viewed as 1-D) into pieces of at
/// most <see cref="ChunkElements"/> elements, each re-based onto an alias of its storage that starts at the
/// piece's first element, so the int kernels see small tensors. A piece that still does not fit (an exotic
/// layout) makes its kernel refuse with <see cref="TensorTooLargeException"/>: never a truncated index.
/// </summary>
internal static unsafe class LargeTensors
{
    /// <summary>The most elements one piece holds.</summary>
    internal static long ChunkElements = 1L << 30;

    /// <summary>True when any of the tensors needs splitting.</summary>
    public static bool Needed(Tensor a) => !a.Fits32;
    /// <summary>True when any of the tensors needs splitting.</summary>
    public static bool Needed(Tensor a, Tensor b) => !a.Fits32 || !b.Fits32;
    /// <summary>True when any of the tensors needs splitting.</summary>
    public static bool Needed(Tensor a, Tensor b, Tensor c) => !a.Fits32 || !b.Fits32 || !c.Fits32;
    /// <summary>True when any of the tensors needs splitting.</summary>
    public static bool Needed(Tensor a, Tensor b, Tensor c, Tensor d) => !a.Fits32 || !b.Fits32 || !c.Fits32 || !d.Fits32;

    /// <summary><paramref name="kernel"/>(result piece, input pieces) over pieces of result, inputs broadcast to its shape.</summary>
    public static void Elementwise(Tensor result, Tensor[] inputs, Action<Tensor, Tensor[]> kernel)
    {
        var shape = result.Shape64;
        var expanded = inputs.Select(x => x.Shape64.AsSpan().SequenceEqual(shape) ? x
            : Alias(x, shape, ShapeMath.BroadcastStrides(x.Shape64, x.Strides64, shape), x.StorageOffset)).ToArray();
        Split(result, expanded, kernel);
    }

    static void Split(Tensor result, Tensor[] inputs, Action<Tensor, Tensor[]> kernel)
    {
        if (result.Numel() == 0) return;
        if (result.Fits32 && inputs.All(x => x.Fits32))
        {
            kernel(result, inputs);
            return;
        }
        if (result.Dim() == 0)
        {
            kernel(Alias(result, [], [], result.StorageOffset), inputs.Select(x => Alias(x, [], [], x.StorageOffset)).ToArray());
            return;
        }
        if (result.Dim() > 1 && result.IsContiguous() && inputs.All(x => x.IsContiguous()))
        {
            Split(Flat(result), inputs.Select(Flat).ToArray(), kernel);
            return;
        }
        long rows = result.Shape64[0], rowNumel = result.Numel() / rows;
        if (rowNumel > ChunkElements)
        {
            for (long r = 0; r < rows; r++) Split(Row(result, r), inputs.Select(x => Row(x, r)).ToArray(), kernel);
            return;
        }
        long step = Math.Max(1, ChunkElements / Math.Max(rowNumel, 1));
        for (long r = 0; r < rows; r += step)
        {
            long n = Math.Min(step, rows - r);
            var piece = Rows(result, r, n);
            var pieces = inputs.Select(x => Rows(x, r, n)).ToArray();
            // A piece that still reaches too far (a transposed operand strides over the whole storage along another
            // dim) is cut further, in halves along its farthest-reaching dim, until every operand's piece fits.
            if (piece.Fits32 && pieces.All(x => x.Fits32)) kernel(piece, pieces);
            else Halve(piece, pieces, kernel, keepLast: false);
        }
    }

    /// <summary>
    /// Cuts the operands in two along the dim where some operand reaches farthest in memory ((size - 1) · |stride|)
    /// and recurses until each piece fits the int kernels; <paramref name="keepLast"/> never cuts the last dim (a
    /// reduced dim, which the caller handles).
    /// </summary>
    static void Halve(Tensor result, Tensor[] inputs, Action<Tensor, Tensor[]> kernel, bool keepLast)
    {
        if (result.Numel() == 0) return;
        if (result.Fits32 && inputs.All(x => x.Fits32))
        {
            kernel(result, inputs);
            return;
        }
        int dims = inputs.Length > 0 ? inputs[0].Dim() : result.Dim();
        int cut = FarthestDim(inputs.Append(result), keepLast ? dims - 1 : dims);
        if (cut < 0) throw TensorTooLargeException.For(inputs.Length > 0 ? inputs[0] : result);
        long size = inputs.Length > 0 ? inputs[0].Shape64[cut] : result.Shape64[cut], half = size / 2;
        foreach (var (start, n) in new[] { (0L, half), (half, size - half) })
            Halve(Along(result, cut, start, n), inputs.Select(x => Along(x, cut, start, n)).ToArray(), kernel, keepLast);
    }

    /// <summary>The dim below <paramref name="limit"/>, of size at least 2, where some operand reaches farthest; -1 if none.</summary>
    internal static int FarthestDim(IEnumerable<Tensor> operands, int limit)
    {
        int best = -1;
        long bestReach = -1;
        foreach (var x in operands)
            for (int d = 0; d < Math.Min(limit, x.Dim()); d++)
            {
                long reach = (x.Shape64[d] - 1) * Math.Abs(x.Strides64[d]);
                if (x.Shape64[d] >= 2 && reach > bestReach) (best, bestReach) = (d, reach);
            }
        return best;
    }

    /// <summary>Indices [<paramref name="start"/>, <paramref name="start"/> + <paramref name="n"/>) of dim <paramref name="dim"/>, re-based to fit the int kernels when it can.</summary>
    internal static Tensor Along(Tensor x, int dim, long start, long n)
    {
        var shape = (long[])x.Shape64.Clone();
        shape[dim] = n;
        return Alias(x, shape, x.Strides64, x.StorageOffset + start * x.Strides64[dim]);
    }

    /// <summary>The same view re-based onto an alias of its storage starting at its first element, so that it fits the int kernels whenever its own reach does.</summary>
    internal static Tensor Rebased(Tensor x) => x.Fits32 ? x : Alias(x, x.Shape64, x.Strides64, x.StorageOffset);

    /// <summary>
    /// A reduction over the last dim of <paramref name="view"/> into the results (its shape without the
    /// last dim): outer dims are split as in <see cref="Elementwise"/>; a last dim too long is reduced piece by piece
    /// into 0-d partials that <paramref name="combine"/> folds (partials in order, with each piece's start).
    /// </summary>
    public static void Reduce(Tensor view, Tensor[] results, Action<Tensor, Tensor[]> kernel, Action<Tensor[], (Tensor[] Partial, long Start)[]> combine,
        DeviceCopies? device = null)
    {
        if (view.Numel() == 0 || view.Fits32 && results.All(r => r.Fits32))
        {
            kernel(view, results);
            return;
        }
        if (view.Dim() > 1 && view.Numel() / view.Shape64[^1] > 1)
        {
            // Outer dims: halved until the pieces fit (rows never split), each piece reduced on its own.
            int cut = FarthestDim([view, .. results], view.Dim() - 1);
            long size = view.Shape64[cut], half = size / 2;
            foreach (var (start, n) in new[] { (0L, half), (half, size - half) })
                Reduce(Along(view, cut, start, n), results.Select(x => Along(x, cut, start, n)).ToArray(), kernel, combine, device);
            return;
        }
        if (view.Dim() > 1)
        {
            // One line left: as 1-D, the results as 0-d.
            Reduce(Alias(view, [view.Shape64[^1]], [view.Strides64[^1]], view.StorageOffset),
                results.Select(x => Alias(x, [], [], x.StorageOffset)).ToArray(), kernel, combine, device);
            return;
        }
        long length = view.Shape64[0];
        var partials = new List<(Tensor[], long)>();
        for (long start = 0; start < length; start += ChunkElements)
        {
            long n = Math.Min(ChunkElements, length - start);
            var piece = Rows(view, start, n);
            var partial = results.Select(r => Tensor.Allocate(ReadOnlySpan<int>.Empty, r.DType, r.Device)).ToArray();
            kernel(piece, partial);
            partials.Add((device is null ? partial : [.. partial.Select(device.ToHost)], start));  // a few scalars read back
        }
        if (device is null)
        {
            combine(results, [.. partials]);
            return;
        }
        var folded = results.Select(r => Tensor.Allocate(ReadOnlySpan<int>.Empty, r.DType, Device.Cpu)).ToArray();
        combine(folded, [.. partials]);
        for (int i = 0; i < results.Length; i++) device.FromHost(folded[i], results[i]);
    }

    /// <summary>How a device backend moves a long line's 0-d partial results to the host, where the CPU's fold runs, and the folded result back.</summary>
    public sealed record DeviceCopies(Func<Tensor, Tensor> ToHost, Action<Tensor, Tensor> FromHost);

    /// <summary>Elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="n"/>) of a 1-D tensor, re-based to fit the int kernels.</summary>
    public static Tensor Piece(Tensor flat, long start, long n) => Rows(flat, start, n);

    /// <summary>A contiguous tensor as 1-D.</summary>
    static Tensor Flat(Tensor x) => Alias(x, [x.Numel()], [1], x.StorageOffset);

    /// <summary>Index <paramref name="r"/> of dim 0, the dim removed.</summary>
    static Tensor Row(Tensor x, long r) => Alias(x, x.Shape64[1..], x.Strides64[1..], x.StorageOffset + r * x.Strides64[0]);

    /// <summary>Indices [r, r + n) of dim 0.</summary>
    static Tensor Rows(Tensor x, long r, long n)
    {
        var shape = (long[])x.Shape64.Clone();
        shape[0] = n;
        return Alias(x, shape, x.Strides64, x.StorageOffset + r * x.Strides64[0]);
    }

    // The layout over x's memory, re-based onto a storage alias starting at its first element when the offsets
    // would not fit an int; the alias keeps x's storage reachable while in use (x is alive for the whole call).
    static Tensor Alias(Tensor x, long[] shape, long[] strides, long offset)
    {
        if (ShapeMath.Fits32(shape, strides, offset) || ShapeMath.Numel(shape) == 0)
            return Tensor.FromStorage(x.Storage, x.DType, shape, strides, offset);
        long extent = 1;
        for (int d = 0; d < shape.Length; d++) extent += (shape[d] - 1) * strides[d];
        int size = x.DType.ElementSize();
        var alias = Storage.Wrap((IntPtr)((byte*)x.Storage.Pointer + offset * size), extent * size, release: null, x.Storage.Writable, x.Storage.Device);
        return Tensor.FromStorage(alias, x.DType, shape, strides, 0);
    }
}
