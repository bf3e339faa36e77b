using System.Runtime.InteropServices;

namespace Bridge;

// DLPack (dlpack.h, the 0.x ABI that NumPy 1.24 and PyTorch 1.13 exchange in "dltensor" capsules).
// Enum values are the header's. Shared by the C ABI (libbridge) and the pythonnet route (Bridge.Python).

enum DLDeviceType { Cpu = 1, Cuda = 2 }

enum DLDataTypeCode : byte { Int = 0, UInt = 1, Float = 2, BFloat = 4, Bool = 6 }

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

/// <summary>
/// Hands tensors to DLPack consumers and takes theirs, without copying. Pointers are <c>DLManagedTensor*</c>
/// passed as <see cref="nint"/>, so callers need no DLPack declarations of their own.
/// </summary>
public static unsafe class DLPack
{
    static long _exportedLive;

    /// <summary>DLManagedTensors handed out whose deleter has not run yet (tests check that each runs once).</summary>
    public static long ExportedLive => Interlocked.Read(ref _exportedLive);

    /// <summary>
    /// A <c>DLManagedTensor*</c> viewing <paramref name="tensor"/>'s memory; it keeps the tensor alive until the
    /// consumer calls its deleter. Read-only tensors are refused: DLPack 0.x cannot say "read-only".
    /// </summary>
    public static nint Export(Tensor tensor)
    {
        if (!tensor.Storage.Writable)
            throw new InvalidOperationException("cannot export a read-only tensor through DLPack (it cannot mark memory read-only): clone() it first");
        int n = tensor.Dim();
        // One block: the struct, then shape and strides, so the deleter frees a single allocation.
        var m = (DLManagedTensor*)NativeMemory.AllocZeroed((nuint)(sizeof(DLManagedTensor) + 2 * n * sizeof(long)));
        var dims = (long*)(m + 1);
        for (int d = 0; d < n; d++)
        {
            dims[d] = tensor.Size(d);
            dims[n + d] = tensor.Stride(d);
        }
        nint start = tensor.Storage.ByteLength > 0 ? tensor.Storage.Pointer : 0;
        m->Tensor = new DLTensor
        {
            Data = start + (nint)((long)tensor.StorageOffset * tensor.DType.ElementSize()),
            DeviceType = tensor.Device.Type == DeviceType.Cuda ? DLDeviceType.Cuda : DLDeviceType.Cpu,
            DeviceId = tensor.Device.Index,
            NDim = n,
            DType = ToDL(tensor.DType),
            Shape = dims,
            Strides = dims + n,
        };
        tensor.Retain(); // the export holds the tensor (and its memory) until the consumer's deleter runs
        tensor.Storage.ShareAddress(); // the consumer holds the address: the memory must never move
        m->ManagerContext = GCHandle.ToIntPtr(GCHandle.Alloc(tensor));
        m->Deleter = &Delete;
        Interlocked.Increment(ref _exportedLive);
        return (nint)m;
    }

    /// <summary>Runs a <c>DLManagedTensor</c>'s deleter, if it has one (what a consumer does when it is done).</summary>
    public static void RunDeleter(nint managed)
    {
        var m = (DLManagedTensor*)managed;
        if (m is not null && m->Deleter is not null) m->Deleter(m);
    }

    /// <summary>
    /// Wraps a producer's <c>DLManagedTensor*</c> without copying. When the tensor's storage dies,
    /// <paramref name="release"/> runs once (from the .NET finalizer thread unless disposed earlier); when it is
    /// null the producer's deleter runs there. On failure nothing is taken: the caller still owns the tensor.
    /// </summary>
    public static Tensor Import(nint managed, Action? release = null)
    {
        var m = (DLManagedTensor*)managed;
        if (m is null) throw new ArgumentException("null DLManagedTensor");
        ref var dl = ref m->Tensor;
        var device = dl.DeviceType switch
        {
            DLDeviceType.Cpu => Device.Cpu,
            DLDeviceType.Cuda => new Device(DeviceType.Cuda, dl.DeviceId),
            var other => throw new ArgumentException($"DLPack device type {(int)other} is not supported (cpu = 1, cuda = 2)"),
        };
        var dtype = FromDL(dl.DType);
        if (dl.NDim < 0 || dl.NDim > 64) throw new ArgumentException($"DLPack ndim {dl.NDim} is out of range 0..64");
        var shape = new long[dl.NDim];
        long[]? strides = dl.Strides is null ? null : new long[dl.NDim];
        for (int d = 0; d < dl.NDim; d++)
        {
            shape[d] = dl.Shape[d];
            if (strides is not null) strides[d] = dl.Strides[d];
        }
        release ??= () => RunDeleter(managed);
        return Torch.FromBlob(dl.Data + (nint)dl.ByteOffset, shape, dtype, strides, release, writable: true, device);
    }

