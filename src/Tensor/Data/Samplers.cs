using System.Collections;
using Bridge.Random;

namespace Bridge.Data;

/// <summary>A source of dataset indices (torch.utils.data.Sampler).</summary>
public abstract class Sampler : IEnumerable<long>
{
    /// <summary>How many indices one pass yields.</summary>
    public abstract int Count { get; }
    /// <summary>The indices of one pass; random samplers draw anew for every pass.</summary>
    public abstract IEnumerator<long> GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>0, 1, ..., n - 1.</summary>
public sealed class SequentialSampler(int count) : Sampler
{
    /// <summary>n, the dataset length.</summary>
    public override int Count => count;

    /// <summary>0, 1, ..., n - 1 in order.</summary>
    public override IEnumerator<long> GetEnumerator()
    {
        for (long i = 0; i < count; i++) yield return i;
    }
}

/// <summary>
/// torch.utils.data.RandomSampler, draw for draw: without a generator each pass seeds a fresh one with a 63-bit draw
/// from the default generator (torch's <c>torch.empty((), dtype=torch.int64).random_()</c>), then permutes with
/// torch.randperm's CPU algorithm (or draws randint(n) in chunks of 32 with replacement).
/// </summary>
public sealed class RandomSampler : Sampler
{
    readonly int _n;
    readonly bool _replacement;
    readonly int? _numSamples;
    readonly Generator? _generator;

    /// <summary>
    /// torch's <c>RandomSampler(data_source, replacement, num_samples, generator)</c> over <paramref name="count"/>
    /// indices.
    /// </summary>
    /// <param name="count">Dataset length n.</param>
    /// <param name="replacement">Draw with replacement (then numSamples may exceed n).</param>
    /// <param name="numSamples">Indices per pass; default n.</param>
    /// <param name="generator">The generator to draw from; default a fresh one seeded from the global generator on
    /// every pass.</param>
    /// <exception cref="ArgumentException">numSamples (or the count) is not positive.</exception>
    public RandomSampler(int count, bool replacement = false, int? numSamples = null, Generator? generator = null)
    {
        if (numSamples is <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={numSamples}");
        (_n, _replacement, _numSamples, _generator) = (count, replacement, numSamples, generator);
        if (Count <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={Count}");
    }

    /// <summary>numSamples when given, else the dataset length.</summary>
    public override int Count => _numSamples ?? _n;

    /// <summary>
    /// One pass: a permutation of 0..n-1 (repeated as needed to reach numSamples), or numSamples draws with
    /// replacement.
    /// </summary>
    public override IEnumerator<long> GetEnumerator()
    {
        var gen = _generator;
        if (gen is null)
        {
            long seed = (long)(Generator.Default.NextUInt64() % (1UL << 63));
            gen = new Generator((ulong)seed);
        }
        if (_replacement)
        {
            var chunk = new long[32];
            for (int c = 0; c < Count / 32; c++)
            {
                gen.FillRandint(chunk, 0, _n);
                foreach (long v in chunk) yield return v;
            }
            var tail = new long[Count % 32];
            if (tail.Length > 0) gen.FillRandint(tail, 0, _n);
            foreach (long v in tail) yield return v;
        }
        else
        {
            for (int r = 0; r < Count / _n; r++)
                foreach (long v in gen.Randperm(_n)) yield return v;
            foreach (long v in gen.Randperm(_n).Take(Count % _n)) yield return v;
        }
    }
}

/// <summary>The given indices in a random order (torch.randperm(len(indices), generator)).</summary>
public sealed class SubsetRandomSampler(IReadOnlyList<long> indices, Generator? generator = null) : Sampler
{
    /// <summary>How many indices the subset holds.</summary>
    public override int Count => indices.Count;

    /// <summary>The subset's indices in a fresh random order.</summary>
    public override IEnumerator<long> GetEnumerator()
    {
        foreach (long i in (generator ?? Generator.Default).Randperm(indices.Count)) yield return indices[(int)i];
    }
}

/// <summary>num_samples indices drawn with probabilities proportional to the weights (torch.multinomial).</summary>
public sealed class WeightedRandomSampler(double[] weights, int numSamples, bool replacement = true, Generator? generator = null) : Sampler
{
    /// <summary>numSamples, the indices per pass.</summary>
    public override int Count => numSamples;

    /// <summary>numSamples indices drawn with probability proportional to their weights.</summary>
    public override IEnumerator<long> GetEnumerator()
    {
        var drawn = Torch.Multinomial(Torch.Tensor(weights, DType.Float64), numSamples, replacement, generator);
        foreach (double v in drawn.ToDoubleArray()) yield return (long)v;
    }
}

/// <summary>Groups a sampler's indices into batches of <c>batchSize</c> (the last shorter unless <c>dropLast</c>).</summary>
public sealed class BatchSampler : IEnumerable<long[]>
{
    readonly IEnumerable<long> _sampler;
    readonly int _count, _batchSize;
    readonly bool _dropLast;

    /// <summary>
    /// Batches of <paramref name="batchSize"/> indices from <paramref name="sampler"/>; the last batch is dropped when
    /// short and <paramref name="dropLast"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchSampler(Sampler sampler, int batchSize, bool dropLast) : this(sampler, sampler.Count, batchSize, dropLast) { }

    /// <summary>
    /// Batches of <paramref name="batchSize"/> from any sequence of indices whose length is <paramref name="count"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> is not positive.</exception>
    public BatchSampler(IEnumerable<long> sampler, int count, int batchSize, bool dropLast)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        (_sampler, _count, _batchSize, _dropLast) = (sampler, count, batchSize, dropLast);
    }

    /// <summary>Batches per pass: ⌊count / batchSize⌋ with dropLast, else ⌈count / batchSize⌉.</summary>
    public int Count => _dropLast ? _count / _batchSize : (_count + _batchSize - 1) / _batchSize;

    /// <summary>Enumerates the batches of one pass, each an array of indices.</summary>
    public IEnumerator<long[]> GetEnumerator()
    {
        var batch = new List<long>(_batchSize);
        foreach (long i in _sampler)
        {
            batch.Add(i);
            if (batch.Count == _batchSize)
            {
                yield return batch.ToArray();
                batch.Clear();
            }
        }
        if (batch.Count > 0 && !_dropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
