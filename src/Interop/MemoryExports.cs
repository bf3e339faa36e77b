using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Bridge.Interop;

/// <summary>What <c>bridge_tensor_meta</c> reports about a tensor (layout as in bridge.h).</summary>
[StructLayout(LayoutKind.Sequential)]
struct TensorMeta
{
    public int DType;
    public int NDim;
    public int DeviceType;
    public int DeviceIndex;
    public int Flags;
    public int Version;
    public long Numel;
    public nint Data;
    public nint Storage;
    public long StorageBytes;
}

[Flags]
enum TensorFlags
{
    RequiresGrad = 1,
    IsLeaf = 2,
    Writable = 4,
    IsParameter = 8,
    Contiguous = 16,
    HasGradFn = 32,
}

/// <summary>Zero-copy exchange of memory with the caller: describing a tensor's memory, wrapping the caller's.</summary>
static unsafe class MemoryExports
{
    /// <summary>Tokens of foreign buffers whose last Bridge user died, for callers that release on their own thread.</summary>
    static readonly ConcurrentQueue<long> Released = new();

    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_meta")]
    static int Meta(long handle, TensorMeta* meta, long* shape, long* strides, int capacity)
    {
        try
        {
            Exports.NotNull(meta, "bridge_tensor_meta", "meta");
            var t = HandleTable.Get<Tensor>(handle);
            int n = t.Dim();
            if (capacity > 0 && Math.Min(n, capacity) > 0)
            {
                Exports.NotNull(shape, "bridge_tensor_meta", "shape");
                Exports.NotNull(strides, "bridge_tensor_meta", "strides");
            }
            var flags = (t.RequiresGrad ? TensorFlags.RequiresGrad : 0) | (t.IsLeaf ? TensorFlags.IsLeaf : 0)
                | (t.Storage.Writable ? TensorFlags.Writable : 0) | (t.IsParameter ? TensorFlags.IsParameter : 0)
                | (t.IsContiguous() ? TensorFlags.Contiguous : 0) | (t.GradFn is null ? 0 : TensorFlags.HasGradFn);
            long storageBytes = t.Storage.ByteLength;
            nint start = storageBytes > 0 ? t.Storage.Pointer : 0;
            *meta = new TensorMeta
            {
                DType = (int)t.DType,
                NDim = n,
                DeviceType = (int)t.Device.Type,
                DeviceIndex = t.Device.Index,
                Flags = (int)flags,
                Version = t.Version,
                Numel = t.Numel(),
                Data = start + (nint)((long)t.StorageOffset * t.DType.ElementSize()),
                Storage = start,
                StorageBytes = storageBytes,
            };
            for (int d = 0; d < Math.Min(n, capacity); d++)
            {
                shape[d] = t.Size(d);
                strides[d] = t.Stride(d);
            }
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    /// <summary>
    /// Wraps caller memory as a tensor without copying. Strides are in elements (NULL: row-major). When the
    /// tensor's storage dies, <paramref name="release"/>(<paramref name="context"/>) runs on whatever thread
    /// the .NET finalizer uses; with <paramref name="release"/> NULL the context is queued instead, for
    /// <c>bridge_released_take</c> (Python, which must release on a thread holding its GIL).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_from_buffer")]
    static int FromBuffer(nint data, int dtype, int ndim, long* shape, long* strides, int writable,
                          delegate* unmanaged<nint, void> release, nint context, long* result)
    {
        try
        {
            Exports.NotNull(result, "bridge_tensor_from_buffer", "result");
            if (ndim > 0) Exports.NotNull(shape, "bridge_tensor_from_buffer", "shape");
            using var call = new DisposeScope(callScope: true); // the new tensor belongs to its handle alone
            if (!DTypes.IsDefined(dtype)) throw new ArgumentException($"unknown dtype id {dtype}");
            if (ndim < 0 || ndim > 64) throw new ArgumentException($"ndim {ndim} is out of range 0..64");
            var sizes = new ReadOnlySpan<long>(shape, ndim).ToArray();
            var steps = strides is null ? null : new ReadOnlySpan<long>(strides, ndim).ToArray();
            Action onRelease = release is null ? () => Released.Enqueue(context) : () => release(context);
            var tensor = Wrap(data, (DType)dtype, sizes, steps, writable != 0, onRelease);
            *result = HandleTable.Add(tensor);
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    /// <summary>Takes up to <paramref name="capacity"/> queued release tokens.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_released_take")]
    static int ReleasedTake(long* tokens, int capacity, int* count)
    {
        try
        {
            Exports.NotNull(count, "bridge_released_take", "count");
            if (capacity > 0) Exports.NotNull(tokens, "bridge_released_take", "tokens");
            int n = 0;
            while (n < capacity && Released.TryDequeue(out long token)) tokens[n++] = token;
            *count = n;
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    internal static void QueueRelease(long token) => Released.Enqueue(token);

    /// <summary>True when release tokens wait for the caller (bridge._core.drain_released).</summary>
    internal static bool ReleasesPending => !Released.IsEmpty;

    internal static Tensor Wrap(nint data, DType dtype, long[] shape, long[]? strides, bool writable, Action release) =>
        Torch.FromBlob(data, shape, dtype, strides, release, writable);
}
