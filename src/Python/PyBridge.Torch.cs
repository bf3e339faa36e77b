using Python.Runtime;

namespace Bridge.Python;

public static partial class PyBridge
{
    static PyObject? _torchFromDLPack;

    /// <summary>
    /// A torch.Tensor sharing <paramref name="tensor"/>'s memory through DLPack (CPU or CUDA), as
    /// <c>torch.from_dlpack</c> makes it; torch keeps the tensor alive until it drops its last view. Read-only
    /// tensors are refused (DLPack cannot say read-only), as is a missing torch.
    /// </summary>
    public static PyObject ToTorch(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        EnsureInitialized();
        using (Py.GIL())
        {
            var fromDLPack = TorchFromDLPack();
            nint managed = DLPack.Export(tensor);
            PyObject capsule;
            try
            {
                using var address = new PyInt(managed);
                using var destructor = new PyInt(DLPack.CapsuleDestructor);
                capsule = _capsule!.Invoke(address, destructor);
            }
            catch
            {
                DLPack.RunDeleter(managed); // no capsule owns it yet
                throw;
            }
            using (capsule) return fromDLPack.Invoke(capsule); // on failure the capsule's destructor deletes it
        }
    }

    /// <summary>
    /// A tensor sharing <paramref name="tensor"/>'s memory through DLPack (a torch.Tensor, anything with
    /// <c>__dlpack__</c>, or a "dltensor" capsule). The producer's deleter runs under the GIL when the storage dies.
    /// </summary>
    public static Tensor FromTorch(PyObject tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        EnsureInitialized();
        using (Py.GIL())
        {
            using var found = _dlpackCapsule!.Invoke(tensor);
            using var capsule = found[0];
            if (capsule.IsNone()) throw new ArgumentException(found[1].As<string>(), nameof(tensor));
            nint managed = (nint)found[1].As<long>();
            // The deleter may drop Python references (NumPy's does), so it too runs under the GIL.
            var result = DLPack.Import(managed, () => GilReleaser.Release(() => DLPack.RunDeleter(managed)));
            _markUsed!.Invoke(capsule).Dispose(); // the capsule's destructor now leaves the tensor to us
            return result;
        }
    }

    static PyObject TorchFromDLPack()
    {
        if (_torchFromDLPack is not null) return _torchFromDLPack;
        try
        {
            using var dlpack = Py.Import("torch.utils.dlpack");
            return _torchFromDLPack = dlpack.GetAttr("from_dlpack");
        }
        catch (PythonException e)
        {
            throw new InvalidOperationException($"PyBridge.ToTorch needs PyTorch in the running Python ({e.Message}): install it (Debian: python3-torch)", e);
        }
    }
}
