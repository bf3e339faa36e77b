using System.Globalization;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>
/// .npy/.npz against NumPy itself: NumPy writes files during the test and Bridge must read the values NumPy lists in a
/// manifest; Bridge writes files and NumPy must load the values the test lists (and, for plain dtypes, find the bytes
/// identical to what np.save writes for the same array).
/// Manifest line: <c>file[:member] dtype shape fortran v0 v1 ...</c>, values as int64 (float values as the bits of the
/// value widened to float64, which is exact from float16/float32).
/// </summary>
[TestClass]
public sealed class NumpyInteropTests
{
    const string NumpyWrites = """
        import os, sys, zipfile
        import numpy as np
        from numpy.lib import format as fmt
        out = sys.argv[1]
        lines = []

        def manifest(key, a):
            c = np.ascontiguousarray(a).ravel()
            vals = c.astype('<f8').view('<i8') if a.dtype.kind == 'f' else c.astype('<i8')
            shape = 'x'.join(map(str, a.shape)) or '-'
            lines.append(' '.join([key, a.dtype.str, shape, '1' if np.isfortran(a) else '0'] + [str(v) for v in vals.tolist()]))

        def save(name, a, version=None):
            path = os.path.join(out, name + '.npy')
            if version is None:
                np.save(path, a)
            else:
                with open(path, 'wb') as f:
                    fmt.write_array(f, a, version=version)
            manifest(name + '.npy', a)

        floats = np.array([[0.1, -2.5, np.nan, np.inf], [-np.inf, -0.0, 1e-30, 3.4e38], [1 / 3, 2.0, -7.75, 65504.0]])
        with np.errstate(all='ignore'):
            for t in ['<f4', '<f8', '>f4', '>f8', '<f2', '>f2']:
                save(('be_' if t[0] == '>' else '') + t[1:], floats.astype(t))
        signed = np.arange(-5, 7).reshape(3, 4)
        for t in ['<i8', '>i8', '<i4', '>i4', '|i1', '<i2', '>i2']:
            a = signed.astype(t)
            a.flat[0], a.flat[-1] = np.iinfo(t).min, np.iinfo(t).max
            save(('be_' if t[0] == '>' else '') + t[1:], a)
        for t in ['|u1', '<u2', '<u4', '>u4', '<u8']:
            a = (signed + 5).astype(t)
            a.flat[-1] = np.iinfo(t).max if t != '<u8' else 2 ** 63 - 1
            save(('be_' if t[0] == '>' else '') + t[1:], a)
        save('b1', signed % 3 == 0)
        save('fortran_f8', np.asfortranarray(np.arange(24, dtype='<f8').reshape(2, 3, 4) / 8))
        save('fortran_i4', np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))
        save('scalar_f4', np.array(3.5, dtype='<f4'))
        save('scalar_i8', np.array(-7, dtype='<i8'))
        save('scalar_b1', np.array(True))
        save('empty_f4', np.zeros((0, 3), dtype='<f4'))
        save('empty_i8', np.zeros((2, 0, 4), dtype='<i8'))
        save('v2_f4', floats.astype('<f4'), (2, 0))
        save('v3_i8', signed.astype('<i8'), (3, 0))
        save('v2_fortran_b1', np.asfortranarray(signed % 2 == 0), (2, 0))
        np.save(os.path.join(out, 'u8_too_big.npy'), np.array([1, 2 ** 64 - 1], dtype='<u8'))

        members = {'w': floats.astype('<f4'), 'b': signed.astype('<i8'), 'flag': np.array(False), 'nested/name': np.arange(3.0)}
        np.savez(os.path.join(out, 'plain.npz'), **members)
        np.savez_compressed(os.path.join(out, 'compressed.npz'), **members)
        for archive in ['plain.npz', 'compressed.npz']:
            for k, v in members.items():
                manifest(archive + ':' + k, v)
        with open(os.path.join(out, 'manifest.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        """;

    [TestMethod]
    public void Npy_WrittenByNumpy_ReadsIdenticalValues()
    {
        PythonProcess.RequireNumpy();
        using var dir = new TempDir();
        PythonProcess.Check(NumpyWrites, dir.Path);
        var archives = new Dictionary<string, OrderedDictionary<string, Tensor>>();
        int checkedFiles = 0;
        foreach (var line in File.ReadAllLines(dir["manifest.txt"]).Where(l => l.Length > 0))
        {
            var f = line.Split(' ');
            string key = f[0], descr = f[1];
            Tensor t;
            if (key.Contains(':'))
            {
                var (archive, member) = (key[..key.IndexOf(':')], key[(key.IndexOf(':') + 1)..]);
                if (!archives.TryGetValue(archive, out var members)) archives[archive] = members = TensorFile.Load(dir[archive]);
                t = members[member];
            }
            else t = TensorFile.LoadTensor(dir[key]);
            AssertMatches(key, descr, f[2], f[3] == "1", f[4..], t);
            checkedFiles++;
        }
        Assert.AreEqual(37, checkedFiles, "files listed by the NumPy script");
        CollectionAssert.AreEqual(new[] { "w", "b", "flag", "nested/name" }, archives["plain.npz"].Keys.ToArray(), "np.load's names, in archive order");
        var e = Assert.ThrowsExactly<TensorFileException>(() => TensorFile.LoadTensor(dir["u8_too_big.npy"]));
        StringAssert.Contains(e.Message, "18446744073709551615");
    }

