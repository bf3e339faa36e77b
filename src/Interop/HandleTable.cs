namespace Bridge.Interop;

/// <summary>
/// The objects a C caller holds, addressed by 64-bit handles (slot index in the low 32 bits, the slot's
/// generation in the high 32). A freed, stale or made-up handle fails the generation check and is reported
/// as an error instead of reaching a wrong object; 0 is never a valid handle.
/// </summary>
static class HandleTable
{
    static readonly Lock Gate = new();
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
        lock (Gate)
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
            return (long)_generations[slot] << 32 | (uint)slot;
        }
    }

    public static T Get<T>(long handle) where T : class
    {
        object? value;
        lock (Gate) value = Find(handle);
        return value as T ?? throw new InvalidHandleException(
            value is null ? $"invalid handle {handle}: freed, or never issued by this library"
                          : $"handle {handle} refers to a {KindOf(value)}, not a {KindOf(typeof(T))}");
    }

    public static void Release(long handle)
    {
        lock (Gate)
        {
            if (Find(handle) is null) throw new InvalidHandleException($"invalid handle {handle}: already freed, or never issued by this library");
            int slot = (int)(uint)handle;
            _objects[slot] = null;
            _generations[slot]++; // every copy of the old handle is now stale
            if (_freeCount == _free.Length) Array.Resize(ref _free, _free.Length * 2);
            _free[_freeCount++] = slot;
            _live--;
        }
    }

    static object? Find(long handle)
    {
        int slot = (int)(uint)handle;
        uint generation = (uint)(handle >> 32);
        if (slot <= 0 || slot >= _used || _generations[slot] != generation) return null;
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
