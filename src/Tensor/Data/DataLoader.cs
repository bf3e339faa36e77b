using System.Collections;
using System.Collections.Concurrent;
using Bridge.Random;

namespace Bridge.Data;

/// <summary>
/// torch.utils.data.DataLoader: an <see cref="IEnumerable{TBatch}"/> of batches, each collated from the samples at one
/// batch of indices. The indices of a pass are drawn on the enumerating thread when the pass starts (so the random
/// streams are the ones torch draws: the workers' base seed, then the sampler's); samples are read and collated on a
/// background thread, <c>prefetch</c> batches ahead.
/// </summary>
public class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    readonly IDataset<T> _dataset;
    readonly BatchSampler _batches;
    readonly Func<IReadOnlyList<T>, TBatch> _collate;
    readonly Generator? _generator;
    readonly int _prefetch;

    /// <summary>
    /// torch's <c>DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, drop_last, collate_fn,
    /// generator)</c>; batches are made by <paramref name="collate"/> on a background thread.
    /// </summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="collate">Turns the samples of one batch into a batch (e.g. stacks tensors).</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Draw a new permutation every pass (a <see cref="RandomSampler"/>).</param>
    /// <param name="sampler">The index order; exclusive with shuffle.</param>
    /// <param name="batchSampler">Yields whole batches of indices; exclusive with batchSize, shuffle, sampler and
    /// dropLast.</param>
    /// <param name="dropLast">Drop the last batch when it is short.</param>
    /// <param name="generator">The generator for shuffling and the per-pass seed draw; default the global one.</param>
    /// <param name="prefetch">Batches prepared ahead of the consumer.</param>
    /// <exception cref="ArgumentException">Options that exclude each other, or prefetch &lt; 1.</exception>
    public DataLoader(IDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        Sampler? sampler = null, BatchSampler? batchSampler = null, bool dropLast = false, Generator? generator = null, int prefetch = 2)
    {
        if (sampler is not null && shuffle) throw new ArgumentException("sampler option is mutually exclusive with shuffle");
        if (batchSampler is not null && (batchSize != 1 || shuffle || sampler is not null || dropLast))
            throw new ArgumentException("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
        if (prefetch < 1) throw new ArgumentException($"prefetch should be positive, got {prefetch}");
        sampler ??= shuffle ? new RandomSampler(dataset.Count, generator: generator) : new SequentialSampler(dataset.Count);
        _batches = batchSampler ?? new BatchSampler(sampler, batchSize, dropLast);
        (_dataset, _collate, _generator, _prefetch) = (dataset, collate, generator, prefetch);
    }

    /// <summary>Batches per pass.</summary>
    public int Count => _batches.Count;

    /// <summary>
    /// Starts a pass: draws the pass's indices, then yields the collated batches in order. An exception in a dataset or
    /// in collate is rethrown here.
    /// </summary>
    public IEnumerator<TBatch> GetEnumerator()
    {
        // torch draws the workers' base seed from the loader's generator for every pass, workers or not
        (_generator ?? Generator.Default).NextUInt64();
        var indices = _batches.ToList();
        return Load(indices);
    }

    IEnumerator<TBatch> Load(List<long[]> indices)
    {
        using var queue = new BlockingCollection<(TBatch Batch, Exception? Error)>(_prefetch);
        using var stop = new CancellationTokenSource();
        var worker = Task.Run(() =>
        {
            try
            {
                foreach (var batch in indices)
                {
                    var samples = batch.Select(i => _dataset[checked((int)i)]).ToArray();
                    queue.Add((_collate(samples), null), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e)
            {
                queue.Add((default!, e));
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var (batch, error) in queue.GetConsumingEnumerable())
            {
                if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw(); // the dataset's own exception
                yield return batch;
            }
        }
        finally
        {
            stop.Cancel(); // an abandoned pass stops its loader
            try { worker.Wait(); } catch (AggregateException) { }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A DataLoader over tuples of tensors (a <see cref="TensorDataset"/>): each field stacked along a new first dim (torch's default_collate).</summary>
public sealed class DataLoader(IDataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false, Sampler? sampler = null,
    BatchSampler? batchSampler = null, bool dropLast = false, Generator? generator = null, int prefetch = 2)
    : DataLoader<Tensor[], Tensor[]>(dataset, Collate.Stack, batchSize, shuffle, sampler, batchSampler, dropLast, generator, prefetch);

/// <summary>torch's default_collate for tensor samples.</summary>
public static class Collate
{
    /// <summary>Field k of the batch is torch.stack of field k of every sample.</summary>
    public static Tensor[] Stack(IReadOnlyList<Tensor[]> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("cannot collate an empty batch");
        int fields = samples[0].Length;
        if (samples.Any(s => s.Length != fields)) throw new ArgumentException("each element in list of batch should be of equal size");
        return Enumerable.Range(0, fields).Select(k => Torch.Stack(samples.Select(s => s[k]).ToArray(), 0)).ToArray();
    }
}
