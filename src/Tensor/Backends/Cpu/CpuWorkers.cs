using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// One <see cref="CpuThreads.For"/> call's chunks: whoever calls <see cref="Work"/> (the caller, and any worker that
/// sees the job) claims the next unclaimed chunk until none is left.
/// </summary>
internal sealed class CpuJob(int chunks, Action<int> body)
{
    int _next = -1, _done;
    Exception? _error;

    /// <summary>Runs unclaimed chunks until none is left; a chunk's exception is kept for <see cref="Wait"/>.</summary>
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

    /// <summary>Waits for chunks that workers claimed and are still running, then rethrows the first failure.</summary>
    public void Wait()
    {
        var spinner = new SpinWait();
        while (Volatile.Read(ref _done) < chunks) spinner.SpinOnce(sleep1Threshold: -1);
        if (_error is not null) ExceptionDispatchInfo.Throw(_error);
    }
}

/// <summary>
/// The threads that help <see cref="CpuThreads.For"/>'s caller: <see cref="CpuThreads.Count"/> − 1 background threads,
/// started on first use. Between jobs each spins for <see cref="SpinTicks"/> (a training step's next split op usually
/// comes sooner, and waking a parked thread takes tens of microseconds), then parks on its own semaphore, as OpenMP's
/// and torch's pools do. Unlike the .NET ThreadPool (used before), nothing here injects or retires threads, and a
/// job's chunks reach exactly the threads that are idle.
/// </summary>
internal static class CpuWorkers
{
    /// <summary>How long an idle worker spins before parking: 50 µs.</summary>
    static readonly long SpinTicks = Stopwatch.Frequency / 20_000;

    static readonly Lock Gate = new();
    static Worker[] _workers = [];
    static CpuJob? _current;
    static long _generation;

    /// <summary>Publishes <paramref name="job"/> to idle workers and wakes up to <paramref name="helpers"/> parked ones.</summary>
    public static void Offer(CpuJob job, int helpers)
    {
        var workers = _workers;
        if (workers.Length < helpers) workers = Grow(helpers);
        Volatile.Write(ref _current, job);
        Interlocked.Increment(ref _generation); // full fence: a worker that sees the new generation sees the job
        for (int i = 0; i < helpers; i++) workers[i].Wake();
    }

    /// <summary>Unpublishes <paramref name="job"/> once its caller has run out of chunks, so that its body (and what
    /// that captures) is not kept alive until the next job.</summary>
    public static void Withdraw(CpuJob job) => Interlocked.CompareExchange(ref _current, null, job);

    static Worker[] Grow(int helpers)
    {
        lock (Gate)
        {
            var workers = _workers;
            if (workers.Length >= helpers) return workers;
            var grown = new Worker[helpers];
            workers.CopyTo(grown, 0);
            for (int i = workers.Length; i < helpers; i++) grown[i] = new Worker(i);
            Volatile.Write(ref _workers, grown);
            return grown;
        }
    }

    sealed class Worker
    {
        readonly SemaphoreSlim _wake = new(0);
        int _parked;
        long _seen;

        public Worker(int index)
        {
            _seen = Volatile.Read(ref _generation);
            new Thread(Loop) { IsBackground = true, Name = $"Bridge CPU worker {index + 1}" }.Start();
        }

        /// <summary>Releases the worker if it is parked (a spinning one sees the new generation by itself).</summary>
        public void Wake()
        {
            if (Interlocked.Exchange(ref _parked, 0) == 1) _wake.Release();
        }

        void Loop()
        {
            while (true)
            {
                WaitForGeneration();
                Volatile.Read(ref _current)?.Work();
            }
        }

        void WaitForGeneration()
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                for (int spin = 0; spin < 64; spin++)
                {
                    long generation = Volatile.Read(ref _generation);
                    if (generation != _seen)
                    {
                        _seen = generation;
                        return;
                    }
                    Thread.SpinWait(8);
                }
                if (Stopwatch.GetTimestamp() - start > SpinTicks) break;
            }
            // Park: announce it, then look once more, since a job offered before the announcement woke nobody.
            Interlocked.Exchange(ref _parked, 1);
            long now = Volatile.Read(ref _generation);
            if (now != _seen && Interlocked.CompareExchange(ref _parked, 0, 1) == 1)
            {
                _seen = now;
                return;
            }
            _wake.Wait(); // Wake cleared _parked and released exactly once
            _seen = Volatile.Read(ref _generation);
        }
    }
}
