using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// Shape ops composed from views, index reads and elementwise ops, so their gradients follow from those:
// split/chunk/unbind (narrow, select), tril/triu (where), repeat (expand), repeat_interleave/flip
// (index_select), roll (cat), movedim (permute), diagonal (a strided view), diag, outer.
public sealed partial class Tensor
{
    /// <summary>Pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller); views.</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={splitSize}");
        int d = ShapeMath.WrapDim(dim, Dim());
        int n = ShapeArray[d];
        if (splitSize == 0 && n != 0) throw new ArgumentException($"split_size can only be 0 if dimension size is 0, but got dimension size of {n}");
        if (n == 0) return [this];
        var pieces = new List<Tensor>();
        for (int at = 0; at < n; at += splitSize) pieces.Add(Narrow(d, at, Math.Min(splitSize, n - at)));
        return pieces.ToArray();
    }

    /// <summary>Pieces of the given sizes along <paramref name="dim"/> (they must add up to its size); views.</summary>
    public Tensor[] Split(int[] splitSizes, int dim = 0)
    {
        int d = ShapeMath.WrapDim(dim, Dim());
        int n = ShapeArray[d];
        if (splitSizes.Sum() != n || splitSizes.Any(s => s < 0))
            throw new ArgumentException($"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), but got split_sizes={ShapeMath.FormatList(splitSizes)}");
        var pieces = new Tensor[splitSizes.Length];
        for (int i = 0, at = 0; i < pieces.Length; at += splitSizes[i], i++) pieces[i] = Narrow(d, at, splitSizes[i]);
        return pieces;
    }

    /// <summary>At most <paramref name="chunks"/> pieces of ceil(size / chunks) along <paramref name="dim"/>; views.</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
        int d = ShapeMath.WrapDim(dim, Dim());
        int n = ShapeArray[d];
        return Split((n + chunks - 1) / chunks, d);
    }

    /// <summary>Every slice along <paramref name="dim"/>, that dim removed; views.</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        int d = ShapeMath.WrapDim(dim, Dim());
        return Enumerable.Range(0, ShapeArray[d]).Select(i => Select(d, i)).ToArray();
    }

    /// <summary>The lower triangle of the last two dims (j - i ≤ diagonal), zeros elsewhere; ∂ = tril(g).</summary>
    public Tensor Tril(int diagonal = 0) => Triangle("tril", diagonal, lower: true);

    /// <summary>The upper triangle of the last two dims (j - i ≥ diagonal), zeros elsewhere; ∂ = triu(g).</summary>
    public Tensor Triu(int diagonal = 0) => Triangle("triu", diagonal, lower: false);

    /// <summary>
    /// Zeroes, in place, the elements above the <paramref name="diagonal"/>-th diagonal of the last two dims; returns
    /// this.
    /// </summary>
    public Tensor Tril_(int diagonal = 0) => InPlace(this, (a, _) => a.Tril(diagonal));
    /// <summary>
    /// Zeroes, in place, the elements below the <paramref name="diagonal"/>-th diagonal of the last two dims; returns
    /// this.
    /// </summary>
    public Tensor Triu_(int diagonal = 0) => InPlace(this, (a, _) => a.Triu(diagonal));

    Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Dim() < 2) throw new ArgumentException($"{op}: input tensor must have at least 2 dimensions");
        int rows = ShapeArray[^2], cols = ShapeArray[^1];
        var mask = TriangleMask(rows, cols, diagonal, lower).To(Device.ToString());
        return Bridge.Tensor.Where(mask, this, Scalar(0, this).To(DType));
    }

    /// <summary>A [rows, cols] bool mask of j - i ≤ diagonal (lower) or ≥ diagonal (upper).</summary>
    static Tensor TriangleMask(int rows, int cols, int diagonal, bool lower)
    {
        var mask = Allocate([rows, cols], DType.Bool, Device.Cpu, zero: false);
        var span = mask.ContiguousSpan<bool>();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                span[i * cols + j] = lower ? (long)j - i <= diagonal : (long)j - i >= diagonal;
        return mask;
    }

    /// <summary>Tiles the tensor <paramref name="repeats"/>[d] times along each dim (leading new dims as needed).</summary>
    public Tensor Repeat(params int[] repeats)
    {
        if (repeats.Length < Dim())
            throw new ArgumentException("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
        if (repeats.Any(r => r < 0)) throw new ArgumentException($"Trying to create tensor with negative dimension: {ShapeMath.FormatList(repeats)}");
        var padded = Enumerable.Repeat(1, repeats.Length - Dim()).Concat(ShapeArray).ToArray();
        // [1, s0, 1, s1, ...] expanded to [r0, s0, r1, s1, ...], then merged pairwise.
        var interleaved = padded.SelectMany(s => new[] { 1, s }).ToArray();
        var expanded = padded.SelectMany((s, i) => new[] { repeats[i], s }).ToArray();
        return Reshape(interleaved).Expand(expanded).Reshape(padded.Select((s, i) => s * repeats[i]).ToArray());
    }

    /// <summary>Each element (or slice along <paramref name="dim"/>) repeated <paramref name="repeats"/> times in place; flattened when dim is null.</summary>
    public Tensor RepeatInterleave(int repeats, int? dim = null)
    {
        if (repeats < 0) throw new ArgumentException("repeats can not be negative");
        var source = dim is null ? Reshape(-1) : this;
        int d = dim is int k ? ShapeMath.WrapDim(k, Dim()) : 0;
        int n = source.ShapeArray.Length == 0 ? 1 : source.ShapeArray[d];
        var index = new long[(long)n * repeats];
        for (int i = 0; i < index.Length; i++) index[i] = i / repeats;
        return source.IndexSelect(d, LongTensor(index));
    }

    /// <summary>Slice i along <paramref name="dim"/> repeated repeats[i] times (repeats: 1-D int64, or one value for all).</summary>
    public Tensor RepeatInterleave(Tensor repeats, int? dim = null)
    {
        if (repeats.Numel() == 1 && repeats.Dim() <= 1) return RepeatInterleave((int)repeats.ToArray<long>()[0], dim);
        var source = dim is null ? Reshape(-1) : this;
        int d = dim is int k ? ShapeMath.WrapDim(k, Dim()) : 0;
        if (repeats.Dim() != 1 || repeats.ShapeArray[0] != source.ShapeArray[d])
            throw new ArgumentException("repeats must have the same size as input along dim");
        return source.IndexSelect(d, Torch.RepeatInterleave(repeats));
    }

    internal static Tensor LongTensor(long[] values)
    {
        var t = Allocate([values.Length], DType.Int64, Device.Cpu, zero: false);
        values.CopyTo(t.ContiguousSpan<long>());
        return t;
    }

    /// <summary>Elements shifted by shifts[i] along dims[i], wrapping around; with no dims, over the flattened tensor.</summary>
    public Tensor Roll(int[] shifts, int[]? dims = null)
    {
        dims ??= [];
        if (dims.Length == 0)
        {
            if (shifts.Length != 1) throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:0");
            return Reshape(-1).Roll(shifts, [0]).View(ShapeArray);
        }
        if (shifts.Length != dims.Length) throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:{dims.Length}");
        var result = this;
        for (int i = 0; i < dims.Length; i++)
        {
            int d = ShapeMath.WrapDim(dims[i], Dim());
            int n = result.ShapeArray[d];
            if (n == 0) continue;
            int s = ((shifts[i] % n) + n) % n;
            if (s == 0) continue;
            result = Cat([result.Narrow(d, n - s, s), result.Narrow(d, 0, n - s)], d);
        }
        return ReferenceEquals(result, this) ? Clone() : result;
    }

    /// <summary>
    /// Elements shifted by <paramref name="shift"/> along <paramref name="dim"/>, wrapping around (torch.roll); a copy.
    /// </summary>
    public Tensor Roll(int shift, int dim) => Roll([shift], [dim]);

    /// <summary>The order of elements reversed along each of <paramref name="dims"/>.</summary>
    public Tensor Flip(params int[] dims)
    {
        var wrapped = dims.Select(d => ShapeMath.WrapDim(d, Dim())).ToArray();
        if (wrapped.Distinct().Count() != wrapped.Length) throw new ArgumentException("dims has duplicates, original flip dims size=" + dims.Length);
        var result = this;
        foreach (int d in wrapped)
        {
            int n = ShapeArray[d];
            var index = new long[n];
            for (int i = 0; i < n; i++) index[i] = n - 1 - i;
            result = result.IndexSelect(d, LongTensor(index));
        }
        return ReferenceEquals(result, this) ? Clone() : result;
    }

    /// <summary>Left-right flip (dim 1) and up-down flip (dim 0).</summary>
    public Tensor Fliplr() => Dim() >= 2 ? Flip(1) : throw new ArgumentException("Input must be >= 2-d.");
    /// <summary>The rows in reverse order: <c>Flip(0)</c> (torch.flipud).</summary>
    /// <exception cref="ArgumentException">A 0-d tensor.</exception>
    public Tensor Flipud() => Dim() >= 1 ? Flip(0) : throw new ArgumentException("Input must be >= 1-d.");

    /// <summary>Dims <paramref name="source"/> moved to positions <paramref name="destination"/>, the others keeping their order; a view.</summary>
    public Tensor Movedim(int[] source, int[] destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"movedim: Invalid source or destination dims: source ({ShapeMath.FormatList(source)} dims) should contain the same number of dims as destination ({ShapeMath.FormatList(destination)} dims)");
        int n = Dim();
        var src = source.Select(d => ShapeMath.WrapDim(d, n)).ToArray();
        var dst = destination.Select(d => ShapeMath.WrapDim(d, n)).ToArray();
        if (src.Distinct().Count() != src.Length) throw new ArgumentException($"movedim: repeated dim in `source` ({ShapeMath.FormatList(source)})");
        if (dst.Distinct().Count() != dst.Length) throw new ArgumentException($"movedim: repeated dim in `destination` ({ShapeMath.FormatList(destination)})");
        var order = new int[n];
        Array.Fill(order, -1);
        for (int i = 0; i < src.Length; i++) order[dst[i]] = src[i];
        var others = Enumerable.Range(0, n).Where(d => !src.Contains(d)).GetEnumerator();
        for (int i = 0; i < n; i++)
            if (order[i] < 0)
            {
                others.MoveNext();
                order[i] = others.Current;
            }
        return Permute(order);
    }

    /// <summary>
    /// A view with dim <paramref name="source"/> moved to position <paramref name="destination"/>, the others keeping
    /// their order (torch.movedim).
    /// </summary>
    public Tensor Movedim(int source, int destination) => Movedim([source], [destination]);

    /// <summary>The diagonal at <paramref name="offset"/> of the (dim1, dim2) planes, as a last dim; a view. ∂ = g written into zeros' diagonal.</summary>
    public Tensor Diagonal(int offset = 0, int dim1 = 0, int dim2 = 1)
    {
        int a = ShapeMath.WrapDim(dim1, Dim()), b = ShapeMath.WrapDim(dim2, Dim());
        if (a == b) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
        int length = offset >= 0 ? Math.Max(0, Math.Min(ShapeArray[a], ShapeArray[b] - offset)) : Math.Max(0, Math.Min(ShapeArray[a] + offset, ShapeArray[b]));
        int start = Offset32 + (length == 0 ? 0 : offset >= 0 ? offset * StridesArray[b] : -offset * StridesArray[a]);
        var keep = Enumerable.Range(0, Dim()).Where(d => d != a && d != b).ToArray();
        var shape = keep.Select(d => ShapeArray[d]).Append(length).ToArray();
        var strides = keep.Select(d => StridesArray[d]).Append(StridesArray[a] + StridesArray[b]).ToArray();
        var input = ShapeArray;
        return MakeView(shape, strides, start, "DiagonalBackward0", g => ScatterIntoZeros(input, g, z => z.Diagonal(offset, a, b)));
    }

    /// <summary>A 1-D tensor as the <paramref name="diagonal"/>-th diagonal of a square matrix, or a matrix's diagonal as a 1-D copy.</summary>
    public Tensor Diag(int diagonal = 0)
    {
        if (Dim() == 2) return Diagonal(diagonal).Clone();
        if (Dim() != 1) throw new ArgumentException("diag(): Supports 1D or 2D tensors. Got " + Dim() + "D");
        int n = ShapeArray[0], size = n + Math.Abs(diagonal);
        var rows = new long[n];
        var cols = new long[n];
        for (int i = 0; i < n; i++)
        {
            rows[i] = diagonal >= 0 ? i : i - diagonal;
            cols[i] = diagonal >= 0 ? i + diagonal : i;
        }
        return Zeros([size, size], DType, Device).IndexPut([LongTensor(rows), LongTensor(cols)], this);
    }

    /// <summary>Outer product of two 1-D tensors: out[i, j] = self[i]·other[j].</summary>
    public Tensor Outer(Tensor other)
    {
        if (Dim() != 1 || other.Dim() != 1) throw new ArgumentException($"outer: expected 1-D tensors, but got {Dim()}-D and {other.Dim()}-D");
        return Unsqueeze(1) * other.Unsqueeze(0);
    }
}

