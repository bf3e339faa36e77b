using Python.Runtime;

namespace Bridge.Python.Tests;

/// <summary>ToNumPy / FromNumPy share memory: writes on one side are read on the other, with any strides.</summary>
[TestClass]
public class NumPyTests : PythonTest
{
    [TestMethod]
    public void ToNumPy_WriteInNumPy_ReadInTensor()
    {
        var t = Torch.Zeros([2, 3], DType.Float32);
        using var a = PyBridge.ToNumPy(t);
        double sum = PythonFixture.Run<double>("a[1, 2] = 7.5; a[0, 0] = -1; result = float(a.sum())", ("a", a));
        Assert.AreEqual(6.5, sum);
        CollectionAssert.AreEqual(new float[] { -1, 0, 0, 0, 0, 7.5f }, t.ToArray<float>());
    }

    [TestMethod]
    public void ToNumPy_WriteInTensor_ReadInNumPy()
    {
        var t = Torch.Zeros([4], DType.Float64);
        using var a = t.ToNumPy();
        t.Add_(2.25);
        Assert.AreEqual("[2.25, 2.25, 2.25, 2.25]", PythonFixture.Run<string>("result = str(a.tolist())", ("a", a)));
    }

    [TestMethod]
    public void ToNumPy_NoCopy_ArrayDataIsTensorMemory()
    {
        var t = Torch.Zeros([1000], DType.Int64);
        using var a = PyBridge.ToNumPy(t);
        long address = PythonFixture.Run<long>("result = a.__array_interface__['data'][0]", ("a", a));
        Assert.AreEqual((long)t.Storage.Pointer, address);
        Assert.IsFalse(PythonFixture.Run<bool>("result = a.flags.owndata", ("a", a)));
    }

    [TestMethod]
    public void ToNumPy_TransposedSlice_StridesAndValuesMatchNumPy()
    {
        // The same view built in NumPy from the same values is the oracle.
        var t = Torch.Arange(0, 24).Reshape(4, 6).T().Slice(0, 1, 6, 2); // shape [3, 4], strides [12, 6]... in elements
        using var a = PyBridge.ToNumPy(t);
        string code = """
            expected = np.arange(24, dtype=np.int64).reshape(4, 6).T[1:6:2]
            result = bool(np.array_equal(a, expected)) and a.strides == expected.strides and a.shape == expected.shape
            """;
        Assert.IsTrue(PythonFixture.Run<bool>(code, ("a", a)));
    }

    [TestMethod]
    public void ToNumPy_AllDTypes_MatchNumPyDTypes()
    {
        foreach (var (dtype, name) in new[] { (DType.Float32, "float32"), (DType.Float64, "float64"), (DType.Int64, "int64"), (DType.Bool, "bool") })
        {
            using var a = PyBridge.ToNumPy(Torch.Ones([3], dtype));
            Assert.AreEqual(name, PythonFixture.Run<string>("result = str(a.dtype)", ("a", a)));
            Assert.AreEqual(3.0, PythonFixture.Run<double>("result = float(a.astype(np.float64).sum())", ("a", a)));
        }
    }

    [TestMethod]
    public void ToNumPy_ScalarAndEmpty_Convert()
    {
        using var scalar = PyBridge.ToNumPy(Torch.Tensor(3.5, DType.Float64));
        Assert.AreEqual("() 3.5", PythonFixture.Run<string>("result = f'{a.shape} {float(a)}'", ("a", scalar)));
        using var empty = PyBridge.ToNumPy(Torch.Zeros([0, 3], DType.Float32));
        Assert.AreEqual("(0, 3)", PythonFixture.Run<string>("result = str(a.shape)", ("a", empty)));
    }

    [TestMethod]
    public void FromNumPy_WriteInTensor_ReadInNumPy()
    {
        using var a = PythonFixture.Eval("np.zeros((2, 2), dtype=np.float32)");
        var t = PyBridge.FromNumPy(a);
        t.Fill_(4);
        Assert.AreEqual(16.0, PythonFixture.Run<double>("result = float(a.sum())", ("a", a)));
    }

