using System.IO.Compression;

namespace Bridge.Io;

/// <summary>
/// The records of a torch checkpoint's zip archive, read as hostile input: one <c>&lt;archive&gt;/data.pkl</c>, records
/// stored (torch never compresses them), members that do not overlap, each record's size checked against the archive
/// before anything is allocated for it, and each record's CRC-32 checked.
/// </summary>
internal sealed class TorchRecords
{
    readonly ZipArchive _zip;
    readonly long _length;
    readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>The file name for errors.</summary>
    public string File { get; }

    /// <summary>The archive folder with its slash (<c>model/</c>).</summary>
    public string Prefix { get; }

    public TorchRecords(ZipArchive zip, long length, string file)
    {
        _zip = zip;
        _length = length;
        File = file;
        long compressedTotal = 0;
        foreach (var entry in zip.Entries)
        {
            if (!_entries.TryAdd(entry.FullName, entry)) throw new TensorFileException(file, $"duplicate record name '{entry.FullName}'");
            compressedTotal += Math.Max(entry.CompressedLength, 0);
        }
        // Members cannot overlap in an honest archive; entries sharing bytes (a zip bomb's trick) add up to more.
        if (compressedTotal > length) throw new TensorFileException(file, $"records overlap: their sizes add up to {compressedTotal} bytes in a {length}-byte archive");
        var pickles = _entries.Keys.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/', StringComparison.Ordinal) == n.Length - 9).ToList();
        if (pickles.Count != 1)
        {
            if (_entries.Keys.Any(n => n.EndsWith("constants.pkl", StringComparison.Ordinal)))
                throw new TensorFileException(file, "a TorchScript archive (torch.jit.save); Bridge reads torch.save files");
            throw new TensorFileException(file, $"not a torch checkpoint: {pickles.Count} <archive>/data.pkl records (expected one)");
        }
        Prefix = pickles[0][..^"data.pkl".Length];
        if (_entries.TryGetValue(Prefix + "byteorder", out var order))
        {
            string text = System.Text.Encoding.ASCII.GetString(ReadSmall(order, 16)).Trim();
            if (text is not ("little" or "")) throw new TensorFileException(file, $"byte order '{text}': Bridge reads little-endian checkpoints");
        }
    }

    ZipArchiveEntry Entry(string name) => _entries.TryGetValue(Prefix + name, out var e) ? e
        : throw new TensorFileException(File, $"no record {Prefix}{name} (damaged file, or a pickle naming a storage that is not there)");

    /// <summary>data.pkl's bytes.</summary>
    public byte[] ReadPickle()
    {
        var entry = Entry("data.pkl");
        Check(entry);
        if (entry.Length > TorchCheckpoint.MaxPickleBytes) throw new TensorFileException(File, $"data.pkl declares {entry.Length} bytes, more than the {TorchCheckpoint.MaxPickleBytes}-byte limit");
        return ReadSmall(entry, (int)entry.Length);
    }

    byte[] ReadSmall(ZipArchiveEntry entry, int limit)
    {
        Check(entry);
        if (entry.Length > limit) throw new TensorFileException(File, $"record {entry.FullName} declares {entry.Length} bytes, more than the {limit} expected");
        using var stream = new Crc32ReadStream(entry.Open());
        var source = new ByteSource(stream, $"{File}[{entry.FullName}]", entry.Length);
        var bytes = source.ReadBytes((int)entry.Length, "record");
        Finish(stream, entry);
        return bytes;
    }

    void Check(ZipArchiveEntry entry)
    {
        if (entry.Length < 0 || entry.CompressedLength != entry.Length)
            throw new TensorFileException(File, $"record {entry.FullName} is compressed or its sizes disagree ({entry.CompressedLength} stored, {entry.Length} declared); torch stores records uncompressed");
        if (entry.Length > _length) throw new TensorFileException(File, $"record {entry.FullName} declares {entry.Length} bytes in a {_length}-byte archive");
    }

    void Finish(Crc32ReadStream stream, ZipArchiveEntry entry)
    {
        if (stream.ReadByte() >= 0) throw new TensorFileException(File, $"record {entry.FullName} holds more bytes than it declares");
        if (stream.Crc != entry.Crc32) throw new TensorFileException(File, $"record {entry.FullName}: CRC-32 mismatch: the data gives {stream.Crc:X8}, the archive records {entry.Crc32:X8} (damaged file)");
    }

    /// <summary>
    /// Storage record <c>data/key</c> as a 1-D tensor of <paramref name="numel"/> elements stored as <paramref name="type"/>
    /// (widened as the engine reads file types); the record must hold exactly that many bytes.
    /// </summary>
    public Tensor ReadStorage(string key, FileDType type, long numel)
    {
        var entry = Entry("data/" + key);
        Check(entry);
        string where = $"{File}[{entry.FullName}]";
        if (numel < 0 || numel > int.MaxValue) throw new TensorFileException(where, $"storage of {numel} elements (Bridge's limit is {int.MaxValue})");
        if (numel * type.Size() != entry.Length) throw new TensorFileException(where, $"the pickle declares {numel} elements ({numel * type.Size()} bytes), the record holds {entry.Length} bytes");
        using var stream = new Crc32ReadStream(entry.Open());
        var tensor = ElementCodec.Read(new ByteSource(stream, where, entry.Length), type, bigEndian: false, [(int)numel], fortranOrder: false, "storage data");
        Finish(stream, entry);
        return tensor;
    }
}
