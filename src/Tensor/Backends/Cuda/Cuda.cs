using Bridge.Backends.Cuda;

namespace Bridge;

/// <summary>torch.cuda: whether a GPU can be used, how many, and the caching allocator's controls.</summary>
public static class Cuda
{
    /// <summary>True when a CUDA driver loaded, initialised, reports a device, and kernels are embedded. Never throws.</summary>
    public static bool IsAvailable => CudaRuntime.IsAvailable;

    /// <summary>Number of devices (0 without a usable driver).</summary>
    public static int DeviceCount => CudaRuntime.DeviceCount;

    /// <summary>Why CUDA is or is not available: the driver found, its version and device count, or the error.</summary>
    public static string Status => CudaRuntime.Status;

    /// <summary>True when the driver in use is Bridge's host emulator (CI without a GPU).</summary>
    public static bool IsEmulated => CudaRuntime.IsEmulator;

    /// <summary>Name of device <paramref name="index"/> as the driver reports it.</summary>
    public static string DeviceName(int index = 0) => CudaDevice.Get(index).Name;

    /// <summary>Waits for all work queued on the device (kernels run on the default stream).</summary>
    public static void Synchronize(int index = 0) => CudaDevice.Get(index).Synchronize();

    /// <summary>Frees the cached, unused device blocks (torch.cuda.empty_cache).</summary>
    public static void EmptyCache(int index = 0) => CudaDevice.Get(index).Allocator.EmptyCache();

    /// <summary>Bytes in blocks held by live tensors (torch.cuda.memory_allocated, rounded block sizes).</summary>
    public static long MemoryAllocated(int index = 0) => CudaDevice.Get(index).Allocator.AllocatedBytes;

    /// <summary>Most bytes held by tensors since the start or the last <see cref="ResetPeakMemoryStats"/> (torch.cuda.max_memory_allocated).</summary>
    public static long MaxMemoryAllocated(int index = 0) => CudaDevice.Get(index).Allocator.PeakAllocatedBytes;

    /// <summary>Bytes the caching allocator holds from the driver, used or cached (torch.cuda.memory_reserved).</summary>
    public static long MemoryReserved(int index = 0) => CudaDevice.Get(index).Allocator.ReservedBytes;

    /// <summary>Peak of <see cref="MemoryReserved"/> (torch.cuda.max_memory_reserved).</summary>
    public static long MaxMemoryReserved(int index = 0) => CudaDevice.Get(index).Allocator.PeakReservedBytes;

    /// <summary>Bytes cached for reuse, not held by tensors (reserved minus allocated).</summary>
    public static long MemoryCached(int index = 0) => CudaDevice.Get(index).Allocator.CachedBytes;

    /// <summary>Restarts the peaks from the current values (torch.cuda.reset_peak_memory_stats).</summary>
    public static void ResetPeakMemoryStats(int index = 0) => CudaDevice.Get(index).Allocator.ResetPeakStats();

    /// <summary>The caching allocator's counters for device <paramref name="index"/>.</summary>
    public static CudaMemoryStats MemoryStats(int index = 0)
    {
        var a = CudaDevice.Get(index).Allocator;
        return new CudaMemoryStats(a.AllocatedBytes, a.PeakAllocatedBytes, a.ReservedBytes, a.PeakReservedBytes,
            a.Requests, a.CacheHits, a.DriverAllocations, a.DriverFrees, a.OutOfMemoryCollections);
    }

    /// <summary>The device <c>cuda</c> without an index means on this thread (torch.cuda.current_device).</summary>
    public static int CurrentDevice() => CudaCurrentDevice.Index;

    /// <summary>Makes <c>cuda:<paramref name="index"/></c> this thread's current device (torch.cuda.set_device).</summary>
    public static void SetDevice(int index)
    {
        if (index < 0 || index >= DeviceCount)
            throw new CudaException($"CUDA error: invalid device ordinal: cuda:{index} requested, {DeviceCount} device(s) present", (int)CudaResult.InvalidDevice);
        CudaDevice.Get(index).MakeCurrent();
        CudaCurrentDevice.Index = index;
    }

    /// <summary>
    /// Loads <paramref name="library"/> on its own (not as the process's driver) and reports whether it exports every
    /// entry point this backend binds and what cuInit says: a check of a real libcuda.so.1 on a machine without a GPU.
    /// </summary>
    public static CudaDriverProbe ProbeDriver(string library) => CudaDriver.Probe(library);

    /// <summary>
    /// Which GEMM runs large matrix products (m·n·k ≥ 2^20) on device <paramref name="index"/>: the cuBLAS library's name,
    /// or "kernel". Smaller products always use the own kernel, which is bit-identical with the CPU.
    /// </summary>
    public static string GemmEngine(int index = 0) => CudaDevice.Get(index).Blas?.LibraryName ?? "kernel";

    /// <summary>cuMemAlloc calls made so far (a cache hit makes none).</summary>
    public static int DriverAllocations(int index = 0) => (int)CudaDevice.Get(index).Allocator.DriverAllocations;
}

/// <summary>A failed CUDA driver call, or a missing driver; the message carries the call and the driver's own error text.</summary>
public sealed class CudaException(string message, int? code = null) : InvalidOperationException(message)
{
    /// <summary>The CUresult, or null when no driver call was made (driver not found).</summary>
    public int? Code { get; } = code;
}

/// <summary>What <see cref="Cuda.ProbeDriver"/> found in a driver library.</summary>
/// <param name="Loaded">The library loaded.</param>
/// <param name="MissingSymbols">Entry points the backend binds that the library lacks.</param>
/// <param name="InitResult">cuInit's CUresult (0 = success), null if not called.</param>
/// <param name="InitMessage">The driver's own name and text for that result.</param>
public sealed record CudaDriverProbe(bool Loaded, string[] MissingSymbols, int? InitResult, string InitMessage);

/// <summary>What the caching allocator of one device has done (torch.cuda.memory_stats, the counters Bridge keeps).</summary>
/// <param name="Allocated">Bytes in blocks held by tensors.</param>
/// <param name="PeakAllocated">Most <paramref name="Allocated"/> since the last reset.</param>
/// <param name="Reserved">Bytes in segments obtained from the driver.</param>
/// <param name="PeakReserved">Most <paramref name="Reserved"/> since the last reset.</param>
/// <param name="Requests">Allocations asked for.</param>
/// <param name="CacheHits">Allocations served from cached segments, without a driver call.</param>
/// <param name="DriverAllocations">cuMemAlloc calls (one per segment).</param>
/// <param name="DriverFrees">cuMemFree calls (empty_cache, out-of-memory recovery).</param>
/// <param name="OutOfMemoryCollections">Garbage collections forced by out-of-memory after the cache was emptied.</param>
public sealed record CudaMemoryStats(long Allocated, long PeakAllocated, long Reserved, long PeakReserved, long Requests,
    long CacheHits, long DriverAllocations, long DriverFrees, long OutOfMemoryCollections);

/// <summary>This thread's current CUDA device index (torch keeps one per thread too).</summary>
internal static class CudaCurrentDevice
{
    [ThreadStatic] static int t_index;
    public static int Index { get => t_index; set => t_index = value; }
}
