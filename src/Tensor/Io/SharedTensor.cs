using System.IO.MemoryMappedFiles;

namespace Bridge.Io;

/// <summary>
/// A tensor in a memory-mapped file laid out exactly as a .npy (version 1.0 header padded to 64 bytes, then the data),
/// by default in POSIX shared memory (<c>/dev/shm/&lt;name&gt;</c>), so another process maps the same bytes with
/// <c>np.load(path, mmap_mode="r+")</c> and each side sees the other's writes without copies.
/// The tensor wraps the mapping directly; the mapping stays valid while this handle or any tensor/view over it is alive.
/// </summary>
public sealed unsafe class SharedTensor : IDisposable
{
    Tensor? _tensor;

    /// <summary>The file that holds the tensor (<c>/dev/shm/name</c> or the explicit path).</summary>
    public string Path { get; }

    /// <summary>Byte offset of the first element in the file (a multiple of 64 for files Bridge creates).</summary>
    public long DataOffset { get; }

    /// <summary>The shared tensor: writes go straight to the mapped file.</summary>
    public Tensor Tensor => _tensor ?? throw new ObjectDisposedException(nameof(SharedTensor), $"shared tensor '{Path}' was disposed");

    SharedTensor(string path, long dataOffset, Tensor tensor)
    {
        Path = path;
        DataOffset = dataOffset;
        _tensor = tensor.DetachFromDisposeScope(); // lives as long as this handle, not the scope it was opened in
    }