    static delegate* unmanaged<nint, byte*, int> _capsuleIsValid;
    static delegate* unmanaged<nint, byte*, nint> _capsuleGetPointer;

    /// <summary>
    /// Gives <see cref="CapsuleDestructor"/> Python's <c>PyCapsule_IsValid</c> and <c>PyCapsule_GetPointer</c>
    /// (a capsule destructor written in Python would run with a failed consumer's exception still set, where
    /// every ctypes argument conversion fails).
    /// </summary>
    public static void SetCapsuleApi(nint isValid, nint getPointer)
    {
        _capsuleIsValid = (delegate* unmanaged<nint, byte*, int>)isValid;
        _capsuleGetPointer = (delegate* unmanaged<nint, byte*, nint>)getPointer;
    }

    /// <summary>Address of <c>void destructor(PyObject* capsule)</c> for "dltensor" capsules made from <see cref="Export"/>.</summary>
    public static nint CapsuleDestructor => (nint)(delegate* unmanaged<nint, void>)&DestroyCapsule;

    /// <summary>If no consumer took the capsule's tensor (renaming the capsule), delete it.</summary>
    [UnmanagedCallersOnly]
    static void DestroyCapsule(nint capsule) => DestroyCapsuleCore(capsule);

    internal static void DestroyCapsuleCore(nint capsule)
    {
        if (_capsuleIsValid is null) return;
        fixed (byte* name = "dltensor"u8)
        {
            if (_capsuleIsValid(capsule, name) == 0) return;
            RunDeleter(_capsuleGetPointer(capsule, name));
        }
    }

    [UnmanagedCallersOnly]
    static void Delete(DLManagedTensor* m)
    {
        try
        {
            var handle = GCHandle.FromIntPtr(m->ManagerContext);
            var tensor = (Tensor?)handle.Target;
            handle.Free();
            tensor?.Unref();
            NativeMemory.Free(m);
            Interlocked.Decrement(ref _exportedLive);
        }
        catch { } // a deleter has no way to report; never let it kill the caller
    }

    static DLDataType ToDL(DType dtype) => dtype switch
    {
        DType.Bool => new() { Code = DLDataTypeCode.Bool, Bits = 8, Lanes = 1 },
        DType.BFloat16 => new() { Code = DLDataTypeCode.BFloat, Bits = 16, Lanes = 1 },
        DType.UInt8 => new() { Code = DLDataTypeCode.UInt, Bits = 8, Lanes = 1 },
        _ => new() { Code = dtype.IsFloatingPoint() ? DLDataTypeCode.Float : DLDataTypeCode.Int, Bits = (byte)(8 * dtype.ElementSize()), Lanes = 1 },
    };

    static DType FromDL(DLDataType t) => (t.Code, t.Bits, t.Lanes) switch
    {
        (DLDataTypeCode.Float, 16, 1) => DType.Float16,
        (DLDataTypeCode.Float, 32, 1) => DType.Float32,
        (DLDataTypeCode.Float, 64, 1) => DType.Float64,
        (DLDataTypeCode.BFloat, 16, 1) => DType.BFloat16,
        (DLDataTypeCode.Int, 8, 1) => DType.Int8,
        (DLDataTypeCode.Int, 16, 1) => DType.Int16,
        (DLDataTypeCode.Int, 32, 1) => DType.Int32,
        (DLDataTypeCode.Int, 64, 1) => DType.Int64,
        (DLDataTypeCode.UInt, 8, 1) => DType.UInt8,
        (DLDataTypeCode.Bool, 8, 1) => DType.Bool,
        _ => throw new ArgumentException($"DLPack dtype (code {(int)t.Code}, {t.Bits} bits, {t.Lanes} lanes) is not supported: Bridge holds float16, bfloat16, float32, float64, uint8, int8, int16, int32, int64 and bool"),
    };
}
