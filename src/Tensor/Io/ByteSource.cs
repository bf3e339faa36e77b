namespace Bridge.Io;

/// <summary>
/// A stream read as hostile input: knows how many bytes can still come (the file's real size), so a parser checks a
/// declared size against it before allocating anything, and turns a short read into a <see cref="TensorFileException"/>.
/// </summary>
internal sealed class ByteSource
{
    readonly Stream _stream;
    long _remaining;

    /// <summary>The file name used in error messages.</summary>
    public string Name { get; }

    /// <summary>Bytes read so far.</summary>
    public long Position { get; private set; }

    /// <param name="stream">The input, positioned at the first byte to parse.</param>
    /// <param name="name">Name for error messages.</param>
    /// <param name="limit">Most bytes the input can hold; null takes the rest of a seekable stream.</param>
    public ByteSource(Stream stream, string name, long? limit = null)
    {
        _stream = stream;
        Name = name;
        _remaining = limit ?? (stream.CanSeek ? stream.Length - stream.Position
            : throw new ArgumentException("a stream that cannot seek needs an explicit size limit", nameof(stream)));
        if (_remaining < 0) _remaining = 0;
    }

    /// <summary>
    /// A source over <paramref name="stream"/>; a stream that cannot seek (a pipe) is buffered first, because size checks
    /// need the input's length, and buffering allocates only what actually arrives.
    /// </summary>
    public static ByteSource Over(Stream stream, string? name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            buffer.Position = 0;
            stream = buffer;
        }
        return new ByteSource(stream, name ?? "<stream>");
    }

    /// <summary>Bytes the input can still hold.</summary>
    public long Remaining => _remaining;

    /// <summary>Throws unless <paramref name="bytes"/> more bytes can follow; call before allocating for them.</summary>
    public void Require(long bytes, string what)
    {
        if (bytes < 0 || bytes > _remaining)
            throw Fail($"{what} needs {bytes} bytes but only {_remaining} remain (file truncated or size field corrupt)");
    }

    /// <summary>Fills <paramref name="buffer"/> or throws because the input ended early.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        Require(buffer.Length, what);
        int done = 0;
        while (done < buffer.Length)
        {
            int n = _stream.Read(buffer[done..]);
            if (n <= 0) throw Fail($"{what}: input ended after {Position + done} bytes, {buffer.Length - done} bytes short");
            done += n;
        }
        _remaining -= done;
        Position += done;
    }

    /// <summary>Reads <paramref name="count"/> bytes into new memory (count already checked against <see cref="Remaining"/>).</summary>
    public byte[] ReadBytes(int count, string what)
    {
        Require(count, what);
        var bytes = new byte[count];
        ReadExactly(bytes, what);
        return bytes;
    }

    /// <summary>Reads <paramref name="byteLength"/> bytes into native memory, in pieces a span can address.</summary>
    public unsafe void ReadInto(IntPtr destination, long byteLength, string what)
    {
        Require(byteLength, what);
        const int Piece = 1 << 30;
        for (long at = 0; at < byteLength; at += Piece)
            ReadExactly(new Span<byte>((byte*)destination + at, (int)Math.Min(Piece, byteLength - at)), what);
    }

    /// <summary>An exception naming this file and <paramref name="problem"/>.</summary>
    public TensorFileException Fail(string problem, Exception? inner = null) => new(Name, problem, inner);
}
