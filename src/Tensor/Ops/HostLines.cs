namespace Bridge;

/// <summary>
/// A tensor's lines along one dim, copied into host arrays (float dtypes as double, integers and bool as long): the
/// shared shape of the ops that walk a line in order (sort, topk, kthvalue, median, cumsum, cumprod, prod, unique).
/// These run on the host on every device; a CUDA tensor's lines are copied over and the results copied back.
/// </summary>
internal sealed class HostLines
{
    readonly int[] _movedShape;
    readonly int _dim, _rank;
    readonly Device _device;

    public HostLines(Tensor x, int dim)
    {
        _rank = Math.Max(x.Dim(), 1);
        var t = x.Dim() == 0 ? x.Reshape(1) : x;
        _dim = ShapeMath.WrapDim(dim, _rank);
        _device = x.Device;
        int[] perm = [.. Enumerable.Range(0, _rank).Where(d => d != _dim), _dim];
        var moved = t.Detach().Permute(perm).Contiguous().To(Device.Cpu);
        _movedShape = moved.ShapeArray;
        Length = _movedShape[^1];
        Count = Length == 0 ? moved.Numel32 : moved.Numel32 / Length;
        if (x.DType.IsFloatingPoint()) Real = moved.To(DType.Float64).ToArray<double>();
        else Integer = moved.To(DType.Int64).ToArray<long>();
        if (Length == 0) Count = _movedShape[..^1].Aggregate(1, (a, b) => a * b);
    }

    /// <summary>Elements per line.</summary>
    public int Length { get; }

    /// <summary>Number of lines.</summary>
    public int Count { get; }

    /// <summary>The elements of a float tensor, line after line (null for integer tensors).</summary>
    public double[]? Real { get; }

    /// <summary>The elements of an integer or bool tensor, line after line (null for float tensors).</summary>
    public long[]? Integer { get; }

    public bool IsReal => Real is not null;

    /// <summary>Element <paramref name="i"/> of line <paramref name="line"/> as a double (for comparisons).</summary>
    public double At(int line, int i) => Real is not null ? Real[line * Length + i] : Integer![line * Length + i];

    /// <summary>A result of <paramref name="length"/> elements per line, laid back out with the walked dim where it was.</summary>
    public Tensor Result(Array data, int length, DType dtype)
    {
        var t = Torch.Tensor(data, data is long[]? DType.Int64 : DType.Float64, device: Device.Cpu).To(dtype).Reshape([.. _movedShape[..^1], length]);
        var inverse = Enumerable.Range(0, _rank).Select(d => d < _dim ? d : d == _dim ? _rank - 1 : d - 1).ToArray();
        return t.Permute(inverse).Contiguous().To(_device);
    }

    /// <summary>Line indices 0..Length-1 ordered ascending (NaN last) or descending (NaN first), ties by position.</summary>
    public int[] Order(int line, bool descending)
    {
        var order = Enumerable.Range(0, Length).ToArray();
        Comparison<int> compare = Real is { } r
            ? (i, j) =>
            {
                double a = r[line * Length + i], b = r[line * Length + j];
                int c = double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a.CompareTo(b);
                if (descending) c = -c;
                return c != 0 ? c : i.CompareTo(j);
            }
        : (i, j) =>
        {
            long a = Integer![line * Length + i], b = Integer[line * Length + j];
            int c = descending ? b.CompareTo(a) : a.CompareTo(b);
            return c != 0 ? c : i.CompareTo(j);
        };
        Array.Sort(order, compare);
        return order;
    }
}
