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
            kernel(Rows(result, r, n), inputs.Select(x => Rows(x, r, n)).ToArray());
        }
    }

    /// <summary>
    /// A reduction over the last dim of <paramref name="view"/> into the results (its shape without the
    /// last dim): outer dims are split as in <see cref="Elementwise"/>; a last dim too long is reduced piece by piece
    /// into 0-d partials that <paramref name="combine"/> folds (partials in order, with each piece's start).
    /// </summary>
    public static void Reduce(Tensor view, Tensor[] results, Action<Tensor, Tensor[]> kernel, Action<Tensor[], (Tensor[] Partial, long Start)[]> combine)
    {
        if (view.Numel() == 0 || view.Fits32 && results.All(r => r.Fits32))
        {
            kernel(view, results);
            return;
        }
        if (view.Dim() > 1)
        {
            long rows = view.Shape64[0];
            for (long r = 0; r < rows; r++) Reduce(Row(view, r), results.Select(x => Row(x, r)).ToArray(), kernel, combine);
            return;
        }
        long length = view.Shape64[0];
        var partials = new List<(Tensor[], long)>();
        for (long start = 0; start < length; start += ChunkElements)
        {
            long n = Math.Min(ChunkElements, length - start);
            var piece = Rows(view, start, n);
            var partial = results.Select(r => Tensor.Allocate(ReadOnlySpan<int>.Empty, r.DType)).ToArray();
            kernel(piece, partial);
            partials.Add((partial, start));
        }
        combine(results, [.. partials]);
    }

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
        var alias = Storage.Wrap((IntPtr)((byte*)x.Storage.Raw + offset * size), extent * size, release: null, x.Storage.Writable);
        return Tensor.FromStorage(alias, x.DType, shape, strides, 0);
    }
}
