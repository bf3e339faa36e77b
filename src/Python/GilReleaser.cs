using System.Collections.Concurrent;
using Python.Runtime;

namespace Bridge.Python;

/// <summary>
/// Runs the release of Python references (buffer views, DLPack deleters) under the GIL, whichever thread drops them.
/// A storage dies on the .NET finalizer thread, which must never wait for the GIL: a thread holding the GIL may be
/// waiting for finalizers (GC.WaitForPendingFinalizers), and both would hang. So a release on a thread that holds
/// the GIL runs at once; any other is queued for a background thread that takes the GIL when Python lets it.
/// </summary>
static unsafe class GilReleaser
{
    static readonly ConcurrentQueue<Action> Pending = new();
    static readonly SemaphoreSlim Signal = new(0);
    static delegate* unmanaged<int> _holdsGil;
    static Thread? _thread;

    /// <summary>Releases queued and not yet run.</summary>
    public static int PendingCount => Pending.Count;

    /// <param name="gilCheck">Address of <c>PyGILState_Check</c>.</param>
    public static void Start(nint gilCheck)
    {
        _holdsGil = (delegate* unmanaged<int>)gilCheck;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Bridge.Python releaser" };
        _thread.Start();
    }

    public static void Release(Action release)
    {
        if (!PythonEngine.IsInitialized) return; // the interpreter, and every object it held, is already gone
        if (_holdsGil is not null && _holdsGil() == 1)
        {
            Run(release);
            return;
        }
        Pending.Enqueue(release);
        Signal.Release();
    }

    /// <summary>Runs every queued release; the caller holds the GIL.</summary>
    public static void Drain()
    {
        while (Pending.TryDequeue(out var release)) Run(release);
    }

    static void Loop()
    {
        while (true)
        {
            Signal.Wait();
            if (!PythonEngine.IsInitialized) continue;
            using (Py.GIL()) Drain();
        }
    }

    // A release that throws has nobody to report to (it may run from a finalizer); losing one reference beats a crash.
    static void Run(Action release)
    {
        try { release(); } catch { }
    }
}
