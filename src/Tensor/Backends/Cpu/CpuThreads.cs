namespace Bridge.Backends.Cpu;

/// <summary>
/// How many threads CPU kernels may use (torch.set_num_threads), and the loop that splits a kernel's work across them.
/// Kernels split work only above their own size threshold: handing a chunk to another core costs microseconds (a
/// spinning worker takes it within about 1 µs, a parked one in tens), and the other core's cache then holds its output.
/// </summary>
internal static class CpuThreads
{
    static int _count = DefaultCount(Environment.GetEnvironmentVariable);

    /// <summary>
    /// torch's default (intraop_default_num_threads): MKL_NUM_THREADS, else OMP_NUM_THREADS, when set to a positive
    /// integer (torch reads OMP's, then lets MKL's override it); otherwise one thread per processor. A job launched
    /// with OMP_NUM_THREADS=1 then runs Bridge and torch alike, which is what makes their results comparable where
    /// torch's own sums depend on its thread count (LayerNorm's weight gradient, for one).
    /// </summary>
    internal static int DefaultCount(Func<string, string?> environment)
    {
        foreach (var name in new[] { "MKL_NUM_THREADS", "OMP_NUM_THREADS" })
            if (int.TryParse(environment(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0)
                return n;
        return Math.Max(1, Environment.ProcessorCount);
    }

    public static int Count
    {
        get => _count;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Number of threads must be positive");
            _count = value;
        }
    }

    /// <summary>Called with every split (chunks, body) when set: bench/Bridge.Bench --pool-probe counts splits per kernel.</summary>
    internal static Action<int, Delegate>? Observer;

    /// <summary>
    /// Runs <paramref name="body"/>(0..<paramref name="chunks"/>-1). The calling thread claims chunks too, and any
    /// chunk no worker has claimed by the time it runs out is done by the caller itself, so a worker that is slow to
    /// wake (a busy machine) delays nothing: the worst case is the serial loop. The first exception a chunk throws
    /// is rethrown here once every claimed chunk has finished. A For inside a chunk (nested) cannot deadlock for the
    /// same reason: its caller does whatever no idle worker takes.
    /// </summary>
    public static void For(int chunks, Action<int> body)
    {
        if (chunks <= 1)
        {
            if (chunks == 1) body(0);
            return;
        }
        Observer?.Invoke(chunks, body);
        var job = new CpuJob(chunks, body);
        CpuWorkers.Offer(job, Math.Min(chunks, Count) - 1);
        job.Work();
        CpuWorkers.Withdraw(job);
        job.Wait();
    }
}
