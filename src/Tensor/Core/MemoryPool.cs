using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge;

/// <summary>
/// Where storages get their memory, by size:
/// <list type="bullet">
/// <item>up to <see cref="SlabLimit"/>: a 64-byte slice of a per-thread pinned slab (a pointer bump; the GC
/// reclaims the slab once no storage on it is alive, with no finalizer anywhere);</item>
/// <item>up to <see cref="ArrayLimit"/>: a pinned array of its own;</item>
/// <item>above: native memory, returned on free to a size-keyed cache so the next result of that size reuses
/// mapped pages instead of page-faulting a fresh mapping in (about 16,000 faults per 64 MiB).</item>
/// </list>
/// </summary>
internal static unsafe class MemoryPool
{
    public const long SlabLimit = 1024;
    public const long ArrayLimit = 256 * 1024;
    const int SlabSize = 32 * 1024;
    const int Alignment = 64;

    /// <summary>Native sizes are rounded up to this, so near sizes share a bucket.</summary>
    const long Granule = 64 * 1024;

    /// <summary>Most bytes kept cached for reuse; beyond it freed blocks go back to the OS.</summary>
    static readonly long MaxCached = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Native bytes handed out and not yet freed, above which a cache miss first asks the GC to finalize garbage.</summary>
    const long CollectAbove = 256L << 20;

    [ThreadStatic] static byte[]? _slab;
    [ThreadStatic] static int _slabOffset;

    static readonly Lock _lock = new();
    static readonly Dictionary<long, Stack<nint>> _free = [];
    static long _cached, _live;

    static byte* Aligned(byte[] array) =>
        (byte*)(((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + Alignment - 1) & ~(nint)(Alignment - 1));

    /// <summary>A zeroed 64-byte aligned slice of this thread's slab; slices are never reused, so they stay zero.</summary>
    public static void* SlabSlice(long bytes, out byte[] slab)
    {
        int size = (int)Math.Max(Alignment, (bytes + Alignment - 1) & ~(long)(Alignment - 1));
        var current = _slab;
        if (current is null || _slabOffset + size > SlabSize)
        {
            _slab = current = GC.AllocateArray<byte>(SlabSize + Alignment, pinned: true);
            _slabOffset = 0;
        }
        slab = current;
        byte* p = Aligned(current) + _slabOffset;
        _slabOffset += size;
        return p;
    }

    /// <summary>A pinned array of its own, zeroed on request.</summary>
    public static void* PinnedArray(long bytes, bool zero, out byte[] array)
    {
        int length = (int)bytes + Alignment;
        array = zero ? GC.AllocateArray<byte>(length, pinned: true) : GC.AllocateUninitializedArray<byte>(length, pinned: true);
        return Aligned(array);
    }

    public static void* RentNative(long bytes, bool zero)
    {
        long size = (bytes + Granule - 1) / Granule * Granule;
        nint p = TryTake(size);
        if (p == 0 && Interlocked.Read(ref _live) > CollectAbove)
        {
            // Results that died since the last collection are still waiting for their finalizers: run them
            // so their blocks come back, rather than mapping (and faulting in) fresh memory.
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            p = TryTake(size);
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
        long size = (bytes + Granule - 1) / Granule * Granule;
        Interlocked.Add(ref _live, -size);
        lock (_lock)
        {
            if (_cached + size <= MaxCached)
            {
                if (!_free.TryGetValue(size, out var stack)) _free[size] = stack = new Stack<nint>();
                stack.Push((nint)pointer);
                _cached += size;
                return;
            }
        }
        NativeMemory.AlignedFree(pointer);
        GC.RemoveMemoryPressure(size);
    }
}
