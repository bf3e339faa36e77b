using System.Collections;
using Bridge.Random;

namespace Bridge.Data;

/// <summary>A source of dataset indices (torch.utils.data.Sampler).</summary>
public abstract class Sampler : IEnumerable<long>
{
    public abstract int Count { get; }
    public abstract IEnumerator<long> GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>0, 1, ..., n - 1.</summary>
public sealed class SequentialSampler(int count) : Sampler
{
    public override int Count => count;

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

    public RandomSampler(int count, bool replacement = false, int? numSamples = null, Generator? generator = null)
    {
        if (numSamples is <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={numSamples}");
        (_n, _replacement, _numSamples, _generator) = (count, replacement, numSamples, generator);
        if (Count <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={Count}");
    }

    public override int Count => _numSamples ?? _n;

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
    public override int Count => indices.Count;

    public override IEnumerator<long> GetEnumerator()
    {
        foreach (long i in (generator ?? Generator.Default).Randperm(indices.Count)) yield return indices[(int)i];
    }
}

/// <summary>num_samples indices drawn with probabilities proportional to the weights (torch.multinomial).</summary>
public sealed class WeightedRandomSampler(double[] weights, int numSamples, bool replacement = true, Generator? generator = null) : Sampler
{
    public override int Count => numSamples;

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

    public BatchSampler(Sampler sampler, int batchSize, bool dropLast) : this(sampler, sampler.Count, batchSize, dropLast) { }

    public BatchSampler(IEnumerable<long> sampler, int count, int batchSize, bool dropLast)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        (_sampler, _count, _batchSize, _dropLast) = (sampler, count, batchSize, dropLast);
    }

    public int Count => _dropLast ? _count / _batchSize : (_count + _batchSize - 1) / _batchSize;

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
