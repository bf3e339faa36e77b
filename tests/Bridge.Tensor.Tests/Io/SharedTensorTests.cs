using System.Globalization;
using System.Runtime.CompilerServices;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>Shared-memory tensors against NumPy's own memory mapping (np.load(..., mmap_mode="r+")) in another process.</summary>
[TestClass]
public sealed class SharedTensorTests
{
    static string UniqueName() => $"bridge-test-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>The address ranges of this process's mappings of <paramref name="path"/>, from /proc/self/maps.</summary>
    static List<(ulong Start, ulong End)> Mappings(string path) => File.ReadAllLines("/proc/self/maps")
        .Where(l => l.EndsWith(" " + path, StringComparison.Ordinal))
        .Select(l => l.Split(' ')[0].Split('-'))
        .Select(r => (ulong.Parse(r[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(r[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
        .ToList();

    [TestMethod]
    public void Create_NumpyMapsAndWrites_BridgeSeesChangeWithoutCopy()
    {
        PythonProcess.RequireNumpy();
        string name = UniqueName();
        using var shared = SharedTensor.Create(name, [3, 4], DType.Float32);
        try
        {
            Assert.AreEqual("/dev/shm/" + name, shared.Path);
            Assert.AreEqual(0, shared.DataOffset % 64, "data offset 64-byte aligned");
            var t = shared.Tensor;
            t.Copy_(Torch.Arange(0.0, 12.0).Reshape(3, 4));
            ulong address = (ulong)t.Storage.Pointer;
            Assert.IsTrue(Mappings(shared.Path).Any(m => address >= m.Start && address + 48 <= m.End), "the tensor's memory is the mapping itself");

            PythonProcess.Check("""
                import sys
                import numpy as np
                a = np.load(sys.argv[1], mmap_mode='r+')
                assert isinstance(a, np.memmap), type(a)
                assert a.dtype == np.float32 and a.shape == (3, 4), (a.dtype, a.shape)
                assert a.offset == int(sys.argv[2]), (a.offset, sys.argv[2])
                assert (a == np.arange(12, dtype=np.float32).reshape(3, 4)).all(), a
                a *= -2
                a[0, 0] = 42.5
                a.flush()
                """, shared.Path, shared.DataOffset.ToString(CultureInfo.InvariantCulture));

            var expected = Enumerable.Range(0, 12).Select(i => -2.0 * i).ToArray();
            expected[0] = 42.5;
            CollectionAssert.AreEqual(expected, t.ToDoubleArray(), "NumPy's writes show in the tensor that was mapped before them");
            Assert.AreEqual(address, (ulong)t.Storage.Pointer);
        }
        finally
        {
            shared.Unlink();
        }
        Assert.IsFalse(File.Exists(shared.Path));
    }

    [TestMethod]
    public void Open_FileNumpyCreated_BridgeWritesNumpyReads()
    {
        PythonProcess.RequireNumpy();
        string name = UniqueName();
        string path = "/dev/shm/" + name;
        try
        {
            PythonProcess.Check("""
                import sys
                import numpy as np
                a = np.lib.format.open_memmap(sys.argv[1], mode='w+', dtype='<f8', shape=(2, 5))
                a[:] = (np.arange(10) / 4 - 1).reshape(2, 5)
                a.flush()
                """, path);
            using (var shared = SharedTensor.Open(name, expectedShape: [2, 5], expectedDType: DType.Float64))
            {
                var t = shared.Tensor;
                CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => i / 4.0 - 1).ToArray(), t.ToDoubleArray());
                t.Mul_(10);
                t.Detach()[1, 4].Fill_(-7.25);
            }
            PythonProcess.Check("""
                import sys
                import numpy as np
                a = np.load(sys.argv[1], mmap_mode='r')
                want = (np.arange(10) / 4 - 1).reshape(2, 5) * 10
                want[1, 4] = -7.25
                assert (a == want).all(), (a, want)
                """, path);
        }
        finally
        {
            SharedTensor.Unlink(name);
        }
    }

    [TestMethod]
    public void Open_WrongOrDamagedFiles_ClearErrors()
    {
        using var dir = new TempDir();
        TensorFile.Save(dir["f4.npy"], Torch.Zeros(2, 3));
        var e = Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(dir["f4.npy"], expectedDType: DType.Float64));
        StringAssert.Contains(e.Message, "holds float32 but float64 was expected");
        e = Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(dir["f4.npy"], expectedShape: [3, 2]));
        StringAssert.Contains(e.Message, "has shape [2, 3] but [3, 2] was expected");

        var bytes = File.ReadAllBytes(dir["f4.npy"]);
        File.WriteAllBytes(dir["short.npy"], bytes[..^4]);
        e = Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(dir["short.npy"]));
        StringAssert.Contains(e.Message, "array data needs 24 bytes but only 20 remain");

        File.WriteAllText(dir["text.npy"], "this is not a numpy file at all");
        e = Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(dir["text.npy"]));
        StringAssert.Contains(e.Message, "not a .npy file");

        TensorFile.Save(dir["u4.npy"], Torch.Tensor(new long[] { 1, 2 }), FileDType.UInt32);
        e = Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(dir["u4.npy"]));
        StringAssert.Contains(e.Message, "cannot map without converting");

