using System.Runtime.InteropServices;

namespace Bridge.Interop;

// DLPack (dlpack.h, the 0.x ABI that NumPy 1.24 and PyTorch 1.13 exchange in "dltensor" capsules).
// Enum values are the header's.

enum DLDeviceType { Cpu = 1, Cuda = 2 }

enum DLDataTypeCode : byte { Int = 0, UInt = 1, Float = 2, Bool = 6 }

[StructLayout(LayoutKind.Sequential)]
struct DLDataType
{
    public DLDataTypeCode Code;
    public byte Bits;
    public ushort Lanes;
}

[StructLayout(LayoutKind.Sequential)]
unsafe struct DLTensor
{
    public nint Data;
    public DLDeviceType DeviceType;
    public int DeviceId;
    public int NDim;
    public DLDataType DType;
    public long* Shape;
    public long* Strides; // in elements; NULL means compact row-major
    public ulong ByteOffset;
}

[StructLayout(LayoutKind.Sequential)]
unsafe struct DLManagedTensor
{
    public DLTensor Tensor;
    public nint ManagerContext;
    public delegate* unmanaged<DLManagedTensor*, void> Deleter;
}

/// <summary>Hands tensors to DLPack consumers and takes theirs, without copying.</summary>
static unsafe class DLPackExports
{
    static long _exportedLive;

    /// <summary>DLManagedTensors handed out whose deleter has not run yet (tests check that each runs once).</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_exported_live")]
    static long ExportedLive() => Interlocked.Read(ref _exportedLive);

