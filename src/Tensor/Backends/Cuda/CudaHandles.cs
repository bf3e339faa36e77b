using System.Runtime.InteropServices;

namespace Bridge.Backends.Cuda;

/// <summary>A retained primary context; releasing the handle releases the retain (never throws: it may run in a finalizer).</summary>
internal sealed class CudaContextHandle : SafeHandle
{
    readonly CudaDriver _driver;
    readonly int _device;

    public CudaContextHandle(CudaDriver driver, int device, nint context) : base(0, ownsHandle: true)
    {
        _driver = driver;
        _device = device;
        SetHandle(context);
    }

    public override bool IsInvalid => handle == 0;

    protected override unsafe bool ReleaseHandle() => _driver.cuDevicePrimaryCtxRelease_v2(_device) == 0;
}

/// <summary>A loaded module; unloading makes its context current first, since the releasing thread may have none.</summary>
internal sealed class CudaModuleHandle : SafeHandle
{
    readonly CudaDriver _driver;
    readonly CudaContextHandle _context;

    public CudaModuleHandle(CudaDriver driver, CudaContextHandle context, nint module) : base(0, ownsHandle: true)
    {
        _driver = driver;
        _context = context;
        SetHandle(module);
    }

    public override bool IsInvalid => handle == 0;

    protected override unsafe bool ReleaseHandle()
    {
        if (_context.IsClosed) return false;
        return _driver.cuCtxSetCurrent(_context.DangerousGetHandle()) == 0 && _driver.cuModuleUnload(handle) == 0;
    }
}