        Assert.ThrowsExactly<IOException>(() => SharedTensor.CreateFile(dir["f4.npy"], [1], DType.Float32), "an existing file is not overwritten");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(dir["f4.npy"]));
    }

    [TestMethod]
    public void Create_FileIsValidNpy_ReadableByTensorFile()
    {
        using var dir = new TempDir();
        using (var shared = SharedTensor.CreateFile(dir["s.npy"], [2, 2], DType.Int64))
            shared.Tensor.Copy_(Torch.Tensor(new long[,] { { 1, -2 }, { 3, -4 } }));
        CollectionAssert.AreEqual(new long[] { 1, -2, 3, -4 }, TensorFile.LoadTensor(dir["s.npy"]).ToArray<long>());
        // Same bytes np.save writes: header from Npy.HeaderBytes is checked against NumPy in NumpyInteropTests.
        CollectionAssert.AreEqual(Npy.HeaderBytes(FileDType.Int64, [2, 2], false), File.ReadAllBytes(dir["s.npy"])[..128]);
    }

    sealed class Holder
    {
        public Tensor? View;
    }

    [TestMethod]
    public void Open_FortranOrderFile_MapsWithColumnMajorStrides()
    {
        using var dir = new TempDir();
        // A column-major 3x2 array: np.save writes such a view with fortran_order True (checked in NumpyInteropTests).
        TensorFile.Save(dir["f.npy"], Torch.Arange(6).Reshape(2, 3).T());
        using var shared = SharedTensor.OpenFile(dir["f.npy"], expectedShape: [3, 2], expectedDType: DType.Int64);
        CollectionAssert.AreEqual(new long[] { 1, 3 }, shared.Tensor.Stride());
        CollectionAssert.AreEqual(new long[] { 0, 3, 1, 4, 2, 5 }, shared.Tensor.ToArray<long>());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference MapAndDispose(string path, Holder holder)
    {
        var shared = SharedTensor.CreateFile(path, [4], DType.Float64);
        shared.Tensor.Copy_(Torch.Tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, DType.Float64));
        var view = shared.Tensor.Slice(0, 2, 4);
        var storage = new WeakReference(shared.Tensor.Storage);
        shared.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => shared.Tensor);
        holder.View = view;
        return storage;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [TestMethod]
    public void Dispose_ViewsKeepMappingAlive_UnmappedWhenLastViewDies()
    {
        using var dir = new TempDir();
        string path = dir["life.npy"];
        var holder = new Holder();
        var storage = MapAndDispose(path, holder);
        Collect();
        Assert.IsNotEmpty(Mappings(path), "a live view keeps the mapping");
        CollectionAssert.AreEqual(new[] { 3.0, 4.0 }, holder.View!.ToDoubleArray());
        holder.View = null;
        Collect();
        Assert.IsFalse(storage.IsAlive);
        Assert.IsEmpty(Mappings(path), "unmapped once no tensor uses it");
    }
}
