using Python.Runtime;

namespace Bridge.Python.Tests;

/// <summary>With the codec, a Tensor handed to a Python function arrives as an ndarray (or a torch.Tensor) over its memory.</summary>
[TestClass]
public class CodecTests : PythonTest
{
    static string Call(string lambda, Tensor t)
    {
        using (Py.GIL())
        {
            using var f = PythonFixture.Eval(lambda);
            using var arg = t.ToPython();
            using var r = f.Invoke(arg);
            return r.As<string>();
        }
    }

    [TestMethod]
    public void TensorArgument_ArrivesAsNdarray_SharingMemory()
    {
        var t = Torch.Ones([2, 2], DType.Float32);
        Assert.AreEqual("ndarray 4.0", Call("lambda x: f'{type(x).__name__} {float(x.sum())}'", t));
        Call("lambda x: str(x.__setitem__((0, 0), 9))", t);
        Assert.AreEqual(9f, t.ToArray<float>()[0]);
    }

    [TestMethod]
    public void TensorRequiringGrad_ArrivesDetached()
    {
        var w = Torch.Ones(3).RequiresGrad_();
        Assert.AreEqual("3.0", Call("lambda x: str(float(x.sum()))", w));
        Assert.IsTrue(w.RequiresGrad);
    }

    [TestMethod]
    public void TensorsArriveAs_TorchAndClr_AreHonoured()
    {
        try
        {
            PyBridge.TensorsArriveAs = TensorArrival.Clr;
            Assert.AreEqual("Tensor", Call("lambda x: type(x).__name__", Torch.Ones(1)));
            try { PythonFixture.Eval("__import__('torch')").Dispose(); }
            catch (PythonException) { Assert.Inconclusive("torch is not importable in this Python"); }
            PyBridge.TensorsArriveAs = TensorArrival.Torch;
            Assert.AreEqual("Tensor torch 2.0", Call("lambda x: f'{type(x).__name__} {type(x).__module__} {float(x.sum())}'", Torch.Ones(2)));
        }
        finally
        {
            PyBridge.TensorsArriveAs = TensorArrival.NumPy;
        }
    }

    [TestMethod]
    public void NdarrayReturnedFromPython_DecodesToTensorView()
    {
        using var make = PythonFixture.Eval("lambda: np.arange(6, dtype=np.float64).reshape(2, 3)");
        using var array = make.Invoke();
        var t = array.As<Tensor>();
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Size().ToArray());
        t.Fill_(1);
        Assert.AreEqual(6.0, PythonFixture.Run<double>("result = float(a.sum())", ("a", array)));
    }

    [TestMethod]
    public void TorchTensorReturnedFromPython_DecodesThroughDLPack()
    {
        try { PythonFixture.Eval("__import__('torch')").Dispose(); }
        catch (PythonException) { Assert.Inconclusive("torch is not importable in this Python"); }
        using var tt = PythonFixture.Eval("__import__('torch').ones(3, dtype=__import__('torch').int64)");
        var t = tt.As<Tensor>();
        Assert.AreEqual(DType.Int64, t.DType);
        t.Add_(1);
        Assert.AreEqual(6L, PythonFixture.Run<long>("result = int(t.sum())", ("t", tt)));
    }

    [TestMethod]
    public void OtherPythonObjects_AreNotDecodedAsTensors()
    {
        using var list = PythonFixture.Eval("[1.0, 2.0]");
        Assert.ThrowsExactly<InvalidCastException>(() => list.As<Tensor>());
    }
}
