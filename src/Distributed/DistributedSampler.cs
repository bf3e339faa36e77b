using Bridge.Random;

namespace Bridge.Distributed;

/// <summary>
/// torch's <c>DistributedSampler</c>: each rank's share of a dataset's indices for one epoch, the same shards torch
/// draws. With shuffling, a permutation from a generator seeded with seed + epoch (torch.randperm, bit for bit); the
/// list is padded with its own head to a multiple of the number of replicas (or cut, with dropLast); rank r takes
/// elements r, r + replicas, r + 2·replicas, ...
/// </summary>
public sealed class DistributedSampler
{
    readonly int _length;

    /// <summary>How many ranks share the dataset (torch's <c>num_replicas</c>).</summary>
    public int NumReplicas { get; }
    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="NumReplicas"/>.</summary>
    public int Rank { get; }
    /// <summary>
    /// Whether each epoch draws a fresh permutation (seeded with <see cref="Seed"/> + <see cref="Epoch"/>).
    /// </summary>
    public bool Shuffle { get; }
    /// <summary>The seed every rank must share so that the shards do not overlap.</summary>
    public long Seed { get; }
    /// <summary>
    /// True to cut the tail so that ranks get equal shares without repeats; false to pad with the first indices.
    /// </summary>
    public bool DropLast { get; }
    /// <summary>The epoch set by <see cref="SetEpoch"/>; part of the shuffle's seed.</summary>
    public int Epoch { get; private set; }

    /// <summary>Indices per rank (torch's <c>num_samples</c>).</summary>
    public int NumSamples { get; }

    /// <summary>Indices over all ranks, after padding or cutting (torch's <c>total_size</c>).</summary>
    public int TotalSize => NumSamples * NumReplicas;

    /// <summary>
    /// A sampler over <paramref name="datasetLength"/> indices for rank <paramref name="rank"/> of <paramref
    /// name="numReplicas"/> (torch's <c>DistributedSampler(dataset, num_replicas, rank, shuffle, seed, drop_last)</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative length, fewer than one replica, or a rank outside [0,
    /// numReplicas).</exception>
    public DistributedSampler(int datasetLength, int numReplicas, int rank, bool shuffle = true, long seed = 0, bool dropLast = false)
    {
        if (datasetLength < 0) throw new ArgumentOutOfRangeException(nameof(datasetLength), datasetLength, "dataset length must be non-negative");
        if (numReplicas < 1) throw new ArgumentOutOfRangeException(nameof(numReplicas), numReplicas, "num_replicas must be at least 1");
        if (rank < 0 || rank >= numReplicas) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Invalid rank {rank}, rank should be in the interval [0, {numReplicas - 1}]");
        _length = datasetLength;
        NumReplicas = numReplicas;
        Rank = rank;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        // Cutting drops the tail so that every rank gets the same count; padding repeats the head.
        NumSamples = dropLast && datasetLength % numReplicas != 0
            ? (int)Math.Ceiling((datasetLength - numReplicas) / (double)numReplicas)
            : (int)Math.Ceiling(datasetLength / (double)numReplicas);
    }

    /// <summary>Makes the next <see cref="Indices"/> use a new shuffle (call at the start of each epoch, as in torch).</summary>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <summary>This rank's indices for the current epoch.</summary>
    public long[] Indices()
    {
        long[] order = Shuffle
            ? new Generator().ManualSeed(unchecked((ulong)(Seed + Epoch))).Randperm(_length)
            : [.. Enumerable.Range(0, _length).Select(i => (long)i)];
        var all = new long[TotalSize];
        for (int i = 0; i < all.Length; i++) all[i] = order.Length == 0 ? 0 : order[i % order.Length];
        var mine = new long[NumSamples];
        for (int k = 0; k < mine.Length; k++) mine[k] = all[Rank + k * NumReplicas];
        return mine;
    }
}
