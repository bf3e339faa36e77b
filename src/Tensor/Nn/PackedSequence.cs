namespace Bridge.Nn;

/// <summary>
/// torch.nn.utils.rnn.PackedSequence: the time steps of a batch of variable-length sequences, longest first, stored
/// back to back in <see cref="Data"/> ([Σ lengths, *]); step t holds <see cref="BatchSizes"/>[t] rows.
/// <see cref="SortedIndices"/> maps sorted rows to the caller's batch order, <see cref="UnsortedIndices"/> back.
/// </summary>
public sealed class PackedSequence(Tensor data, int[] batchSizes, Tensor? sortedIndices = null, Tensor? unsortedIndices = null)
{
    /// <summary>
    /// The steps of every sequence, back to back in time order, longest sequences first: [Σ lengths, *].
    /// </summary>
    public Tensor Data { get; } = data;
    /// <summary>
    /// Rows per time step, non-increasing; <c>BatchSizes[t]</c> sequences are still running at step t.
    /// </summary>
    public int[] BatchSizes { get; } = batchSizes;
    /// <summary>
    /// Maps the packed (length-sorted) order to the caller's batch order; null when the input was already sorted.
    /// </summary>
    public Tensor? SortedIndices { get; } = sortedIndices;
    /// <summary>
    /// The inverse of <see cref="SortedIndices"/>: puts packed rows back in the caller's order; null when the input was
    /// already sorted.
    /// </summary>
    public Tensor? UnsortedIndices { get; } = unsortedIndices;

    /// <summary>Rows of <paramref name="t"/> along <paramref name="dim"/> at <paramref name="index"/> (index_select), differentiable.</summary>
    internal static Tensor SelectBatch(Tensor t, Tensor index, int dim)
    {
        var moved = dim == 0 ? t : t.Transpose(0, dim);
        var rest = moved.ShapeArray[1..];
        var flat = moved.Reshape(moved.Size32(0), rest.Aggregate(1, (a, b) => a * b));
        var picked = Functional.Embedding(index, flat).Reshape([index.Numel32, .. rest]);
        return dim == 0 ? picked : picked.Transpose(0, dim);
    }
}

/// <summary>torch.nn.utils.rnn in .NET casing.</summary>
public static class RnnUtils
{
    /// <summary>
    /// Packs a padded batch ([T, B, *], or [B, T, *] with <paramref name="batchFirst"/>) of sequences with the given
    /// lengths. With <paramref name="enforceSorted"/> the lengths must already decrease; otherwise the batch is sorted
    /// here and the permutation kept for unpacking.
    /// </summary>
    public static PackedSequence PackPaddedSequence(Tensor input, long[] lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        if (input.Dim() < 2) throw new ArgumentException($"pack_padded_sequence: expected input of at least 2 dimensions, got {input.Dim()}");
        int batchDim = batchFirst ? 0 : 1;
        if (lengths.Length != input.Size(batchDim))
            throw new ArgumentException($"Expected `len(lengths)` to be equal to batch_size, but got {lengths.Length} (batch_size={input.Size(batchDim)})");
        Tensor? sorted = null, unsorted = null;
        long[] order = Enumerable.Range(0, lengths.Length).Select(i => (long)i).ToArray();
        if (enforceSorted)
        {
            for (int i = 1; i < lengths.Length; i++)
                if (lengths[i] > lengths[i - 1])
                    throw new ArgumentException("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
        }
        else
        {
            order = order.OrderByDescending(i => lengths[i]).ToArray();
            var inverse = new long[order.Length];
            for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
            sorted = Torch.Tensor(order);
            unsorted = Torch.Tensor(inverse);
            input = PackedSequence.SelectBatch(input, sorted.To(input.Device), batchDim);
            lengths = order.Select(i => lengths[i]).ToArray();
        }
        if (lengths.Length > 0 && lengths[^1] <= 0)
            throw new ArgumentException("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
        if (batchFirst) input = input.Transpose(0, 1);
        if (lengths.Length > 0 && lengths[0] > input.Size(0))
            throw new ArgumentException($"Expected sequence length to be at most {input.Size(0)}, but got {lengths[0]}");
        int steps = lengths.Length == 0 ? 0 : (int)lengths[0];
        var batchSizes = new int[steps];
        var pieces = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            batchSizes[t] = lengths.Count(l => l > t);
            pieces[t] = input.Select(0, t).Narrow(0, 0, batchSizes[t]);
        }
        return new PackedSequence(Tensor.Cat(pieces, 0), batchSizes, sorted, unsorted);
    }

    /// <summary>Undoes <see cref="PackPaddedSequence"/>: the padded batch (rows past a sequence's end hold <paramref name="paddingValue"/>) and the lengths, in the caller's order.</summary>
    public static (Tensor Padded, Tensor Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, double paddingValue = 0.0, int? totalLength = null)
    {
        var sizes = sequence.BatchSizes;
        int steps = sizes.Length, batch = steps == 0 ? 0 : sizes[0];
        if (totalLength is int total)
        {
            if (total < steps)
                throw new ArgumentException($"Expected total_length to be at least the length of the longest sequence in input, but got total_length={total} and max sequence length being {steps}");
        }
        int outSteps = totalLength ?? steps;
        var data = sequence.Data;
        var rest = data.ShapeArray[1..];
        var rows = new Tensor[outSteps];
        int offset = 0;
        for (int t = 0; t < outSteps; t++)
        {
            int bs = t < steps ? sizes[t] : 0;
            var piece = bs == 0 ? null : data.Narrow(0, offset, bs);
            offset += bs;
            var pad = bs == batch ? null : Torch.Full([batch - bs, .. rest], paddingValue, data.DType, device: data.Device);
            rows[t] = piece is null ? pad! : pad is null ? piece : Tensor.Cat([piece, pad], 0);
        }
        var padded = Tensor.Stack(rows, 0);
        var lengths = new long[batch];
        foreach (int bs in sizes)
            for (int b = 0; b < bs; b++) lengths[b]++;
        if (sequence.UnsortedIndices is Tensor unsorted)
        {
            padded = PackedSequence.SelectBatch(padded, unsorted.To(data.Device), 1);
            var inverse = unsorted.ToArray<long>();
            lengths = inverse.Select(i => lengths[i]).ToArray();
        }
        return (batchFirst ? padded.Transpose(0, 1) : padded, Torch.Tensor(lengths));
    }
}
