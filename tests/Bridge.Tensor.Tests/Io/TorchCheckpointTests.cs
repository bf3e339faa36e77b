using System.IO.Compression;
using System.Text;
using Bridge.Io;
using Bridge.Io.Pickle;
using Bridge.Nn;

namespace Bridge.Tests.Io;

/// <summary>
/// torch.save's zip checkpoints in C#: files torch 1.13 writes (made by /usr/bin/python3 at test time) load here with
/// the same values, names, sharing and layout, files written here load in torch, and hostile files are refused with
/// <see cref="TensorFileException"/>.
/// </summary>
[TestClass]
public sealed class TorchCheckpointTests : OnTheCpu
{
    static Sequential Mlp() => new(new Linear(4, 8), new Tanh(), new Linear(8, 3));

    [TestMethod]
    public void TorchWrittenStateDict_LoadsIntoAModel_AndComputesTorchsOutputs()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        PythonProcess.Check("""
            import sys, numpy as np, torch
            torch.manual_seed(0)
            m = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
            torch.save(m.state_dict(), sys.argv[1])
            x = torch.linspace(-1, 1, 12).reshape(3, 4)
            np.savez(sys.argv[2], x=x.numpy(), y=m(x).detach().numpy())
            """, dir["model.pth"], dir["expected.npz"]);
        var model = Mlp();
        var keys = model.LoadStateDict(TensorFile.Load(dir["model.pth"]));
        Assert.IsEmpty(keys.MissingKeys);
        Assert.IsEmpty(keys.UnexpectedKeys);
        var expected = TensorFile.Load(dir["expected.npz"]);
        var y = model.Forward(expected["x"]).ToDoubleArray();
        var want = expected["y"].ToDoubleArray();
        for (int i = 0; i < want.Length; i++) Assert.AreEqual(want[i], y[i], 1e-6, $"output {i}");
    }

    [TestMethod]
    public void TorchWrittenNestedCheckpoint_KeepsValuesDTypesViewsAndSharing()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        PythonProcess.Check("""
            import sys, collections, numpy as np, torch
            w = torch.arange(12.0).reshape(3, 4)
            ck = {"epoch": 7, "loss": 0.25, "name": "run", "flags": [True, None],
                  "model": collections.OrderedDict(w=w, row=w[1], col=w[:, 2], t=w.t()),
                  "extra": [torch.arange(5, dtype=torch.int64), torch.tensor([True, False]),
                            torch.tensor(2.5, dtype=torch.float64), torch.nn.Parameter(torch.ones(2))],
                  "narrow": {"h": torch.tensor([0.5, -2.0], dtype=torch.float16), "i": torch.tensor([-3, 7], dtype=torch.int32),
                             "u": torch.tensor([200, 1], dtype=torch.uint8), "bf": torch.tensor([1.5], dtype=torch.bfloat16)}}
            torch.save(ck, sys.argv[1])
            """, dir["ck.tar"]);
        var tree = (OrderedDictionary<object, object?>)TorchCheckpoint.Load(dir["ck.tar"])!;
        Assert.AreEqual(7L, tree["epoch"]);
        Assert.AreEqual(0.25, tree["loss"]);
        Assert.AreEqual("run", tree["name"]);
        CollectionAssert.AreEqual(new object?[] { true, null }, (List<object?>)tree["flags"]!);
        var model = (OrderedDictionary<object, object?>)tree["model"]!;
        var w = (Tensor)model["w"]!;
        var col = (Tensor)model["col"]!;
        CollectionAssert.AreEqual(new[] { 2.0, 6.0, 10.0 }, col.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 4 }, col.Stride());
        Assert.AreEqual(2L, col.StorageOffset);
        Assert.AreSame(w.Storage, col.Storage, "views of one storage share it");
        Assert.AreSame(w.Storage, ((Tensor)model["t"]!).Storage);
        CollectionAssert.AreEqual(new long[] { 1, 4 }, ((Tensor)model["t"]!).Stride());
        var extra = (List<object?>)tree["extra"]!;
        Assert.AreEqual(DType.Int64, ((Tensor)extra[0]!).DType);
        Assert.AreEqual(DType.Bool, ((Tensor)extra[1]!).DType);
        Assert.AreEqual(2.5, ((Tensor)extra[2]!).Item<double>());
        Assert.IsTrue(((Tensor)extra[3]!).IsParameter && ((Tensor)extra[3]!).RequiresGrad);

        var flat = TensorFile.Load(dir["ck.tar"]);
        CollectionAssert.AreEqual(new[] { "model.w", "model.row", "model.col", "model.t", "extra.0", "extra.1", "extra.2", "extra.3",
            "narrow.h", "narrow.i", "narrow.u", "narrow.bf" }, flat.Keys.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, -2.0 }, flat["narrow.h"].ToDoubleArray());
        Assert.AreEqual(DType.Float16, flat["narrow.h"].DType);
        Assert.AreEqual(DType.Int32, flat["narrow.i"].DType);
        Assert.AreEqual(DType.BFloat16, flat["narrow.bf"].DType);
        CollectionAssert.AreEqual(new[] { -3.0, 7.0 }, flat["narrow.i"].ToDoubleArray());
        Assert.AreEqual(DType.UInt8, flat["narrow.u"].DType);
        CollectionAssert.AreEqual(new[] { 200.0, 1.0 }, flat["narrow.u"].ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 1.5 }, flat["narrow.bf"].ToDoubleArray());
    }

    [TestMethod]
    public void CSharpWrittenCheckpoints_LoadInTorch()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        Torch.ManualSeed(3);
        var model = Mlp();
        TensorFile.Save(dir["model.pt"], model.StateDict());
        var x = Torch.Linspace(-1, 1, 8).Reshape(2, 4);
        var w = Torch.Arange(0.0, 12.0).Reshape(3, 4);
        var nested = new OrderedDictionary<string, object?>
        {
            ["epoch"] = 4,
            ["loss"] = 0.5,
            ["tag"] = "c#",
            ["none"] = null,
            ["views"] = new OrderedDictionary<string, Tensor> { ["w"] = w, ["row"] = w[1], ["t"] = w.T() },
            ["list"] = new List<object?> { Torch.Arange(3), Torch.Tensor(new[] { true, false }), Module.Parameter(Torch.Ones(2)) },
            ["tuple"] = new PickleTuple([1L, "two"]),
        };
        TorchCheckpoint.Save(dir["nested"], nested);
        TensorFile.Save(dir["expected.npz"], new OrderedDictionary<string, Tensor> { ["x"] = x, ["y"] = model.Forward(x).Detach() });
        string output = PythonProcess.Check("""
            import sys, collections, numpy as np, torch
            sd = torch.load(sys.argv[1])
            assert isinstance(sd, collections.OrderedDict) and list(sd) == ["0.weight", "0.bias", "2.weight", "2.bias"], list(sd)
            m = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
            m.load_state_dict(sd)
            e = np.load(sys.argv[2])
            np.testing.assert_allclose(m(torch.from_numpy(e["x"])).detach().numpy(), e["y"], rtol=1e-6, atol=1e-7)
            ck = torch.load(sys.argv[3])
            assert ck["epoch"] == 4 and ck["loss"] == 0.5 and ck["tag"] == "c#" and ck["none"] is None
            v = ck["views"]
            assert v["row"].tolist() == [4.0, 5.0, 6.0, 7.0] and v["row"].storage_offset() == 4
            assert v["t"].stride() == (1, 4) and v["t"].storage().data_ptr() == v["w"].storage().data_ptr()
            v["w"][1, 0] = -1.0
            assert v["row"][0].item() == -1.0
            assert ck["list"][0].tolist() == [0, 1, 2] and ck["list"][1].dtype == torch.bool
            assert isinstance(ck["list"][2], torch.nn.Parameter) and ck["list"][2].requires_grad
            assert ck["tuple"] == (1, "two")
            print("ok")
            """, dir["model.pt"], dir["expected.npz"], dir["nested"]);
        Assert.AreEqual("ok", output.Trim());
    }

    [TestMethod]
    public void CSharpWrittenFiles_HaveTorchsLayout()
    {
        using var dir = new TempDir();
        var w = Torch.Ones(3);
        TensorFile.Save(dir["model.pth"], new OrderedDictionary<string, Tensor> { ["a"] = w, ["b"] = w[1..], ["c"] = Torch.Zeros(2) });
        var bytes = File.ReadAllBytes(dir["model.pth"]);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        CollectionAssert.AreEqual(new[] { "model/data.pkl", "model/data/0", "model/data/1", "model/version" }, zip.Entries.Select(e => e.FullName).ToArray());
        // every record's data starts at a multiple of 64 bytes, after an "FB" padding field, as torch writes them
        int at = 0;
        while (at + 30 <= bytes.Length && BitConverter.ToUInt32(bytes, at) == 0x04034b50)
        {
            int nameLength = BitConverter.ToUInt16(bytes, at + 26), extraLength = BitConverter.ToUInt16(bytes, at + 28);
            int size = BitConverter.ToInt32(bytes, at + 18);
            Assert.AreEqual("FB", Encoding.ASCII.GetString(bytes, at + 30 + nameLength, 2));
            int start = at + 30 + nameLength + extraLength;
            Assert.AreEqual(0, start % 64, $"record at {at}");
            at = start + size;
        }
        Assert.AreEqual(4 * 3, zip.GetEntry("model/data/0")!.Length, "one storage for a tensor and its view");
        using var version = new StreamReader(zip.GetEntry("model/version")!.Open());
        Assert.AreEqual("3\n", version.ReadToEnd());
    }

    [TestMethod]
    public void RoundTrip_InCSharp_KeepsValuesLayoutAndSharing()
    {
        var w = Torch.Arange(0.0, 6.0).Reshape(2, 3);
        var stream = new MemoryStream();
        TorchCheckpoint.Write(stream, new OrderedDictionary<string, Tensor> { ["w"] = w, ["col"] = w[.., 1], ["i"] = Exact.Longs(long.MaxValue, -5) });
        stream.Position = 0;
        var back = TensorFile.Load(stream, TensorFileFormat.TorchCheckpoint);
        CollectionAssert.AreEqual(w.ToDoubleArray(), back["w"].ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 1.0, 4.0 }, back["col"].ToDoubleArray());
        Assert.AreSame(back["w"].Storage, back["col"].Storage);
        CollectionAssert.AreEqual(new[] { long.MaxValue, -5L }, back["i"].ToArray<long>());
    }

    [TestMethod]
    public void SingleTensor_SavesAndLoads()
    {
        using var dir = new TempDir();
        TensorFile.Save(dir["x.pt"], Torch.Arange(4));
        CollectionAssert.AreEqual(new[] { 0L, 1, 2, 3 }, TensorFile.LoadTensor(dir["x.pt"]).ToArray<long>());
    }

    // ---- hostile files -------------------------------------------------------------------------------

    /// <summary>A checkpoint with a hand-made data.pkl and records (stored, as torch writes them).</summary>
    internal static byte[] Archive(byte[] pickle, params (string Name, byte[] Data)[] records)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in records.Prepend(("data.pkl", pickle)).Append(("version", "3\n"u8.ToArray())))
            {
                using var entry = zip.CreateEntry("archive/" + name, CompressionLevel.NoCompression).Open();
                entry.Write(data);
            }
        }
        return stream.ToArray();
    }

    static byte[] Pickle(string body) => [0x80, 0x02, .. Encoding.Latin1.GetBytes(body), (byte)'.'];

    static string Fails(byte[] file)
    {
        var e = Assert.ThrowsExactly<TensorFileException>(() => TorchCheckpoint.Read(new MemoryStream(file), "hostile.pt"));
        StringAssert.Contains(e.Message, "hostile.pt");
        return e.Message;
    }

    // ('storage', torch.FloatStorage, '0', 'cpu', numel) as protocol-2 opcodes
    static string StorageId(int numel) => "(X\x07\0\0\0storagectorch\nFloatStorage\nX\x01\0\0\0" + "0" + "X\x03\0\0\0cpuK" + (char)numel + "tQ";

    [TestMethod]
    public void Globals_OtherThanTensorsAndOrderedDict_AreRefusedByName()
    {
        StringAssert.Contains(Fails(Archive(Pickle("cposix\nsystem\nX\x02\0\0\0lsR"))), "posix.system");
        StringAssert.Contains(Fails(Archive(Pickle("cnumpy.core.multiarray\n_reconstruct\n)R"))), "numpy.core.multiarray._reconstruct");
        StringAssert.Contains(Fails(Archive(Pickle("ctorch.nn.modules.linear\nLinear\n)\x81"))), "save model.state_dict()");
        StringAssert.Contains(Fails(Archive(Pickle("c__builtin__\nset\n)R"))), "__builtin__.set");
    }

    [TestMethod]
    public void MalformedPickles_AreClearErrors()
    {
        StringAssert.Contains(Fails(Archive([0x80, 0x02, (byte)'K'])), "truncated");
        StringAssert.Contains(Fails(Archive(Pickle("X\xff\xff\xff\x7f"))), "remain");
        StringAssert.Contains(Fails(Archive(Pickle("j\xff\xff\xff\x7f"))), "never stored");
        StringAssert.Contains(Fails(Archive(Pickle("I12\n"))), "unsupported pickle opcode");
        StringAssert.Contains(Fails(Archive(Pickle("a"))), "empty stack");
        StringAssert.Contains(Fails(Archive(Pickle(new string('(', 5000)))), "nested marks");
        // a list holding itself reads (as Python's would), and flattening it to tensors stops at the depth limit
        var cyclic = Archive(Pickle("]q\0h\0a"));
        Assert.IsInstanceOfType<List<object?>>(TorchCheckpoint.Read(new MemoryStream(cyclic)));
        var e = Assert.ThrowsExactly<TensorFileException>(() => TorchCheckpoint.ReadTensors(new MemoryStream(cyclic)));
        StringAssert.Contains(e.Message, "nested more than");
        StringAssert.Contains(Fails(Archive([0x80, 0x09, (byte)'N', (byte)'.'])), "protocol 9");
    }

    [TestMethod]
    public void LegacyAndForeignFiles_AreClearErrors()
    {
        StringAssert.Contains(Fails([0x80, 0x02, 0x8a, 0x0a]), "legacy format");
        StringAssert.Contains(Fails("hello"u8.ToArray()), "does not start with a zip header");
        var zipWithoutPickle = new MemoryStream();
        using (var z = new ZipArchive(zipWithoutPickle, ZipArchiveMode.Create, leaveOpen: true))
            z.CreateEntry("x.npy");
        StringAssert.Contains(Fails(zipWithoutPickle.ToArray()), "data.pkl");
    }

    [TestMethod]
    public void StoragesThatLie_AreRefusedBeforeAllocating()
    {
        var four = new byte[16];
        string tensor(string size, string stride, int numel, int offset = 0) =>
            "ctorch._utils\n_rebuild_tensor_v2\n(" + StorageId(numel) + "K" + (char)offset + size + stride + "\x89" + "ccollections\nOrderedDict\n)RtR";
        // a stride that reaches past the 4 elements
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x04\x85", "K\xc8\x85", 4)), ("data/0", four))), "reach past storage");
        // an offset past the end
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x02\x85", "K\x01\x85", 4, 3)), ("data/0", four))), "reach past storage");
        // a declared element count the record does not hold (and a huge one: no allocation)
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x04\x85", "K\x01\x85", 200)), ("data/0", four))), "the record holds 16 bytes");
        var huge = "ctorch._utils\n_rebuild_tensor_v2\n((X\x07\0\0\0storagectorch\nFloatStorage\nX\x01\0\0\0" + "0" + "X\x03\0\0\0cpu\x8a\x05\0\0\0\0\x01tQK\0K\x04\x85K\x01\x85\x89" + "ccollections\nOrderedDict\n)RtR";
        StringAssert.Contains(Fails(Archive(Pickle(huge), ("data/0", four))), "elements");
        // a storage the archive does not have
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x04\x85", "K\x01\x85", 4)))), "no record archive/data/0");
        // a negative stride, mismatched ranks
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x04\x85", "J\xff\xff\xff\xff\x85", 4)), ("data/0", four))), "out of range");
        StringAssert.Contains(Fails(Archive(Pickle(tensor("K\x02K\x02\x86", "K\x01\x85", 4)), ("data/0", four))), "dimensions");
    }

    [TestMethod]
    public void DamagedArchives_AreClearErrors()
    {
        var good = new MemoryStream();
        TorchCheckpoint.Write(good, new OrderedDictionary<string, Tensor> { ["x"] = Torch.Arange(0.0, 64.0) });
        var bytes = good.ToArray();
        int name = IndexOf(bytes, "archive/data/0"u8.ToArray()); // in the local header: data follows the padding
        int data = name + 14 + BitConverter.ToUInt16(bytes, name - 2) + 5;
        var flipped = (byte[])bytes.Clone();
        flipped[data] ^= 0x10;
        StringAssert.Contains(Fails(flipped), "CRC-32");
        Fails(bytes[..(bytes.Length / 2)]);
        // a compressed record (torch never writes one)
        var compressed = new MemoryStream();
        using (var z = new ZipArchive(compressed, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = z.CreateEntry("archive/data.pkl", CompressionLevel.Optimal).Open()) s.Write(Pickle("N"));
        }
        StringAssert.Contains(Fails(compressed.ToArray()), "compressed");
    }

    /// <summary>
    /// Mutation fuzzing of the pickle itself: the zip-level fuzz (FuzzTests) mostly meets CRC errors, so here data.pkl is
    /// mutated and re-archived with a correct CRC, reaching the pickle reader and the tensor rebuild with every kind of
    /// damage. Each load succeeds or throws <see cref="TensorFileException"/>, never returning more than the file holds.
    /// </summary>
    [TestMethod]
    public void MutatedPickles_SucceedOrThrowTensorFileException()
    {
        var w = Torch.Arange(0.0, 12.0).Reshape(3, 4);
        var value = new OrderedDictionary<string, object?>
        {
            ["sd"] = new OrderedDictionary<string, Tensor> { ["w"] = w, ["row"] = w[1], ["t"] = w.T(), ["p"] = Module.Parameter(Torch.Ones(2)) },
            ["epoch"] = 3,
            ["list"] = new List<object?> { Torch.Arange(5), 0.5, "s", null, new PickleTuple([1L, true]) },
        };
        var stream = new MemoryStream();
        TorchCheckpoint.Write(stream, value);
        using var zip = new ZipArchive(new MemoryStream(stream.ToArray()));
        var records = zip.Entries.ToDictionary(e => e.FullName["archive/".Length..], e =>
        {
            var m = new MemoryStream();
            using (var s = e.Open()) s.CopyTo(m);
            return m.ToArray();
        });
        var pickle = records["data.pkl"];
        var others = records.Where(r => r.Key is not ("data.pkl" or "version")).Select(r => (r.Key, r.Value)).ToArray();
        var r = new System.Random(20261129);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int run = 0, loaded = 0;
        byte[] interesting = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, (byte)'(', (byte)'t', (byte)'R', (byte)'Q', (byte)'h', (byte)'q', (byte)'e', (byte)'u', (byte)'K', (byte)'J'];
        for (; run < 20000 && clock.Elapsed < TimeSpan.FromSeconds(2); run++)
        {
            var bytes = (byte[])pickle.Clone();
            int edits = r.Next(1, 4);
            for (int i = 0; i < edits; i++)
            {
                int at = r.Next(bytes.Length);
                if (r.Next(3) == 0) bytes[at] ^= (byte)(1 << r.Next(8));
                else bytes[at] = interesting[r.Next(interesting.Length)];
            }
            if (r.Next(8) == 0) bytes = bytes[..r.Next(bytes.Length)];
            var file = Archive(bytes, others);
            try
            {
                long total = TorchCheckpoint.ReadTensors(new MemoryStream(file)).Values.Sum(t => (long)t.Numel() * t.DType.ElementSize());
                Assert.IsLessThanOrEqualTo(8L * 64 * file.Length, total, "a view cannot hold more than its storages");
                loaded++;
            }
            catch (TensorFileException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {run} threw {e.GetType().Name}: {e.Message}\npickle: {Convert.ToHexString(bytes)}");
            }
        }
        Assert.IsGreaterThan(200, run);
        Console.WriteLine($"{run} mutated pickles in {clock.Elapsed.TotalSeconds:0.00} s: {loaded} loaded, {run - loaded} rejected");
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
