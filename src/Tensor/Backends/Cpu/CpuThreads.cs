namespace Bridge.Backends.Cpu;

/// <summary>
/// How many threads CPU kernels may use (torch.set_num_threads). Kernels split work only above their own
/// size threshold, since handing a chunk to the thread pool costs a few microseconds.
/// </summary>
internal static class CpuThreads
{
    static int _count = Math.Max(1, Environment.ProcessorCount);

    public static int Count
    {
        get => _count;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Number of threads must be positive");
            _count = value;
        }
    }

    /// <summary>Runs <paramref name="body"/>(0..<paramref name="chunks"/>-1), in parallel when there is more than one chunk.</summary>
    public static void For(int chunks, Action<int> body)
    {
        if (chunks <= 1)
        {
            body(0);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, body);
    }
}
