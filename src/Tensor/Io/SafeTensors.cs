using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bridge.Io;

/// <summary>
/// Hugging Face's safetensors format: an 8-byte little-endian header length, a UTF-8 JSON header
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c>, then the data
/// (C order, little-endian, offsets relative to the end of the header). Read as hostile input with the reference
/// implementation's rules (offsets must tile the data buffer exactly, no gaps or overlaps); written byte for byte as the
/// reference writer does (tensors sorted by descending dtype rank, then by name; header padded with spaces to 8 bytes).
/// </summary>
public static class SafeTensors
{
    /// <summary>The reference implementation's header size limit.</summary>
    public const int MaxHeaderBytes = 100_000_000;

    const string MetadataKey = "__metadata__";

    sealed record Entry(string Name, FileDType Type, int[] Shape, ulong Begin, ulong End);

    /// <summary>Reads every tensor, in data-offset order (the order the reference writer stores them).</summary>
    public static OrderedDictionary<string, Tensor> Read(Stream stream, string? name = null) => Read(stream, out _, name);

    /// <summary>Reads every tensor and the optional <c>__metadata__</c> map.</summary>
    public static OrderedDictionary<string, Tensor> Read(Stream stream, out IReadOnlyDictionary<string, string>? metadata, string? name = null)
    {
        var source = ByteSource.Over(stream, name);
        if (source.Remaining < 8) throw source.Fail($"too short for a safetensors file ({source.Remaining} bytes; the header length alone is 8)");
        Span<byte> lengthBytes = stackalloc byte[8];
        source.ReadExactly(lengthBytes, "header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes) throw source.Fail($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        var header = source.ReadBytes((int)headerLength, "JSON header");
        var (entries, meta) = ParseHeader(header, source);
        metadata = meta;

        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        ulong expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin != expected || e.End < e.Begin)
                throw source.Fail($"tensor '{e.Name}' has data_offsets [{e.Begin}, {e.End}] but the previous tensor ends at {expected}: offsets must tile the data without gaps or overlaps");
            ulong bytes = (ulong)ShapeMath.Numel(e.Shape) * (ulong)e.Type.Size();
            if (e.End - e.Begin != bytes)
                throw source.Fail($"tensor '{e.Name}' of dtype {e.Type.SafetensorsName()} and shape [{string.Join(", ", e.Shape)}] needs {bytes} bytes but data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}");
            expected = e.End;
        }
        if (expected != (ulong)source.Remaining)
            throw source.Fail($"the data buffer holds {source.Remaining} bytes but the tensors' data_offsets cover {expected}");

        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in entries)
            result[e.Name] = ElementCodec.Read(source, e.Type, bigEndian: false, e.Shape, fortranOrder: false, $"data of tensor '{e.Name}'");
        return result;
    }

    static (List<Entry>, IReadOnlyDictionary<string, string>?) ParseHeader(byte[] header, ByteSource source)
    {
        // The reference rejects non-UTF-8 headers before parsing; JsonDocument would only notice when a name is read.
        if (!System.Text.Unicode.Utf8.IsValid(header)) throw source.Fail("header is not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw source.Fail($"header is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw source.Fail($"header is a JSON {root.ValueKind}, expected an object");
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, string>? metadata = null;
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw source.Fail($"duplicate name '{property.Name}' in the header");
                if (property.Name == MetadataKey) metadata = ParseMetadata(property.Value, source);
                else entries.Add(ParseEntry(property.Name, property.Value, source));
            }
            return (entries, metadata);
        }
    }

    static Dictionary<string, string>? ParseMetadata(JsonElement value, ByteSource source)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object) throw source.Fail($"__metadata__ is a JSON {value.ValueKind}, expected an object of strings");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw source.Fail($"__metadata__ value '{p.Name}' is a JSON {p.Value.ValueKind}, expected a string");
            if (!map.TryAdd(p.Name, p.Value.GetString()!)) throw source.Fail($"duplicate __metadata__ key '{p.Name}'");
        }
        return map;
    }

    static Entry ParseEntry(string name, JsonElement value, ByteSource source)
    {
        if (value.ValueKind != JsonValueKind.Object) throw source.Fail($"tensor '{name}' is a JSON {value.ValueKind}, expected an object");
        JsonElement Field(string key) => value.TryGetProperty(key, out var f) ? f : throw source.Fail($"tensor '{name}' has no \"{key}\"");
        var dtypeElement = Field("dtype");
        string dtypeName = dtypeElement.ValueKind == JsonValueKind.String ? dtypeElement.GetString()! : throw source.Fail($"tensor '{name}': dtype is a JSON {dtypeElement.ValueKind}, expected a string");
        var type = FileDTypes.FromSafetensorsName(dtypeName)
            ?? throw source.Fail($"tensor '{name}' has unsupported dtype '{dtypeName}' (Bridge reads BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64)");
        var dims = Integers(Field("shape"), name, "shape", source);
        var offsets = Integers(Field("data_offsets"), name, "data_offsets", source);
        if (offsets.Length != 2) throw source.Fail($"tensor '{name}': data_offsets has {offsets.Length} entries, expected [begin, end]");
        // Dims past long's range are clamped; CheckShape then rejects them as over Bridge's element limit.
        var shape = ElementCodec.CheckShape(dims.Select(d => (long)Math.Min(d, long.MaxValue)).ToArray(), source);
        return new Entry(name, type, shape, offsets[0], offsets[1]);
    }

    static ulong[] Integers(JsonElement array, string name, string what, ByteSource source)
    {
        if (array.ValueKind != JsonValueKind.Array) throw source.Fail($"tensor '{name}': {what} is a JSON {array.ValueKind}, expected an array of integers");
        var values = new ulong[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetUInt64(out values[i]))
                throw source.Fail($"tensor '{name}': {what}[{i}] is {item.GetRawText()}, expected a non-negative integer below 2^64");
            i++;
        }
        return values;
    }

    /// <summary>
    /// Writes tensors (C order; strided views are copied) with optional <c>__metadata__</c> (keys sorted ordinally).
    /// Order is the reference writer's: descending dtype rank (U64, I64, F64, F32, U32, I32, BF16, F16, U16, I16, I8,
    /// U8, BOOL), then name by UTF-8 bytes. <paramref name="types"/> optionally narrows the stored type per name; a value
    /// that does not fit throws <see cref="OverflowException"/> before anything is written.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, FileDType>? types = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var items = new List<(string Name, Tensor Tensor, FileDType Type)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor");
            if (!seen.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'");
            var type = types is not null && types.TryGetValue(name, out var t) ? t : FileDTypes.Natural(tensor.DType);
            var data = tensor.Cpu().Contiguous(); // written from host memory, as torch.save copies device tensors
            if (type != FileDTypes.Natural(tensor.DType)) ElementCodec.Write(Stream.Null, data, type, name);
            items.Add((name, data, type));
        }
        items.Sort((a, b) => a.Type != b.Type ? b.Type.SafetensorsRank().CompareTo(a.Type.SafetensorsRank()) : CompareUtf8(a.Name, b.Name));

        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append(Quote(MetadataKey)).Append(":{");
            json.AppendJoin(',', metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + Quote(p.Value)));
            json.Append('}');
            if (items.Count > 0) json.Append(',');
        }
        long offset = 0;
        for (int i = 0; i < items.Count; i++)
        {
            var (name, tensor, type) = items[i];
            long bytes = (long)tensor.Numel() * type.Size();
            if (i > 0) json.Append(',');
            json.Append(Quote(name)).Append(":{\"dtype\":\"").Append(type.SafetensorsName()).Append("\",\"shape\":[")
                .AppendJoin(',', tensor.Shape).Append("],\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',').Append((offset + bytes).ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset += bytes;
        }
        json.Append('}');
        var header = Encoding.UTF8.GetBytes(json.ToString());
        int pad = (8 - header.Length % 8) % 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(header.Length + pad));
        stream.Write(length);
        stream.Write(header);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var (name, tensor, type) in items) ElementCodec.Write(stream, tensor, type, name);
    }

    static int CompareUtf8(string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    /// <summary>A JSON string as serde_json writes it: quotes, backslashes and control characters escaped, all else raw UTF-8.</summary>
    static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }
}
