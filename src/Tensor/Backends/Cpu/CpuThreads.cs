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

    /// <summary>
    /// Runs <paramref name="body"/>(0..<paramref name="chunks"/>-1). The calling thread claims chunks too, and any
    /// chunk no pool thread has claimed by the time it runs out is done by the caller itself, so a pool thread
    /// that is slow to wake (a busy machine) delays nothing: the worst case is the serial loop.
    /// </summary>
    public static void For(int chunks, Action<int> body)
    {
        if (chunks <= 1)
        {
            if (chunks == 1) body(0);
            return;
        }
        var job = new Job(chunks, body);
        for (int i = 1; i < chunks; i++) ThreadPool.UnsafeQueueUserWorkItem(static j => j.Work(), job, preferLocal: false);
        job.Work();
        job.Wait();
    }

    sealed class Job(int chunks, Action<int> body)
    {
        int _next = -1, _done;
        Exception? _error;

        public void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < chunks)
            {
                try { body(i); }
                catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
                Interlocked.Increment(ref _done);
            }
        }

        /// <summary>Waits for chunks that pool threads claimed and are still running, then rethrows the first failure.</summary>
        public void Wait()
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _done) < chunks) spinner.SpinOnce(sleep1Threshold: -1);
            if (_error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }
    }
}
