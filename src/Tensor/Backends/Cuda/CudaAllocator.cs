namespace Bridge.Backends.Cuda;

/// <summary>
/// A caching device allocator laid out like PyTorch's (c10/cuda/CUDACachingAllocator.cpp). Requests round up to
/// 512 bytes. Those up to 1 MiB come from a small pool of 2 MiB segments, larger ones from a large pool (20 MiB
/// segments below 10 MiB, the size rounded up to 2 MiB above). A request takes the best-fitting free block of its
/// pool (smallest size, then lowest address) and splits off the rest when it is worth keeping (512 bytes in the
/// small pool, over 1 MiB in the large one); a freed block merges with free neighbours of its segment. Segments
/// go back to the driver only through <see cref="EmptyCache"/>, or when the driver runs out of memory.
/// All work is queued on the default stream, so a freed block is safe to hand out again at once.
/// Release never calls the driver: it is safe from a finalizer thread without a current context.
/// </summary>
internal sealed unsafe class CudaAllocator(CudaDevice device)
{
    public const long MinBlockSize = 512, SmallSize = 1 << 20, SmallBuffer = 2 << 20;
    public const long MinLargeAlloc = 10 << 20, LargeBuffer = 20 << 20, RoundLarge = 2 << 20;

    /// <summary>A piece of a segment; blocks of one segment form a doubly linked list in address order.</summary>
    sealed class Block(ulong address, long size, bool small)
    {
        public readonly ulong Address = address;
        public long Size = size;
        public readonly bool Small = small;
        public bool Allocated;
        public Block? Prev, Next;
        public bool IsWholeSegment => Prev is null && Next is null;
    }

    /// <summary>Free blocks by size, then address: the first at or after (size, 0) is the best fit.</summary>
    sealed class BySizeThenAddress : IComparer<Block>
    {
        public static readonly BySizeThenAddress Instance = new();
        public int Compare(Block? x, Block? y) => x!.Size != y!.Size ? x.Size.CompareTo(y.Size) : x.Address.CompareTo(y.Address);
    }

    readonly SortedSet<Block> _smallFree = new(BySizeThenAddress.Instance), _largeFree = new(BySizeThenAddress.Instance);
    readonly Dictionary<ulong, Block> _active = [];
    readonly Lock _lock = new();

    long _allocated, _reserved, _peakAllocated, _peakReserved;
    long _driverAllocations, _driverFrees, _cacheHits, _requests, _outOfMemoryCollections;

    /// <summary>Bytes in blocks held by tensors (torch.cuda.memory_allocated: rounded block sizes).</summary>
    public long AllocatedBytes { get { lock (_lock) return _allocated; } }

    /// <summary>Bytes in segments obtained from the driver (torch.cuda.memory_reserved).</summary>
    public long ReservedBytes { get { lock (_lock) return _reserved; } }

    /// <summary>Reserved bytes not held by tensors (free blocks kept for reuse).</summary>
    public long CachedBytes { get { lock (_lock) return _reserved - _allocated; } }

    public long PeakAllocatedBytes { get { lock (_lock) return _peakAllocated; } }
    public long PeakReservedBytes { get { lock (_lock) return _peakReserved; } }

    /// <summary>cuMemAlloc calls so far (one per segment); a cache hit makes none.</summary>
    public long DriverAllocations => Interlocked.Read(ref _driverAllocations);

    /// <summary>cuMemFree calls so far (empty_cache, or recovery from out-of-memory).</summary>
    public long DriverFrees => Interlocked.Read(ref _driverFrees);

    /// <summary>Requests served from cached segments without a driver call.</summary>
    public long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Requests made so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Garbage collections forced because the driver was out of memory even after the cache was emptied.</summary>
    public long OutOfMemoryCollections => Interlocked.Read(ref _outOfMemoryCollections);

    /// <summary>Bytes a request of <paramref name="bytes"/> occupies (a multiple of 512, at least 512).</summary>
    public static long RoundSize(long bytes) => Math.Max(MinBlockSize, (bytes + MinBlockSize - 1) / MinBlockSize * MinBlockSize);

    /// <summary>Size of the segment requested from the driver when no cached block fits a block of <paramref name="size"/>.</summary>
    public static long SegmentSize(long size) =>
        size <= SmallSize ? SmallBuffer : size < MinLargeAlloc ? LargeBuffer : (size + RoundLarge - 1) / RoundLarge * RoundLarge;

