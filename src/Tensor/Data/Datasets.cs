namespace Bridge.Data;

/// <summary>A map-style dataset (torch.utils.data.Dataset): <see cref="Count"/> samples, read by index.</summary>
public interface IDataset<out T>
{
    /// <summary>Number of samples; valid indices are 0..Count-1.</summary>
    int Count { get; }
    /// <summary>The sample at <paramref name="index"/>.</summary>
    T this[int index] { get; }
}

/// <summary>Base class for map-style datasets.</summary>
public abstract class Dataset<T> : IDataset<T>
{
    /// <summary>Number of samples; valid indices are 0..Count-1.</summary>
    public abstract int Count { get; }
    /// <summary>The sample at <paramref name="index"/>.</summary>
    public abstract T this[int index] { get; }
}

/// <summary>torch.utils.data.TensorDataset: sample i is the i-th row of every tensor (all share their first dimension).</summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    readonly Tensor[] _tensors;

    /// <summary>
    /// A dataset over the rows of <paramref name="tensors"/> (torch's <c>TensorDataset(*tensors)</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No tensors, a 0-d tensor, or first dims that differ.</exception>
    public TensorDataset(params Tensor[] tensors)
    {
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset needs at least one tensor");
        foreach (var t in tensors)
        {
            if (t.Dim() == 0 || t.Size(0) != tensors[0].Size(0)) throw new ArgumentException("Size mismatch between tensors");
        }
        _tensors = tensors;
    }

    /// <summary>The tensors, as given (not copied).</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>The size of the tensors' first dim.</summary>
    public override int Count => _tensors[0].Size32(0);

    /// <summary>Row <paramref name="index"/> of every tensor, in order (views).</summary>
    public override Tensor[] this[int index] => _tensors.Select(t => t[index]).ToArray();
}

/// <summary>torch.utils.data.Subset: the samples of a dataset at the given indices.</summary>
public sealed class Subset<T>(IDataset<T> dataset, IReadOnlyList<long> indices) : Dataset<T>
{
    /// <summary>The indices into the underlying dataset, in subset order.</summary>
    public IReadOnlyList<long> Indices => indices;
    /// <summary>How many indices the subset holds.</summary>
    public override int Count => indices.Count;
    /// <summary>The underlying dataset's sample at <c>Indices[index]</c>.</summary>
    public override T this[int index] => dataset[checked((int)indices[index])];
}

/// <summary>torch.utils.data.ConcatDataset: datasets one after another.</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    readonly IDataset<T>[] _datasets;
    readonly int[] _cumulative;

    /// <summary>The datasets one after another (torch's <c>ConcatDataset(datasets)</c>).</summary>
    /// <exception cref="ArgumentException">No datasets.</exception>
    public ConcatDataset(params IDataset<T>[] datasets)
    {
        if (datasets.Length == 0) throw new ArgumentException("datasets should not be an empty iterable");
        _datasets = datasets;
        _cumulative = new int[datasets.Length];
        int sum = 0;
        for (int i = 0; i < datasets.Length; i++) _cumulative[i] = sum += datasets[i].Count;
    }

    /// <summary>The sum of the datasets' counts.</summary>
    public override int Count => _cumulative[^1];

    /// <summary>The sample at <paramref name="index"/> of the concatenation (negative counts from the end).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [-Count, Count).</exception>
    public override T this[int index]
    {
        get
        {
            if (index < 0)
            {
                if (-index > Count) throw new ArgumentOutOfRangeException(nameof(index), "absolute value of index should not exceed dataset length");
                index += Count;
            }
            int d = 0;
            while (d < _cumulative.Length && _cumulative[d] <= index) d++;
            if (d == _cumulative.Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is out of range for a dataset of {Count}");
            return _datasets[d][d == 0 ? index : index - _cumulative[d - 1]];
        }
    }
}

/// <summary>torch.utils.data.random_split.</summary>
public static class DatasetSplit
{
    /// <summary>Non-overlapping subsets of the given lengths, drawn with torch.randperm(n, generator): torch's subsets for the same seed.</summary>
    public static Subset<T>[] RandomSplit<T>(IDataset<T> dataset, IReadOnlyList<int> lengths, Random.Generator? generator = null)
    {
        if (lengths.Sum() != dataset.Count) throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        var perm = (generator ?? Random.Generator.Default).Randperm(dataset.Count);
        var result = new Subset<T>[lengths.Count];
        int offset = 0;
        for (int i = 0; i < lengths.Count; i++)
        {
            result[i] = new Subset<T>(dataset, perm[offset..(offset + lengths[i])]);
            offset += lengths[i];
        }
        return result;
    }

    /// <summary>Fractions summing to 1: floor(n·f) each, the remainder spread one by one from the first (torch's rule).</summary>
    public static Subset<T>[] RandomSplit<T>(IDataset<T> dataset, IReadOnlyList<double> fractions, Random.Generator? generator = null)
    {
        if (Math.Abs(fractions.Sum() - 1) > 1e-9) throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        var lengths = fractions.Select((f, i) => f is >= 0 and <= 1 ? (int)Math.Floor(dataset.Count * f)
            : throw new ArgumentException($"Fraction at index {i} is not between 0 and 1")).ToArray();
        int remainder = dataset.Count - lengths.Sum();
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }
}
