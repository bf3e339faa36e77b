using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cuda;

/// <summary>CUresult values the backend names; any other code still reaches the message through cuGetErrorName.</summary>
internal enum CudaResult
{
    Success = 0,
    InvalidValue = 1,
    OutOfMemory = 2,
    NotInitialized = 3,
    NoDevice = 100,
    InvalidDevice = 101,
}

/// <summary>
/// The CUDA driver API as unmanaged function pointers resolved from one library handle: libcuda.so.1
/// (nvcuda.dll), or the library named by BRIDGE_CUDA_DRIVER (the host emulator in CI). Loaded by name
/// with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>, never DllImport, so machines without a
/// driver load this type fine and just report CUDA unavailable.
/// </summary>
internal sealed unsafe class CudaDriver
{
    /// <summary>Environment variable naming a driver library to use instead of the system one.</summary>
    public const string OverrideVariable = "BRIDGE_CUDA_DRIVER";

    public static readonly string[] SystemNames = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1"];

    readonly nint _library;
    public string LibraryName { get; }

    // Every entry point the backend uses. *_v2 names are the 64-bit ABI (CUdeviceptr = ulong, size_t = nuint).
    public readonly delegate* unmanaged<uint, int> cuInit;
    public readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    public readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    public readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    public readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    public readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    public readonly delegate* unmanaged<nuint*, int, int> cuDeviceTotalMem_v2;
    public readonly delegate* unmanaged<nint*, int, int> cuDevicePrimaryCtxRetain;
    public readonly delegate* unmanaged<int, int> cuDevicePrimaryCtxRelease_v2;
    public readonly delegate* unmanaged<nint, int> cuCtxSetCurrent;
    public readonly delegate* unmanaged<int> cuCtxSynchronize;
    public readonly delegate* unmanaged<nint*, void*, uint, int*, void**, int> cuModuleLoadDataEx;
    public readonly delegate* unmanaged<nint, int> cuModuleUnload;
    public readonly delegate* unmanaged<nint*, nint, byte*, int> cuModuleGetFunction;
    public readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc_v2;
    public readonly delegate* unmanaged<ulong, int> cuMemFree_v2;
    public readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD_v2;
    public readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH_v2;
    public readonly delegate* unmanaged<ulong, ulong, nuint, int> cuMemcpyDtoD_v2;
    public readonly delegate* unmanaged<ulong, byte, nuint, int> cuMemsetD8_v2;
    public readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> cuLaunchKernel;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;
    public readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;
    readonly delegate* unmanaged<byte*> _emulatorLastError;

    /// <summary>Optional (bound when exported): lets MakeCurrent notice another library switching the context.</summary>
    public readonly delegate* unmanaged<nint*, int> cuCtxGetCurrent;

    /// <summary>Names of every symbol bound above (the real-libcuda binding test walks this list).</summary>
    public static readonly string[] Symbols =
    [
        "cuInit", "cuDriverGetVersion", "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetName", "cuDeviceGetAttribute",
        "cuDeviceTotalMem_v2", "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2", "cuCtxSetCurrent", "cuCtxSynchronize",
        "cuModuleLoadDataEx", "cuModuleUnload", "cuModuleGetFunction", "cuMemAlloc_v2", "cuMemFree_v2", "cuMemcpyHtoD_v2",
        "cuMemcpyDtoH_v2", "cuMemcpyDtoD_v2", "cuMemsetD8_v2", "cuLaunchKernel", "cuGetErrorName", "cuGetErrorString",
    ];

