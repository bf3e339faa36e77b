using System.Buffers.Binary;
using System.Text;

namespace Bridge.Io;

/// <summary>
/// Writes a zip archive the way torch's checkpoint writer does: every record stored, under one archive folder, its
/// local header's extra field padded (id <c>FB</c>, filled with <c>Z</c>) so that the data starts at a multiple of 64
/// bytes. Sizes and CRC-32 are known before each header, so no data descriptors; zip64 fields where sizes or offsets
/// pass 4 GiB. Works on streams that cannot seek (offsets are counted, not asked for).
/// </summary>
internal sealed class TorchZipWriter(Stream stream, string archive)
{
    const int Alignment = 64;
    const uint Max32 = 0xFFFFFFFF;

    readonly List<(byte[] Name, uint Crc, long Size, long Offset)> _written = [];
    long _position;

    /// <summary>Writes record <c>archive/name</c> holding <paramref name="data"/>.</summary>
    public void Write(string name, byte[] data)
    {
        uint crc = ~Crc32ReadStream.Update(0xFFFFFFFF, data);
        Header(name, crc, data.LongLength);
        Emit(data);
    }

    /// <summary>Writes record <c>archive/name</c> holding the first <paramref name="byteLength"/> bytes of <paramref name="storage"/> (host memory).</summary>
    public unsafe void Write(string name, Storage storage, long byteLength)
    {
        const int Piece = 1 << 30;
        uint state = 0xFFFFFFFF;
        byte* p = byteLength > 0 ? (byte*)storage.Pointer : null;
        for (long at = 0; at < byteLength; at += Piece)
            state = Crc32ReadStream.Update(state, new ReadOnlySpan<byte>(p + at, (int)Math.Min(Piece, byteLength - at)));
        Header(name, ~state, byteLength);
        for (long at = 0; at < byteLength; at += Piece)
            Emit(new ReadOnlySpan<byte>(p + at, (int)Math.Min(Piece, byteLength - at)));
    }

    void Header(string name, uint crc, long size)
    {
        var fullName = Encoding.UTF8.GetBytes($"{archive}/{name}");
        bool zip64 = size >= Max32;
        int zip64Extra = zip64 ? 20 : 0;
        long dataStart = _position + 30 + fullName.Length + zip64Extra + 4;
        int pad = (int)((Alignment - dataStart % Alignment) % Alignment);
        var header = new byte[30 + fullName.Length + zip64Extra + 4 + pad];
        var h = header.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], (ushort)(zip64 ? 45 : 20)); // version needed
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0x0800); // UTF-8 names
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(h[10..], 0); // time
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], 0x21); // date: 1980-01-01
        BinaryPrimitives.WriteUInt32LittleEndian(h[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[18..], zip64 ? Max32 : (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(h[22..], zip64 ? Max32 : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(h[26..], (ushort)fullName.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h[28..], (ushort)(zip64Extra + 4 + pad));
        fullName.CopyTo(h[30..]);
        var extra = h[(30 + fullName.Length)..];
        if (zip64)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 16);
            BinaryPrimitives.WriteInt64LittleEndian(extra[4..], size);
            BinaryPrimitives.WriteInt64LittleEndian(extra[12..], size);
            extra = extra[20..];
        }
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x4246); // "FB"
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)pad);
        extra[4..].Fill((byte)'Z');
        _written.Add((fullName, crc, size, _position));
        Emit(header);
    }

    void Emit(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        _position += bytes.Length;
    }

    /// <summary>Writes the central directory and the end records.</summary>
    public void Finish()
    {
        long directoryStart = _position;
        foreach (var (name, crc, size, offset) in _written)
        {
            bool bigSize = size >= Max32, bigOffset = offset >= Max32;
            int extraLength = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
            var entry = new byte[46 + name.Length + extraLength];
            var e = entry.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(e, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(e[4..], 45); // made by
            BinaryPrimitives.WriteUInt16LittleEndian(e[6..], (ushort)(extraLength > 0 ? 45 : 20));
            BinaryPrimitives.WriteUInt16LittleEndian(e[8..], 0x0800);
            BinaryPrimitives.WriteUInt16LittleEndian(e[12..], 0);
            BinaryPrimitives.WriteUInt16LittleEndian(e[14..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(e[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(e[20..], bigSize ? Max32 : (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(e[24..], bigSize ? Max32 : (uint)size);
            BinaryPrimitives.WriteUInt16LittleEndian(e[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(e[30..], (ushort)extraLength);
            BinaryPrimitives.WriteUInt32LittleEndian(e[42..], bigOffset ? Max32 : (uint)offset);
            name.CopyTo(e[46..]);
            if (extraLength > 0)
            {
                var x = e[(46 + name.Length)..];
                BinaryPrimitives.WriteUInt16LittleEndian(x, 1);
                BinaryPrimitives.WriteUInt16LittleEndian(x[2..], (ushort)(extraLength - 4));
                x = x[4..];
                if (bigSize)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(x, size);
                    BinaryPrimitives.WriteInt64LittleEndian(x[8..], size);
                    x = x[16..];
                }
                if (bigOffset) BinaryPrimitives.WriteInt64LittleEndian(x, offset);
            }
            Emit(entry);
        }
        long directorySize = _position - directoryStart;
        bool zip64 = directoryStart >= Max32 || _written.Count >= 0xFFFF;
        if (zip64)
        {
            long recordAt = _position;
            var record = new byte[56 + 20];
            var r = record.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(r, 0x06064b50);
            BinaryPrimitives.WriteInt64LittleEndian(r[4..], 44);
            BinaryPrimitives.WriteUInt16LittleEndian(r[12..], 45);
            BinaryPrimitives.WriteUInt16LittleEndian(r[14..], 45);
            BinaryPrimitives.WriteInt64LittleEndian(r[24..], _written.Count);
            BinaryPrimitives.WriteInt64LittleEndian(r[32..], _written.Count);
            BinaryPrimitives.WriteInt64LittleEndian(r[40..], directorySize);
            BinaryPrimitives.WriteInt64LittleEndian(r[48..], directoryStart);
            var locator = r[56..];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteInt64LittleEndian(locator[8..], recordAt);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
            Emit(record);
        }
        var end = new byte[22];
        var d = end.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(d, 0x06054b50);
        ushort count = (ushort)Math.Min(_written.Count, 0xFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(d[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(d[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(d[12..], directorySize >= Max32 ? Max32 : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(d[16..], zip64 ? Max32 : (uint)directoryStart);
        Emit(end);
        stream.Flush();
    }
}
