using System.Collections;

namespace Bridge;

/// <summary>An immutable shape, printed as torch prints <c>torch.Size([1, 5])</c>.</summary>
public readonly struct Size : IReadOnlyList<long>, IEquatable<Size>
{
    readonly long[]? _dims;

    /// <summary>A shape with the given dims (the array is kept, not copied).</summary>
    public Size(params long[] dims) => _dims = dims;

    /// <summary>A shape with the given dims (copied into 64-bit sizes).</summary>
    public Size(params int[] dims) => _dims = ShapeMath.Widen(dims);

    internal long[] Dims => _dims ?? [];

    /// <summary>The size of dim <paramref name="index"/>; negative counts from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [-Count, Count).</exception>
    public long this[int index]
    {
        get
        {
            int i = index < 0 ? index + Dims.Length : index;
            if ((uint)i >= (uint)Dims.Length)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"dim index {index} is out of range for a shape of {Dims.Length} dims");
            return Dims[i];
        }
    }
    /// <summary>The number of dims.</summary>
    public int Count => Dims.Length;
    /// <summary>The number of dims (the same as <see cref="Count"/>).</summary>
    public int Length => Dims.Length;

    /// <summary>Product of the dimensions (1 for a 0-d shape).</summary>
    public long Numel => ShapeMath.Numel(Dims);

    /// <summary>Enumerates the dims' sizes in order.</summary>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Dims.GetEnumerator();

    /// <summary>True when both shapes have the same dims in the same order.</summary>
    public bool Equals(Size other) => Dims.AsSpan().SequenceEqual(other.Dims);
    /// <summary>True when <paramref name="obj"/> is a <see cref="Size"/> with the same dims.</summary>
    public override bool Equals(object? obj) => obj is Size s && Equals(s);
    /// <summary>A hash of the dims, consistent with <see cref="Equals(Size)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>True when both shapes have the same dims.</summary>
    public static bool operator ==(Size a, Size b) => a.Equals(b);
    /// <summary>True when the shapes differ.</summary>
    public static bool operator !=(Size a, Size b) => !a.Equals(b);
    /// <summary>Wraps an int array as a shape, so shapes can be written <c>[3, 4]</c>.</summary>
    public static implicit operator Size(int[] dims) => new(dims);
    /// <summary>Wraps a long array as a shape (the array is kept, not copied).</summary>
    public static implicit operator Size(long[] dims) => new(dims);

    /// <summary>A copy of the dims as an array.</summary>
    public long[] ToArray() => (long[])Dims.Clone();

    /// <summary><c>torch.Size([1, 5])</c></summary>
    public override string ToString() => $"torch.Size([{string.Join(", ", Dims)}])";
}
