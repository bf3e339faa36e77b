using Bridge.Autograd;
using Bridge.Formatting;

using static Bridge.Torch;

namespace Bridge;

/// <summary>One position in an indexing expression: an int (negative counts from the end), a C# Index or Range, a stepped slice, a new axis, an ellipsis, or a tensor (int64 indices or a bool mask: advanced indexing).</summary>
public readonly struct TensorIndex
{
    internal enum Kind { Integer, Slice, NewAxis, Ellipsis, Tensor }

    internal Kind Type { get; }
    internal long Value { get; }
    internal long? Start { get; }
    internal long? End { get; }
    internal long Step { get; }
    internal Tensor? Indices { get; }

    TensorIndex(Kind kind, long value = 0, long? start = null, long? end = null, long step = 1, Tensor? indices = null)
    {
        Indices = indices;
        Type = kind;
        Value = value;
        Start = start;
        End = end;
        Step = step;
    }

    /// <summary>Python's <c>start:end:step</c>: null bounds mean the ends, negative ones count from the end, out-of-range ones clamp.</summary>
    public static TensorIndex Slice(int? start, int? end, int step = 1) =>
        step > 0 ? new(Kind.Slice, start: start, end: end, step: step) : throw new ArgumentException("step must be greater than zero");

    /// <summary>A slice with 64-bit bounds (for dims past <see cref="int.MaxValue"/>); see <see cref="Slice(int?, int?, int)"/>.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(-1)]
    public static TensorIndex Slice(long? start, long? end, long step = 1) =>
        step > 0 ? new(Kind.Slice, start: start, end: end, step: step) : throw new ArgumentException("step must be greater than zero");

    /// <summary><c>None</c> in Python: inserts a dim of size 1.</summary>
    public static readonly TensorIndex NewAxis = new(Kind.NewAxis);

    /// <summary><c>...</c> in Python: as many full slices as needed.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);

    /// <summary>An integer index: selects one position and removes the dim (negative counts from the end).</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Integer, index);
    /// <summary>A 64-bit integer index (for dims past <see cref="int.MaxValue"/>).</summary>
    public static implicit operator TensorIndex(long index) => new(Kind.Integer, index);

    /// <summary>Advanced indexing: an int64 tensor picks positions along one dim, a bool mask selects along as many dims as it has.</summary>
    public static implicit operator TensorIndex(Tensor indices) => new(Kind.Tensor, indices: indices ?? throw new ArgumentNullException(nameof(indices)));

    /// <summary>Advanced indexing by a list of positions (torch's <c>x[[0, 2]]</c>).</summary>
    public static implicit operator TensorIndex(long[] indices) => new(Kind.Tensor, indices: Torch.Tensor((Array)indices, DType.Int64));

    internal bool IsAdvanced => Type == Kind.Tensor;
    /// <summary>An <see cref="System.Index"/> (<c>^1</c> is the last position) as an integer index.</summary>
    public static implicit operator TensorIndex(Index index) => new(Kind.Integer, index.IsFromEnd ? -index.Value : index.Value);
    /// <summary>A <see cref="System.Range"/> (<c>1..^1</c>) as a slice with step 1.</summary>
    public static implicit operator TensorIndex(Range range) => new(Kind.Slice, start: Bound(range.Start), end: Bound(range.End));

    static int? Bound(Index i) => i.IsFromEnd ? (i.Value == 0 ? null : -i.Value) : i.Value;
}

public sealed partial class Tensor
{
    /// <summary>Basic indexing as in Python: <c>x[0]</c>, <c>x[-1]</c>, <c>x[1..3]</c>, <c>x[.., 0]</c>. Results are views.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")] // Item is taken by Item(), torch's scalar read
    public Tensor this[params TensorIndex[] indices]
    {
        get => !HasTensor(indices) ? Index(indices)
            : IsLargeWholeMask(indices, out var mask) ? MaskedSelect(mask) // past 2^31: in pieces, any number selected
            : AdvancedIndex(IndexPlan.Build(this, indices));
        set => SetIndexed(indices, value);
    }

    /// <summary>
    /// this[indices] = value: a copy_ into the indexed view, so under autograd the write rewrites this tensor's history
    /// (torch's CopySlices): ∂this = g with the written region zeroed, ∂value = g[indices] summed back to value's shape.
    /// </summary>
    void SetIndexed(TensorIndex[] indices, Tensor value)
    {
        if (HasTensor(indices) && value.Dim() == 0 && IsLargeWholeMask(indices, out var mask))
        {
            MaskedFill_(mask, value); // past 2^31: elementwise, any number written
            return;
        }
        if (HasTensor(indices))
        {
            IndexPut_(IndexPlan.Build(this, indices), value, accumulate: false);
            return;
        }
        Index(indices).Copy_(value); // a view's in-place copy rewrites the base's history (CopySlices)
    }

    /// <summary>Assigns a number to the indexed elements.</summary>
    public void Set(double value, params TensorIndex[] indices)
    {
        if (HasTensor(indices) && IsLargeWholeMask(indices, out var mask)) MaskedFill_(mask, value);
        else if (HasTensor(indices)) IndexPut_(IndexPlan.Build(this, indices), Scalar(value, this), accumulate: false);
        else Index(indices).Fill_(value);
    }

    static bool HasTensor(TensorIndex[] indices)
    {
        foreach (var i in indices) if (i.IsAdvanced) return true;
        return false;
    }

    internal Tensor Index(TensorIndex[] indices)
    {
        int consumed = indices.Count(i => i.Type is TensorIndex.Kind.Integer or TensorIndex.Kind.Slice);
        if (consumed > Dim()) throw new ArgumentOutOfRangeException(null, $"too many indices for tensor of dimension {Dim()}");
        var result = this;
        int dim = 0;
        foreach (var index in indices)
        {
            switch (index.Type)
            {
                case TensorIndex.Kind.Integer:
                    result = result.Select(dim, index.Value);
                    break;
                case TensorIndex.Kind.Slice:
                    result = result.Slice(dim, index.Start, index.End, index.Step); // clamps as Python does
                    dim++;
                    break;
                case TensorIndex.Kind.NewAxis:
                    result = result.Unsqueeze(dim);
                    dim++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    dim += Dim() - consumed;
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// torch's printout: <c>tensor([...])</c> with the same precision, summarisation and suffixes (dtype, device,
    /// grad_fn) as torch prints.
    /// </summary>
    public override string ToString() => TensorFormatter.Format(this);
}
