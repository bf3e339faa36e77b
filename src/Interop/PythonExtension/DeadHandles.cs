namespace Bridge.Interop.PythonExtension;

/// <summary>
/// Handles of small tensors that Python dropped, freed 256 at a time, as bridge._core's list of dead handles
/// does for the ctypes path (same batch, same moment of release), but without a Python list or a ctypes call:
/// Tensor.__del__ appends here, and bridge._core.flush empties this batch before its own. Handles of large
/// tensors and of graph ends (bit 62) never wait here. Only touched with the GIL held.
/// </summary>
static class DeadHandles
{
    const int Batch = 256;

    static readonly long[] Pending = new long[Batch];
    static int _count;

    /// <summary>Queues <paramref name="handle"/>; a full batch is freed at once (then queued foreign releases run).</summary>
    public static void Add(long handle)
    {
        Pending[_count++] = handle;
        if (_count == Batch) Flush();
    }

    /// <summary>Frees every queued handle; invalid ones (freed twice elsewhere) are skipped. Never throws.</summary>
    public static void Flush()
    {
        int n = _count;
        _count = 0;
        for (int i = 0; i < n; i++) Engine.ReleaseQuietly(Pending[i]);
    }
}
