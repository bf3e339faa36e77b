namespace Bridge.Interop;

/// <summary>
/// The objects a C caller holds, addressed by 64-bit handles (slot index in the low 32 bits, the slot's
/// generation in the next 30). A freed, stale or made-up handle fails the generation check and is reported
/// as an error instead of reaching a wrong object; 0 is never a valid handle. Bit 62 marks tensors holding
/// a large storage or a graph, which a caller that batches its frees should free at once (bridge.h).
/// </summary>
static class HandleTable
{
    /// <summary>Set in handles of tensors over at least <see cref="LargeBytes"/> bytes.</summary>
    public const long LargeBit = 1L << 62;

    /// <summary>From this storage size on, holding on to a dead tensor for a batch would hold real memory.</summary>
    public const long LargeBytes = 64 * 1024;

    const uint GenerationMask = (1u << 30) - 1;

    /// <summary>
    /// A handle for <paramref name="t"/>, marked large when its storage is, or when it ends an autograd graph,
    /// which keeps every tensor the graph saved alive.
    /// A handle holds a reference on its tensor (Tensor.Lifetime.cs): freeing the last handle of a tensor nothing
    /// else holds frees its memory at once. Device tensors are always marked large: their memory is the scarce kind.
    /// </summary>
    public static long Add(Tensor t)
    {
        t.AttachHandle();
        return Add((object)t) | (t.Storage.ByteLength >= LargeBytes || t.GradFn is not null || t.Device.IsCuda ? LargeBit : 0);
    }

    // A spin gate rather than System.Threading.Lock: every section below is a few loads and stores that never
    // block, and Lock's owner tracking reads the thread id from thread-local storage, which inside a shared
    // library (libbridge.so) costs a __tls_get_addr call each time: with four sections per op from Python,
    // Lock was 8% of a 1-element add (the gate is 5.5%: what is left is the compare-exchange itself).
    static int _gate;

    static void Enter()
    {
        if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0) EnterContended();
    }

    static void EnterContended()
    {
        var spin = new SpinWait();
        do spin.SpinOnce(); // yields, then sleeps, when the holder was descheduled
        while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0);
    }

    static void Exit() => Volatile.Write(ref _gate, 0);
    static object?[] _objects = new object?[1024];
    static uint[] _generations = new uint[1024];
    static int[] _free = new int[1024];
    static int _freeCount;
    static int _used = 1; // slot 0 stays empty so that handle 0 means "none"
    static int _live;

    /// <summary>Number of handles currently held by callers (tests watch it for leaks).</summary>
    public static int Live => _live;

    public static long Add(object value)
    {
        Enter();
        try
        {
            int slot;
            if (_freeCount > 0) slot = _free[--_freeCount];
            else
            {
                if (_used == _objects.Length) GrowTo(_used * 2);
                slot = _used++;
            }
            _objects[slot] = value;
            _live++;
            return (long)(_generations[slot] & GenerationMask) << 32 | (uint)slot;
        }
        finally { Exit(); }
    }

    public static T Get<T>(long handle) where T : class
    {
        object? value;
        Enter();
        value = Find(handle); // cannot throw
        Exit();
        return value as T ?? throw new InvalidHandleException(
            value is null ? $"invalid handle {handle}: freed, or never issued by this library"
                          : $"handle {handle} refers to a {KindOf(value)}, not a {KindOf(typeof(T))}");
    }

    public static void Release(long handle)
    {
        object? value;
        Enter();
        try
        {
            value = Find(handle);
            if (value is null) throw new InvalidHandleException($"invalid handle {handle}: already freed, or never issued by this library");
            int slot = (int)(uint)handle;
            _objects[slot] = null;
            _generations[slot]++; // every copy of the old handle is now stale
            if (_freeCount == _free.Length) Array.Resize(ref _free, _free.Length * 2);
            _free[_freeCount++] = slot;
            _live--;
        }
        finally { Exit(); }
        // Outside the lock: the last reference frees memory, which takes the allocator's lock.
        (value as Tensor)?.Unref();
    }

    static object? Find(long handle)
    {
        if (handle < 0) return null;
        int slot = (int)(uint)handle;
        uint generation = (uint)((handle & ~LargeBit) >> 32);
        if (slot <= 0 || slot >= _used || (_generations[slot] & GenerationMask) != generation) return null;
        return _objects[slot];
    }

    static void GrowTo(int size)
    {
        Array.Resize(ref _objects, size);
        Array.Resize(ref _generations, size);
    }

    static string KindOf(object value) => value is Type t ? t.Name.ToLowerInvariant() : value.GetType().Name.ToLowerInvariant();
}

/// <summary>A handle that this library did not issue or that was already freed.</summary>
sealed class InvalidHandleException(string message) : Exception(message);
