using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>Each kind of malformed file, built by hand, fails with <see cref="TensorFileException"/> naming the problem, before any large allocation.</summary>
[TestClass]
public sealed class HostileInputTests
{
    /// <summary>A .npy v1 file with header text <paramref name="dict"/> (padded as NumPy pads) and <paramref name="dataBytes"/> zero bytes.</summary>
    static byte[] Npy(string dict, int dataBytes = 0, int major = 1)
    {
        var text = Encoding.Latin1.GetBytes(dict + "\n");
        int prefix = major == 1 ? 10 : 12;
        var bytes = new byte[prefix + text.Length + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 }.CopyTo(bytes, 0);
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        text.CopyTo(bytes, prefix);
        return bytes;
    }

    static string Header(string descr = "'<f4'", string fortran = "False", string shape = "(2, 3)") =>
        $"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}";

    static void NpyFails(byte[] file, string expectedInMessage)
    {
        var e = Assert.ThrowsExactly<TensorFileException>(() => Bridge.Io.Npy.Read(new MemoryStream(file), "bad.npy"));
        StringAssert.Contains(e.Message, expectedInMessage);
        StringAssert.StartsWith(e.Message, "bad.npy: ");
    }

    [TestMethod]
    public void Npy_HandBuiltHeader_Reads()
    {
        var t = Bridge.Io.Npy.Read(new MemoryStream(Npy(Header(), 24)));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.Shape.ToArray());
        // Python 2 'L' suffixes, double quotes, no trailing comma, extra whitespace: all valid literals NumPy reads.
        t = Bridge.Io.Npy.Read(new MemoryStream(Npy("{ \"shape\" : (3L,) , 'descr':'<i8','fortran_order':False}", 24)));
        CollectionAssert.AreEqual(new long[] { 3 }, t.Shape.ToArray());
    }

    [TestMethod]
    public void Npy_MalformedHeaders_Rejected()
    {
        NpyFails(Npy(Header(), 23), "array data needs 24 bytes but only 23 remain");
        NpyFails(Npy(Header()).AsSpan(0, 30).ToArray(), "header needs");
        NpyFails([0x93, (byte)'N', (byte)'U'], "too short");
        NpyFails(Encoding.ASCII.GetBytes("PK\x03\x04 this is a zip, not a npy"), "not a .npy file");
        NpyFails(Npy(Header(), 24, major: 4), "version 4.0");
        NpyFails(Npy(Header(shape: "(-2, 3)")), "negative dimension -2");
        NpyFails(Npy(Header(shape: "(1099511627776,)")), "exceeds Bridge's limit");
        NpyFails(Npy(Header(shape: "(65536, 65536)")), "more than 2147483647 elements");
        NpyFails(Npy(Header(shape: "(99999999999999999999999,)")), "out of range");
        NpyFails(Npy(Header(shape: "(" + string.Concat(Enumerable.Repeat("1, ", 65)) + ")")), "65 dimensions, more than the 64");
        NpyFails(Npy(Header(shape: "(1073741824,)", descr: "'<f8'"), 64), "needs 8589934592 bytes");
        NpyFails(Npy(Header(descr: "'<c8'")), "unsupported dtype '<c8'");
        NpyFails(Npy(Header(descr: "'O'")), "unsupported dtype 'O'");
        NpyFails(Npy(Header(descr: "[('a', '<f4')]")), "structured dtypes");
        NpyFails(Npy(Header(fortran: "1")), "fortran_order is 1");
        NpyFails(Npy(Header(shape: "[2, 3]")), "shape is a list");
        NpyFails(Npy(Header(shape: "(2, 'a')")), "shape entry 1");
        NpyFails(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,3}"), "expected ',' or ')'");
        NpyFails(Npy("{'descr': '<f4', 'fortran_order': False}"), "header keys are [descr, fortran_order]");
        NpyFails(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}"), "expected exactly");
        NpyFails(Npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': ()}"), "duplicate key 'descr'");
        NpyFails(Npy(Header() + " junk"), "unexpected text after");
        NpyFails(Npy("{'descr': '<f4, 'shape': ()}"), "expected ',' or '}'");
        NpyFails(Npy("{'descr': @}"), "unexpected character '@'");
        NpyFails(Npy("{'descr': eval('1'), 'fortran_order': False, 'shape': ()}"), "unsupported name 'eval'");
        NpyFails(Npy(new string('(', 5000) + new string(')', 5000)), "nested deeper");
        NpyFails(Npy("[1, 2]"), "not a Python dict");
        var unterminated = Npy(Header());
        Array.Resize(ref unterminated, 10 + 20);
        BinaryPrimitives.WriteUInt16LittleEndian(unterminated.AsSpan(8), 20);
        NpyFails(unterminated, "unterminated string");
        var invalidUtf8 = Npy(Header().Replace("'<f4'", "'<f\u00ff'"), 0, major: 3);
        NpyFails(invalidUtf8, "not valid UTF-8");
        var huge = Npy(Header(), 0, major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(8), 0xFFFFFFF0);
        NpyFails(huge, "exceeds the 1048576-byte limit");
    }

    static byte[] SafeTensorsFile(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    static void SafeTensorsFails(byte[] file, string expectedInMessage)
    {
        var e = Assert.ThrowsExactly<TensorFileException>(() => SafeTensors.Read(new MemoryStream(file), "bad.safetensors"));
        StringAssert.Contains(e.Message, expectedInMessage);
    }

    static string Entry(string name, string dtype = "F32", string shape = "[2]", string offsets = "[0,8]") =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    [TestMethod]
    public void SafeTensors_MalformedHeaders_Rejected()
    {
        Assert.HasCount(1, SafeTensors.Read(new MemoryStream(SafeTensorsFile("{" + Entry("a") + "}", 8))));
        SafeTensorsFails([1, 2, 3], "too short");
        var pastEnd = SafeTensorsFile("{" + Entry("a") + "}", 8);
        BinaryPrimitives.WriteUInt64LittleEndian(pastEnd, 1000);
        SafeTensorsFails(pastEnd, "JSON header needs 1000 bytes");
        BinaryPrimitives.WriteUInt64LittleEndian(pastEnd, ulong.MaxValue);
        SafeTensorsFails(pastEnd, "header length 18446744073709551615 exceeds");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a") + "}", 7), "the data buffer holds 7 bytes but the tensors' data_offsets cover 8");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a") + "}", 9), "holds 9 bytes");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a") + "," + Entry("b", offsets: "[4,12]") + "}", 12), "tensor 'b' has data_offsets [4, 12] but the previous tensor ends at 8");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", offsets: "[8,16]") + "}", 16), "previous tensor ends at 0");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", offsets: "[8,0]") + "}", 8), "data_offsets [8, 0]");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", shape: "[3]") + "}", 8), "needs 12 bytes but data_offsets [0, 8] span 8");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a") + "," + Entry("a") + "}", 8), "duplicate name 'a'");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", dtype: "F8_E4M3") + "}", 8), "unsupported dtype 'F8_E4M3'");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", shape: "[-1]") + "}", 8), "shape[0] is -1");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", shape: "[2.5]") + "}", 8), "shape[0] is 2.5");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", shape: "[4611686018427387904,4]") + "}", 8), "exceeds Bridge's limit");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", shape: "[65536,65536]", offsets: "[0,17179869184]") + "}", 8), "more than 2147483647 elements");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", offsets: "[0]") + "}", 8), "data_offsets has 1 entries");
        SafeTensorsFails(SafeTensorsFile("{" + Entry("a", offsets: "[0,18446744073709551616]") + "}", 8), "data_offsets[1]");
        SafeTensorsFails(SafeTensorsFile("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "has no \"dtype\"");
        SafeTensorsFails(SafeTensorsFile("{\"a\":[1,2]}", 0), "expected an object");
        SafeTensorsFails(SafeTensorsFile("[]", 0), "header is a JSON Array");
        SafeTensorsFails(SafeTensorsFile("{\"a\":", 0), "not valid JSON");
        SafeTensorsFails(SafeTensorsFile("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ value 'k'");
        SafeTensorsFails(SafeTensorsFile(new string('[', 100) + new string(']', 100), 0), "not valid JSON");
        var badUtf8 = SafeTensorsFile("{\"\u00ff\":1}", 0);
        badUtf8[10] = 0xFF;
        SafeTensorsFails(badUtf8, "not valid UTF-8");
    }

    static byte[] Zip(params (string Name, byte[] Data, CompressionLevel Level)[] members)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data, level) in members)
                using (var s = zip.CreateEntry(name, level).Open())
                    s.Write(data);
        return stream.ToArray();
    }

    static void NpzFails(byte[] file, string expectedInMessage)
    {
        var e = Assert.ThrowsExactly<TensorFileException>(() => Npz.Read(new MemoryStream(file), "bad.npz"));
        StringAssert.Contains(e.Message, expectedInMessage);
    }

    [TestMethod]
    public void Npz_MalformedArchives_Rejected()
    {
        var good = Npy(Header(), 24);
        Assert.HasCount(2, Npz.Read(new MemoryStream(Zip(("a.npy", good, CompressionLevel.NoCompression), ("b", good, CompressionLevel.Optimal)))));
        NpzFails(Encoding.ASCII.GetBytes("definitely not a zip archive"), "damaged or unsupported zip archive");
        NpzFails(Zip(("a.npy", good, CompressionLevel.NoCompression), ("a", good, CompressionLevel.NoCompression)), "duplicate array name 'a'");
        NpzFails(Zip(("a.npy", Encoding.ASCII.GetBytes("hello"), CompressionLevel.NoCompression)), "bad.npz[a.npy]: too short");
        NpzFails(Zip(("a.npy", good.AsSpan(0, good.Length - 1).ToArray(), CompressionLevel.Optimal)), "bad.npz[a.npy]");
        // A tiny deflated member whose header claims 8 GiB: refused from the member's real size, not allocated.
        NpzFails(Zip(("big.npy", Npy(Header(shape: "(1073741824,)", descr: "'<f8'"), 4096), CompressionLevel.Optimal)), "needs 8589934592 bytes");
    }
}
