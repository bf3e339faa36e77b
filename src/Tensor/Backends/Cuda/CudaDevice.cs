using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Backends.Cuda;

/// <summary>
/// One GPU: its primary context (shared with cuBLAS and PyTorch in the same process), the kernel module
/// loaded from the PTX embedded in this assembly, the caching allocator, and launches. Created on first
/// use of <c>cuda:N</c>; lives for the process.
/// </summary>
internal sealed unsafe class CudaDevice
{
    static readonly Lock s_lock = new();
    static CudaDevice?[]? s_devices;

    [ThreadStatic] static nint t_current;

    readonly CudaContextHandle _context;
    readonly CudaModuleHandle _module;
    readonly nint _contextHandle;
    readonly Dictionary<string, int[]> _signatures;
    readonly Dictionary<string, nint> _functions = [];
    readonly Lock _functionsLock = new();

    public CudaDriver Driver { get; }
    public Device Device { get; }
    public int Ordinal { get; }
    public string Name { get; }
    public CudaAllocator Allocator { get; }

    /// <summary>cuBLAS bound to this device's context, or null (not installed, or BRIDGE_CUDA_GEMM=kernel).</summary>
    public CudaBlas? Blas => _blas.Value;
    readonly Lazy<CudaBlas?> _blas;

    CudaDevice(CudaDriver driver, int ordinal, string ptx)
    {
        Driver = driver;
        Ordinal = ordinal;
        Device = new Device(DeviceType.Cuda, ordinal);
        int dev;
        driver.Check(driver.cuDeviceGet(&dev, ordinal));
        nint context;
        driver.Check(driver.cuDevicePrimaryCtxRetain(&context, dev));
        _context = new CudaContextHandle(driver, dev, context);
        _contextHandle = context;
        MakeCurrent();
        var name = stackalloc byte[256];
        driver.Check(driver.cuDeviceGetName(name, 256, dev));
        Name = Marshal.PtrToStringUTF8((nint)name) ?? "";
        _module = new CudaModuleHandle(driver, _context, LoadModule(ptx));
        _signatures = PtxSignatures.Parse(ptx);
        Allocator = new CudaAllocator(this);
        _blas = new Lazy<CudaBlas?>(() => CudaBlas.TryCreate(this));
    }

    /// <summary>The device for <c>cuda:<paramref name="ordinal"/></c>, initialising the driver on first use.</summary>
    public static CudaDevice Get(int ordinal)
    {
        var devices = s_devices;
        if (devices is not null && (uint)ordinal < (uint)devices.Length && devices[ordinal] is CudaDevice ready) return ready;
        lock (s_lock)
        {
            var driver = CudaRuntime.RequireDriver();
            s_devices ??= new CudaDevice?[CudaRuntime.DeviceCount];
            if ((uint)ordinal >= (uint)s_devices.Length)
                throw new CudaException($"CUDA error: invalid device ordinal: cuda:{ordinal} requested, {s_devices.Length} device(s) present", (int)CudaResult.InvalidDevice);
            return s_devices[ordinal] ??= new CudaDevice(driver, ordinal, CudaRuntime.RequirePtx());
        }
    }

    /// <summary>
    /// Makes this device's context current on the calling thread (contexts are per OS thread). The driver is asked
    /// which context is current rather than trusting a cache: PyTorch, CuPy or cuBLAS in the same process may have
    /// switched it since (cuCtxGetCurrent reads a thread-local, tens of nanoseconds).
    /// </summary>
    public void MakeCurrent()
    {
        if (Driver.cuCtxGetCurrent != null)
        {
            nint current;
            if (Driver.cuCtxGetCurrent(&current) == 0 && current == _contextHandle) return;
        }
        else if (t_current == _contextHandle) return;
        Driver.Check(Driver.cuCtxSetCurrent(_contextHandle));
        t_current = _contextHandle;
    }

    /// <summary>BRIDGE_CUDA_SYNC=1 (torch's CUDA_LAUNCH_BLOCKING): wait after every launch, so a fault names its kernel.</summary>
    static readonly bool s_syncEachLaunch = Environment.GetEnvironmentVariable("BRIDGE_CUDA_SYNC") == "1";

