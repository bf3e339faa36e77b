using System.Runtime.CompilerServices;
using Python.Runtime;

namespace Bridge.Python.Tests;

/// <summary>
/// Either side may drop its object first and the other keeps reading valid memory; nothing leaks: the last owner
/// frees, and 10^5 conversions leave the process's memory flat.
/// </summary>
[TestClass]
public class LifetimeTests : PythonTest
{
    static void CollectEverything()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        PyBridge.FlushReleases();
        PythonFixture.Run<bool>("import gc; gc.collect(); result = True");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static (PyObject Array, WeakReference Storage) ArrayOfDroppedTensor()
    {
        var t = Torch.Arange(0, 100_000);
        return (PyBridge.ToNumPy(t), new WeakReference(t.Storage));
    }

    [TestMethod]
    public void ToNumPy_TensorDroppedFirst_ArrayKeepsMemoryUntilItDies()
    {
        var (a, storage) = ArrayOfDroppedTensor();
        CollectEverything();
        Assert.IsTrue(storage.IsAlive, "the array must keep the tensor's storage alive");
        for (int i = 0; i < 20; i++) Torch.Full([100_000], -1, DType.Int64); // would reuse freed memory
        Assert.AreEqual(4999950000L, PythonFixture.Run<long>("result = int(a.sum())", ("a", a)));
        a.Dispose();
        CollectEverything();
        Assert.IsFalse(storage.IsAlive, "the storage must be freed once the array dies");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static (Tensor Tensor, PyObject Finalized) TensorOfDroppedArray()
    {
        using var a = PythonFixture.Eval("np.arange(100_000, dtype=np.int64)");
        var t = PyBridge.FromNumPy(a);
        // A flag that Python sets when the array is really freed.
        var finalized = PythonFixture.Run<PyObject>("import weakref; flag = []; weakref.finalize(a, flag.append, 1); result = flag", ("a", a));
        return (t, finalized);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static PyObject DropTensorOfArray()
    {
        var (t, finalized) = TensorOfDroppedArray();
        CollectEverything();
        Assert.AreEqual(0L, PythonFixture.Run<long>("result = len(flag)", ("flag", finalized)), "the tensor must keep the array alive");
        Assert.AreEqual(4999950000L, t.Sum().Item<long>());
        return finalized;
    }

    [TestMethod]
    public void FromNumPy_ArrayDroppedFirst_TensorKeepsArrayUntilItDies()
    {
        using var finalized = DropTensorOfArray();
        CollectEverything();
        Assert.AreEqual(1L, PythonFixture.Run<long>("result = len(flag)", ("flag", finalized)), "the array must be freed once the tensor dies");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void ConvertAndDrop(PyObject a) => PyBridge.FromNumPy(a).Add_(1);

    [TestMethod]
    public void FromNumPy_TensorDroppedFirst_ArrayRefcountComesBack()
    {
        using var a = PythonFixture.Eval("np.zeros(8)");
        long before = PythonFixture.Run<long>("import sys; result = sys.getrefcount(a)", ("a", a));
        ConvertAndDrop(a);
        CollectEverything();
        Assert.AreEqual(before, PythonFixture.Run<long>("import sys; result = sys.getrefcount(a)", ("a", a)));
        Assert.AreEqual(8.0, PythonFixture.Run<double>("result = float(a.sum())", ("a", a)));
    }

    [TestMethod]
    public void Conversions_100kEachWay_MemoryFlat()
    {
        using var make = PythonFixture.Eval("lambda: np.zeros(256)");
        const int warmUp = 20_000, measured = 80_000, chunk = 20_000;
        void Loop(int count)
        {
            for (int i = 0; i < count; i++)
            {
                using (var a = PyBridge.ToNumPy(Torch.Zeros([256], DType.Float64))) { }
                using (Py.GIL())
                using (var b = make.Invoke())
                    PyBridge.FromNumPy(b);
            }
        }
        Loop(warmUp); // heaps and caches reach their working size
        CollectEverything();
        var counts = new List<double>();
        var sizes = new List<double>();
        for (int done = chunk; done <= measured; done += chunk)
        {
            Loop(chunk);
            CollectEverything();
            counts.Add(done);
            sizes.Add(Environment.WorkingSet);
        }
        double slope = LeastSquaresSlope(counts, sizes);
        // Heap resizing moves the working set by a few MB either way; a leaked 2 KiB array per conversion is 2,000+ bytes.
        Assert.IsTrue(slope < 200, $"memory grew {slope:F1} bytes per conversion pair after warm-up (sizes {string.Join(", ", sizes)})");
        Assert.AreEqual(0, PyBridge.PendingReleases);
    }

    static double LeastSquaresSlope(List<double> x, List<double> y)
    {
        double mx = x.Average(), my = y.Average();
        return x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / x.Sum(a => (a - mx) * (a - mx));
    }
}