    CudaDriver(nint library, string name)
    {
        _library = library;
        LibraryName = name;
        int k = 0;
        cuInit = (delegate* unmanaged<uint, int>)Symbol(Symbols[k++]);
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)Symbol(Symbols[k++]);
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)Symbol(Symbols[k++]);
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)Symbol(Symbols[k++]);
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Symbol(Symbols[k++]);
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Symbol(Symbols[k++]);
        cuDeviceTotalMem_v2 = (delegate* unmanaged<nuint*, int, int>)Symbol(Symbols[k++]);
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Symbol(Symbols[k++]);
        cuDevicePrimaryCtxRelease_v2 = (delegate* unmanaged<int, int>)Symbol(Symbols[k++]);
        cuCtxSetCurrent = (delegate* unmanaged<nint, int>)Symbol(Symbols[k++]);
        cuCtxSynchronize = (delegate* unmanaged<int>)Symbol(Symbols[k++]);
        cuModuleLoadDataEx = (delegate* unmanaged<nint*, void*, uint, int*, void**, int>)Symbol(Symbols[k++]);
        cuModuleUnload = (delegate* unmanaged<nint, int>)Symbol(Symbols[k++]);
        cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)Symbol(Symbols[k++]);
        cuMemAlloc_v2 = (delegate* unmanaged<ulong*, nuint, int>)Symbol(Symbols[k++]);
        cuMemFree_v2 = (delegate* unmanaged<ulong, int>)Symbol(Symbols[k++]);
        cuMemcpyHtoD_v2 = (delegate* unmanaged<ulong, void*, nuint, int>)Symbol(Symbols[k++]);
        cuMemcpyDtoH_v2 = (delegate* unmanaged<void*, ulong, nuint, int>)Symbol(Symbols[k++]);
        cuMemcpyDtoD_v2 = (delegate* unmanaged<ulong, ulong, nuint, int>)Symbol(Symbols[k++]);
        cuMemsetD8_v2 = (delegate* unmanaged<ulong, byte, nuint, int>)Symbol(Symbols[k++]);
        cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)Symbol(Symbols[k++]);
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Symbol(Symbols[k++]);
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Symbol(Symbols[k++]);
        // The emulator explains its failures (which kernel, which block) beyond the CUresult.
        if (NativeLibrary.TryGetExport(library, "cuCtxGetCurrent", out var getCurrent)) cuCtxGetCurrent = (delegate* unmanaged<nint*, int>)getCurrent;
        if (NativeLibrary.TryGetExport(library, "emu_last_error", out var lastError)) _emulatorLastError = (delegate* unmanaged<byte*>)lastError;
    }

    nint Symbol(string name) => NativeLibrary.TryGetExport(_library, name, out var p)
        ? p : throw new CudaException($"CUDA driver {LibraryName} has no export {name} (driver too old?)");

    public bool IsEmulator => _emulatorLastError != null;

    /// <summary>Loads and initialises the driver; never throws: returns null with the reason instead.</summary>
    public static CudaDriver? TryLoad(out string status, out int? code)
    {
        code = null;
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        string[] names = string.IsNullOrEmpty(overridePath) ? SystemNames : [overridePath];
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            CudaDriver driver;
            try { driver = new CudaDriver(handle, name); }
            catch (CudaException e) { status = e.Message; return null; }
            int rc = driver.cuInit(0);
            if (rc != 0)
            {
                code = rc;
                status = $"CUDA driver {name}: cuInit failed: {driver.Describe(rc)}";
                return null;
            }
            int version;
            driver.cuDriverGetVersion(&version);
            status = $"CUDA driver {name}, API {version / 1000}.{version % 1000 / 10}";
            return driver;
        }
        status = $"CUDA driver ({string.Join(", ", names)}) not found";
        return null;
    }

    public static CudaDriverProbe Probe(string library)
    {
        if (!NativeLibrary.TryLoad(library, out nint handle)) return new CudaDriverProbe(false, Symbols, null, $"{library} did not load");
        var missing = Symbols.Where(s => !NativeLibrary.TryGetExport(handle, s, out _)).ToArray();
        if (missing.Length > 0) return new CudaDriverProbe(true, missing, null, "not called: symbols missing");
        var driver = new CudaDriver(handle, library);
        int rc = driver.cuInit(0);
        return new CudaDriverProbe(true, missing, rc, rc == 0 ? "CUDA_SUCCESS" : driver.Describe(rc));
    }

    /// <summary>"CUDA_ERROR_X: text" from the driver itself.</summary>
    public string Describe(int rc)
    {
        byte* name = null, text = null;
        string n = cuGetErrorName(rc, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((nint)name)! : $"CUresult {rc}";
        string t = cuGetErrorString(rc, &text) == 0 && text != null ? Marshal.PtrToStringUTF8((nint)text)! : "";
        string detail = _emulatorLastError != null ? Marshal.PtrToStringUTF8((nint)_emulatorLastError()) ?? "" : "";
        return $"{n}{(t.Length > 0 && t != n ? ": " + t : "")}{(detail.Length > 0 ? " (" + detail + ")" : "")}";
    }

    /// <summary>Throws a <see cref="CudaException"/> naming the failed call when <paramref name="rc"/> is not CUDA_SUCCESS.</summary>
    public void Check(int rc, [CallerArgumentExpression(nameof(rc))] string call = "")
    {
        if (rc != 0) throw new CudaException($"{call} failed: {Describe(rc)}", rc);
    }
}
