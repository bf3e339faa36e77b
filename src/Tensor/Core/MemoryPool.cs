using System.Runtime.InteropServices;

namespace Bridge;

/// <summary>
/// Where storages get their memory, by size:
/// <list type="bullet">
/// <item>up to <see cref="SlabLimit"/>: a 64-byte slice of a per-thread 32 KiB native slab (a pointer bump).
/// Storages hold their slab, whose finalizer frees it once none is alive: one finalizable object per few
/// hundred small tensors instead of one each;</item>
/// <item>up to <see cref="PoolFrom"/>: native memory of its own;</item>
/// <item>above: native memory returned on free to a size-keyed cache, so the next result of that size reuses
/// mapped pages instead of page-faulting a fresh mapping in (about 16,000 faults per 64 MiB).</item>
/// </list>
/// Only native memory is used: pinned managed arrays would live on the pinned object heap, which only
/// full (gen 2) collections reclaim, and allocating them there made the GC run gen 2 every few thousand ops.
/// </summary>
internal static unsafe class MemoryPool
{
    public const long SlabLimit = 1024;
    const long PoolFrom = 64 * 1024;
    const int SlabSize = 32 * 1024;
    const int Alignment = 64;

    /// <summary>Pooled sizes are rounded up to this, so near sizes share a bucket.</summary>
    const long Granule = 64 * 1024;

    /// <summary>Most bytes kept cached for reuse; beyond it freed blocks go back to the OS.</summary>
    static readonly long MaxCached = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>
    /// Pooled bytes handed out and not yet freed, above which a cache miss first asks the GC to finalize garbage. A
    /// training step's dead results wait for finalizers, so this bounds the garbage on top of what is live: at 256 MiB
    /// the tiny GPT step peaked at 201 MiB above its baseline (PyTorch: 54) and ran slower, touching fresh memory; at
    /// 48 MiB it peaks at 117 MiB and ran faster (bench/RESULTS.md, "Model steps after the JIT has tiered up").
    /// </summary>
    const long CollectAbove = 48L << 20;

    /// <summary>A zeroed native slab carved into small storages; freed by its finalizer when no storage holds it.</summary>
    internal sealed class Slab
    {
        public readonly byte* Pointer;
        public int Used;

        public Slab()
        {
            Pointer = (byte*)NativeMemory.AlignedAlloc(SlabSize, Alignment);
            NativeMemory.Clear(Pointer, SlabSize);
            GC.AddMemoryPressure(SlabSize);
        }

        ~Slab()
        {
            NativeMemory.AlignedFree(Pointer);
            GC.RemoveMemoryPressure(SlabSize);
        }
    }

    [ThreadStatic] static Slab? _slab;

    static readonly Lock _lock = new();
    static readonly Dictionary<long, Stack<nint>> _free = [];
    static long _cached, _live, _fruitlessAt;

    /// <summary>A zeroed 64-byte aligned slice of this thread's slab; slices are never reused, so they stay zero.</summary>
    public static void* SlabSlice(long bytes, out Slab slab)
    {
        int size = (int)Math.Max(Alignment, (bytes + Alignment - 1) & ~(long)(Alignment - 1));
        var current = _slab;
        if (current is null || current.Used + size > SlabSize) _slab = current = new Slab();
        slab = current;
        byte* p = current.Pointer + current.Used;
        current.Used += size;
        return p;
    }

    public static void* RentNative(long bytes, bool zero)
    {
        if (bytes < PoolFrom)
        {
            void* own = NativeMemory.AlignedAlloc((nuint)bytes, Alignment);
            GC.AddMemoryPressure(bytes);
            if (zero) NativeMemory.Clear(own, (nuint)bytes);
            return own;
        }
        long size = (bytes + Granule - 1) / Granule * Granule;
        nint p = TryTake(size);
        long live = Interlocked.Read(ref _live);
        if (p == 0 && live > CollectAbove && live > Volatile.Read(ref _fruitlessAt) + CollectAbove)
        {
            // Results that died since the last collection are still waiting for their finalizers: run them
            // so their blocks come back, rather than mapping (and faulting in) fresh memory. A young
            // collection usually finds them; dead tensors that were promoted need a full one, which with
            // a small managed heap costs far less than faulting in a large block (~10 ms per 64 MiB).
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            p = TryTake(size);
            if (p == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                p = TryTake(size);
            }
            // When even that found nothing, the memory is really in use: stop collecting until it grows further.
            Volatile.Write(ref _fruitlessAt, p == 0 ? Interlocked.Read(ref _live) : 0);
        }
        if (p == 0)
        {
            p = (nint)NativeMemory.AlignedAlloc((nuint)size, Alignment);
            GC.AddMemoryPressure(size);
        }
        Interlocked.Add(ref _live, size);
        if (zero) NativeMemory.Clear((void*)p, (nuint)bytes);
        return (void*)p;
    }

    static nint TryTake(long size)
    {
        lock (_lock)
        {
            if (!_free.TryGetValue(size, out var stack) || !stack.TryPop(out nint p)) return 0;
            _cached -= size;
            return p;
        }
    }

    /// <summary>Called once per block (finalizer or Dispose): caches it for reuse, or frees it when the cache is full.</summary>
    public static void ReturnNative(void* pointer, long bytes)
    {
        if (bytes < PoolFrom)
        {
            NativeMemory.AlignedFree(pointer);
            GC.RemoveMemoryPressure(bytes);
            return;
        }
        long size = (bytes + Granule - 1) / Granule * Granule;
        Interlocked.Add(ref _live, -size);
        List<(nint, long)>? evicted = null;
        lock (_lock)
        {
            // A full cache makes room by dropping blocks of other sizes (a workload that moved on from them),
            // so the sizes in use now stay cached.
            foreach (var (other, stack) in _free)
            {
                while (_cached + size > MaxCached && other != size && stack.TryPop(out nint old))
                {
                    (evicted ??= []).Add((old, other));
                    _cached -= other;
                }
            }
            if (_cached + size <= MaxCached)
            {
                if (!_free.TryGetValue(size, out var stack)) _free[size] = stack = new Stack<nint>();
                stack.Push((nint)pointer);
                _cached += size;
                pointer = null;
            }
        }
        foreach (var (old, oldSize) in evicted ?? [])
        {
            NativeMemory.AlignedFree((void*)old);
            GC.RemoveMemoryPressure(oldSize);
        }
        if (pointer == null) return;
        NativeMemory.AlignedFree(pointer);
        GC.RemoveMemoryPressure(size);
    }
}
