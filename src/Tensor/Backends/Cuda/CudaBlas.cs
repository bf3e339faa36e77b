using System.Runtime.InteropServices;

namespace Bridge.Backends.Cuda;

/// <summary>
/// cuBLAS GEMM through function pointers, used for float32/float64 matrix products when libcublas loads
/// (BRIDGE_CUBLAS names another library, e.g. the emulator's stand-in; BRIDGE_CUDA_GEMM=kernel forces the
/// project's own kernel). cuBLAS is column-major: row-major C = A·B is computed as Cᵀ = Bᵀ·Aᵀ, which is
/// exactly the column-major reading of the same buffers. Its summation order (FMA, split-K) differs from
/// the CPU backend's, so results agree to rounding, not bit for bit; the own kernel is bit-identical.
/// </summary>
internal sealed unsafe class CudaBlas
{
    public const string OverrideVariable = "BRIDGE_CUBLAS", ModeVariable = "BRIDGE_CUDA_GEMM";

    static readonly string[] s_names = OperatingSystem.IsWindows()
        ? ["cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll"]
        : ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11"];

    // cuBLAS handles are not safe to share between threads without a lock: one per thread, created on first use there.
    readonly ThreadLocal<nint> _handles;
    readonly delegate* unmanaged<nint*, int> _create;
    readonly CudaDevice _device;
    readonly delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int> _sgemm;
    readonly delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int> _dgemm;

    public string LibraryName { get; }

    CudaBlas(nint library, string name, CudaDevice device, delegate* unmanaged<nint*, int> create, nint firstHandle)
    {
        LibraryName = name;
        _device = device;
        _create = create;
        _handles = new ThreadLocal<nint>(CreateHandle) { Value = firstHandle };
        _sgemm = (delegate* unmanaged<nint, int, int, int, int, int, float*, ulong, int, ulong, int, float*, ulong, int, int>)NativeLibrary.GetExport(library, "cublasSgemm_v2");
        // Optional: a stand-in library may provide single precision only.
        if (NativeLibrary.TryGetExport(library, "cublasDgemm_v2", out nint dgemm))
            _dgemm = (delegate* unmanaged<nint, int, int, int, int, int, double*, ulong, int, ulong, int, double*, ulong, int, int>)dgemm;
    }

    /// <summary>cuBLAS for the device's (current) context, or null with nothing thrown when unavailable or disabled.</summary>
    public static CudaBlas? TryCreate(CudaDevice device)
    {
        if (Environment.GetEnvironmentVariable(ModeVariable) == "kernel") return null;
        string? path = Environment.GetEnvironmentVariable(OverrideVariable);
        foreach (string name in string.IsNullOrEmpty(path) ? s_names : [path])
        {
            if (!NativeLibrary.TryLoad(name, out nint library)) continue;
            if (!NativeLibrary.TryGetExport(library, "cublasCreate_v2", out nint create) || !NativeLibrary.TryGetExport(library, "cublasSgemm_v2", out _)) return null;
            var createHandle = (delegate* unmanaged<nint*, int>)create;
            return new CudaBlas(library, name, device, createHandle, Create(createHandle, device, name));
        }
        return null;
    }

    static nint Create(delegate* unmanaged<nint*, int> create, CudaDevice device, string name)
    {
        device.MakeCurrent();
        nint handle;
        int status = create(&handle);
        if (status != 0) throw new CudaException($"cublasCreate_v2 ({name}) on {device.Device} failed: cuBLAS status {status}", status);
        return handle;
    }

    nint CreateHandle() => Create(_create, _device, LibraryName);

    public bool Supports(DType dtype) => dtype == DType.Float32 || (dtype == DType.Float64 && _dgemm != null);

    /// <summary>Row-major C[m,n] = A[m,k]·B[k,n] + (accumulate ? C : 0), device pointers, contiguous.</summary>
    public void Gemm(DType dtype, int m, int n, int k, ulong a, ulong b, ulong c, bool accumulate)
    {
        const int NoTranspose = 0;
        _device.MakeCurrent();
        int status;
        if (dtype == DType.Float32)
        {
            float alpha = 1, beta = accumulate ? 1 : 0;
            status = _sgemm(_handles.Value, NoTranspose, NoTranspose, n, m, k, &alpha, b, n, a, k, &beta, c, n);
        }
        else
        {
            double alpha = 1, beta = accumulate ? 1 : 0;
            status = _dgemm(_handles.Value, NoTranspose, NoTranspose, n, m, k, &alpha, b, n, a, k, &beta, c, n);
        }
        if (status != 0) throw new CudaException($"cublas{(dtype == DType.Float32 ? 'S' : 'D')}gemm_v2({m}x{k} · {k}x{n}) failed: cuBLAS status {status}", status);
    }
}
