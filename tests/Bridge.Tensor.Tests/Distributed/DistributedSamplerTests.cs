using Bridge.Distributed;

namespace Bridge.Tests.Distributed;

/// <summary>
/// DistributedSampler against torch 1.13's shards (torch.utils.data.distributed.DistributedSampler, values printed by
/// PyTorch; tests/python/test_distributed_single_process.py compares many more settings live).
/// </summary>
[TestClass]
public sealed class DistributedSamplerTests
{
    [TestMethod]
    public void Shuffled_TenItems_ThreeReplicas_Epoch2_MatchesTorch()
    {
        // torch: DistributedSampler(range(10), num_replicas=3, rank=r, seed=5); set_epoch(2)
        long[][] expected = [[5, 4, 9, 2], [0, 1, 6, 5], [3, 7, 8, 0]]; // padded with the permutation's head (5, 0)
        for (int rank = 0; rank < 3; rank++)
        {
            var sampler = new DistributedSampler(10, 3, rank, seed: 5);
            sampler.SetEpoch(2);
            CollectionAssert.AreEqual(expected[rank], sampler.Indices());
            Assert.AreEqual(4, sampler.NumSamples);
        }
    }

    [TestMethod]
    public void Ordered_DropLast_MatchesTorch()
    {
        // torch: DistributedSampler(range(10), num_replicas=4, rank=1, shuffle=False, drop_last=True) -> [1, 5]
        var sampler = new DistributedSampler(10, 4, 1, shuffle: false, dropLast: true);
        CollectionAssert.AreEqual(new long[] { 1, 5 }, sampler.Indices());
        Assert.AreEqual(8, sampler.TotalSize);
    }

    [TestMethod]
    public void BadRank_Throws() =>
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DistributedSampler(4, 2, 2)).Message,
            "Invalid rank 2, rank should be in the interval [0, 1]");
}
