using System.Buffers.Binary;
using System.Text;

namespace Bridge.Io.Pickle;

/// <summary>
/// A small protocol-2 pickle writer: the opcodes torch.save emits for plain values, containers, globals, calls and
/// persistent ids. The caller composes objects from these primitives (see <see cref="TorchCheckpoint"/>).
/// </summary>
internal sealed class PickleWriter
{
    readonly MemoryStream _out = new();

    public PickleWriter()
    {
        _out.WriteByte(0x80); // PROTO 2, as torch.save writes
        _out.WriteByte(2);
    }

    /// <summary>The finished pickle (STOP appended).</summary>
    public byte[] Finish()
    {
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    public void None() => _out.WriteByte((byte)'N');

    public void Bool(bool value) => _out.WriteByte(value ? (byte)0x88 : (byte)0x89);

    public void Int(long value)
    {
        Span<byte> b = stackalloc byte[9];
        if (value is >= 0 and <= byte.MaxValue)
        {
            _out.WriteByte((byte)'K');
            _out.WriteByte((byte)value);
        }
        else if (value is >= 0 and <= ushort.MaxValue)
        {
            _out.WriteByte((byte)'M');
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
            _out.Write(b[..2]);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            _out.WriteByte((byte)'J');
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)value);
            _out.Write(b[..4]);
        }
        else
        {
            _out.WriteByte(0x8a); // LONG1 with 8 two's-complement bytes
            _out.WriteByte(8);
            BinaryPrimitives.WriteInt64LittleEndian(b, value);
            _out.Write(b[..8]);
        }
    }

    public void Float(double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, value);
        _out.WriteByte((byte)'G');
        _out.Write(b);
    }

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length);
        _out.WriteByte((byte)'X');
        _out.Write(n);
        _out.Write(bytes);
    }

    public void Global(string module, string name)
    {
        _out.WriteByte((byte)'c');
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    public void Mark() => _out.WriteByte((byte)'(');

    /// <summary>Closes a MARK into a tuple.</summary>
    public void Tuple() => _out.WriteByte((byte)'t');

    public void EmptyTuple() => _out.WriteByte((byte)')');

    public void EmptyList() => _out.WriteByte((byte)']');

    public void EmptyDict() => _out.WriteByte((byte)'}');

    /// <summary>Appends the values since the last MARK to the list below it.</summary>
    public void Appends() => _out.WriteByte((byte)'e');

    /// <summary>Sets the key/value pairs since the last MARK on the dict below it.</summary>
    public void SetItems() => _out.WriteByte((byte)'u');

    /// <summary>Calls the callable below the argument tuple.</summary>
    public void Reduce() => _out.WriteByte((byte)'R');

    /// <summary>Replaces the value on top (a tuple) by the object its persistent id names.</summary>
    public void PersistentId() => _out.WriteByte((byte)'Q');
}
