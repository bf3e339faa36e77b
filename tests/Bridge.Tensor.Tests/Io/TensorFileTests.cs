using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>The extension-dispatching entry point: format choice, streams that cannot seek, atomic saves.</summary>
[TestClass]
public sealed class TensorFileTests
{
    /// <summary>A read-only stream that cannot seek, like a pipe.</summary>
    sealed class PipeStream(byte[] bytes) : Stream
    {
        readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [TestMethod]
    public void Load_StreamsThatCannotSeek_ReadLikeFiles()
    {
        var tensors = new OrderedDictionary<string, Tensor> { ["a"] = Torch.Arange(0.0, 6.0).Reshape(2, 3), ["b"] = Torch.Tensor(new[] { true }) };
        foreach (var format in new[] { TensorFileFormat.Npz, TensorFileFormat.SafeTensors })
        {
            var bytes = new MemoryStream();
            TensorFile.Save(bytes, format, tensors);
            var back = TensorFile.Load(new PipeStream(bytes.ToArray()), format);
            CollectionAssert.AreEquivalent(new[] { "a", "b" }, back.Keys.ToArray(), format.ToString());
            CollectionAssert.AreEqual(new[] { 0.0, 1, 2, 3, 4, 5 }, back["a"].ToDoubleArray(), format.ToString());
        }
        var npy = new MemoryStream();
        TensorFile.Save(npy, Torch.Tensor(new[] { 1.5, -2.0 }));
        CollectionAssert.AreEqual(new[] { 1.5, -2.0 }, TensorFile.LoadTensor(new PipeStream(npy.ToArray())).ToDoubleArray());
        Assert.ThrowsExactly<TensorFileException>(() => TensorFile.LoadTensor(new PipeStream(npy.ToArray()[..^1])));
    }

    [TestMethod]
    public void FormatOf_Extensions_ChooseTheFormatOrExplain()
    {
        Assert.AreEqual(TensorFileFormat.Npy, TensorFile.FormatOf("x.NPY"));
        Assert.AreEqual(TensorFileFormat.Npz, TensorFile.FormatOf("/a/b/w.npz"));
        Assert.AreEqual(TensorFileFormat.SafeTensors, TensorFile.FormatOf("model.safetensors"));
        Assert.AreEqual(TensorFileFormat.TorchCheckpoint, TensorFile.FormatOf("model.pt"));
        Assert.AreEqual(TensorFileFormat.TorchCheckpoint, TensorFile.FormatOf("model.PTH"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TensorFile.FormatOf("model.h5")).Message, "'.h5'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TensorFile.Load("x.npy")).Message, "LoadTensor");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TensorFile.Save("x.npz", Torch.Ones(1))).Message, "name");
        Assert.ThrowsExactly<ArgumentException>(() => TensorFile.Save(new MemoryStream(), TensorFileFormat.Npz, [], metadata: new Dictionary<string, string>()));
        Assert.ThrowsExactly<ArgumentException>(() => TensorFile.Save(new MemoryStream(), TensorFileFormat.SafeTensors, [new("__metadata__", Torch.Ones(1))]));
    }

    [TestMethod]
    public void Save_FailingWrite_KeepsThePreviousFile()
    {
        using var dir = new TempDir();
        TensorFile.Save(dir["w.safetensors"], [new("x", Torch.Ones(2))]);
        var before = File.ReadAllBytes(dir["w.safetensors"]);
        Assert.ThrowsExactly<OverflowException>(() => TensorFile.Save(dir["w.safetensors"], [new("x", Torch.Tensor(new[] { 0.5 }))],
            types: new Dictionary<string, FileDType> { ["x"] = FileDType.Int32 }));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(dir["w.safetensors"]));
        Assert.HasCount(1, Directory.GetFiles(dir.Path), "no temporary file left behind");
    }
}
