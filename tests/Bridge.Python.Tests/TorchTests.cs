using Python.Runtime;

namespace Bridge.Python.Tests;

/// <summary>ToTorch / FromTorch share memory through DLPack (CPU here: Debian's torch has no CUDA).</summary>
[TestClass]
public class TorchTests : PythonTest
{
    [TestInitialize]
    public void RequireTorch()
    {
        try { PythonFixture.Eval("__import__('torch')").Dispose(); }
        catch (PythonException e) { Assert.Inconclusive($"torch is not importable in this Python: {e.Message}"); }
    }

    [TestMethod]
    public void ToTorch_SumMatchesAndWritesShowInTensor()
    {
        var t = Torch.Arange(1.0, 7.0, 1.0, DType.Float64).Reshape(2, 3);
        using var tt = PyBridge.ToTorch(t);
        string code = """
            import torch
            s = float(tt.sum())
            tt[0, 0] = 100.0
            result = f'{s} {tt.dtype} {tuple(tt.shape)} {tt.data_ptr() == ptr}'
            """;
        Assert.AreEqual("21.0 torch.float64 (2, 3) True", PythonFixture.Run<string>(code, ("tt", tt), ("ptr", new PyInt((long)t.Storage.Pointer))));
        Assert.AreEqual(100.0, t.ToArray<double>()[0]);
    }

    [TestMethod]
    public void ToTorch_Transposed_KeepsStrides()
    {
        var t = Torch.Arange(0, 6).Reshape(2, 3).T();
        using var tt = PyBridge.ToTorch(t);
        Assert.AreEqual("(1, 3) [[0, 3], [1, 4], [2, 5]]", PythonFixture.Run<string>("result = f'{tt.stride()} {tt.tolist()}'", ("tt", tt)));
    }

    [TestMethod]
    public void FromTorch_WritesShowInTorch()
    {
        using var tt = PythonFixture.Eval("__import__('torch').zeros(2, 3)");
        var t = PyBridge.FromTorch(tt);
        t.Fill_(1.5f);
        Assert.AreEqual(9.0, PythonFixture.Run<double>("result = float(tt.sum())", ("tt", tt)));
        Assert.AreEqual(DType.Float32, t.DType);
    }

    [TestMethod]
    public void FromTorch_TorchDropsItsTensorFirst_MemoryStaysValid()
    {
        var tt = PythonFixture.Eval("__import__('torch').arange(1000, dtype=__import__('torch').int64)");
        var t = PyBridge.FromTorch(tt);
        tt.Dispose(); // torch's last reference goes; the DLPack tensor keeps the memory
        PythonFixture.Run<bool>("import gc; gc.collect(); result = True");
        Assert.AreEqual(499500L, t.Sum().Item<long>());
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static PyObject TorchViewOfDroppedTensor() => PyBridge.ToTorch(Torch.Arange(0, 100_000));

    [TestMethod]
    public void ToTorch_CSharpDropsItsTensorFirst_TorchKeepsMemory()
    {
        using var tt = TorchViewOfDroppedTensor();
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        for (int i = 0; i < 20; i++) Torch.Full([100_000], -1, DType.Int64); // would reuse freed memory
        Assert.AreEqual(4999950000L, PythonFixture.Run<long>("result = int(tt.sum())", ("tt", tt)));
    }

    [TestMethod]
    public void ToTorch_ReadOnlyTensor_Refused()
    {
        using var a = PythonFixture.Eval("np.ones(2)");
        PythonFixture.Run<bool>("a.flags.writeable = False; result = True", ("a", a));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => PyBridge.ToTorch(PyBridge.FromNumPy(a)));
        StringAssert.Contains(e.Message, "clone() it first");
    }

    [TestMethod]
    public void FromTorch_NotATensor_Refused()
    {
        using var list = PythonFixture.Eval("[1, 2]");
        var e = Assert.ThrowsExactly<ArgumentException>(() => PyBridge.FromTorch(list));
        StringAssert.Contains(e.Message, "builtins.list");
    }

    [TestMethod]
    public void DLPackExports_AllDeleted_AfterTorchDropsThem()
    {
        long before = DLPack.ExportedLive;
        for (int i = 0; i < 100; i++) PyBridge.ToTorch(Torch.Ones(4)).Dispose();
        PythonFixture.Run<bool>("import gc; gc.collect(); result = True");
        Assert.AreEqual(before, DLPack.ExportedLive);
    }
}
