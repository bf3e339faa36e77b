using System.Collections;
using System.IO.Compression;
using Bridge.Io.Pickle;

namespace Bridge.Io;

/// <summary>
/// PyTorch's checkpoint files (<c>torch.save</c> since 1.6): a zip archive holding <c>&lt;archive&gt;/data.pkl</c>, a
/// pickle whose tensors are <c>torch._utils._rebuild_tensor_v2</c> calls over persistent ids
/// <c>('storage', torch.FloatStorage, key, location, numel)</c>, plus one stored record <c>data/&lt;key&gt;</c> per
/// storage. <see cref="Read(Stream, string?)"/> rebuilds state_dicts and nested dicts, lists and tuples of tensors and
/// plain values through a restricted pickle reader: the only globals it accepts are <c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c> and the <c>torch.*Storage</c>
/// types; anything else (a pickled module, a NumPy array, a function) is a <see cref="TensorFileException"/> naming it,
/// and nothing in the file is ever executed. Tensors of one storage share it, as in torch. Every size is checked
/// against the bytes present before memory is allocated and every record's CRC-32 is checked. Tensors load on the
/// CPU whatever device they were saved from. <see cref="Write"/> writes files torch 1.13 loads.
/// </summary>
public static class TorchCheckpoint
{
    /// <summary>Largest data.pkl read: far above a real one (tensor data lives in the records), far below exhausting memory.</summary>
    public const int MaxPickleBytes = 1 << 30;

    const int MaxDepth = 200;

