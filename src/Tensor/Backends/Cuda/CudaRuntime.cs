using System.Reflection;

namespace Bridge.Backends.Cuda;

/// <summary>
/// Process-wide CUDA state, resolved once: the driver (or why there is none), the device count and the
/// embedded PTX. Nothing here throws while probing; <see cref="RequireDriver"/> throws the reason when a
/// CUDA tensor is actually asked for.
/// </summary>
internal static class CudaRuntime
{
    public const string PtxResource = "Bridge.Cuda.kernels.ptx";

    sealed record State(CudaDriver? Driver, int DeviceCount, string Status, int? Code);

    static readonly Lazy<State> s_state = new(Probe);
    static readonly Lazy<string?> s_ptx = new(() =>
    {
        using var stream = typeof(CudaRuntime).Assembly.GetManifestResourceStream(PtxResource);
        if (stream is null) return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    static unsafe State Probe()
    {
        var driver = CudaDriver.TryLoad(out string status, out int? code);
        if (driver is null) return new State(null, 0, status, code);
        int count;
        int rc = driver.cuDeviceGetCount(&count);
        if (rc != 0) return new State(null, 0, $"{status}: cuDeviceGetCount failed: {driver.Describe(rc)}", rc);
        if (count == 0) return new State(null, 0, $"{status}: no CUDA-capable device", (int)CudaResult.NoDevice);
        return new State(driver, count, $"{status}, {count} device(s){(driver.IsEmulator ? " (host emulator)" : "")}", null);
    }

    // The kernels must also load: a driver too old for PTX 7.0, or a GPU the JIT cannot target, makes every op
    // throw, so that is "not available" with the JIT's reason, found once by initialising device 0.
    static readonly Lazy<string?> s_loadError = new(() =>
    {
        try
        {
            CudaDevice.Get(0);
            return null;
        }
        catch (CudaException e) { return e.Message; }
    });

    static bool DriverAndPtx => s_state.Value.Driver is not null && s_ptx.Value is not null;

    public static string Status => s_state.Value.Status
        + (s_ptx.Value is null ? "; no PTX embedded (clang-14 was missing at build time)" : "")
        + (DriverAndPtx && s_loadError.Value is string error ? $"; the kernels do not load on cuda:0: {error}" : "");
    public static int DeviceCount => s_state.Value.DeviceCount;
    public static bool IsAvailable => DriverAndPtx && s_loadError.Value is null;
    public static bool IsEmulator => s_state.Value.Driver?.IsEmulator ?? false;

    public static CudaDriver RequireDriver()
    {
        var state = s_state.Value;
        return state.Driver ?? throw new CudaException(state.Status, state.Code);
    }

    public static string RequirePtx() => s_ptx.Value ?? throw new CudaException(
        $"Bridge.Tensor was built without CUDA kernels (clang-14 not found at build time: apt-get install clang-14 and rebuild)");

    /// <summary>The embedded PTX text, or null (for tooling and tests).</summary>
    public static string? Ptx => s_ptx.Value;
}
