using System.Buffers.Binary;
using System.Diagnostics;
using Bridge.Io;

namespace Bridge.Tests.Io;

/// <summary>
/// Files and names from outside as attacks (issue 15): checksums, overlapping archive members, FIFOs, leftovers of
/// killed writers, and shared-memory names that try to leave /dev/shm.
/// </summary>
[TestClass]
public sealed class UntrustedPathsAndArchivesTests
{
    static byte[] StoredNpz(int elements, float value)
    {
        var ms = new MemoryStream();
        Npz.Write(ms, [new("a", Torch.Full([elements], value))]);
        return ms.ToArray();
    }

    [TestMethod]
    public void Npz_DataByteFlipped_FailsItsCrc32()
    {
        var bytes = StoredNpz(64, 1.5f);   // 1.5f = 00 00 C0 3F
        int at = bytes.AsSpan().IndexOf(new byte[] { 0x00, 0x00, 0xC0, 0x3F }) + 2;
        Assert.IsTrue(at > 2, "the stored data is in the archive as written");
        bytes[at] ^= 0x01;                  // 1.5 -> another float: only the checksum can tell
        var e = Assert.ThrowsExactly<TensorFileException>(() => Npz.Read(new MemoryStream(bytes), "flipped.npz"));
        StringAssert.Contains(e.Message, "flipped.npz");
        StringAssert.Contains(e.Message.ToLowerInvariant(), "crc");
    }

    [TestMethod]
    public void Npz_TwoDirectoryEntriesSharingOneMember_AreRefused()
    {
        var zip = StoredNpz(4096, 2f);
        int eocd = zip.Length - 22;
        Assert.AreEqual(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(eocd)));
        int cdSize = BinaryPrimitives.ReadInt32LittleEndian(zip.AsSpan(eocd + 12));
        int cdOffset = BinaryPrimitives.ReadInt32LittleEndian(zip.AsSpan(eocd + 16));
        var entry = zip.AsSpan(cdOffset, cdSize).ToArray();
        var twin = (byte[])entry.Clone();
        int nameAt = twin.AsSpan().IndexOf("a.npy"u8);
        twin[nameAt] = (byte)'b';           // a second name for the same local header and bytes
        var forged = new List<byte>(zip[..cdOffset]);
        forged.AddRange(entry);
        forged.AddRange(twin);
        var end = zip[eocd..];
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), 2);
        BinaryPrimitives.WriteInt32LittleEndian(end.AsSpan(12), cdSize * 2);
        forged.AddRange(end);
        var e = Assert.ThrowsExactly<TensorFileException>(() => Npz.Read(new MemoryStream(forged.ToArray()), "twins.npz"));
        StringAssert.Contains(e.Message, "members overlap");
    }

    [TestMethod]
    [Timeout(20_000, CooperativeCancellation = true)]
    public void Load_FromAFifo_FailsAtOnceInsteadOfBlocking()
    {
        using var dir = new TempDir();
        string fifo = dir["pipe.npy"];
        using (var mk = Process.Start("mkfifo", fifo)) mk.WaitForExit();
        Assert.IsTrue(File.Exists(fifo));
        var e = Assert.ThrowsExactly<TensorFileException>(() => TensorFile.LoadTensor(fifo));
        StringAssert.Contains(e.Message, "not a regular file");
        Assert.ThrowsExactly<TensorFileException>(() => SharedTensor.OpenFile(fifo));
    }

    [TestMethod]
    public void Save_RemovesWhatAKilledWriterLeft_ButNotALiveWritersFile()
    {
        using var dir = new TempDir();
        string target = dir["w.npy"];
        string dead = dir[$".w.npy.{int.MaxValue}.{Guid.NewGuid():N}.tmp"];    // no process has this id
        string live = dir[$".w.npy.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"];
        string other = dir[".unrelated.npy.1.tmp"];
        foreach (var f in new[] { dead, live, other }) File.WriteAllBytes(f, new byte[100]);
        TensorFile.Save(target, Torch.Ones(3));
        Assert.IsFalse(File.Exists(dead), "a dead writer's temporary is removed");
        Assert.IsTrue(File.Exists(live), "a live process's temporary stays");
        Assert.IsTrue(File.Exists(other));
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, TensorFile.LoadTensor(target).ToArray<float>());
    }

    [TestMethod]
    public void SharedNames_ThatLeaveDevShm_AreRefused()
    {
        foreach (var name in new[] { "../etc/passwd", "a/b", "/tmp/x", "..", ".", "x\0y", new string('n', 256) })
        {
            Assert.ThrowsExactly<ArgumentException>(() => SharedTensor.Create(name, [1], DType.Float32), name);
            Assert.ThrowsExactly<ArgumentException>(() => SharedTensor.Open(name), name);
            Assert.ThrowsExactly<ArgumentException>(() => SharedTensor.Unlink(name), name);
        }
    }

    [TestMethod]
    public void SharedCreate_NegativeShape_AndOverwritingAForeignFile_AreRefused()
    {
        string name = "bridge-test-" + Guid.NewGuid().ToString("N");
        Assert.ThrowsExactly<ArgumentException>(() => SharedTensor.Create(name, [-1], DType.Float32));
        Assert.IsFalse(File.Exists("/dev/shm/" + name));
        File.WriteAllText("/dev/shm/" + name, "someone else's data");
        try
        {
            Assert.ThrowsExactly<IOException>(() => SharedTensor.Create(name, [4], DType.Float32, overwrite: true));
            Assert.AreEqual("someone else's data", File.ReadAllText("/dev/shm/" + name));
        }
        finally
        {
            File.Delete("/dev/shm/" + name);
        }
        using (var first = SharedTensor.Create(name, [2], DType.Float32))
        using (var again = SharedTensor.Create(name, [3], DType.Float32, overwrite: true))   // a shared tensor's file may be replaced
            Assert.AreEqual(3L, again.Tensor.Numel());
        SharedTensor.Unlink(name);
    }
}
