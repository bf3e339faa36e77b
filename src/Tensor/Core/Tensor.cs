using System.Numerics;
using System.Runtime.CompilerServices;
using Bridge.Autograd;

namespace Bridge;

/// <summary>
/// An n-dimensional view (shape, strides, offset in elements) of a <see cref="Storage"/>, with autograd state.
/// Views share storage; the storage's version counter detects in-place edits of values saved for backward.
/// </summary>
public sealed partial class Tensor
{
    long[] _shape;
    long[] _strides;
    // 32-bit copies of the layout for kernels that index with int; null when the tensor does not fit (see ShapeArray).
    int[]? _shape32;
    int[]? _strides32;

    /// <summary>
    /// The memory this tensor views (shared with every view of it); its <c>Device</c> is the tensor's.
    /// </summary>
    public Storage Storage { get; private set; }
    /// <summary>The element type.</summary>
    public DType DType { get; }

    /// <summary>Offset of element [0,...,0] in the storage, in elements.</summary>
    public long StorageOffset { get; }

    internal Tensor(Storage storage, DType dtype, long[] shape, long[] strides, long offset)
    {
        Storage = storage;
        DType = dtype;
        _shape = shape;
        _strides = strides;
        StorageOffset = offset;
        SetLayout32();
        Register(storage);
    }

    internal Tensor(Storage storage, DType dtype, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        DType = dtype;
        _shape = ShapeMath.Widen(shape);
        _strides = ShapeMath.Widen(strides);
        StorageOffset = offset;
        if (ShapeMath.Fits32(_shape, _strides, offset))
        {
            _shape32 = shape;
            _strides32 = strides;
        }
        Register(storage);
    }