    nint LoadModule(string ptx)
    {
        // The JIT's error log goes into the exception: a PTX/arch mismatch is otherwise just "INVALID_PTX".
        const int LogSize = 8192;
        byte[] image = Encoding.ASCII.GetBytes(ptx + "\0");   // the driver reads PTX as a C string
        var log = new byte[LogSize];
        nint module;
        int rc;
        fixed (byte* p = image)
        fixed (byte* l = log)
        {
            int* options = stackalloc int[2] { 5 /* CU_JIT_ERROR_LOG_BUFFER */, 6 /* CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES */ };
            void** values = stackalloc void*[2] { l, (void*)(nint)LogSize };
            rc = Driver.cuModuleLoadDataEx(&module, p, 2, options, values);
        }
        if (rc != 0)
        {
            string jitLog = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
            throw new CudaException($"cuModuleLoadDataEx(embedded kernels.ptx) on {Device} failed: {Driver.Describe(rc)}{(jitLog.Length > 0 ? "\n" + jitLog : "")}", rc);
        }
        return module;
    }

    nint Function(string kernel)
    {
        lock (_functionsLock)
        {
            if (_functions.TryGetValue(kernel, out nint f)) return f;
            if (!_signatures.ContainsKey(kernel)) throw new NotSupportedException($"no CUDA kernel {kernel} in the embedded PTX");
            var bytes = Encoding.ASCII.GetBytes(kernel + "\0");
            fixed (byte* n = bytes) Driver.Check(Driver.cuModuleGetFunction(&f, _module.DangerousGetHandle(), n));
            return _functions[kernel] = f;
        }
    }

    /// <summary>
    /// Launches <paramref name="kernel"/> after checking the arguments against the PTX .param list: the
    /// driver copies whatever bytes it is pointed at, so a size mismatch would otherwise read garbage.
    /// </summary>
    public void Launch(string kernel, (uint X, uint Y) grid, (uint X, uint Y) block, ref KernelArgs args)
    {
        var sig = _signatures.GetValueOrDefault(kernel) ?? throw new NotSupportedException($"no CUDA kernel {kernel} in the embedded PTX");
        if (sig.Length != args.Count)
            throw new ArgumentException($"{kernel}: PTX expects {sig.Length} parameters, {args.Count} given");
        for (int i = 0; i < sig.Length; i++)
            if (sig[i] != args.SizeOf(i))
                throw new ArgumentException($"{kernel}: parameter {i} is {sig[i]} bytes in PTX, {args.SizeOf(i)} bytes given");
        nint f = Function(kernel);
        MakeCurrent();
        void** pointers = stackalloc void*[Math.Max(args.Count, 1)];
        fixed (KernelArgs* a = &args)
        {
            KernelArgs.Fill(a, pointers);
            Driver.Check(Driver.cuLaunchKernel(f, grid.X, grid.Y, 1, block.X, block.Y, 1, 0, 0, pointers, null), $"cuLaunchKernel({kernel})");
        }
        if (s_syncEachLaunch) Driver.Check(Driver.cuCtxSynchronize(), $"kernel {kernel} (grid {grid.X}x{grid.Y}, block {block.X}x{block.Y}; BRIDGE_CUDA_SYNC=1)");
    }

    public void Synchronize()
    {
        MakeCurrent();
        Driver.Check(Driver.cuCtxSynchronize());
    }

    public void CopyToDevice(ulong destination, void* source, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        Driver.Check(Driver.cuMemcpyHtoD_v2(destination, source, (nuint)bytes));
    }

    /// <summary>Device-to-host copies the calling thread has made so far (tests check that device kernels never read back).</summary>
    internal static long HostReads => t_hostReads;
    [ThreadStatic] static long t_hostReads;

    public void CopyToHost(void* destination, ulong source, long bytes)
    {
        if (bytes == 0) return;
        t_hostReads++;
        MakeCurrent();
        Driver.Check(Driver.cuMemcpyDtoH_v2(destination, source, (nuint)bytes));
    }

    /// <summary>Device memory as a <see cref="Storage"/> whose release returns the block to the cache; zero-filled only when asked.</summary>
    public Storage AllocateStorage(long bytes, bool zero)
    {
        ulong p = AllocateRaw(bytes, zero, out var release);
        return Storage.Wrap((IntPtr)(long)p, bytes, release, writable: true, device: Device);
    }

    /// <summary>A block (zeroed when <paramref name="zero"/>: factories and resize rely on it) and the action that returns it to the cache.</summary>
    public ulong AllocateRaw(long bytes, bool zero, out Action release)
    {
        ulong p = Allocator.Allocate(bytes, out long _);
        if (zero && bytes > 0)
        {
            MakeCurrent();
            Driver.Check(Driver.cuMemsetD8_v2(p, 0, (nuint)bytes));
        }
        var allocator = Allocator;
        release = () => allocator.Release(p);
        return p;
    }
}