    /// <summary>Reads the object a checkpoint holds: <see cref="Tensor"/>, dictionaries
    /// (<see cref="OrderedDictionary{TKey, TValue}"/> of object keys), <see cref="List{T}"/>, <see cref="PickleTuple"/>,
    /// string, long, double, bool, byte[] or null.</summary>
    public static object? Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string file = name ?? "<stream>";
        if (!stream.CanSeek)
        {
            var buffer = new MemoryStream(); // allocates only what arrives
            stream.CopyTo(buffer);
            buffer.Position = 0;
            stream = buffer;
        }
        CheckMagic(stream, file);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var records = new TorchRecords(zip, stream.Length, file);
            return PickleReader.Read(records.ReadPickle(), $"{file}[{records.Prefix}data.pkl]", new CheckpointBuilder(records));
        }
        catch (Exception e) when (e is not TensorFileException && e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new TensorFileException(file, $"damaged or unsupported zip archive: {e.Message}", e);
        }
    }

    /// <summary>The tensors of a checkpoint by name: a state_dict's own names; nested dictionaries, lists and tuples
    /// joined with dots (<c>{"model": sd, "epoch": 3}</c> gives <c>model.weight</c>...); values that are not tensors
    /// (epoch numbers, strings) are left out. A file holding one tensor gives it under the name "".</summary>
    public static OrderedDictionary<string, Tensor> ReadTensors(Stream stream, string? name = null)
    {
        string file = name ?? "<stream>";
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        Flatten(Read(stream, name), "", result, file, 0);
        return result;
    }

    static void Flatten(object? value, string prefix, OrderedDictionary<string, Tensor> into, string file, int depth)
    {
        if (depth > MaxDepth) throw new TensorFileException(file, $"containers nested more than {MaxDepth} deep (or a container that holds itself)");
        string Join(object key) => prefix.Length == 0 ? Key(key) : prefix + "." + Key(key);
        switch (value)
        {
            case Tensor t:
                if (!into.TryAdd(prefix, t)) throw new TensorFileException(file, $"two tensors flatten to the name '{prefix}'");
                break;
            case OrderedDictionary<object, object?> dict:
                foreach (var (k, v) in dict) Flatten(v, Join(k), into, file, depth + 1);
                break;
            case List<object?> list:
                for (int i = 0; i < list.Count; i++) Flatten(list[i], Join(i), into, file, depth + 1);
                break;
            case PickleTuple tuple:
                for (int i = 0; i < tuple.Items.Count; i++) Flatten(tuple.Items[i], Join(i), into, file, depth + 1);
                break;
        }
    }

    static string Key(object key) => key switch
    {
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "",
    };

    static void CheckMagic(Stream stream, string file)
    {
        long start = stream.Position;
        Span<byte> magic = stackalloc byte[4];
        int n = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        stream.Position = start;
        if (n >= 2 && magic[0] == (byte)'P' && magic[1] == (byte)'K') return;
        if (n >= 1 && magic[0] == 0x80)
            throw new TensorFileException(file, "torch's legacy format (torch < 1.6, or _use_new_zipfile_serialization=False); Bridge reads the zip format: re-save it with a current torch.save");
        throw new TensorFileException(file, $"not a torch checkpoint: it does not start with a zip header (magic {Convert.ToHexString(magic[..n])})");
    }

    /// <summary>
    /// Writes <paramref name="value"/> as torch.save does: a <see cref="Tensor"/>; an <see cref="OrderedDictionary{TKey, TValue}"/>
    /// or other <c>IEnumerable&lt;KeyValuePair&lt;string, Tensor&gt;&gt;</c> (a state_dict, written as an OrderedDict);
    /// any <see cref="IDictionary"/> (a dict), <see cref="IList"/> (a list) or <see cref="PickleTuple"/>; strings,
    /// integers, floating-point numbers, bools and null; nested freely. Tensors sharing a storage share one record.
    /// <paramref name="archiveName"/> is the folder inside the zip (torch uses the file name without extension).
    /// </summary>
    public static void Write(Stream stream, object? value, string archiveName = "archive")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (string.IsNullOrEmpty(archiveName) || archiveName.Contains('/')) throw new ArgumentException("the archive name must be a non-empty name without '/'", nameof(archiveName));
        var writer = new CheckpointPickler();
        writer.Value(value, 0);
        var zip = new TorchZipWriter(stream, archiveName);
        zip.Write("data.pkl", writer.Pickle.Finish());
        foreach (var (key, storage) in writer.Storages.OrderBy(s => s.Key, StringComparer.Ordinal))
            zip.Write("data/" + key, storage.Storage, storage.ByteLength);
        zip.Write("version", "3\n"u8.ToArray());
        zip.Finish();
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/> (any extension; see <see cref="Read(Stream, string?)"/>).</summary>
    public static object? Load(string path)
    {
        using var stream = TensorFile.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> (any extension) as torch.save would, through a
    /// temporary file renamed into place (see <see cref="Write"/>).</summary>
    public static void Save(string path, object? value) => TensorFile.WriteAtomically(path, s => Write(s, value, ArchiveName(path)));

    /// <summary>torch's archive folder for a path: the file name up to its first dot ("archive" when that is empty).</summary>
    public static string ArchiveName(string path)
    {
        string file = Path.GetFileName(path);
        int dot = file.IndexOf('.', StringComparison.Ordinal);
        string stem = dot > 0 ? file[..dot] : file;
        return stem.Length == 0 ? "archive" : stem;
    }

    /// <summary>Pickles a value tree with torch's names; collects the storages to write.</summary>
    sealed class CheckpointPickler
    {
        public PickleWriter Pickle { get; } = new();
        public Dictionary<string, (Storage Storage, long ByteLength)> Storages { get; } = [];
        readonly Dictionary<Storage, (string Key, DType DType)> _keys = new(ReferenceEqualityComparer.Instance);

        public void Value(object? value, int depth)
        {
            if (depth > MaxDepth) throw new ArgumentException($"values nested more than {MaxDepth} deep (or a container that holds itself)");
            var p = Pickle;
            switch (value)
            {
                case null: p.None(); break;
                case Tensor t: Tensor(t); break;
                case string s: p.String(s); break;
                case bool b: p.Bool(b); break;
                case sbyte or byte or short or ushort or int or uint or long: p.Int(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case float or double or Half: p.Float(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                case PickleTuple tuple:
                    p.Mark();
                    foreach (var item in tuple.Items) Value(item, depth + 1);
                    p.Tuple();
                    break;
                case IEnumerable<KeyValuePair<string, Tensor>> named when value is not IDictionary || IsOrdered(value):
                    OrderedDict(named.Select(kv => new KeyValuePair<object, object?>(kv.Key, kv.Value)), depth);
                    break;
                case IDictionary dict when IsOrdered(value):
                    OrderedDict(Pairs(dict), depth);
                    break;
                case IDictionary dict:
                    p.EmptyDict();
                    SetItems(Pairs(dict), depth);
                    break;
                case IList list:
                    p.EmptyList();
                    if (list.Count == 0) break;
                    p.Mark();
                    foreach (var item in list) Value(item, depth + 1);
                    p.Appends();
                    break;
                default:
                    throw new ArgumentException($"a torch checkpoint holds tensors, dictionaries, lists, tuples, strings, numbers, bools and null, not {value.GetType().Name}");
            }
        }

        static bool IsOrdered(object value) => value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(OrderedDictionary<,>);

        static IEnumerable<KeyValuePair<object, object?>> Pairs(IDictionary dict)
        {
            foreach (DictionaryEntry e in dict) yield return new(e.Key, e.Value);
        }

        void OrderedDict(IEnumerable<KeyValuePair<object, object?>> pairs, int depth)
        {
            Pickle.Global("collections", "OrderedDict");
            Pickle.EmptyTuple();
            Pickle.Reduce();
            SetItems(pairs, depth);
        }

        void SetItems(IEnumerable<KeyValuePair<object, object?>> pairs, int depth)
        {
            bool any = false;
            foreach (var (k, v) in pairs)
            {
                if (!any) Pickle.Mark();
                any = true;
                if (k is not (string or int or long or bool)) throw new ArgumentException($"dictionary keys must be strings, integers or bools, not {k.GetType().Name}");
                Value(k, depth + 1);
                Value(v, depth + 1);
            }
            if (any) Pickle.SetItems();
        }

        void Tensor(Tensor t)
        {
            var p = Pickle;
            if (t.IsParameter)
            {
                p.Global("torch._utils", "_rebuild_parameter");
                p.Mark();
                RebuildTensor(t, requiresGrad: false);
                p.Bool(t.RequiresGrad);
                EmptyOrderedDict();
                p.Tuple();
                p.Reduce();
                return;
            }
            RebuildTensor(t, t.RequiresGrad);
        }

        void RebuildTensor(Tensor t, bool requiresGrad)
        {
            var p = Pickle;
            // A device tensor is written from a host copy of its elements (its own storage), as torch's storage.cpu().
            string location = t.Device.IsCuda ? t.Device.ToString() : "cpu";
            var host = t.Device.IsCuda ? t.Cpu() : t;
            var storage = host.Storage;
            if (!_keys.TryGetValue(storage, out var known))
            {
                known = (Storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), t.DType);
                _keys[storage] = known;
                Storages[known.Key] = (storage, storage.ByteLength / t.DType.ElementSize() * t.DType.ElementSize());
            }
            else if (known.DType != t.DType)
            {
                throw new ArgumentException("Cannot save multiple tensors or storages that view the same data as different types");
            }
            p.Global("torch._utils", "_rebuild_tensor_v2");
            p.Mark();
            p.Mark(); // the persistent id ('storage', torch.FloatStorage, key, location, numel)
            p.String("storage");
            p.Global("torch", StorageTypeName(t.DType));
            p.String(known.Key);
            p.String(location);
            p.Int(storage.ByteLength / t.DType.ElementSize());
            p.Tuple();
            p.PersistentId();
            p.Int(host.StorageOffset);
            IntTuple(host.ShapeArray);
            IntTuple(host.StridesArray);
            p.Bool(requiresGrad);
            EmptyOrderedDict();
            p.Tuple();
            p.Reduce();
        }

        void EmptyOrderedDict()
        {
            Pickle.Global("collections", "OrderedDict");
            Pickle.EmptyTuple();
            Pickle.Reduce();
        }

        void IntTuple(int[] values)
        {
            Pickle.Mark();
            foreach (int v in values) Pickle.Int(v);
            Pickle.Tuple();
        }
    }

    /// <summary>torch's storage class for a dtype: FloatStorage, HalfStorage, BFloat16Storage, ByteStorage...</summary>
    internal static string StorageTypeName(DType dtype) => dtype.ScalarTypeName() + "Storage";
}
