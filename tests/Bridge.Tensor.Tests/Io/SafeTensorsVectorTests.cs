using System.Buffers.Binary;
using System.Text;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>
/// safetensors against byte vectors from the format's reference implementation (huggingface/safetensors,
/// safetensors/src/tensor.rs tests test_serialization, test_empty, test_serialization_forced_alignement) and vectors
/// written by hand from its rules: 8-byte little-endian header length, compact JSON, header padded with spaces to a
/// multiple of 8, tensors sorted by descending dtype rank then name, offsets relative to the data buffer.
/// </summary>
[TestClass]
public sealed class SafeTensorsVectorTests
{
    // Reference test_serialization: "attn.0", F32, shape [1, 2, 3], values 0..5.
    static readonly byte[] Attn0 =
    [
        64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
        116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
        58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
        101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
        0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];

    // Reference test_serialization_forced_alignement: "attn0", shape [1, 1, 2, 3]; 7 spaces pad the header to 72 bytes.
    static readonly byte[] Attn0Aligned =
    [
        72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
        121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
        91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
        115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
        32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
        160, 64,
    ];

    // Reference test_empty: no tensors, then no tensors with metadata {"framework": "pt"}.
    static readonly byte[] Empty = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];

    static readonly byte[] EmptyWithMetadata =
    [
        40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
        95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
        116, 34, 125, 125, 32, 32, 32, 32, 32,
    ];

    static byte[] Write(IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, FileDType>? types = null)
    {
        var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata, types);
        return stream.ToArray();
    }

    static OrderedDictionary<string, Tensor> Read(byte[] bytes) => SafeTensors.Read(new MemoryStream(bytes));

    [TestMethod]
    public void SafeTensors_ReferenceVectors_WrittenByteForByte()
    {
        var values = Torch.Arange(0.0, 6.0);
        CollectionAssert.AreEqual(Attn0, Write([new("attn.0", values.Reshape(1, 2, 3))]));
        CollectionAssert.AreEqual(Attn0Aligned, Write([new("attn0", values.Reshape(1, 1, 2, 3))]));
        CollectionAssert.AreEqual(Empty, Write([]));
        CollectionAssert.AreEqual(EmptyWithMetadata, Write([], new Dictionary<string, string> { ["framework"] = "pt" }));
    }

    [TestMethod]
    public void SafeTensors_ReferenceVectors_Read()
    {
        var t = Read(Attn0)["attn.0"];
        Assert.AreEqual(DType.Float32, t.DType);
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, t.Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 0.0, 1, 2, 3, 4, 5 }, t.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 1, 1, 2, 3 }, Read(Attn0Aligned)["attn0"].Shape.ToArray());
        Assert.IsEmpty(Read(Empty));
        var tensors = SafeTensors.Read(new MemoryStream(EmptyWithMetadata), out var metadata);
        Assert.IsEmpty(tensors);
        Assert.AreEqual("pt", metadata!["framework"]);
    }

    /// <summary>A file laid out by hand: 8-byte length, JSON text, spaces, then the data bytes.</summary>
    static byte[] File(string json, params byte[][] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new List<byte>(new byte[8]);
        BinaryPrimitives.WriteUInt64LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), (ulong)header.Length);
        bytes.AddRange(header);
        foreach (var d in data) bytes.AddRange(d);
        return bytes.ToArray();
    }

    [TestMethod]
    public void SafeTensors_Ordering_DescendingDTypeRankThenName()
    {
        // Written in insertion order b, c, a2, a, z; the reference writer's order is I64 (a), F32 (a2, b), BOOL (c, z).
        var bytes = Write([
            new("b", Torch.Tensor(new[] { 1.5, -2.0 })),
            new("c", Torch.Tensor(new[] { true, false, true })),
            new("a2", Torch.Tensor(new[] { 0.25 })),
            new("a", Exact.Longs(-1)),
            new("z", Torch.Tensor(new[] { false })),
        ]);
        const string json = """{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"a2":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},"c":{"dtype":"BOOL","shape":[3],"data_offsets":[20,23]},"z":{"dtype":"BOOL","shape":[1],"data_offsets":[23,24]}}""";
        Assert.AreEqual(276, json.Length, "header length; 276 pads to 280");
        var expected = File(json + "    ",
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // int64 -1
            [0x00, 0x00, 0x80, 0x3E],                         // float32 0.25
            [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0], // float32 1.5, -2.0
            [1, 0, 1],
            [0]);
        CollectionAssert.AreEqual(expected, bytes);
        CollectionAssert.AreEqual(new[] { "a", "a2", "b", "c", "z" }, Read(bytes).Keys.ToArray(), "read back in data-offset order");
    }

    [TestMethod]
    public void SafeTensors_NarrowTypesAndEscapes_WrittenAsSpecified()
    {
        var bytes = Write([new("q\"\n", Torch.Tensor(new long[] { 1, 255 }))], new Dictionary<string, string> { ["é"] = "ü" }, new Dictionary<string, FileDType> { ["q\"\n"] = FileDType.UInt8 });
        const string json = "{\"__metadata__\":{\"é\":\"ü\"},\"q\\\"\\n\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        var header = Encoding.UTF8.GetBytes(json);
        Assert.AreEqual(84, header.Length, "UTF-8 bytes; 84 pads to 88");
        CollectionAssert.AreEqual(File(json + "    ", [1, 255]), bytes);
    }

    [TestMethod]
    public void SafeTensors_NarrowDTypes_ReadNatively()
    {
        // Header order differs from data order on purpose: readers must go by data_offsets.
        var bytes = File("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[12,16]},"i":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"u":{"dtype":"U8","shape":[2],"data_offsets":[8,10]},"bf":{"dtype":"BF16","shape":[1],"data_offsets":[10,12]}}""",
            [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // int32 -2, 2147483647
            [0x00, 0xFF],                                     // uint8 0, 255
            [0xC0, 0x3F],                                     // bfloat16 1.5 (float32 0x3FC00000)
            [0x00, 0x3C, 0x00, 0xC5]);                        // float16 1.0, -5.0
        var t = Read(bytes);
        CollectionAssert.AreEqual(new[] { "i", "u", "bf", "h" }, t.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { -2, int.MaxValue }, t["i"].ToArray<int>());
        CollectionAssert.AreEqual(new byte[] { 0, 255 }, t["u"].ToArray<byte>());
        Assert.AreEqual(DType.BFloat16, t["bf"].DType);
        Assert.AreEqual(DType.Float16, t["h"].DType);
        CollectionAssert.AreEqual(new[] { 1.5 }, t["bf"].ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 1.0, -5.0 }, t["h"].ToDoubleArray());
    }

    [TestMethod]
    public void SafeTensors_RoundTripThroughFile_KeepsValuesAndMetadata()
    {
        using var dir = new TempDir();
        var tensors = new OrderedDictionary<string, Tensor>
        {
            ["w"] = Torch.Arange(0.0, 12.0).Reshape(3, 4).T(),
            ["d"] = Torch.Tensor(new[] { 1e300, -0.0 }, DType.Float64),
            ["n"] = Exact.Longs(long.MinValue, long.MaxValue),
            ["e"] = Torch.Zeros([0, 5]),
        };
        TensorFile.Save(dir["m.safetensors"], tensors, metadata: new Dictionary<string, string> { ["format"] = "pt" });
        var back = TensorFile.Load(dir["m.safetensors"]);
        CollectionAssert.AreEqual(new[] { "n", "d", "e", "w" }, back.Keys.ToArray());
        foreach (var (name, t) in tensors)
        {
            CollectionAssert.AreEqual(t.Shape.ToArray(), back[name].Shape.ToArray(), name);
            CollectionAssert.AreEqual(t.ToDoubleArray(), back[name].ToDoubleArray(), name);
        }
        CollectionAssert.AreEqual(new[] { long.MinValue, long.MaxValue }, back["n"].ToArray<long>());
    }
}
