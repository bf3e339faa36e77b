using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Tests.Cuda;

/// <summary>
/// Device memory: freed into the caching allocator the moment its last user goes, and the allocator itself
/// (CudaAllocator.cs, torch's layout: 512-byte rounding, 2 MiB small segments, best fit with splitting,
/// empty_cache, peak statistics). Needs a CUDA driver (a GPU, or the host emulator via BRIDGE_CUDA_DRIVER).
/// </summary>
[TestClass]
public sealed class CudaMemoryTests
{
    static readonly Device Gpu = Device.Cuda(0);
    const long Mib = 1 << 20;

    [TestInitialize]
    public void RequireCuda()
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
        // Leftovers of other tests would be finalized at random moments and move the counters under us.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    static Tensor Floats(long bytes) => Torch.Zeros([(int)(bytes / 4)], DType.Float32, Gpu);

    [TestMethod]
    public void Dispose_GivesA64MiBTensorBack_AtOnce()
    {
        long before = Bridge.Cuda.MemoryAllocated();
        var t = Floats(64 * Mib);
        Assert.AreEqual(before + 64 * Mib, Bridge.Cuda.MemoryAllocated());
        t.Dispose();
        Assert.AreEqual(before, Bridge.Cuda.MemoryAllocated(), "no GC needed");
        Assert.IsTrue(Bridge.Cuda.MemoryReserved() >= 64 * Mib, "the segment stays cached for the next tensor");
        long driver = Bridge.Cuda.DriverAllocations();
        Floats(64 * Mib).Dispose();
        Assert.AreEqual(driver, Bridge.Cuda.DriverAllocations(), "the cached segment served it");
    }

    [TestMethod]
    public void Requests_RoundTo512Bytes_AndSmallOnesShareA2MiBSegment()
    {
        static long Grows(Func<long> counter, long bytes)
        {
            long before = counter();
            using var t = Floats(bytes);
            return counter() - before;
        }
        Assert.AreEqual(512, Grows(() => Bridge.Cuda.MemoryAllocated(), 4));
        Assert.AreEqual(1024, Grows(() => Bridge.Cuda.MemoryAllocated(), 516));
        Assert.AreEqual(2 * Mib, NewSegment(Mib), "up to 1 MiB: a 2 MiB small-pool segment");
        Assert.AreEqual(20 * Mib, NewSegment(Mib + 512), "under 10 MiB: a 20 MiB segment");
        Assert.AreEqual(12 * Mib, NewSegment(11 * Mib - 512), "larger: rounded up to 2 MiB");

        Bridge.Cuda.EmptyCache();
        long allocated = Bridge.Cuda.MemoryAllocated(), driver = Bridge.Cuda.DriverAllocations();
        var small = Enumerable.Range(0, 100).Select(_ => Floats(1000)).ToList();
        Assert.AreEqual(allocated + 100 * 1024, Bridge.Cuda.MemoryAllocated(), "1000 bytes occupy 1024");
        Assert.IsTrue(Bridge.Cuda.DriverAllocations() - driver <= 1, "100 small tensors split one 2 MiB segment");
        foreach (var t in small) t.Dispose();
        Assert.AreEqual(allocated, Bridge.Cuda.MemoryAllocated());
    }

    /// <summary>
    /// The size of the segment the allocator asks the driver for when requests of <paramref name="bytes"/> no longer fit
    /// in what is cached (other tests may have left partly used segments, so it allocates until the driver is called).
    /// </summary>
    static long NewSegment(long bytes)
    {
        Bridge.Cuda.EmptyCache();   // wholly free segments go; partly used ones may still serve a few requests
        var kept = new List<Tensor>();
        long driver = Bridge.Cuda.DriverAllocations(), reserved = Bridge.Cuda.MemoryReserved();
        while (Bridge.Cuda.DriverAllocations() == driver && kept.Count < 2000) kept.Add(Floats(bytes));
        long grown = Bridge.Cuda.MemoryReserved() - reserved;
        foreach (var t in kept) t.Dispose();
        return grown;
    }

    [TestMethod]
    public void FreedBlocksMerge_SoALargerRequestFitsWhereSmallerOnesWere()
    {
        Bridge.Cuda.EmptyCache();
        var a = Floats(30 * Mib);
        var b = Floats(30 * Mib);
        long reserved = Bridge.Cuda.MemoryReserved();
        a.Dispose();
        b.Dispose();
        Bridge.Cuda.EmptyCache();
        Assert.AreEqual(reserved - 60 * Mib, Bridge.Cuda.MemoryReserved(), "empty_cache gave both whole segments back");

        var big = Floats(40 * Mib);     // one 40 MiB segment
        big.Dispose();
        long driver = Bridge.Cuda.DriverAllocations();
        var x = Floats(12 * Mib);       // best fit: split off the 40 MiB block
        var y = Floats(12 * Mib);
        Assert.AreEqual(driver, Bridge.Cuda.DriverAllocations(), "both carved out of the cached 40 MiB segment");
        x.Dispose();
        y.Dispose();
        var z = Floats(40 * Mib);       // the pieces merged back into one block
        Assert.AreEqual(driver, Bridge.Cuda.DriverAllocations(), "the merged block served 40 MiB");
        z.Dispose();
    }

