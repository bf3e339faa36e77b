using System.IO.Compression;

namespace Bridge.Io;

/// <summary>
/// NumPy's .npz: a zip archive of .npy members, stored (<c>np.savez</c>) or deflated (<c>np.savez_compressed</c>).
/// Names are the member names without their <c>.npy</c> suffix, as <c>np.load</c> gives them.
/// </summary>
public static class Npz
{
    /// <summary>Deflate cannot expand data more than about 1032:1, so a member claiming more is a lie (a zip bomb).</summary>
    const long MaxDeflateRatio = 1032;

    /// <summary>Reads every member, in archive order.</summary>
    public static OrderedDictionary<string, Tensor> Read(Stream stream, string? name = null)
    {
        string file = name ?? "<stream>";
        long? archiveLength = stream.CanSeek ? stream.Length : null;
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            // Members cannot overlap in an honest archive, so their compressed sizes add up to at most its length;
            // entries that share bytes (a zip bomb's trick: 20 entries over one member) add up to more.
            long compressedTotal = 0;
            foreach (var entry in zip.Entries) compressedTotal += Math.Max(entry.CompressedLength, 0);
            if (archiveLength is long length && compressedTotal > length)
                throw new TensorFileException(file, $"members overlap: their compressed sizes add up to {compressedTotal} bytes in a {length}-byte archive");
            foreach (var entry in zip.Entries)
            {
                string member = entry.FullName;
                string key = member.EndsWith(".npy", StringComparison.Ordinal) ? member[..^4] : member;
                string where = $"{file}[{member}]";
                if (result.ContainsKey(key)) throw new TensorFileException(file, $"duplicate array name '{key}' (member {member})");
                if (entry.Length < 0 || entry.CompressedLength < 0 || entry.CompressedLength > archiveLength)
                    throw new TensorFileException(where, $"member sizes are impossible: {entry.CompressedLength} compressed, {entry.Length} uncompressed, archive {archiveLength} bytes");
                // What the member can really yield: its declared size, and no more than deflate can expand its compressed bytes to.
                long limit = Math.Min(entry.Length, entry.CompressedLength > long.MaxValue / MaxDeflateRatio ? long.MaxValue : entry.CompressedLength * MaxDeflateRatio + 1024);
                using var memberStream = new Crc32ReadStream(entry.Open());
                result[key] = Npy.Read(new ByteSource(memberStream, where, limit));
                if (memberStream.ReadByte() >= 0) throw new TensorFileException(where, "bytes after the array's data (the member is longer than its header declares)");
                if (memberStream.Crc != entry.Crc32)
                    throw new TensorFileException(where, $"CRC-32 mismatch: the data gives {memberStream.Crc:X8}, the archive records {entry.Crc32:X8} (damaged file)");
            }
        }
        catch (Exception e) when (e is not TensorFileException && e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            // System.IO.Compression reports damaged archives (bad directory, CRC, unknown method) with these types.
            throw new TensorFileException(file, $"damaged or unsupported zip archive: {e.Message}", e);
        }
        return result;
    }

    /// <summary>
    /// Writes each tensor as member <c>name.npy</c>: stored like <c>np.savez</c>, or deflated like
    /// <c>np.savez_compressed</c> when <paramref name="compress"/>. <paramref name="types"/> optionally narrows the stored
    /// type per name (see <see cref="Npy.Write"/>).
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compress = false, IReadOnlyDictionary<string, FileDType>? types = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("array names in an .npz must be non-empty");
            if (!seen.Add(name)) throw new ArgumentException($"duplicate array name '{name}'");
            var entry = zip.CreateEntry(name + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var memberStream = entry.Open();
            Npy.Write(memberStream, tensor, types is not null && types.TryGetValue(name, out var t) ? t : null, name);
        }
    }
}
