using System.Collections;

namespace Bridge;

/// <summary>An immutable shape, printed as torch prints <c>torch.Size([1, 5])</c>.</summary>
public readonly struct Size : IReadOnlyList<int>, IEquatable<Size>
{
    readonly int[]? _dims;

    public Size(params int[] dims) => _dims = dims;

    internal int[] Dims => _dims ?? [];

    public int this[int index] => Dims[index < 0 ? index + Dims.Length : index];
    public int Count => Dims.Length;
    public int Length => Dims.Length;

    /// <summary>Product of the dimensions (1 for a 0-d shape).</summary>
    public int Numel => ShapeMath.Numel(Dims);

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)Dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Dims.GetEnumerator();

    public bool Equals(Size other) => Dims.AsSpan().SequenceEqual(other.Dims);
    public override bool Equals(object? obj) => obj is Size s && Equals(s);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    public static bool operator ==(Size a, Size b) => a.Equals(b);
    public static bool operator !=(Size a, Size b) => !a.Equals(b);
    public static implicit operator Size(int[] dims) => new(dims);

    public int[] ToArray() => (int[])Dims.Clone();

    /// <summary><c>torch.Size([1, 5])</c></summary>
    public override string ToString() => $"torch.Size([{string.Join(", ", Dims)}])";
}
