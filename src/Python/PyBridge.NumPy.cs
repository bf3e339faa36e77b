using Python.Runtime;

namespace Bridge.Python;

public static partial class PyBridge
{
    /// <summary>
    /// An ndarray viewing <paramref name="tensor"/>'s memory (torch's <c>Tensor.numpy()</c>): no copy, any strides,
    /// read-only when the tensor is. The array keeps the tensor's storage alive, so the memory outlives every view.
    /// </summary>
    public static PyObject ToNumPy(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        EnsureInitialized();
        if (tensor.Device.IsCuda)
            throw new NotSupportedException($"can't convert a {tensor.Device} tensor to numpy: copy it to the host first (.Cpu()) or use PyBridge.ToTorch");
        if (tensor.RequiresGrad)
            throw new InvalidOperationException("Can't call numpy() on Tensor that requires grad. Use tensor.Detach().ToNumPy() instead.");
        int n = tensor.Dim(), item = tensor.DType.ElementSize();
        var storage = tensor.Storage;
        // NumPy refuses a NULL pointer even for empty arrays; any aligned address does for zero bytes.
        nint data = storage.ByteLength > 0 ? storage.Pointer + (nint)((long)tensor.StorageOffset * item) : item;
        using (Py.GIL())
        {
            var args = new PyObject[4 + 2 * n];
            try
            {
                args[0] = storage.ToPython();
                args[1] = new PyInt(data);
                args[2] = new PyString(TypeString(tensor.DType));
                args[3] = (!storage.Writable).ToPython();
                for (int d = 0; d < n; d++)
                {
                    args[4 + d] = new PyInt(tensor.Size(d));
                    args[4 + n + d] = new PyInt((long)tensor.Stride(d) * item);
                }
                return _toNumPy!.Invoke(args);
            }
            finally
            {
                foreach (var arg in args) arg?.Dispose();
            }
        }
    }

    /// <summary>
    /// A tensor over <paramref name="array"/>'s memory (torch's <c>from_numpy</c>), read through the buffer protocol:
    /// no copy, writes show on both sides, read-only arrays give read-only tensors. The tensor holds a view of the
    /// array (keeping it alive) and releases it under the GIL when its storage dies.
    /// </summary>
    public static Tensor FromNumPy(PyObject array)
    {
        ArgumentNullException.ThrowIfNull(array);
        EnsureInitialized();
        using (Py.GIL())
        {
            var view = BufferView.TryGet(array);
            if (view is null)
            {
                var (type, _) = Describe(array);
                string fix = type.StartsWith("torch.", StringComparison.Ordinal) ? "use PyBridge.FromTorch (DLPack) for torch tensors"
                    : "convert it with numpy.asarray(x) first";
                throw new ArgumentException($"expected np.ndarray or another object with the buffer protocol (got {type}): {fix}", nameof(array));
            }
            try
            {
                var (dtype, shape, strides) = Layout(view, array);
                return Torch.FromBlob(view.Pointer, shape, dtype, strides, () => GilReleaser.Release(view.Release), writable: !view.ReadOnly);
            }
            catch
            {
                view.Release();
                throw;
            }
        }
    }

    static (DType, long[], long[]) Layout(BufferView view, PyObject array)
    {
        if (view.Indirect)
            throw new ArgumentException("indirect (PIL-style) buffers are not supported: convert with numpy.array(x) first", nameof(array));
        var dtype = ElementType(view, array);
        int n = view.Dimensions, item = dtype.ElementSize();
        var shape = new long[n];
        var strides = new long[n];
        for (int d = 0; d < n; d++)
        {
            long size = view.Size(d), stride = view.Stride(d);
            shape[d] = size;
            if (stride < 0)
                throw new ArgumentException($"At least one stride in the given numpy array is negative (strides {Format(view.Strides())}): copy it with np.ascontiguousarray(a) first", nameof(array));
            if (stride % item != 0)
                throw new ArgumentException($"array strides {Format(view.Strides())} are not multiples of the element size {item}: copy it with np.ascontiguousarray(a) first", nameof(array));
            strides[d] = stride / item;
        }
        if (view.Pointer % item != 0)
            throw new ArgumentException("array is not aligned to its element size: copy it with np.ascontiguousarray(a) first", nameof(array));
        return (dtype, shape, strides);
    }

    /// <summary>The struct-module format of a buffer, as Bridge's dtype; native little-endian only.</summary>
    static DType ElementType(BufferView view, PyObject array)
    {
        string format = view.Format;
        if (format.Length > 1 && format[0] is '>' or '!')
            throw new ArgumentException($"array is byte-swapped ({Describe(array).DType}): convert it with a.astype(a.dtype.newbyteorder('=')) first", nameof(array));
        if (format.Length > 1 && format[0] is '@' or '=' or '<') format = format[1..];
        return (format, view.ItemSize) switch
        {
            ("f", 4) => DType.Float32,
            ("d", 8) => DType.Float64,
            ("l" or "q", 8) => DType.Int64,
            ("?", 1) => DType.Bool,
            ("e", 2) => DType.Float16,
            ("i" or "l", 4) => DType.Int32,
            ("h", 2) => DType.Int16,
            ("b", 1) => DType.Int8,
            ("B", 1) => DType.UInt8,
            _ => throw new ArgumentException($"can't convert np.ndarray of type {DTypeName(array, format)}. The only supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool; convert with a.astype(np.float32) (or another of those) first", nameof(array)),
        };
    }

    static string DTypeName(PyObject array, string format)
    {
        var (_, dtype) = Describe(array);
        return dtype.Length > 0 ? dtype : $"(buffer format '{format}')";
    }

    static (string Type, string DType) Describe(PyObject obj)
    {
        using var result = _describe!.Invoke(obj);
        return (result[0].As<string>(), result[1].As<string>());
    }

    static string TypeString(DType dtype) => dtype switch
    {
        DType.Float32 => "<f4",
        DType.Float64 => "<f8",
        DType.Int64 => "<i8",
        DType.Int32 => "<i4",
        DType.Int16 => "<i2",
        DType.Int8 => "|i1",
        DType.UInt8 => "|u1",
        DType.Float16 => "<f2",
        DType.BFloat16 => throw new NotSupportedException("Got unsupported ScalarType BFloat16"),
        _ => "|b1",
    };

    static string Format(long[] values) => "(" + string.Join(", ", values) + (values.Length == 1 ? ",)" : ")");
}
