namespace Bridge.Python.Tests;

/// <summary>What the engine cannot view is refused with a message naming the fix, as torch.from_numpy does.</summary>
[TestClass]
public class RefusalTests : PythonTest
{
    static string Refusal(string expression)
    {
        using var a = PythonFixture.Eval(expression);
        return Assert.ThrowsExactly<ArgumentException>(() => PyBridge.FromNumPy(a)).Message;
    }

    [TestMethod]
    public void NegativeStrides_NameAscontiguousarray()
    {
        string message = Refusal("np.arange(5.0)[::-1]");
        StringAssert.Contains(message, "negative");
        StringAssert.Contains(message, "np.ascontiguousarray(a)");
    }

    [TestMethod]
    public void UnsupportedDType_NamesTypeAndAstype()
    {
        string message = Refusal("np.zeros(3, dtype=np.complex64)");
        StringAssert.Contains(message, "complex64");
        StringAssert.Contains(message, "a.astype(np.float32)");
        StringAssert.Contains(Refusal("np.zeros(3, dtype=np.uint32)"), "uint32");
    }

    [TestMethod]
    public void ByteSwapped_NamesNewbyteorder()
    {
        string message = Refusal("np.zeros(3, dtype='>f4')");
        StringAssert.Contains(message, "byte-swapped");
        StringAssert.Contains(message, "newbyteorder");
    }

    [TestMethod]
    public void Unaligned_NamesCopy()
    {
        StringAssert.Contains(Refusal("np.frombuffer(bytearray(17), dtype=np.uint8)[1:].view(np.float64)"), "aligned");
    }

    [TestMethod]
    public void StrideNotMultipleOfElement_NamesCopy()
    {
        StringAssert.Contains(Refusal("np.lib.stride_tricks.as_strided(np.zeros(10, dtype=np.float32), shape=(2,), strides=(6,))"), "np.ascontiguousarray");
    }

    [TestMethod]
    public void PythonList_NamesAsarray()
    {
        string message = Refusal("[1.0, 2.0]");
        StringAssert.Contains(message, "builtins.list");
        StringAssert.Contains(message, "numpy.asarray");
    }

    [TestMethod]
    public void TorchTensor_NamesFromTorch()
    {
        try { PythonFixture.Eval("__import__('torch')").Dispose(); }
        catch (global::Python.Runtime.PythonException) { Assert.Inconclusive("torch is not importable in this Python"); }
        StringAssert.Contains(Refusal("__import__('torch').zeros(2)"), "FromTorch");
    }

    [TestMethod]
    public void RequiresGrad_ToNumPyRefused_LikeTorch()
    {
        var t = Torch.Ones(2).RequiresGrad_();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => PyBridge.ToNumPy(t));
        StringAssert.Contains(e.Message, "Detach()");
        PyBridge.ToNumPy(t.Detach()).Dispose();
    }

    [TestMethod]
    public void FailedConversion_ReleasesTheView()
    {
        // A refused array must not stay pinned: numpy allows resizing only when no buffer view is held.
        using var a = PythonFixture.Eval("np.zeros(4, dtype=np.complex64)");
        Assert.ThrowsExactly<ArgumentException>(() => PyBridge.FromNumPy(a));
        Assert.IsTrue(PythonFixture.Run<bool>("a.resize(8, refcheck=False); result = a.shape == (8,)", ("a", a)));
    }
}