    /// <summary>
    /// <c>/dev/shm/name</c> for a shared-memory <paramref name="name"/>: a plain file name (no '/', no NUL, not "." or
    /// "..", at most 255 bytes), so no name reaches a file outside /dev/shm. Files elsewhere go through
    /// <see cref="CreateFile"/> and <see cref="OpenFile"/>, which take a path on purpose.
    /// </summary>
    public static string ResolvePath(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name.Contains('\0') || name is "." or ".." || System.Text.Encoding.UTF8.GetByteCount(name) > 255)
            throw new ArgumentException($"'{name}' is not a shared-memory name: use a plain name (no '/', not '.' or '..', at most 255 bytes), or CreateFile/OpenFile for a path", nameof(name));
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev/shm"))
            throw new PlatformNotSupportedException($"no /dev/shm on this system; use SharedTensor.CreateFile with a file path for '{name}' instead");
        return "/dev/shm/" + name;
    }

    /// <summary>
    /// Creates a zero-filled tensor of <paramref name="shape"/> and <paramref name="dtype"/> in <c>/dev/shm/name</c>. An
    /// existing file is an error unless <paramref name="overwrite"/>, which still only replaces a file laid out as a
    /// shared tensor (a .npy), never another kind of file.
    /// </summary>
    public static SharedTensor Create(string name, int[] shape, DType dtype, bool overwrite = false) =>
        CreateAt(ResolvePath(name), shape, dtype, overwrite);

    /// <summary>As <see cref="Create"/>, in the file at <paramref name="path"/> (a memory-mapped .npy anywhere).</summary>
    public static SharedTensor CreateFile(string path, int[] shape, DType dtype, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return CreateAt(System.IO.Path.GetFullPath(path), shape, dtype, overwrite);
    }

    static SharedTensor CreateAt(string path, int[] shape, DType dtype, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"shared tensor shape [{string.Join(", ", shape)}] has a negative dimension", nameof(shape));
        if (overwrite && File.Exists(path) && !LooksLikeNpy(path))
            throw new IOException($"refusing to replace '{path}': it exists and is not a shared tensor (.npy) file");
        var header = Npy.HeaderBytes(FileDTypes.Natural(dtype), ShapeMath.Widen(shape), fortranOrder: false);
        long dataBytes = (long)ShapeMath.Numel(shape) * dtype.ElementSize();
        var file = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            file.Write(header);
            file.SetLength(header.Length + dataBytes);
            return Map(file, path, header.Length, dtype, shape, fortran: false, writable: true);
        }
        catch
        {
            file.Dispose();
            File.Delete(path);
            throw;
        }
    }

    static bool LooksLikeNpy(string path)
    {
        if (!FileKind.IsRegular(path)) return false;
        Span<byte> magic = stackalloc byte[6];
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return f.ReadAtLeast(magic, 6, throwOnEndOfStream: false) == 6 && magic[0] == 0x93 && magic[1..].SequenceEqual("NUMPY"u8);
    }

    /// <summary>
    /// Maps the shared tensor <c>/dev/shm/name</c> (one Bridge or <c>np.lib.format.open_memmap</c> created). Its type must
    /// be one the engine holds natively (&lt;f4, &lt;f8, &lt;i8, |b1), since widening would need a copy;
    /// <paramref name="expectedShape"/> and <paramref name="expectedDType"/>, when given, must match. Any mismatch or
    /// damage throws <see cref="TensorFileException"/>.
    /// </summary>
    public static SharedTensor Open(string name, int[]? expectedShape = null, DType? expectedDType = null, bool writable = true) =>
        OpenAt(ResolvePath(name), expectedShape, expectedDType, writable);

    /// <summary>As <see cref="Open"/>, for the .npy file at <paramref name="path"/>.</summary>
    public static SharedTensor OpenFile(string path, int[]? expectedShape = null, DType? expectedDType = null, bool writable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenAt(System.IO.Path.GetFullPath(path), expectedShape, expectedDType, writable);
    }

    static SharedTensor OpenAt(string path, int[]? expectedShape, DType? expectedDType, bool writable)
    {
        FileKind.RequireRegular(path);
        var file = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var source = new ByteSource(file, path);
            var header = Npy.ReadHeader(source);
            var dtype = header.Type.EngineDType();
            if (!header.Type.IsNative() || header.BigEndian)
                throw source.Fail($"stored as {(header.BigEndian ? "big-endian " : "")}{header.Type}, which Bridge cannot map without converting; use TensorFile.LoadTensor for a copy");
            if (expectedDType is DType want && want != dtype)
                throw source.Fail($"holds {dtype.ShortName()} but {want.ShortName()} was expected");
            if (expectedShape is not null && !expectedShape.AsSpan().SequenceEqual(header.Shape))
                throw source.Fail($"has shape [{string.Join(", ", header.Shape)}] but [{string.Join(", ", expectedShape)}] was expected");
            if (header.DataOffset % dtype.ElementSize() != 0)
                throw source.Fail($"data starts at byte {header.DataOffset}, not a multiple of the {dtype.ElementSize()}-byte element size, so it cannot be mapped in place");
            source.Require((long)ShapeMath.Numel(header.Shape) * dtype.ElementSize(), "array data");
            return Map(file, path, header.DataOffset, dtype, header.Shape, header.FortranOrder, writable);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    static SharedTensor Map(FileStream file, string path, long dataOffset, DType dtype, int[] shape, bool fortran, bool writable)
    {
        var access = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
        var mapping = MemoryMappedFile.CreateFromFile(file, mapName: null, capacity: 0, access, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = mapping.CreateViewAccessor(0, 0, access);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            var owner = new MappingOwner(mapping, view);
            long dataBytes = (long)ShapeMath.Numel(shape) * dtype.ElementSize();
            // The storage holds the mapping: it is unmapped when the last tensor over it dies (or the storage is disposed).
            var storage = Storage.Wrap((IntPtr)(basePointer + view.PointerOffset + dataOffset), dataBytes, owner.Release, writable);
            var strides = fortran ? ElementCodec.FortranStrides(shape) : ShapeMath.ContiguousStrides(shape);
            return new SharedTensor(path, dataOffset, Tensor.FromStorage(storage, dtype, shape, strides));
        }
        catch
        {
            view?.Dispose();
            mapping.Dispose();
            throw;
        }
    }

    /// <summary>Removes the file (<c>shm_unlink</c>); mappings that exist stay valid until they are released.</summary>
    public void Unlink()
    {
        if (File.Exists(Path)) File.Delete(Path);
    }

    /// <summary>Removes <c>/dev/shm/name</c> if it exists (a plain name only, see <see cref="ResolvePath"/>).</summary>
    public static void Unlink(string name)
    {
        string path = ResolvePath(name);
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>
    /// Releases this handle. Tensors taken from <see cref="Tensor"/> stay valid: the mapping is unmapped once the last
    /// of them is collected. To unmap at once, also dispose <c>Tensor.Storage</c>, but only when no view is in use.
    /// </summary>
    public void Dispose() => _tensor = null;

    sealed class MappingOwner(MemoryMappedFile mapping, MemoryMappedViewAccessor view)
    {
        public void Release()
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            mapping.Dispose();
        }
    }
}