    /// <summary>
    /// A DLManagedTensor viewing <paramref name="handle"/>'s memory; it keeps the tensor alive until the
    /// consumer calls its deleter. Read-only tensors are refused: DLPack 0.x cannot say "read-only".
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_to_dlpack")]
    static int ToDLPack(long handle, DLManagedTensor** result)
    {
        try
        {
            Exports.NotNull(result, "bridge_tensor_to_dlpack", "result");
            var t = HandleTable.Get<Tensor>(handle);
            if (!t.Storage.Writable)
                throw new InvalidOperationException("cannot export a read-only tensor through DLPack (it cannot mark memory read-only): clone() it first");
            int n = t.Dim();
            // One block: the struct, then shape and strides, so the deleter frees a single allocation.
            var m = (DLManagedTensor*)NativeMemory.AllocZeroed((nuint)(sizeof(DLManagedTensor) + 2 * n * sizeof(long)));
            var dims = (long*)(m + 1);
            for (int d = 0; d < n; d++)
            {
                dims[d] = t.Size(d);
                dims[n + d] = t.Stride(d);
            }
            nint start = t.Storage.ByteLength > 0 ? t.Storage.Pointer : 0;
            m->Tensor = new DLTensor
            {
                Data = start + (nint)((long)t.StorageOffset * t.DType.ElementSize()),
                DeviceType = t.Device.Type == DeviceType.Cuda ? DLDeviceType.Cuda : DLDeviceType.Cpu,
                DeviceId = t.Device.Index,
                NDim = n,
                DType = ToDL(t.DType),
                Shape = dims,
                Strides = dims + n,
            };
            t.Retain(); // the export holds the tensor (and its memory) until the consumer's deleter runs
            m->ManagerContext = GCHandle.ToIntPtr(GCHandle.Alloc(t));
            m->Deleter = &Delete;
            Interlocked.Increment(ref _exportedLive);
            *result = m;
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    static delegate* unmanaged<nint, byte*, int> _capsuleIsValid;
    static delegate* unmanaged<nint, byte*, nint> _capsuleGetPointer;

    /// <summary>
    /// Gives the library Python's PyCapsule_IsValid and PyCapsule_GetPointer, for
    /// <c>bridge_dlpack_capsule_destructor</c>: a capsule destructor written in Python would run with a
    /// failed consumer's exception still set, where every ctypes argument conversion fails.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_set_capsule_api")]
    static void SetCapsuleApi(delegate* unmanaged<nint, byte*, int> isValid, delegate* unmanaged<nint, byte*, nint> getPointer)
    {
        _capsuleIsValid = isValid;
        _capsuleGetPointer = getPointer;
    }

    /// <summary>Destructor of a "dltensor" capsule: if no consumer took the tensor (renaming it), delete it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_capsule_destructor")]
    static void CapsuleDestructor(nint capsule)
    {
        if (_capsuleIsValid is null) return;
        fixed (byte* name = "dltensor"u8)
        {
            if (_capsuleIsValid(capsule, name) == 0) return;
            var m = (DLManagedTensor*)_capsuleGetPointer(capsule, name);
            if (m is not null && m->Deleter is not null) m->Deleter(m);
        }
    }

    [UnmanagedCallersOnly]
    static void Delete(DLManagedTensor* m)
    {
        try
        {
            var handle = GCHandle.FromIntPtr(m->ManagerContext);
            var t = (Tensor?)handle.Target;
            handle.Free();
            t?.Unref();
            NativeMemory.Free(m);
            Interlocked.Decrement(ref _exportedLive);
        }
        catch { } // a deleter has no way to report; never let it kill the caller
    }

    /// <summary>
    /// Wraps a producer's DLManagedTensor. When the tensor's storage dies, its deleter runs (from the .NET
    /// finalizer thread), or, when <paramref name="releaseToken"/> is non-zero, that token is queued for
    /// <c>bridge_released_take</c> and the caller runs the deleter on its own thread.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_from_dlpack")]
    static int FromDLPack(DLManagedTensor* m, long releaseToken, long* result)
    {
        try
        {
            Exports.NotNull(m, "bridge_tensor_from_dlpack", "managed");
            Exports.NotNull(result, "bridge_tensor_from_dlpack", "result");
            using var call = new DisposeScope(callScope: true); // the new tensor belongs to its handle alone
            ref var dl = ref m->Tensor;
            var device = dl.DeviceType switch
            {
                DLDeviceType.Cpu => Device.Cpu,
                DLDeviceType.Cuda => new Device(DeviceType.Cuda, dl.DeviceId),
                var other => throw new ArgumentException($"DLPack device type {(int)other} is not supported (cpu = 1, cuda = 2)"),
            };
            var dtype = FromDL(dl.DType);
            if (dl.NDim < 0 || dl.NDim > 64) throw new ArgumentException($"DLPack ndim {dl.NDim} is out of range 0..64");
            var shape = new int[dl.NDim];
            int[]? strides = dl.Strides is null ? null : new int[dl.NDim];
            for (int d = 0; d < dl.NDim; d++)
            {
                shape[d] = checked((int)dl.Shape[d]);
                if (strides is not null) strides[d] = checked((int)dl.Strides[d]);
            }
            Action release = releaseToken != 0 ? () => MemoryExports.QueueRelease(releaseToken)
                : () => { if (m->Deleter is not null) m->Deleter(m); };
            var tensor = MemoryExports.Wrap(dl.Data + (nint)dl.ByteOffset, dtype, shape, strides, writable: true, release, device);
            *result = HandleTable.Add(tensor);
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    static DLDataType ToDL(DType dtype) => dtype switch
    {
        DType.Float32 => new() { Code = DLDataTypeCode.Float, Bits = 32, Lanes = 1 },
        DType.Float64 => new() { Code = DLDataTypeCode.Float, Bits = 64, Lanes = 1 },
        DType.Int64 => new() { Code = DLDataTypeCode.Int, Bits = 64, Lanes = 1 },
        _ => new() { Code = DLDataTypeCode.Bool, Bits = 8, Lanes = 1 },
    };

    static DType FromDL(DLDataType t) => (t.Code, t.Bits, t.Lanes) switch
    {
        (DLDataTypeCode.Float, 32, 1) => DType.Float32,
        (DLDataTypeCode.Float, 64, 1) => DType.Float64,
        (DLDataTypeCode.Int, 64, 1) => DType.Int64,
        (DLDataTypeCode.Bool, 8, 1) => DType.Bool,
        _ => throw new ArgumentException($"DLPack dtype (code {(int)t.Code}, {t.Bits} bits, {t.Lanes} lanes) is not supported: Bridge holds float32, float64, int64 and bool"),
    };
}
