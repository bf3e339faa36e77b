namespace Bridge.Io;

/// <summary>The file formats <see cref="TensorFile"/> reads and writes.</summary>
public enum TensorFileFormat
{
    /// <summary>NumPy <c>.npy</c>: one array.</summary>
    Npy,

    /// <summary>NumPy <c>.npz</c>: a zip of named .npy arrays.</summary>
    Npz,

    /// <summary>Hugging Face <c>.safetensors</c>: named tensors plus a string metadata map.</summary>
    SafeTensors,

    /// <summary>PyTorch's <c>torch.save</c> zip checkpoint (<c>.pt</c>, <c>.pth</c>, <c>.ckpt</c>, <c>.tar</c>): see <see cref="TorchCheckpoint"/>.</summary>
    TorchCheckpoint,
}

/// <summary>
/// Saving and loading tensors, chosen by file extension, in the spirit of torch.save/torch.load but in open formats:
/// <c>TensorFile.Save("w.safetensors", model.StateDict())</c>, <c>model.LoadStateDict(TensorFile.Load("w.npz"))</c>,
/// <c>TensorFile.Save("x.npy", x)</c>, <c>TensorFile.LoadTensor("x.npy")</c>. Loading treats files as hostile: any
/// malformed input throws <see cref="TensorFileException"/> and no allocation exceeds what the file can really hold.
/// Files are written to a temporary name and renamed, so a failed save leaves no partial file.
/// </summary>
public static class TensorFile
{
    /// <summary>The format of <paramref name="path"/> from its extension (.npy, .npz, .safetensors; .pt, .pth, .ckpt, .tar for torch's).</summary>
    public static TensorFileFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => TensorFileFormat.Npy,
        ".npz" => TensorFileFormat.Npz,
        ".safetensors" => TensorFileFormat.SafeTensors,
        ".pt" or ".pth" or ".ckpt" or ".tar" => TensorFileFormat.TorchCheckpoint,
        var ext => throw new ArgumentException($"cannot tell the tensor file format of '{path}' from its extension '{ext}' (expected .npy, .npz, .safetensors, or .pt/.pth/.ckpt/.tar for a torch checkpoint)", nameof(path)),
    };

    /// <summary>Saves one tensor as .npy (like <c>np.save</c>), optionally narrowed to <paramref name="type"/>.</summary>
    public static void Save(string path, Tensor tensor, FileDType? type = null)
    {
        if (FormatOf(path) == TensorFileFormat.TorchCheckpoint && type is null)
        {
            TorchCheckpoint.Save(path, tensor);
            return;
        }
        if (FormatOf(path) != TensorFileFormat.Npy)
            throw new ArgumentException($"a single tensor is saved as .npy; '{path}' needs a name → tensor dictionary", nameof(path));
        WriteAtomically(path, s => Npy.Write(s, tensor, type, path));
    }

    /// <summary>
    /// Saves named tensors as .npz (stored, or deflated with <paramref name="compress"/>) or .safetensors (with optional
    /// <paramref name="metadata"/>); <paramref name="types"/> optionally narrows the stored type per name.
    /// </summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compress = false,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyDictionary<string, FileDType>? types = null)
    {
        var format = FormatOf(path);
        if (format == TensorFileFormat.TorchCheckpoint && !compress && metadata is null && types is null)
        {
            ArgumentNullException.ThrowIfNull(tensors);
            TorchCheckpoint.Save(path, tensors as OrderedDictionary<string, Tensor> ?? new OrderedDictionary<string, Tensor>(tensors));
            return;
        }
        WriteAtomically(path, s => Save(s, format, tensors, compress, metadata, types));
    }

    /// <summary>Saves named tensors to a stream in <paramref name="format"/> (.npz or .safetensors).</summary>
    public static void Save(Stream stream, TensorFileFormat format, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compress = false,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyDictionary<string, FileDType>? types = null)
    {
        switch (format)
        {
            case TensorFileFormat.Npz:
                if (metadata is not null) throw new ArgumentException(".npz files have no metadata map; use .safetensors", nameof(metadata));
                Npz.Write(stream, tensors, compress, types);
                break;
            case TensorFileFormat.SafeTensors:
                if (compress) throw new ArgumentException(".safetensors files are never compressed", nameof(compress));
                SafeTensors.Write(stream, tensors, metadata, types);
                break;
            case TensorFileFormat.TorchCheckpoint:
                if (compress || metadata is not null || types is not null)
                    throw new ArgumentException("torch checkpoints are written as torch.save writes them: no compression, metadata or narrowed types");
                ArgumentNullException.ThrowIfNull(tensors);
                TorchCheckpoint.Write(stream, tensors as OrderedDictionary<string, Tensor> ?? new OrderedDictionary<string, Tensor>(tensors));
                break;
            default:
                throw new ArgumentException("a .npy file holds one tensor; use Save(stream, tensor)", nameof(format));
        }
    }

    /// <summary>Saves one tensor to a stream as .npy.</summary>
    public static void Save(Stream stream, Tensor tensor, FileDType? type = null) => Npy.Write(stream, tensor, type);

    /// <summary>Loads every tensor of a .npz, .safetensors or torch checkpoint file, in file order (a checkpoint's
    /// nested dictionaries and lists flattened to dotted names, see <see cref="TorchCheckpoint.ReadTensors"/>).</summary>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        var format = FormatOf(path);
        if (format == TensorFileFormat.Npy) throw new ArgumentException($"'{path}' is a .npy file, which holds one tensor: use TensorFile.LoadTensor", nameof(path));
        using var stream = OpenRead(path);
        return Load(stream, format, path);
    }

    /// <summary>Loads every tensor of a .npz or .safetensors stream; <paramref name="name"/> labels errors.</summary>
    public static OrderedDictionary<string, Tensor> Load(Stream stream, TensorFileFormat format, string? name = null) => format switch
    {
        TensorFileFormat.Npz => Npz.Read(stream, name),
        TensorFileFormat.SafeTensors => SafeTensors.Read(stream, name),
        TensorFileFormat.TorchCheckpoint => TorchCheckpoint.ReadTensors(stream, name),
        _ => throw new ArgumentException("a .npy stream holds one tensor: use LoadTensor", nameof(format)),
    };

    /// <summary>Loads the tensor of a .npy file (uint8/int32... widen to int64, see <see cref="FileDType"/>).</summary>
    public static Tensor LoadTensor(string path)
    {
        if (FormatOf(path) == TensorFileFormat.TorchCheckpoint)
            return TorchCheckpoint.Load(path) as Tensor ?? throw new TensorFileException(path, "the checkpoint holds more than one tensor: use TensorFile.Load");
        if (FormatOf(path) != TensorFileFormat.Npy) throw new ArgumentException($"'{path}' holds named tensors: use TensorFile.Load", nameof(path));
        using var stream = OpenRead(path);
        return Npy.Read(stream, path);
    }

    /// <summary>Loads the tensor of a .npy stream.</summary>
    public static Tensor LoadTensor(Stream stream, string? name = null) => Npy.Read(stream, name);

    internal static FileStream OpenRead(string path)
    {
        // A FIFO would block the open until some writer appears, and a device never ends: only regular files are read.
        FileKind.RequireRegular(path);
        return new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        RemoveStaleTemporaries(full);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Deletes what a writer killed mid-save left for the same target: <c>.name.PID.GUID.tmp</c> files whose process no
    /// longer exists (a live PID may be another save in progress, so its file stays).
    /// </summary>
    static void RemoveStaleTemporaries(string full)
    {
        string dir = Path.GetDirectoryName(full)!, prefix = "." + Path.GetFileName(full) + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir, prefix + "*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (string f in candidates)
        {
            var parts = Path.GetFileName(f)[prefix.Length..].Split('.');
            if (parts.Length != 3 || !int.TryParse(parts[0], out int pid) || parts[1].Length != 32) continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}")) continue;
            try
            {
                File.Delete(f);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another cleaner got there first, or it is not ours to delete: either way not this save's problem
            }
        }
    }
}