    /// <summary>Resets the peaks to the current values (torch.cuda.reset_peak_memory_stats).</summary>
    public void ResetPeakStats()
    {
        lock (_lock) (_peakAllocated, _peakReserved) = (_allocated, _reserved);
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes, contents undefined (zero bytes still get a distinct block).</summary>
    public ulong Allocate(long bytes, out long blockSize)
    {
        if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "negative allocation size");
        long size = RoundSize(bytes);
        bool small = size <= SmallSize;
        Interlocked.Increment(ref _requests);
        lock (_lock)
        {
            if (TakeFree(small ? _smallFree : _largeFree, size) is Block cached)
            {
                _cacheHits++;
                blockSize = Hand(cached, size);
                return cached.Address;
            }
        }
        long segment = SegmentSize(size);
        ulong p = DriverAllocate(segment, bytes);
        lock (_lock)
        {
            _reserved += segment;
            _peakReserved = Math.Max(_peakReserved, _reserved);
            var block = new Block(p, segment, small);
            blockSize = Hand(block, size);
            return p;
        }
    }

    /// <summary>Returns a block to its pool, merging it with free neighbours (any thread, including the finalizer).</summary>
    public void Release(ulong pointer)
    {
        lock (_lock)
        {
            if (!_active.Remove(pointer, out var block))
                throw new InvalidOperationException($"CUDA caching allocator: 0x{pointer:x} is not an allocated block (double free?)");
            block.Allocated = false;
            _allocated -= block.Size;
            var pool = block.Small ? _smallFree : _largeFree;
            if (block.Prev is { Allocated: false } prev)
            {
                pool.Remove(prev);
                prev.Size += block.Size;
                prev.Next = block.Next;
                if (block.Next is not null) block.Next.Prev = prev;
                block = prev;
            }
            if (block.Next is { Allocated: false } next)
            {
                pool.Remove(next);
                block.Size += next.Size;
                block.Next = next.Next;
                if (next.Next is not null) next.Next.Prev = block;
            }
            pool.Add(block);
        }
    }

    /// <summary>Gives every wholly free segment back to the driver (torch.cuda.empty_cache).</summary>
    public void EmptyCache()
    {
        List<Block> segments;
        lock (_lock)
        {
            segments = [.. _smallFree.Where(b => b.IsWholeSegment), .. _largeFree.Where(b => b.IsWholeSegment)];
            foreach (var b in segments)
            {
                (b.Small ? _smallFree : _largeFree).Remove(b);
                _reserved -= b.Size;
            }
        }
        if (segments.Count == 0) return;
        device.MakeCurrent();
        foreach (var b in segments)
        {
            device.Driver.Check(device.Driver.cuMemFree_v2(b.Address));
            Interlocked.Increment(ref _driverFrees);
        }
    }

    static Block? TakeFree(SortedSet<Block> pool, long size)
    {
        if (pool.Count == 0 || pool.Max!.Size < size) return null;
        var probe = new Block(0, size, false);
        var fit = pool.GetViewBetween(probe, pool.Max).Min;
        if (fit is not null) pool.Remove(fit);
        return fit;
    }

    /// <summary>Marks <paramref name="block"/> allocated at <paramref name="size"/>, splitting the rest off into its pool when worth it.</summary>
    long Hand(Block block, long size)
    {
        long remaining = block.Size - size;
        if (block.Small ? remaining >= MinBlockSize : remaining > SmallSize)
        {
            var rest = new Block(block.Address + (ulong)size, remaining, block.Small) { Prev = block, Next = block.Next };
            if (block.Next is not null) block.Next.Prev = rest;
            block.Next = rest;
            block.Size = size;
            (block.Small ? _smallFree : _largeFree).Add(rest);
        }
        block.Allocated = true;
        _active.Add(block.Address, block);
        _allocated += block.Size;
        _peakAllocated = Math.Max(_peakAllocated, _allocated);
        return block.Size;
    }

    ulong DriverAllocate(long size, long requested)
    {
        device.MakeCurrent();
        var driver = device.Driver;
        ulong p;
        int rc = driver.cuMemAlloc_v2(&p, (nuint)size);
        if (rc == (int)CudaResult.OutOfMemory)
        {
            // torch's order: give cached segments back and retry. Only then, as a backstop for tensors nobody
            // disposed, let the GC finalize dead ones (counted: a program that disposes never gets here).
            EmptyCache();
            rc = driver.cuMemAlloc_v2(&p, (nuint)size);
            if (rc == (int)CudaResult.OutOfMemory)
            {
                Interlocked.Increment(ref _outOfMemoryCollections);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                EmptyCache();
                device.MakeCurrent();
                rc = driver.cuMemAlloc_v2(&p, (nuint)size);
            }
        }
        if (rc == (int)CudaResult.OutOfMemory)
            throw new CudaException($"CUDA out of memory. Tried to allocate {Mib(requested)} (a {Mib(size)} segment) on {device.Device}; " +
                $"{Mib(AllocatedBytes)} already allocated by tensors, {Mib(ReservedBytes)} reserved in total by Bridge: {driver.Describe(rc)}", rc);
        if (rc != 0) throw new CudaException($"cuMemAlloc_v2({size} bytes) on {device.Device} failed: {driver.Describe(rc)}", rc);
        Interlocked.Increment(ref _driverAllocations);
        return p;
    }

    static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):0.00} MiB";
}
