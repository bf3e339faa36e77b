using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Io;

/// <summary>What a .npy header declares, and where the data starts.</summary>
/// <param name="Type">Stored element type.</param>
/// <param name="BigEndian">True for a <c>&gt;</c> byte order (swapped on read).</param>
/// <param name="FortranOrder">Column-major data.</param>
/// <param name="Shape">Dimensions (validated: non-negative, within Bridge's element limit).</param>
/// <param name="DataOffset">Bytes from the start of the file to the first element.</param>
/// <param name="Version">Format major version (1, 2 or 3).</param>
public sealed record NpyHeader(FileDType Type, bool BigEndian, bool FortranOrder, int[] Shape, long DataOffset, int Version);

/// <summary>
/// NumPy's .npy format (versions 1.0, 2.0, 3.0), read as hostile input and written byte for byte as
/// <c>np.save</c> writes it (same header text, padding to 64 bytes and version choice).
/// </summary>
public static partial class Npy
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header Bridge reads: far above any real one, far below what would exhaust memory.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>NumPy pads headers so the data starts at a multiple of this many bytes.</summary>
    public const int Alignment = 64;

    const int GrowthAxisMaxDigits = 21;

    /// <summary>Reads one array; <paramref name="name"/> names the input in error messages.</summary>
    public static Tensor Read(Stream stream, string? name = null) => Read(ByteSource.Over(stream, name));

    internal static Tensor Read(ByteSource source)
    {
        var header = ReadHeader(source);
        return ElementCodec.Read(source, header.Type, header.BigEndian, header.Shape, header.FortranOrder, "array data");
    }

    /// <summary>Reads and validates the header only; the stream is left at the first data byte.</summary>
    public static NpyHeader ReadHeader(Stream stream, string? name = null) => ReadHeader(ByteSource.Over(stream, name));

    internal static NpyHeader ReadHeader(ByteSource source)
    {
        Span<byte> preamble = stackalloc byte[8];
        if (source.Remaining < 8) throw source.Fail($"too short for a .npy file ({source.Remaining} bytes; the preamble alone is 8)");
        source.ReadExactly(preamble, "preamble");
        if (!preamble[..6].SequenceEqual(Magic)) throw source.Fail($"not a .npy file: magic bytes are {Convert.ToHexString(preamble[..6])}, expected 934E554D5059 (\\x93NUMPY)");
        int major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0) throw source.Fail($"unsupported .npy format version {major}.{minor} (Bridge reads 1.0, 2.0 and 3.0)");
        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        source.ReadExactly(lengthBytes, "header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw source.Fail($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        var raw = source.ReadBytes((int)headerLength, "header");
        string text;
        try
        {
            // Versions 1 and 2 store latin-1 text, version 3 UTF-8.
            text = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw) : Encoding.Latin1.GetString(raw);
        }
        catch (DecoderFallbackException e)
        {
            throw source.Fail("version 3.0 header is not valid UTF-8", e);
        }
        return Interpret(PyLiteral.Parse(text, p => source.Fail(p)), source, source.Position, major);
    }

    static NpyHeader Interpret(object? literal, ByteSource source, long dataOffset, int version)
    {
        if (literal is not Dictionary<string, object?> dict) throw source.Fail("header is not a Python dict literal");
        string keys = string.Join(", ", dict.Keys.Order(StringComparer.Ordinal));
        if (keys != "descr, fortran_order, shape") throw source.Fail($"header keys are [{keys}], expected exactly descr, fortran_order, shape");
        if (dict["fortran_order"] is not bool fortran) throw source.Fail($"fortran_order is {Describe(dict["fortran_order"])}, expected True or False");
        if (dict["shape"] is not PySequence { IsTuple: true } shapeTuple) throw source.Fail($"shape is {Describe(dict["shape"])}, expected a tuple of integers");
        var dims = new long[shapeTuple.Items.Count];
        for (int i = 0; i < dims.Length; i++)
            dims[i] = shapeTuple.Items[i] is long d ? d : throw source.Fail($"shape entry {i} is {Describe(shapeTuple.Items[i])}, expected an integer");
        var shape = ElementCodec.CheckShape(dims, source);
        var (type, bigEndian) = dict["descr"] switch
        {
            string descr => ParseDescr(descr, source),
            PySequence => throw source.Fail("structured dtypes (a list as descr) are not supported"),
            var other => throw source.Fail($"descr is {Describe(other)}, expected a type string such as '<f4'"),
        };
        return new NpyHeader(type, bigEndian, fortran, shape, dataOffset, version);
    }

    static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        PySequence { IsTuple: true } => "a tuple",
        PySequence => "a list",
        _ => "a dict",
    };

    [GeneratedRegex(@"^([<>=|]?)([biuf])([0-9]{1,2})$")]
    private static partial Regex DescrPattern();

    static (FileDType Type, bool BigEndian) ParseDescr(string descr, ByteSource source)
    {
        var m = DescrPattern().Match(descr);
        FileDType? type = !m.Success ? null : (m.Groups[2].Value + m.Groups[3].Value) switch
        {
            "b1" => FileDType.Bool,
            "u1" => FileDType.UInt8,
            "i1" => FileDType.Int8,
            "i2" => FileDType.Int16,
            "u2" => FileDType.UInt16,
            "i4" => FileDType.Int32,
            "u4" => FileDType.UInt32,
            "i8" => FileDType.Int64,
            "u8" => FileDType.UInt64,
            "f2" => FileDType.Float16,
            "f4" => FileDType.Float32,
            "f8" => FileDType.Float64,
            _ => null,
        };
        if (type is null)
            throw source.Fail($"unsupported dtype '{descr}' (Bridge reads b1, i1, u1, i2, u2, i4, u4, i8, u8, f2, f4, f8 in either byte order)");
        // '=' and '|' mean native order, which is little-endian on every platform .NET runs Bridge on.
        return (type.Value, m.Groups[1].Value == ">" && type.Value.Size() > 1);
    }

    static Tensor ReverseDims(Tensor t) => t.Permute([.. Enumerable.Range(0, t.Dim()).Reverse()]);

    /// <summary>
    /// Writes <paramref name="tensor"/> as <c>np.save</c> would: Fortran order when the tensor is Fortran- but not
    /// C-contiguous, C order otherwise (a strided view is copied first). <paramref name="type"/> narrows the stored type
    /// (e.g. int64 as <see cref="FileDType.Int32"/>); a value that does not fit throws <see cref="OverflowException"/>.
    /// </summary>
    public static void Write(Stream stream, Tensor tensor, FileDType? type = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var target = type ?? FileDTypes.Natural(tensor.DType);
        bool fortran = !tensor.IsContiguous() && IsFortranContiguous(tensor);
        // Files are written from host memory: a device tensor is copied over first (as torch.save does), through its
        // reversed-dims view when column-major so that the host copy stays column-major.
        if (!Backends.Backend.OnHost(tensor)) tensor = fortran ? ReverseDims(ReverseDims(tensor).Cpu()) : tensor.Cpu();
        var data = fortran ? tensor : tensor.Contiguous();
        // A narrowing write checks every value before the first byte goes out, so a value that does not fit leaves no half-written file.
        if (target != FileDTypes.Natural(tensor.DType)) ElementCodec.Write(Stream.Null, data, target, name ?? "<stream>");
        stream.Write(HeaderBytes(target, tensor.Shape.ToArray(), fortran));
        ElementCodec.Write(stream, data, target, name ?? "<stream>");
    }

    internal static bool IsFortranContiguous(Tensor t)
    {
        var shape = t.Shape.ToArray();
        var strides = t.Stride();
        Array.Reverse(shape);
        Array.Reverse(strides);
        return ShapeMath.IsContiguous(shape, strides);
    }

    /// <summary>The header np.save writes for this dtype/shape/order: version 1.0 unless it needs 2.0, padded to 64 bytes.</summary>
    public static byte[] HeaderBytes(FileDType type, long[] shape, bool fortranOrder)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(type.NumpyDescr()).Append("', 'fortran_order': ").Append(fortranOrder ? "True" : "False")
          .Append(", 'shape': ").Append(shapeText).Append(", }");
        // np.save leaves room to grow the leading (C) or trailing (Fortran) axis in place.
        if (shape.Length > 0)
            sb.Append(' ', GrowthAxisMaxDigits - shape[fortranOrder ? ^1 : 0].ToString(CultureInfo.InvariantCulture).Length);
        string header = sb.ToString();
        int hlen = header.Length + 1;
        int version = 1, prefix = 10;
        int pad = Alignment - (prefix + hlen) % Alignment;
        if (hlen + pad > ushort.MaxValue)
        {
            version = 2;
            prefix = 12;
            pad = Alignment - (prefix + hlen) % Alignment;
        }
        var bytes = new byte[prefix + hlen + pad];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)version;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(hlen + pad));
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)(hlen + pad));
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + header.Length, pad).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