    [TestMethod]
    public void PeakStatistics_FollowTheHighWaterMark_AndReset()
    {
        var t = Floats(16 * Mib);
        t.Dispose();
        Assert.IsTrue(Bridge.Cuda.MaxMemoryAllocated() >= Bridge.Cuda.MemoryAllocated() + 16 * Mib);
        Bridge.Cuda.ResetPeakMemoryStats();
        Assert.AreEqual(Bridge.Cuda.MemoryAllocated(), Bridge.Cuda.MaxMemoryAllocated());
        Assert.AreEqual(Bridge.Cuda.MemoryReserved(), Bridge.Cuda.MaxMemoryReserved());
    }

    [TestMethod]
    public void ReusedMemory_IsZeroedOnlyWhereTheOpNeedsZeros()
    {
        var junk = Torch.Full([1000], 7.0, DType.Float32, device: Gpu);
        ulong address = (ulong)(long)junk.Storage.Pointer;
        junk.Dispose();
        var zeros = Torch.Zeros([1000], DType.Float32, Gpu);
        Assert.AreEqual(address, (ulong)(long)zeros.Storage.Pointer, "the freed block came back (best fit, lowest address)");
        Assert.AreEqual(0.0, zeros.Abs().Sum().Item(), "zeros() still zero-fills a reused block");
    }

    [TestMethod]
    public void DeviceAndStream_Controls()
    {
        Assert.AreEqual(0, Bridge.Cuda.CurrentDevice());
        Bridge.Cuda.SetDevice(0);
        Assert.AreEqual(Gpu, Device.Parse("cuda"));
        Assert.Throws<CudaException>(() => Bridge.Cuda.SetDevice(Bridge.Cuda.DeviceCount));
        Assert.IsFalse(string.IsNullOrEmpty(Bridge.Cuda.DeviceName()));
        Bridge.Cuda.Synchronize();
    }

    /// <summary>
    /// A training loop that disposes each step's temporaries keeps device memory at what is live: parameters, their
    /// grads and optimizer state. Steps from BRIDGE_CUDA_TRAINING_STEPS (default 500; the report states longer runs).
    /// </summary>
    [TestMethod]
    public void ATrainingLoopWithScopes_KeepsDeviceMemoryAtWhatIsLive()
    {
        int steps = int.TryParse(Environment.GetEnvironmentVariable("BRIDGE_CUDA_TRAINING_STEPS"), out int n) ? n : 500;
        var model = new Linear(64, 64).Cuda();
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var x = Torch.Randn([32, 64], DType.Float32, device: Gpu);
        var target = Torch.Zeros([32, 64], DType.Float32, Gpu);
        var before = Bridge.Cuda.MemoryStats();
        long liveAfterFirstStep = 0;
        for (int step = 0; step < steps; step++)
        {
            using (Torch.NewDisposeScope())
            {
                opt.ZeroGrad();
                var loss = Functional.MseLoss(model.Forward(x).Tanh(), target);
                loss.Backward();
                opt.Step();
            }
            if (step > 0) continue;
            liveAfterFirstStep = Bridge.Cuda.MemoryAllocated();
            Bridge.Cuda.ResetPeakMemoryStats();
        }
        var after = Bridge.Cuda.MemoryStats();
        // Live after step 0: grads (64·64 + 64 floats) and Adam's two moments of each, all rounded to 512 B.
        long expectedGrowth = 3 * (64 * 64 * 4 + 512);
        Assert.AreEqual(before.Allocated + expectedGrowth, liveAfterFirstStep, "after one step: grads and optimizer state");
        Assert.AreEqual(liveAfterFirstStep, after.Allocated, $"after {steps} steps nothing more is held");
        Assert.IsTrue(after.PeakAllocated - liveAfterFirstStep < 4 * Mib, $"a step's temporaries peak at {after.PeakAllocated - liveAfterFirstStep} bytes");
        Assert.AreEqual(before.OutOfMemoryCollections, after.OutOfMemoryCollections, "no collection forced by out-of-memory");
        Assert.IsTrue(after.DriverAllocations - before.DriverAllocations <= 4, $"{after.DriverAllocations - before.DriverAllocations} cuMemAlloc calls");
        Console.WriteLine($"{steps} steps: allocated {after.Allocated} B, peak {after.PeakAllocated} B, reserved {after.Reserved} B, " +
            $"requests {after.Requests - before.Requests}, cache hits {after.CacheHits - before.CacheHits}, driver allocations {after.DriverAllocations - before.DriverAllocations}, " +
            $"out-of-memory collections {after.OutOfMemoryCollections - before.OutOfMemoryCollections}");
    }
}