    [TestMethod]
    public void FromNumPy_WriteInNumPy_ReadInTensor()
    {
        using var a = PythonFixture.Eval("np.arange(6, dtype=np.float64).reshape(2, 3)");
        var t = a.ToTensor();
        PythonFixture.Run<bool>("a[:] *= 10; result = True", ("a", a));
        CollectionAssert.AreEqual(new double[] { 0, 10, 20, 30, 40, 50 }, t.ToArray<double>());
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Size().ToArray());
    }

    [TestMethod]
    public void FromNumPy_StridedView_SharesMemoryWithElementStrides()
    {
        using var a = PythonFixture.Eval("np.arange(24, dtype=np.int64).reshape(4, 6)[::2, 1::2]");
        var t = PyBridge.FromNumPy(a);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Size().ToArray());
        Assert.AreEqual(12, t.Stride(0));
        Assert.AreEqual(2, t.Stride(1));
        CollectionAssert.AreEqual(new long[] { 1, 3, 5, 13, 15, 17 }, t.ToArray<long>());
        t.Mul_(-1);
        Assert.AreEqual("[[-1, -3, -5], [-13, -15, -17]]", PythonFixture.Run<string>("result = str(a.tolist())", ("a", a)));
    }

    [TestMethod]
    public void FromNumPy_BoolAndInt64_Convert()
    {
        using var b = PythonFixture.Eval("np.array([True, False, True])");
        Assert.AreEqual(DType.Bool, PyBridge.FromNumPy(b).DType);
        using var i = PythonFixture.Eval("np.array([1, 2, 3], dtype=np.int64)");
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, PyBridge.FromNumPy(i).ToArray<long>());
    }

    [TestMethod]
    public void RoundTrip_TensorToNumPyToTensor_SameMemory()
    {
        var t = Torch.Arange(0.0, 5.0, 1.0, DType.Float32);
        using var a = PyBridge.ToNumPy(t);
        var back = PyBridge.FromNumPy(a);
        Assert.AreEqual(t.Storage.Pointer, back.Storage.Pointer);
        back.Add_(1);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5 }, t.ToArray<float>());
    }

    [TestMethod]
    public void ReadOnlyArray_GivesReadOnlyTensor_InPlaceWriteThrows()
    {
        using var a = PythonFixture.Eval("np.ones(3, dtype=np.float32)");
        PythonFixture.Run<bool>("a.flags.writeable = False; result = True", ("a", a));
        var t = PyBridge.FromNumPy(a);
        Assert.IsFalse(t.Storage.Writable);
        Assert.ThrowsExactly<InvalidOperationException>(() => t.Add_(1));
        Assert.AreEqual(3.0f, t.Sum().Item<float>());
    }

    [TestMethod]
    public void ReadOnlyTensor_GivesReadOnlyArray_WriteInNumPyRaises()
    {
        using var a = PythonFixture.Eval("np.ones(3, dtype=np.float32)");
        PythonFixture.Run<bool>("a.flags.writeable = False; result = True", ("a", a));
        var readOnly = PyBridge.FromNumPy(a);
        using var back = PyBridge.ToNumPy(readOnly);
        string code = """
            try:
                b[0] = 5
                result = 'written'
            except ValueError as e:
                result = str(e)
            result = f'{b.flags.writeable} {result}'
            """;
        Assert.AreEqual("False assignment destination is read-only", PythonFixture.Run<string>(code, ("b", back)));
    }

    [TestMethod]
    public void FromNumPy_64MiB_CostsTheSameAs4Bytes()
    {
        using var small = PythonFixture.Eval("np.zeros(1, dtype=np.float32)");
        using var big = PythonFixture.Eval("np.zeros(16 << 20, dtype=np.float32)");
        static double MedianMicros(PyObject a)
        {
            var times = new double[301];
            for (int i = 0; i < times.Length; i++)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                PyBridge.FromNumPy(a).Storage.Dispose();
                times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(times);
            return times[times.Length / 2];
        }
        MedianMicros(small);
        MedianMicros(big); // warm-up
        double smallUs = MedianMicros(small), bigUs = MedianMicros(big);
        Assert.IsTrue(bigUs < 3 * smallUs + 5, $"64 MiB took {bigUs:F2} µs, 4 B took {smallUs:F2} µs");
    }
}
