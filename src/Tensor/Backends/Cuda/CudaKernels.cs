namespace Bridge.Backends.Cuda;

/// <summary>
/// The CUDA elementwise kernels, reached through <see cref="Backend"/> with the op's declared name. Validation
/// and device checks stay in the Tensor layer; this layer picks the kernel by name and dtype and sizes the grid.
/// </summary>
internal static unsafe class CudaKernels
{
    const uint Threads = 256;

    static (uint, uint) GridFor(long n) => ((uint)Math.Clamp((n + Threads - 1) / Threads, 1, 65535), 1);

    /// <summary>True for the dtypes the device kernels compute in; the others only move (copies and fills).</summary>
    internal static bool HasKernels(DType dtype) => dtype is DType.Float32 or DType.Float64 or DType.Int64 or DType.Bool
        or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8 or DType.Float16 or DType.BFloat16;

    /// <summary>True for the dtypes the device converts between (cvt_*); conversions to and from the others run on the host.</summary>
    internal static bool HasConversions(DType dtype) => dtype is DType.Float32 or DType.Float64 or DType.Int64 or DType.Bool;

    /// <summary>True when a cvt_* kernel converts <paramref name="from"/> to <paramref name="to"/> (the half types to and from float32 only).</summary>
    internal static bool DeviceConverts(DType from, DType to) =>
        (HasConversions(from) && HasConversions(to)) || (from.IsHalf() && to == DType.Float32) || (from == DType.Float32 && to.IsHalf());

    internal static string Suffix(DType dtype) => dtype switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Int64 => "i64",
        DType.Int32 => "i32",
        DType.Int16 => "i16",
        DType.Int8 => "i8",
        DType.UInt8 => "u8",
        DType.Float16 => "f16",
        DType.BFloat16 => "bf16",
        DType.Bool => "b8",
        _ => throw new NotSupportedException($"no CUDA kernels for {dtype.TorchName()}: CUDA tensors of this dtype move and convert (.to(), .cpu(), copies), but compute on the CPU only"),
    };

    /// <summary>Device address of element [0,...,0].</summary>
    internal static ulong Address(Tensor t) => (ulong)(long)t.Storage.Pointer + (ulong)((long)t.StorageOffset * t.DType.ElementSize());

    // The dispatch layer has checked that every operand is on the output's device.
    static CudaDevice DeviceOf(Tensor output) => CudaDevice.Get(output.Device.Index);

    /// <summary>The kernel of a declared op name for a dtype: <c>un_tanh_f32</c> (the names Kernels/*.cu export).</summary>
    internal static string KernelName(string prefix, string op, DType dtype) => $"{prefix}_{op}_{Suffix(dtype)}";

    /// <summary>result = op(a, b), broadcast.</summary>
    public static void Binary(string op, Tensor a, Tensor b, Tensor result)
    {
        if (result.DType.IsHalf())
        {
            Tensor wa = CudaHalfWidening.Widen(a), wb = CudaHalfWidening.Widen(b), wide = CudaHalfWidening.WideResult(result);
            LaunchBroadcast(KernelName("bin", op, DType.Float32), wa, wb, wide);
            CudaHalfWidening.Narrow(wide, result);
            GC.KeepAlive(wa);   // temporaries' blocks must not return to the cache before the launch is queued
            GC.KeepAlive(wb);
            return;
        }
        LaunchBroadcast(KernelName("bin", op, result.DType), a, b, result);
    }

    /// <summary>result = op(a, b) as bool.</summary>
    public static void Compare(string op, Tensor a, Tensor b, Tensor result)
    {
        if (!a.DType.IsHalf())
        {
            LaunchBroadcast(KernelName("cmp", op, a.DType), a, b, result);
            return;
        }
        Tensor wa = CudaHalfWidening.Widen(a), wb = CudaHalfWidening.Widen(b);
        LaunchBroadcast(KernelName("cmp", op, DType.Float32), wa, wb, result);
        GC.KeepAlive(wa);
        GC.KeepAlive(wb);
    }

    /// <summary>Launches a kernel of signature (result, a, b, layout, n) over a and b broadcast to result's shape.</summary>
    static void LaunchBroadcast(string kernel, Tensor a, Tensor b, Tensor result)
    {
        var device = DeviceOf(result);
        long n = result.Numel();
        if (n == 0) return;
        long[] shape = result.Shape64;
        var layout = CudaStrided.Create(shape, result.Strides64, Broadcast(a, shape), Broadcast(b, shape));
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(a));
        args.Add(Address(b));
        args.Add(layout);
        args.Add(n);
        device.Launch(kernel, GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>x's strides broadcast to <paramref name="shape"/>, 64-bit (any tensor size).</summary>
    internal static long[] Broadcast(Tensor x, long[] shape) => ShapeMath.BroadcastStrides(x.Shape64, x.Strides64, shape);

    /// <summary>result = op(x), same shape.</summary>
    public static void Unary(string op, Tensor x, Tensor result)
    {
        if (op == "rsqrt" && x.DType == DType.BFloat16)
        {
            BFloat16Rsqrt(x, result);
            return;
        }
        if (x.DType.IsHalf())
        {
            Tensor wx = CudaHalfWidening.Widen(x), wide = CudaHalfWidening.WideResult(result);
            Unary(op, wx, wide);
            CudaHalfWidening.Narrow(wide, result);
            GC.KeepAlive(wx);
            return;
        }
        var device = DeviceOf(result);
        long n = result.Numel();
        if (n == 0) return;
        var layout = CudaStrided.Create(result.Shape64, result.Strides64, x.Strides64);
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(x));
        args.Add(layout);
        args.Add(n);
        device.Launch(KernelName("un", op, x.DType), GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>The device twin of BFloat16RsqrtOperator (torch 1.13's CPU bfloat16 rsqrt is <c>1 / x.sqrt()</c>: the
    /// square root rounds to bfloat16 before the division, whose result rounds again).</summary>
    static void BFloat16Rsqrt(Tensor x, Tensor result)
    {
        var root = Tensor.Allocate64(result.Shape64, DType.BFloat16, result.Device, zero: false);
        Unary("sqrt", x, root);
        Unary("reciprocal", root, result);
        GC.KeepAlive(root);
    }

    /// <summary>result = cond ? a : b, all broadcast.</summary>
    public static void Where(Tensor condition, Tensor a, Tensor b, Tensor result)
    {
        var device = DeviceOf(result);
        long n = result.Numel();
        if (n == 0) return;
        long[] shape = result.Shape64;
        var layout = CudaStrided.Create(shape, result.Strides64, Broadcast(condition, shape), Broadcast(a, shape), Broadcast(b, shape));
        var args = new KernelArgs();
        args.Add(Address(result));
        args.Add(Address(condition));
        args.Add(Address(a));
        args.Add(Address(b));
        args.Add(layout);
        args.Add(n);
        device.Launch($"where_b{result.DType.ElementSize()}", GridFor(n), (Threads, 1), ref args);
    }
}
