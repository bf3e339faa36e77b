using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Bridge.Io;

/// <summary>
/// Converts between file element types and the engine's dtypes. Reading widens losslessly (see <see cref="FileDType"/>).
/// Writing to a narrower type is checked per value: integers must be in range, floats written as integers or bools must
/// be integral (0/1 for bool), integers written as floats must be exactly representable, and a float rounded to a
/// narrower float may round but must not overflow to infinity. A value that does not fit throws
/// <see cref="OverflowException"/>; nothing is ever silently truncated.
/// </summary>
internal static class ElementCodec
{
    const int ChunkBytes = 1 << 16;

    /// <summary>NumPy 2's NPY_MAXDIMS; a header declaring more dimensions is treated as damaged.</summary>
    public const int MaxDims = 64;

    /// <summary>Validates a declared shape: dims non-negative, each and their product within Bridge's int32 element limit.</summary>
    public static int[] CheckShape(ReadOnlySpan<long> dims, ByteSource source)
    {
        if (dims.Length > MaxDims) throw source.Fail($"shape has {dims.Length} dimensions, more than the {MaxDims} NumPy allows");
        var shape = new int[dims.Length];
        long numel = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long d = dims[i];
            if (d < 0) throw source.Fail($"negative dimension {d} in shape ({Format(dims)})");
            if (d > int.MaxValue) throw source.Fail($"dimension {d} in shape ({Format(dims)}) exceeds Bridge's limit of {int.MaxValue} elements");
            shape[i] = (int)d;
            // Saturate rather than overflow: once past the limit the exact product no longer matters.
            numel = numel > int.MaxValue ? numel : numel * d;
        }
        if (numel > int.MaxValue && !dims.Contains(0))
            throw source.Fail($"shape ({Format(dims)}) has more than {int.MaxValue} elements, Bridge's limit");
        return shape;
    }

    static string Format(ReadOnlySpan<long> dims)
    {
        var parts = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++) parts[i] = dims[i].ToString(CultureInfo.InvariantCulture);
        return string.Join(", ", parts);
    }

    /// <summary>Column-major strides in elements (NumPy's fortran_order).</summary>
    public static int[] FortranStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>
    /// Reads the elements of a tensor of <paramref name="shape"/> stored as <paramref name="type"/>; the byte count is
    /// checked against what the source can still hold before the tensor is allocated.
    /// </summary>
    public static unsafe Tensor Read(ByteSource source, FileDType type, bool bigEndian, int[] shape, bool fortranOrder, string what)
    {
        int numel = ShapeMath.Numel(shape);
        long byteLength = (long)numel * type.Size();
        source.Require(byteLength, what);
        var dtype = type.EngineDType();
        // Not zero-filled: every element is overwritten, and a size that lies is caught as the bytes run out, before the
        // pages of the rest were ever touched (a 10 MiB archive claiming 10 GiB costs 10 MiB of memory, not 10 GiB).
        var storage = new Storage((long)numel * dtype.ElementSize(), zero: false);
        var strides = fortranOrder ? FortranStrides(shape) : ShapeMath.ContiguousStrides(shape);
        var tensor = Tensor.FromStorage(storage, dtype, shape, strides);
        if (numel == 0) return tensor;
        if (type.IsNative())
        {
            source.ReadInto(storage.Pointer, byteLength, what);
            FixNative(storage, byteLength, type, bigEndian);
            return tensor;
        }
        var buffer = new byte[ChunkBytes];
        int perChunk = ChunkBytes / type.Size();
        for (int start = 0; start < numel; start += perChunk)
        {
            int count = Math.Min(perChunk, numel - start);
            var bytes = buffer.AsSpan(0, count * type.Size());
            source.ReadExactly(bytes, what);
            DecodeIntegers(bytes, type, bigEndian, new Span<long>((long*)storage.Pointer + start, count), start, source);
        }
        return tensor;
    }

    // Native types are already in place; big-endian ones are swapped, bools normalised so a stray byte 2 reads as true (1).
    static unsafe void FixNative(Storage storage, long byteLength, FileDType type, bool bigEndian)
    {
        byte* p = (byte*)storage.Pointer;
        const int Piece = 1 << 30;
        for (long at = 0; at < byteLength; at += Piece)
        {
            var span = new Span<byte>(p + at, (int)Math.Min(Piece, byteLength - at));
            if (type == FileDType.Bool)
            {
                foreach (ref byte b in span) b = b != 0 ? (byte)1 : (byte)0;
            }
            else if (bigEndian && type.Size() == 2) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(span), MemoryMarshal.Cast<byte, ushort>(span));
            else if (bigEndian && type.Size() == 4) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(span), MemoryMarshal.Cast<byte, uint>(span));
            else if (bigEndian && type.Size() == 8) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(span), MemoryMarshal.Cast<byte, ulong>(span));
        }
    }

    static void DecodeIntegers(ReadOnlySpan<byte> b, FileDType type, bool be, Span<long> dst, int firstIndex, ByteSource source)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            var e = b[(i * type.Size())..];
            dst[i] = type switch
            {
                FileDType.UInt8 => e[0],
                FileDType.Int8 => (sbyte)e[0],
                FileDType.Int16 => be ? BinaryPrimitives.ReadInt16BigEndian(e) : BinaryPrimitives.ReadInt16LittleEndian(e),
                FileDType.UInt16 => be ? BinaryPrimitives.ReadUInt16BigEndian(e) : BinaryPrimitives.ReadUInt16LittleEndian(e),
                FileDType.Int32 => be ? BinaryPrimitives.ReadInt32BigEndian(e) : BinaryPrimitives.ReadInt32LittleEndian(e),
                FileDType.UInt32 => be ? BinaryPrimitives.ReadUInt32BigEndian(e) : BinaryPrimitives.ReadUInt32LittleEndian(e),
                FileDType.UInt64 => Unsigned64(be ? BinaryPrimitives.ReadUInt64BigEndian(e) : BinaryPrimitives.ReadUInt64LittleEndian(e), firstIndex + i, source),
                _ => throw new InvalidOperationException($"{type} is not an integer file type"),
            };
        }
    }

    static long Unsigned64(ulong v, int index, ByteSource source) =>
        v <= long.MaxValue ? (long)v : throw source.Fail($"uint64 value {v} at flat index {index} does not fit int64, the widest integer Bridge holds");

    /// <summary>
    /// Writes the <see cref="Tensor.Numel"/> elements that start at <paramref name="tensor"/>'s offset, in memory order
    /// (the caller guarantees C- or Fortran-contiguous memory), as <paramref name="target"/>, little-endian.
    /// </summary>
    public static unsafe void Write(Stream stream, Tensor tensor, FileDType target, string name)
    {
        int numel = tensor.Numel32;
        if (numel == 0) return;
        byte* start = (byte*)tensor.Storage.Pointer + (long)tensor.StorageOffset * tensor.DType.ElementSize();
        if (target == FileDTypes.Natural(tensor.DType))
        {
            long byteLength = (long)numel * target.Size();
            const int Piece = 1 << 30;
            for (long at = 0; at < byteLength; at += Piece)
                stream.Write(new ReadOnlySpan<byte>(start + at, (int)Math.Min(Piece, byteLength - at)));
            return;
        }
        var buffer = new byte[ChunkBytes];
        int perChunk = ChunkBytes / target.Size();
        for (int first = 0; first < numel; first += perChunk)
        {
            int count = Math.Min(perChunk, numel - first);
            for (int i = 0; i < count; i++)
            {
                int k = first + i;
                var dst = buffer.AsSpan(i * target.Size());
                switch (tensor.DType)
                {
                    case DType.Float32: EncodeFloat(((float*)start)[k], dst, target, k, name); break;
                    case DType.Float64: EncodeFloat(((double*)start)[k], dst, target, k, name); break;
                    case DType.Int64: EncodeInteger(((long*)start)[k], dst, target, k, name); break;
                    case DType.Int32: EncodeInteger(((int*)start)[k], dst, target, k, name); break;
                    case DType.Int16: EncodeInteger(((short*)start)[k], dst, target, k, name); break;
                    case DType.Int8: EncodeInteger(((sbyte*)start)[k], dst, target, k, name); break;
                    case DType.Float16: EncodeFloat((double)((Half*)start)[k], dst, target, k, name); break;
                    case DType.BFloat16: EncodeFloat(((BFloat16*)start)[k], dst, target, k, name); break;
                    default: EncodeInteger(start[k], dst, target, k, name); break;
                }
            }
            stream.Write(buffer, 0, count * target.Size());
        }
    }

    static void EncodeInteger(long v, Span<byte> d, FileDType t, int index, string name)
    {
        switch (t)
        {
            case FileDType.Bool: d[0] = v is 0 or 1 ? (byte)v : throw NoFit(v, t, index, name, "only 0 and 1 are bools"); break;
            case FileDType.UInt8: d[0] = v is >= 0 and <= byte.MaxValue ? (byte)v : throw NoFit(v, t, index, name, "range 0..255"); break;
            case FileDType.Int8: d[0] = v is >= sbyte.MinValue and <= sbyte.MaxValue ? (byte)(sbyte)v : throw NoFit(v, t, index, name, "range -128..127"); break;
            case FileDType.Int16: BinaryPrimitives.WriteInt16LittleEndian(d, v is >= short.MinValue and <= short.MaxValue ? (short)v : throw NoFit(v, t, index, name, "range -32768..32767")); break;
            case FileDType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(d, v is >= 0 and <= ushort.MaxValue ? (ushort)v : throw NoFit(v, t, index, name, "range 0..65535")); break;
            case FileDType.Int32: BinaryPrimitives.WriteInt32LittleEndian(d, v is >= int.MinValue and <= int.MaxValue ? (int)v : throw NoFit(v, t, index, name, "range -2147483648..2147483647")); break;
            case FileDType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(d, v is >= 0 and <= uint.MaxValue ? (uint)v : throw NoFit(v, t, index, name, "range 0..4294967295")); break;
            case FileDType.Int64: BinaryPrimitives.WriteInt64LittleEndian(d, v); break;
            case FileDType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(d, v >= 0 ? (ulong)v : throw NoFit(v, t, index, name, "negative")); break;
            default:
                // Integer to float: the stored float must read back as the same integer.
                double stored = t switch
                {
                    FileDType.Float16 => (double)(Half)v,
                    FileDType.BFloat16 => BFloat16ToFloat(FloatToBFloat16(v)),
                    FileDType.Float32 => (float)v,
                    _ => v,
                };
                if (!(Math.Abs(stored) < 9.2e18 && (long)stored == v)) throw NoFit(v, t, index, name, "not exactly representable");
                EncodeFloat(stored, d, t, index, name);
                break;
        }
    }

    static void EncodeFloat(double x, Span<byte> d, FileDType t, int index, string name)
    {
        switch (t)
        {
            case FileDType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(d, x); return;
            case FileDType.Float32:
                float f = (float)x;
                if (float.IsInfinity(f) && double.IsFinite(x)) throw NoFit(x, t, index, name, "overflows to infinity");
                BinaryPrimitives.WriteSingleLittleEndian(d, f);
                return;
            case FileDType.Float16:
                var h = (Half)x;
                if (Half.IsInfinity(h) && double.IsFinite(x)) throw NoFit(x, t, index, name, "overflows to infinity (float16 max 65504)");
                BinaryPrimitives.WriteHalfLittleEndian(d, h);
                return;
            case FileDType.BFloat16:
                ushort bits = FloatToBFloat16(x);
                if (float.IsInfinity(BFloat16ToFloat(bits)) && double.IsFinite(x)) throw NoFit(x, t, index, name, "overflows to infinity");
                BinaryPrimitives.WriteUInt16LittleEndian(d, bits);
                return;
        }
        // Float to integer or bool: only integral values in range.
        if (!double.IsFinite(x) || x != Math.Floor(x) || x < -9.223372036854775808e18 || x >= 9.223372036854775808e18)
            throw NoFit(x, t, index, name, "not an integer value in int64 range");
        EncodeInteger((long)x, d, t, index, name);
    }

    /// <summary>float → bfloat16 bits with round-to-nearest-even, as torch converts.</summary>
    static ushort FloatToBFloat16(double x)
    {
        float f = (float)x;
        if (float.IsNaN(f)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(f);
        bits += 0x7FFF + ((bits >> 16) & 1);
        return (ushort)(bits >> 16);
    }

    static float BFloat16ToFloat(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    static OverflowException NoFit(IFormattable value, FileDType target, int index, string name, string why) =>
        new($"{name}: value {value.ToString(null, CultureInfo.InvariantCulture)} at flat index {index} does not fit {target} ({why}); convert it explicitly or store a wider type");
}