    /// <summary>Types Bridge has load natively; the unsigned types it lacks (u2, u4, u8) widen to int64.</summary>
    static DType ExpectedDType(string descr) => descr[1..] switch
    {
        "f2" => DType.Float16,
        "f4" => DType.Float32,
        "f8" => DType.Float64,
        "b1" => DType.Bool,
        "u1" => DType.UInt8,
        "i1" => DType.Int8,
        "i2" => DType.Int16,
        "i4" => DType.Int32,
        _ => DType.Int64,
    };

    static void AssertMatches(string key, string descr, string shape, bool fortran, string[] values, Tensor t)
    {
        Assert.AreEqual(ExpectedDType(descr), t.DType, $"{key} ({descr}) dtype");
        var expectedShape = shape == "-" ? [] : shape.Split('x').Select(long.Parse).ToArray();
        CollectionAssert.AreEqual(expectedShape, t.Shape.ToArray(), $"{key} shape");
        if (fortran && t.Numel() > 1)
            CollectionAssert.AreEqual(ColumnMajorStrides(t.Shape.ToArray()), t.Stride(), $"{key}: Fortran data keeps Fortran strides");
        var expected = values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        long[] actual = t.DType switch
        {
            DType.Float16 or DType.Float32 or DType.Float64 => t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits).ToArray(),
            DType.Int64 => t.ToArray<long>(),
            DType.Bool => t.ToArray<byte>().Select(b => (long)b).ToArray(),
            _ => t.ToDoubleArray().Select(v => (long)v).ToArray(),
        };
        CollectionAssert.AreEqual(expected, actual, $"{key} values (as int64 / float64 bits)");
    }

    static long[] ColumnMajorStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = 0; i < shape.Length; s *= shape[i], i++) strides[i] = s;
        return strides;
    }

    const string NumpyChecks = """
        import io, os, sys, zipfile
        import numpy as np
        out = sys.argv[1]
        n = 0
        for line in open(os.path.join(out, 'manifest.txt')):
            f = line.split()
            if not f:
                continue
            key, descr, shape, fortran, values = f[0], f[1], f[2], f[3] == '1', [int(v) for v in f[4:]]
            if ':' in key:
                archive, member = key.split(':')
                a = np.load(os.path.join(out, archive))[member]
            else:
                path = os.path.join(out, key)
                a = np.load(path)
            assert a.dtype.str == descr, (key, a.dtype.str, descr)
            assert a.shape == (tuple(int(d) for d in shape.split('x')) if shape != '-' else ()), (key, a.shape, shape)
            assert bool(np.isfortran(a)) == fortran, (key, 'fortran', np.isfortran(a))
            c = np.ascontiguousarray(a).ravel()
            got = (c.astype('<f8').view('<i8') if a.dtype.kind == 'f' else c.astype('<i8')).tolist()
            assert got == values, (key, got, values)
            if ':' not in key:
                b = io.BytesIO()
                np.save(b, a)
                assert open(path, 'rb').read() == b.getvalue(), (key, 'bytes differ from np.save')
            n += 1
        with zipfile.ZipFile(os.path.join(out, 'plain.npz')) as z:
            assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        with zipfile.ZipFile(os.path.join(out, 'compressed.npz')) as z:
            assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        print(n)
        """;

    static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);

    [TestMethod]
    public void Npy_WrittenByBridge_NumpyLoadsIdenticalValuesAndBytes()
    {
        PythonProcess.RequireNumpy();
        using var dir = new TempDir();
        var lines = new List<string>();
        void Save(string key, Tensor t, string descr, bool fortran, IEnumerable<long> expected, FileDType? type = null)
        {
            if (key.EndsWith(".npy", StringComparison.Ordinal)) TensorFile.Save(dir[key], t, type);
            lines.Add($"{key} {descr} {(t.Dim() == 0 ? "-" : string.Join("x", t.Shape))} {(fortran ? 1 : 0)} {string.Join(" ", expected)}".TrimEnd());
        }

        double[] floats = [0.1, -2.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e-30, 1.0 / 3];
        var f64 = Torch.Tensor(floats, DType.Float64).Reshape(2, 4);
        var f32 = Torch.Tensor(floats, DType.Float32).Reshape(2, 4);
        Save("f8.npy", f64, "<f8", false, floats.Select(Bits));
        Save("f4.npy", f32, "<f4", false, floats.Select(v => Bits((float)v)));
        long[] ints = [long.MinValue, -1, 0, 1, 255, long.MaxValue];
        Save("i8.npy", Exact.Longs(ints).Reshape(3, 2), "<i8", false, ints);
        bool[] bools = [true, false, false, true, true];
        Save("b1.npy", Torch.Tensor(bools), "|b1", false, bools.Select(b => b ? 1L : 0L));

        // Narrowed on write: each value fits the target type exactly.
        long[] small = [-128, -1, 0, 1, 127];
        Save("as_i1.npy", Torch.Tensor(small), "|i1", false, small, FileDType.Int8);
        long[] bytes = [0, 1, 128, 255];
        Save("as_u1.npy", Torch.Tensor(bytes), "|u1", false, bytes, FileDType.UInt8);
        long[] int32s = [int.MinValue, -5, 0, int.MaxValue];
        Save("as_i4.npy", Torch.Tensor(int32s), "<i4", false, int32s, FileDType.Int32);
        Save("as_u4.npy", Torch.Tensor(new long[] { 0, uint.MaxValue }), "<u4", false, [0, uint.MaxValue], FileDType.UInt32);
        Save("as_i2.npy", Torch.Tensor(new long[] { short.MinValue, short.MaxValue }), "<i2", false, [short.MinValue, short.MaxValue], FileDType.Int16);
        Save("f8_as_f4.npy", f64, "<f4", false, floats.Select(v => Bits((float)v)), FileDType.Float32);
        Save("f8_as_f2.npy", f64, "<f2", false, floats.Select(v => Bits((double)(Half)v)), FileDType.Float16);
        Save("f4_as_i8.npy", Torch.Tensor(new[] { -3.0, 0.0, 16777216.0 }), "<i8", false, [-3, 0, 16777216], FileDType.Int64);
        Save("i8_as_f8.npy", Exact.Longs(-3, 1L << 53), "<f8", false, [Bits(-3), Bits(1L << 53)], FileDType.Float64);
        Save("b1_as_u1.npy", Torch.Tensor(bools), "|u1", false, bools.Select(b => b ? 1L : 0L), FileDType.UInt8);

        // Layouts: a Fortran-contiguous view is written in Fortran order (as np.save does), any other strided view in C order.
        var cube = Torch.Arange(24).Reshape(2, 3, 4);
        var permuted = cube.Permute(2, 1, 0);
        var expectedPermuted = new List<long>();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 2; k++) expectedPermuted.Add(k * 12 + j * 4 + i);
        Save("fortran_i8.npy", permuted, "<i8", true, expectedPermuted);
        var strided = cube.Slice(2, 1, 4, 2);
        var expectedStrided = new List<long>();
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 1; k < 4; k += 2) expectedStrided.Add(i * 12 + j * 4 + k);
        Save("strided_i8.npy", strided, "<i8", false, expectedStrided);
        Save("scalar_f4.npy", Torch.Tensor(3.5), "<f4", false, [Bits(3.5)]);
        Save("empty_f8.npy", Torch.Zeros([0, 3], DType.Float64), "<f8", false, []);
        Save("empty_b1.npy", Torch.Zeros([2, 0], DType.Bool), "|b1", false, []);

        var members = new OrderedDictionary<string, Tensor> { ["w"] = f32, ["ids"] = Exact.Longs(ints), ["flag"] = Torch.Tensor(new[] { true }) };
        TensorFile.Save(dir["plain.npz"], members);
        TensorFile.Save(dir["compressed.npz"], members, compress: true);
        foreach (var archive in new[] { "plain.npz", "compressed.npz" })
        {
            Save(archive + ":w", f32, "<f4", false, floats.Select(v => Bits((float)v)));
            Save(archive + ":ids", members["ids"], "<i8", false, ints);
            Save(archive + ":flag", members["flag"], "|b1", false, [1]);
        }
        File.WriteAllLines(dir["manifest.txt"], lines);
        Assert.AreEqual(lines.Count.ToString(CultureInfo.InvariantCulture), PythonProcess.Check(NumpyChecks, dir.Path).Trim(), "files NumPy checked");
    }

    [TestMethod]
    public void Npy_ValueThatDoesNotFitTarget_ThrowsAndLeavesNoFile()
    {
        using var dir = new TempDir();
        var e = Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["x.npy"], Torch.Tensor(new long[] { 1, 256 }), FileDType.UInt8));
        StringAssert.Contains(e.Message, "256");
        StringAssert.Contains(e.Message, "index 1");
        Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["x.npy"], Torch.Tensor(new[] { 0.5 }), FileDType.Int32));
        Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["x.npy"], Torch.Tensor(new[] { 1e6 }, DType.Float64), FileDType.Float16));
        Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["x.npy"], Exact.Longs((1L << 53) + 1), FileDType.Float64));
        Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["x.npy"], Torch.Tensor(new long[] { 2 }), FileDType.Bool));
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir.Path), "a failed save leaves nothing behind");
    }
}