public static partial class Torch
{
    /// <summary>torch.repeat_interleave(repeats): index i repeated repeats[i] times.</summary>
    public static Tensor RepeatInterleave(Tensor repeats)
    {
        if (repeats.Dim() > 1 || repeats.DType != DType.Int64) throw new ArgumentException("repeat_interleave only accept 1D vector as repeat");
        var counts = repeats.ToArray<long>();
        if (counts.Any(c => c < 0)) throw new ArgumentException("repeats can not be negative");
        var index = new List<long>();
        for (int i = 0; i < counts.Length; i++) for (long k = 0; k < counts[i]; k++) index.Add(i);
        return Bridge.Tensor.LongTensor(index.ToArray());
    }

    /// <summary>
    /// Pieces of <paramref name="splitSize"/> along <paramref name="dim"/>, the last possibly smaller; views
    /// (torch.split).
    /// </summary>
    public static Tensor[] Split(Tensor input, int splitSize, int dim = 0) => input.Split(splitSize, dim);
    /// <summary>
    /// At most <paramref name="chunks"/> pieces of ⌈size / chunks⌉ along <paramref name="dim"/>; views (torch.chunk).
    /// </summary>
    public static Tensor[] Chunk(Tensor input, int chunks, int dim = 0) => input.Chunk(chunks, dim);
    /// <summary>The slices along <paramref name="dim"/>, each without that dim; views (torch.unbind).</summary>
    public static Tensor[] Unbind(Tensor input, int dim = 0) => input.Unbind(dim);
    /// <summary>
    /// A copy with the elements above the <paramref name="diagonal"/>-th diagonal of the last two dims zeroed
    /// (torch.tril).
    /// </summary>
    public static Tensor Tril(Tensor input, int diagonal = 0) => input.Tril(diagonal);
    /// <summary>
    /// A copy with the elements below the <paramref name="diagonal"/>-th diagonal of the last two dims zeroed
    /// (torch.triu).
    /// </summary>
    public static Tensor Triu(Tensor input, int diagonal = 0) => input.Triu(diagonal);
    /// <summary>
    /// A copy with the order of elements reversed along each of <paramref name="dims"/> (torch.flip).
    /// </summary>
    public static Tensor Flip(Tensor input, params int[] dims) => input.Flip(dims);
    /// <summary>
    /// Elements shifted by shifts[i] along dims[i], wrapping around; with no dims over the flattened tensor
    /// (torch.roll).
    /// </summary>
    public static Tensor Roll(Tensor input, int[] shifts, int[]? dims = null) => input.Roll(shifts, dims);
    /// <summary>
    /// A 1-d input as the <paramref name="diagonal"/>-th diagonal of a square matrix, or a 2-d input's diagonal as a
    /// 1-d copy (torch.diag).
    /// </summary>
    public static Tensor Diag(Tensor input, int diagonal = 0) => input.Diag(diagonal);
    /// <summary>
    /// A view of the diagonal with <paramref name="offset"/> in the plane of <paramref name="dim1"/> and <paramref
    /// name="dim2"/>, moved to the last dim (torch.diagonal).
    /// </summary>
    public static Tensor Diagonal(Tensor input, int offset = 0, int dim1 = 0, int dim2 = 1) => input.Diagonal(offset, dim1, dim2);
    /// <summary>
    /// Outer product of 1-d <paramref name="a"/> [n] and <paramref name="b"/> [m]: [n, m] (torch.outer).
    /// </summary>
    public static Tensor Outer(Tensor a, Tensor b) => a.Outer(b);
    /// <summary>
    /// A view with dim <paramref name="source"/> moved to position <paramref name="destination"/> (torch.movedim).
    /// </summary>
    public static Tensor Movedim(Tensor input, int source, int destination) => input.Movedim(source, destination);
}
