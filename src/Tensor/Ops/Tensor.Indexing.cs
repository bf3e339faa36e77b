using Bridge.Autograd;
using Bridge.Formatting;

using static Bridge.Torch;

namespace Bridge;

/// <summary>One position in an indexing expression: an int (negative counts from the end), a C# Index or Range, a new axis or an ellipsis.</summary>
public readonly struct TensorIndex
{
    internal enum Kind { Integer, Slice, NewAxis, Ellipsis }

    internal Kind Type { get; }
    internal int Value { get; }
    internal Range Range { get; }

    TensorIndex(Kind kind, int value = 0, Range range = default)
    {
        Type = kind;
        Value = value;
        Range = range;
    }

    /// <summary><c>None</c> in Python: inserts a dim of size 1.</summary>
    public static readonly TensorIndex NewAxis = new(Kind.NewAxis);

    /// <summary><c>...</c> in Python: as many full slices as needed.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);

    public static implicit operator TensorIndex(int index) => new(Kind.Integer, index);
    public static implicit operator TensorIndex(Index index) => new(Kind.Integer, index.IsFromEnd ? -index.Value : index.Value);
    public static implicit operator TensorIndex(Range range) => new(Kind.Slice, range: range);
}

public sealed partial class Tensor
{
    /// <summary>Basic indexing as in Python: <c>x[0]</c>, <c>x[-1]</c>, <c>x[1..3]</c>, <c>x[.., 0]</c>. Results are views.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")] // Item is taken by Item(), torch's scalar read
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => SetIndexed(indices, value);
    }

    /// <summary>
    /// this[indices] = value. Under autograd the write is recorded on this tensor (torch's CopySlices):
    /// ∂this = g with the written region zeroed, ∂value = g[indices] (summed back to value's shape by the engine).
    /// </summary>
    void SetIndexed(TensorIndex[] indices, Tensor value)
    {
        if (!Recording.Needed(this, value))
        {
            Detach().Index(indices).Copy_(value);
            return;
        }
        if (IsLeaf && RequiresGrad)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
        Detach().Index(indices).Copy_(value);
        Recording.Record(this, "CopySlices", [this, value], g =>
        {
            var rest = g.Clone();
            rest.Index(indices).Fill_(0);
            return [rest, g.Index(indices).To(value.DType)];
        });
    }

    /// <summary>Assigns a number to the indexed elements.</summary>
    public void Set(double value, params TensorIndex[] indices) => Index(indices).Fill_(value);

    Tensor Index(TensorIndex[] indices)
    {
        int consumed = indices.Count(i => i.Type is TensorIndex.Kind.Integer or TensorIndex.Kind.Slice);
        if (consumed > Dim()) throw new IndexOutOfRangeException($"too many indices for tensor of dimension {Dim()}");
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
                    // Python slices clamp out-of-range bounds where Range.GetOffsetAndLength would throw.
                    int size = result.ShapeArray[dim];
                    int start = Math.Clamp(index.Range.Start.GetOffset(size), 0, size);
                    int end = Math.Clamp(index.Range.End.GetOffset(size), start, size);
                    result = result.Slice(dim, start, end);
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

    public override string ToString() => TensorFormatter.Format(this);
}
