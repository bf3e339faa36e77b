using Python.Runtime;

namespace Bridge.Python.Tests;

/// <summary>Calls from worker threads take the GIL themselves; no thread holding the GIL can deadlock a release.</summary>
[TestClass]
public class ThreadTests
{
    [TestInitialize]
    public void Require() => PythonFixture.RequirePython();

    static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [TestMethod]
    public void WorkerThreads_ConvertConcurrently_NoDeadlockAndRightValues()
    {
        var sum = PythonFixture.Eval("lambda a: float(a.sum())");
        var workers = Enumerable.Range(1, 4).Select(k => Task.Run(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                // PyBridge takes the GIL itself; the worker takes it only to call Python and to dispose.
                var a = PyBridge.ToNumPy(Torch.Full([64], k, DType.Float64));
                var back = PyBridge.FromNumPy(a);
                double s;
                using (Py.GIL())
                {
                    using (var r = sum.Invoke(a)) s = r.As<double>();
                    a.Dispose();
                }
                if (s != 64.0 * k || back.Sum().Item<double>() != 64.0 * k) throw new InvalidOperationException($"worker {k}: sum {s}");
            }
        })).ToArray();
        Assert.IsTrue(Task.WaitAll(workers, Limit), "worker threads deadlocked on the GIL");
        using (Py.GIL()) sum.Dispose();
    }

    [TestMethod]
    public void CallerHoldsGil_WaitsForFinalizers_ReleasesDoNotDeadlock()
    {
        // The finalizer thread must never wait for the GIL that this thread holds while it waits for finalizers.
        var run = Task.Run(() =>
        {
            using (Py.GIL())
            {
                using var make = PythonFixture.Eval("lambda: np.ones(1000)");
                for (int i = 0; i < 200; i++)
                    using (var a = make.Invoke()) PyBridge.FromNumPy(a);
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        Assert.IsTrue(run.Wait(Limit), "waiting for finalizers while holding the GIL deadlocked");
        PyBridge.FlushReleases();
        Assert.AreEqual(0, PyBridge.PendingReleases);
    }

    [TestMethod]
    public void ReleasesQueuedFromFinalizer_DrainedByBackgroundThread()
    {
        using (Py.GIL())
        using (var make = PythonFixture.Eval("lambda: np.ones(10)"))
            for (int i = 0; i < 100; i++)
                using (var a = make.Invoke()) PyBridge.FromNumPy(a);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var deadline = DateTime.UtcNow + Limit;
        while (PyBridge.PendingReleases > 0 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.AreEqual(0, PyBridge.PendingReleases, "the background releaser did not drain the queue");
    }
}
