namespace Bridge.Io;

/// <summary>
/// Reads through to an inner stream while computing zip's CRC-32 (polynomial 0xEDB88320) of every byte, because
/// System.IO.Compression does not check stored members' checksums: a flipped data byte would load silently.
/// </summary>
internal sealed class Crc32ReadStream(Stream inner) : Stream
{
    static readonly uint[] Table = BuildTable();
    uint _crc = 0xFFFFFFFF;

    /// <summary>CRC-32 of the bytes read so far.</summary>
    public uint Crc => ~_crc;

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _crc = Update(_crc, buffer[..n]);
        return n;
    }

    /// <summary>Continues a running (not yet inverted) CRC-32 state over <paramref name="bytes"/>; start at 0xFFFFFFFF, invert at the end.</summary>
    internal static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
