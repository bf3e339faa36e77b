using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>Copies within a GPU, between host and GPU, conversions and fills (the CUDA side of CopyKernels).</summary>
internal static unsafe class CudaCopy
{
    const uint Threads = 256;

    static (uint, uint) GridFor(long n) => ((uint)Math.Clamp((n + Threads - 1) / Threads, 1, 65535), 1);

    /// <summary>Fresh device memory, zero-filled only when <paramref name="zero"/> (kernel results overwrite every byte).</summary>
    public static Storage Allocate(long bytes, Device device, bool zero = true) => CudaDevice.Get(device.Index).AllocateStorage(bytes, zero);

    /// <summary>dst[...] = src[...] broadcast and converted (CopyKernels.Copy); either side may be on the host.</summary>
    public static void Copy(Tensor src, Tensor dst)
    {
        if (dst.Numel() == 0) return;
        if (src.Device == dst.Device)
        {
            CopyOnDevice(src, dst);
            return;
        }
        if (!dst.Device.IsCuda)
        {
            Download(src, dst);
            return;
        }
        // Host (or another GPU) to this GPU: stage a contiguous host tensor with dst's shape and dtype, so the
        // broadcast and conversion run once on the host and the transfer is one memcpy.
        var host = src.Device.IsCuda ? Staged(src) : src;
        var dense = Tensor.Allocate64(dst.Shape64, dst.DType);
        HostCopy(host, dense);
        var target = dst.IsContiguous() ? dst : Tensor.Allocate64(dst.Shape64, dst.DType, dst.Device);
        var device = CudaDevice.Get(dst.Device.Index);
        device.CopyToDevice(CudaKernels.Address(target), dense.Storage.Pointer.ToPointer(), (long)dense.Numel() * dense.DType.ElementSize());
        if (!ReferenceEquals(target, dst)) CopyOnDevice(target, dst);
    }

    /// <summary>A contiguous host copy of a GPU tensor (the same shape and dtype).</summary>
    public static Tensor Staged(Tensor src)
    {
        var host = Tensor.Allocate64(src.Shape64, src.DType);
        Download(src, host);
        return host;
    }

    static void Download(Tensor src, Tensor dst)
    {
        // Broadcast and convert on the GPU into a dense buffer of dst's shape and dtype, then one memcpy.
        var dense = src.IsContiguous() && src.DType == dst.DType && src.Shape64.AsSpan().SequenceEqual(dst.Shape64)
            ? src : Tensor.Allocate64(dst.Shape64, dst.DType, src.Device);
        if (!ReferenceEquals(dense, src)) CopyOnDevice(src, dense);
        var host = dst.IsContiguous() ? dst : Tensor.Allocate64(dst.Shape64, dst.DType);
        var device = CudaDevice.Get(src.Device.Index);
        device.CopyToHost((byte*)host.Storage.Pointer.ToPointer() + (long)host.StorageOffset * host.DType.ElementSize(),
            CudaKernels.Address(dense), (long)dense.Numel() * dense.DType.ElementSize());
        if (!ReferenceEquals(host, dst)) HostCopy(host, dst);
    }

    static void CopyOnDevice(Tensor src, Tensor dst)
    {
        if (src.DType != dst.DType && !CudaKernels.DeviceConverts(src.DType, dst.DType))
        {
            // The device converts only between float32, float64, int64 and bool; the other dtypes move as bytes
            // (copy_b1/b2/b4/b8) and convert on the host with CopyKernels' rounding, then move back.
            var converted = Tensor.Allocate64(dst.Shape64, dst.DType);
            HostCopy(Staged(src), converted);
            Copy(converted, dst);
            return;
        }
        var device = CudaDevice.Get(dst.Device.Index);
        long n = dst.Numel();
        if (n == 0) return;
        var layout = CudaStrided.Create(dst.Shape64, dst.Strides64, CudaKernels.Broadcast(src, dst.Shape64));
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(dst));
        args.Add(CudaKernels.Address(src));
        args.Add(layout);
        args.Add(n);
        string kernel = src.DType == dst.DType
            ? $"copy_b{dst.DType.ElementSize()}"
            : $"cvt_{CudaKernels.Suffix(src.DType)}_{CudaKernels.Suffix(dst.DType)}";
        device.Launch(kernel, GridFor(n), (Threads, 1), ref args);
    }

    // Host-to-host copies of any size (the CPU kernels index with int: LargeTensors cuts big ones into pieces).
    static void HostCopy(Tensor src, Tensor dst)
    {
        if (LargeTensors.Needed(src, dst)) LargeTensors.Elementwise(dst, [src], (d, s) => CopyKernels.Copy(s[0], d));
        else CopyKernels.Copy(src, dst);
    }

    /// <summary>Every element of <paramref name="t"/> (any layout) = <paramref name="value"/> (CopyKernels.Fill).</summary>
    public static void Fill(Tensor t, double value)
    {
        long n = t.Numel();
        if (n == 0) return;
        var device = CudaDevice.Get(t.Device.Index);
        var layout = CudaStrided.Create(t.Shape64, t.Strides64);
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(t));
        args.Add(layout);
        args.Add(n);
        args.Add(Encode(t.DType, value));
        device.Launch($"fill_b{t.DType.ElementSize()}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>One element = value, with torch's casting (CopyKernels.Write).</summary>
    public static void Write(Tensor t, long offset, double value)
    {
        // A one-element fill kernel, not a memcpy: a copy from pageable host memory waits for all queued GPU work,
        // and every scalar operand (x * 1.5, lr * g) passes through here.
        var device = CudaDevice.Get(t.Device.Index);
        var args = new KernelArgs();
        args.Add((ulong)(long)t.Storage.Pointer + (ulong)((long)offset * t.DType.ElementSize()));
        args.Add(CudaStrided.Create([1L], [0L]));
        args.Add(1L);
        args.Add(Encode(t.DType, value));
        device.Launch($"fill_b{t.DType.ElementSize()}", (1, 1), (1, 1), ref args);
    }

    /// <summary>Storage.Grow for device memory: a bigger zeroed block, the old bytes copied over, the old block released.</summary>
    public static void Grow(Storage storage, long byteLength)
    {
        var device = CudaDevice.Get(storage.Device.Index);
        var fresh = device.AllocateRaw(byteLength, zero: true, out var release);
        device.Driver.Check(device.Driver.cuMemcpyDtoD_v2(fresh, (ulong)(long)storage.Pointer, (nuint)storage.ByteLength));
        storage.ReplaceDeviceMemory((IntPtr)(long)fresh, byteLength, release);
    }

    /// <summary>One element as double (Tensor.ReadAsDouble for device memory).</summary>
    public static double ReadElement(Tensor t, long offset)
    {
        var one = Tensor.Allocate([], t.DType);
        var device = CudaDevice.Get(t.Device.Index);
        device.CopyToHost(one.Storage.Pointer.ToPointer(), (ulong)(long)t.Storage.Pointer + (ulong)((long)offset * t.DType.ElementSize()), t.DType.ElementSize());
        return one.Item();
    }

    // The host's own conversion (CopyKernels.Write) decides the bits, so a fill stores exactly what the CPU would.
    static ulong Encode(DType dtype, double value)
    {
        var one = Tensor.Allocate([], dtype);
        CopyKernels.Write(one, 0, value);
        ulong bits = 0;
        Buffer.MemoryCopy(one.Storage.Pointer.ToPointer(), &bits, 8, dtype.ElementSize());
        return bits;
    }
}
