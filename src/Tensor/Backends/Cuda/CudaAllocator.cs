namespace Bridge.Backends.Cuda;

/// <summary>
/// A caching device allocator, in the spirit of PyTorch's: freed blocks go to a free list keyed by their
/// rounded size and are handed out again without a driver call (cuMemAlloc/cuMemFree synchronise the
/// device and cost tens of microseconds). Release never calls the driver, so it is safe from a finalizer
/// thread that has no current context. When the driver runs out of memory the cache is emptied and the
/// GC is asked to finalize dead tensors before one retry, since device memory is invisible to the GC.
/// </summary>
internal sealed unsafe class CudaAllocator(CudaDevice device)
{
    const long SmallRound = 512, LargeRound = 2 << 20, LargeSize = 1 << 20;
    readonly Dictionary<long, Stack<ulong>> _free = [];
    readonly Lock _lock = new();

    /// <summary>Bytes held by live blocks and by the cache.</summary>
    public long AllocatedBytes { get; private set; }
    public long CachedBytes { get; private set; }

    /// <summary>Number of cuMemAlloc calls so far (tests check that the cache serves repeats).</summary>
    public int DriverAllocations { get; private set; }

    public static long RoundSize(long bytes) => bytes <= LargeSize
        ? Math.Max(SmallRound, (bytes + SmallRound - 1) / SmallRound * SmallRound)
        : (bytes + LargeRound - 1) / LargeRound * LargeRound;

    /// <summary>A block of at least <paramref name="bytes"/> bytes (zero bytes still get a real, distinct block).</summary>
    public ulong Allocate(long bytes, out long blockSize)
    {
        blockSize = RoundSize(bytes);
        lock (_lock)
        {
            if (_free.TryGetValue(blockSize, out var stack) && stack.Count > 0)
            {
                CachedBytes -= blockSize;
                AllocatedBytes += blockSize;
                return stack.Pop();
            }
        }
        ulong p = DriverAllocate(blockSize);
        lock (_lock) AllocatedBytes += blockSize;
        return p;
    }

    /// <summary>Returns a block to the cache (any thread, including the finalizer).</summary>
    public void Release(ulong pointer, long blockSize)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(blockSize, out var stack)) _free[blockSize] = stack = new Stack<ulong>();
            stack.Push(pointer);
            AllocatedBytes -= blockSize;
            CachedBytes += blockSize;
        }
    }

    /// <summary>Frees every cached block (torch.cuda.empty_cache).</summary>
    public void EmptyCache()
    {
        List<ulong> blocks;
        lock (_lock)
        {
            blocks = _free.Values.SelectMany(s => s).ToList();
            _free.Clear();
            CachedBytes = 0;
        }
        device.MakeCurrent();
        foreach (ulong p in blocks) device.Driver.Check(device.Driver.cuMemFree_v2(p));
    }

    ulong DriverAllocate(long size)
    {
        device.MakeCurrent();
        var driver = device.Driver;
        ulong p;
        int rc = driver.cuMemAlloc_v2(&p, (nuint)size);
        if (rc == (int)CudaResult.OutOfMemory)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            EmptyCache();
            rc = driver.cuMemAlloc_v2(&p, (nuint)size);
        }
        if (rc != 0) throw new CudaException($"cuMemAlloc_v2({size} bytes) on {device.Device} failed: {driver.Describe(rc)}", rc);
        DriverAllocations++;
        return p;
    }
}