    /// <summary>
    /// A fresh contiguous tensor on the CPU unless <paramref name="device"/> says otherwise; zero-filled unless
    /// <paramref name="zero"/> is false (for results a kernel overwrites whole). Device memory is always zeroed.
    /// </summary>
    internal static Tensor Allocate(ReadOnlySpan<int> shape, DType dtype, Device? device = null, bool zero = true)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {d}: {ShapeMath.FormatList(shape)}");
        if (ShapeMath.NumelFitsInt32(shape))
        {
            var storage = NewStorage((long)ShapeMath.Numel(shape) * dtype.ElementSize(), device, zero);
            return new Tensor(storage, dtype, shape.ToArray(), ShapeMath.ContiguousStrides(shape), 0);
        }
        return Allocate64(ShapeMath.Widen(shape), dtype, device, zero);
    }

    /// <summary>
    /// A fresh contiguous tensor of a 64-bit shape (any number of elements the memory holds); zero-filled unless
    /// <paramref name="zero"/> is false.
    /// </summary>
    internal static Tensor Allocate64(ReadOnlySpan<long> shape, DType dtype, Device? device = null, bool zero = true)
    {
        foreach (long d in shape)
            if (d < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {d}: {ShapeMath.FormatList(shape)}");
        long bytes = ShapeMath.StorageBytes(shape, dtype.ElementSize());
        var storage = NewStorage(bytes, device, zero);
        return new Tensor(storage, dtype, shape.ToArray(), ShapeMath.ContiguousStrides(shape), 0);
    }

    // Device memory comes from the device's caching allocator, never from the host pool or slabs.
    static Storage NewStorage(long bytes, Device? device, bool zero) =>
        Backends.Backend.Allocate(bytes, device, zero);

    /// <summary>
    /// A fresh uninitialised tensor with the given dense strides (a permutation of a contiguous layout). Without
    /// <paramref name="copy"/> it keeps the arrays themselves, which tensors never modify in place.
    /// </summary>
    internal static Tensor AllocateLike(int[] shape, int[] denseStrides, DType dtype, Device device, bool copy = true)
    {
        var storage = NewStorage((long)ShapeMath.Numel(shape) * dtype.ElementSize(), device, zero: false);
        return copy ? new Tensor(storage, dtype, (int[])shape.Clone(), (int[])denseStrides.Clone(), 0) : new Tensor(storage, dtype, shape, denseStrides, 0);
    }

    /// <summary>The 64-bit form of <see cref="AllocateLike(int[], int[], DType, Device, bool)"/>; always copies the arrays.</summary>
    internal static Tensor AllocateLike(long[] shape, long[] denseStrides, DType dtype, Device device)
    {
        var storage = NewStorage(ShapeMath.StorageBytes(shape, dtype.ElementSize()), device, zero: false);
        return new Tensor(storage, dtype, (long[])shape.Clone(), (long[])denseStrides.Clone(), 0);
    }

    /// <summary>The sizes of every dim (torch's <c>x.shape</c>); 0-d tensors have an empty shape.</summary>
    public Size Shape => new(_shape);
    /// <summary>The sizes of every dim (torch's <c>x.size()</c>); the same as <see cref="Shape"/>.</summary>
    public Size Size() => new(_shape);
    /// <summary>
    /// The size of dim <paramref name="dim"/>; negative counts from the end (torch's <c>x.size(dim)</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> is outside [-Dim(), Dim()).</exception>
    public long Size(int dim) => _shape[ShapeMath.WrapDim(dim, _shape.Length)];
    /// <summary>
    /// A copy of the strides: how many elements to step in storage per index of each dim (torch's <c>x.stride()</c>).
    /// </summary>
    public long[] Stride() => (long[])_strides.Clone();
    /// <summary>The stride of dim <paramref name="dim"/>, in elements; negative counts from the end.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> is outside [-Dim(), Dim()).</exception>
    public long Stride(int dim) => _strides[ShapeMath.WrapDim(dim, _shape.Length)];
    /// <summary>The number of dims (rank); 0 for a scalar tensor.</summary>
    public int Dim() => _shape.Length;
    /// <summary>The number of elements: the product of the sizes (1 for a 0-d tensor).</summary>
    public long Numel() => ShapeMath.Numel(_shape);
    /// <summary>Where the tensor's memory lives (<see cref="Bridge.Device.Cpu"/> or a CUDA device).</summary>
    public Device Device => Storage.Device;
    /// <summary>
    /// True when the elements are laid out row-major with no gaps (strides are the dense strides of the shape); many
    /// views are not.
    /// </summary>
    public bool IsContiguous() => ShapeMath.IsContiguous(_shape, _strides);

    /// <summary>
    /// The sizes as 32-bit ints, for kernels that index with int (never modify the array). Throws a
    /// <see cref="TensorTooLargeException"/> naming the calling op when the tensor has more than
    /// <see cref="int.MaxValue"/> elements or reaches storage offsets past it: such kernels refuse, never truncate.
    /// </summary>
    internal int[] ShapeArray => _shape32 ?? throw TensorTooLargeException.For(this);
    /// <summary>The strides as 32-bit ints; the same contract as <see cref="ShapeArray"/>.</summary>
    internal int[] StridesArray => _strides32 ?? throw TensorTooLargeException.For(this);
    /// <summary>The storage offset as a 32-bit int; the same contract as <see cref="ShapeArray"/>.</summary>
    internal int Offset32 => _shape32 is not null ? (int)StorageOffset : throw TensorTooLargeException.For(this);
    /// <summary>The number of elements as a 32-bit int; the same contract as <see cref="ShapeArray"/>.</summary>
    internal int Numel32 => _shape32 is not null ? ShapeMath.Numel(_shape32) : throw TensorTooLargeException.For(this);
    /// <summary>The size of dim <paramref name="dim"/> as a 32-bit int; the same contract as <see cref="ShapeArray"/>.</summary>
    internal int Size32(int dim) => ShapeArray[ShapeMath.WrapDim(dim, _shape.Length)];
    /// <summary>True when the 32-bit accessors (<see cref="ShapeArray"/>, ...) work for this tensor.</summary>
    internal bool Fits32 => _shape32 is not null;
    /// <summary>The sizes in 64 bits (never modify the array).</summary>
    internal long[] Shape64 => _shape;
    /// <summary>The strides in 64 bits (never modify the array).</summary>
    internal long[] Strides64 => _strides;

    /// <summary>Changes this tensor's own shape and strides (resize_ only; views made earlier keep theirs).</summary>
    internal void SetLayout(int[] shape, int[] strides) => SetLayout(ShapeMath.Widen(shape), ShapeMath.Widen(strides));

    /// <summary>The 64-bit form of <see cref="SetLayout(int[], int[])"/>.</summary>
    internal void SetLayout(long[] shape, long[] strides)
    {
        _shape = shape;
        _strides = strides;
        SetLayout32();
    }

    void SetLayout32()
    {
        bool fits = ShapeMath.Fits32(_shape, _strides, StorageOffset);
        _shape32 = fits ? ShapeMath.Narrow(_shape) : null;
        _strides32 = fits ? ShapeMath.Narrow(_strides) : null;
    }

    // ----- autograd state -----

    bool _requiresGrad;


    /// <summary>Accumulated gradient of a leaf after <see cref="Backward"/>; the slot holds a reference and leaves dispose scopes.</summary>
    public Tensor? Grad
    {
        get => _grad;
        set
        {
            if (ReferenceEquals(value, _grad)) return;
            value?.DetachFromDisposeScope().Retain();
            var old = _grad;
            _grad = value;
            old?.Unref();
        }
    }
    Tensor? _grad;

    /// <summary>
    /// True when no autograd node produced this tensor: user-created tensors and parameters (torch's <c>is_leaf</c>).
    /// Only leaves that require grad get <c>Grad</c> filled by backward.
    /// </summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>True when operations on this tensor are recorded for backward.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad || GradFn is not null;
        set
        {
            if (!IsLeaf)
            {
                if (!value) throw new InvalidOperationException(Spelling.Of(
                    "you can only change RequiresGrad of leaf tensors. If you want to use a computed tensor in a subgraph that doesn't require differentiation use varNoGrad = var.Detach().",
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."));
                return;
            }
            if (value && !DType.IsFloatingPoint()) throw new InvalidOperationException("only Tensors of floating point dtype can require gradients");
            _requiresGrad = value;
        }
    }

    /// <summary><c>requires_grad_()</c>: sets the flag and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>A tensor sharing storage with this one, cut from the graph.</summary>
    public Tensor Detach() => new(Storage, DType, _shape, _strides, StorageOffset);

    /// <summary>torch's <c>.data</c>: the same storage, no autograd history.</summary>
    public Tensor Data => Detach();

    /// <summary>
    /// Runs backpropagation from this tensor (a scalar, or with an explicit <paramref name="gradient"/>). With
    /// <paramref name="createGraph"/> the gradients are themselves recorded (higher-order derivatives); the graph is
    /// then kept unless <paramref name="retainGraph"/> says otherwise.
    /// </summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false)
    {
        Engine.Backward(this, gradient, retainGraph ?? createGraph, createGraph);
        PostBackward.Run();
    }

    // ----- raw element access (kernels only) -----

    internal unsafe ref T Ref<T>(long elementOffset) where T : unmanaged =>
        ref Unsafe.AsRef<T>((T*)Storage.Raw + elementOffset);

    /// <summary>
    /// The storage from this tensor's offset on, as a span of <typeparamref name="T"/>; capped at
    /// <see cref="int.MaxValue"/> elements, which covers every element of a tensor that <see cref="Fits32"/>.
    /// </summary>
    internal unsafe Span<T> StorageSpan<T>() where T : unmanaged
    {
        long total = Storage.ByteLength / Unsafe.SizeOf<T>();
        return new Span<T>((T*)Storage.Raw + StorageOffset, (int)Math.Min(total - StorageOffset, int.MaxValue));
    }

    /// <summary>The elements of a contiguous tensor of at most <see cref="int.MaxValue"/> elements (larger ones refuse).</summary>
    internal unsafe Span<T> ContiguousSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        long n = Numel();
        if (n > int.MaxValue) throw TensorTooLargeException.For(this);
        return new Span<T>((T*)Storage.Raw + StorageOffset, (int)n);
    }

    /// <summary>
    /// The elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of a contiguous
    /// tensor of any size: how kernels walk tensors past <see cref="int.MaxValue"/> elements, chunk by chunk.
    /// </summary>
    internal unsafe Span<T> ContiguousChunk<T>(long start, int length) where T : unmanaged
    {
        CheckElementType<T>();
        if (start < 0 || length < 0 || start + length > Numel()) throw new ArgumentOutOfRangeException(nameof(start));
        return new Span<T>((T*)Storage.Raw + StorageOffset + start, length);
    }

    void CheckElementType<T>() where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != DType.ElementSize())
            throw new InvalidOperationException($"element type {typeof(T).Name} does not match dtype {DType.TorchName()}");
    }

    /// <summary>Marks an in-place write: bumps the version counter shared by every view of the storage.</summary>
    internal void BumpVersion() => Storage.Version++;

    /// <summary>The version counter of this tensor's storage (torch's <c>_version</c>).</summary>
    public int Version => Storage.Version;

    internal void ReplaceStorage(Storage storage)
    {
        storage.AddUser();
        var old = Storage;
        Storage = storage;
        old.RemoveUser();
    }

    // ----- scalar reads -----

    /// <summary>The value of a one-element tensor, converted to double.</summary>
    public double Item()
    {
        if (Numel() != 1) throw new ArgumentException($"a Tensor with {Numel()} elements cannot be converted to Scalar");
        var host = Backends.Backend.HostReadable(this); // a synchronising read on a device, as in torch
        return host.ReadAsDouble(host.StorageOffset);
    }

    /// <summary>The value of a one-element tensor as <typeparamref name="T"/>.</summary>
    public T Item<T>() where T : INumberBase<T>
    {
        if (Numel() != 1) throw new ArgumentException($"a Tensor with {Numel()} elements cannot be converted to Scalar");
        var host = Backends.Backend.HostReadable(this);
        // int64 read directly: above 2^53 the double would round it.
        return DType == DType.Int64 ? T.CreateChecked(host.Ref<long>(host.StorageOffset)) : T.CreateChecked(host.ReadAsDouble(host.StorageOffset));
    }

    internal double ReadAsDouble(long elementOffset) => DType switch
    {
        DType.Float32 => Ref<float>(elementOffset),
        DType.Float64 => Ref<double>(elementOffset),
        DType.Int64 => Ref<long>(elementOffset),
        DType.Bool => Ref<byte>(elementOffset) != 0 ? 1 : 0,
        DType.UInt8 => Ref<byte>(elementOffset),
        DType.Int8 => Ref<sbyte>(elementOffset),
        DType.Int16 => Ref<short>(elementOffset),
        DType.Int32 => Ref<int>(elementOffset),
        DType.Float16 => (double)Ref<System.Half>(elementOffset),
        DType.BFloat16 => Ref<Bridge.BFloat16>(elementOffset),
        _ => throw new InvalidOperationException($"unknown dtype {DType}"),
    };

    /// <summary>Element offsets of every element in row-major order (small tensors: printing, tests).</summary>
    internal IEnumerable<long> ElementOffsets()
    {
        long n = Numel();
        var index = new long[_shape.Length];
        for (long k = 0; k < n; k++)
        {
            long off = StorageOffset;
            for (int d = 0; d < index.Length; d++) off += index[d] * _strides[d];
            yield return off;
            for (int d = index.Length - 1; d >= 0; d--)
            {
                if (++index[d] < _shape[d]) break;
                index[d] = 0;
            }
        }
    }

    /// <summary>All elements, row-major, as double.</summary>
    public double[] ToDoubleArray()
    {
        var host = Backends.Backend.HostReadable(this);
        return host.ElementOffsets().Select(host.ReadAsDouble).ToArray();
    }

    /// <summary>All elements, row-major, copied into a new array of <typeparamref name="T"/> (which must match the dtype).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>();
        return Backends.Backend.HostReadable(this).Contiguous().ContiguousSpan<T>().ToArray();
    }
}

public sealed partial class Tensor
{
    /// <summary>True for tensors made by <see cref="Nn.Module.Parameter"/>, which modules register.</summary>
    public bool IsParameter { get; internal set; }
}

public sealed partial class Tensor
{
    /// <summary>A contiguous tensor over existing storage (e.g. wrapped foreign memory); no copy.</summary>
    public static Tensor FromStorage(Storage storage, DType dtype, int[] shape, int[]? strides = null, int offset = 0) =>
        FromStorage(storage, dtype, ShapeMath.Widen(shape), strides is null ? null : ShapeMath.Widen(strides), offset);

    /// <summary>A tensor over existing storage with 64-bit sizes, strides (default: contiguous) and offset; no copy.</summary>
    public static Tensor FromStorage(Storage storage, DType dtype, long[] shape, long[]? strides = null, long offset = 0)
    {
        strides ??= ShapeMath.ContiguousStrides(shape);
        if (strides.Length != shape.Length) throw new ArgumentException($"{shape.Length} sizes but {strides.Length} strides");
        if (offset < 0) throw new ArgumentException($"negative storage offset {offset}");
        long numel = ShapeMath.Numel(shape);
        long extent = offset;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] < 0 || strides[d] < 0) throw new ArgumentException($"negative size or stride in {ShapeMath.FormatList(shape)} / {ShapeMath.FormatList(strides)}");
            if (numel > 0) extent = checked(extent + (shape[d] - 1) * strides[d]);
        }
        if (numel > 0 && (extent + 1) * dtype.ElementSize() > storage.ByteLength)
            throw new ArgumentException($"shape {ShapeMath.FormatList(shape)} with strides {ShapeMath.FormatList(strides)} at offset {offset} does not fit in a storage of {storage.ByteLength} bytes");
        return new Tensor(storage, dtype, (long[])shape.Clone(), (long[])strides.Clone(), offset);
    }
}
