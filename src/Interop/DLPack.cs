using System.Runtime.InteropServices;

namespace Bridge.Interop;

/// <summary>The C ABI over the engine's <see cref="DLPack"/>: hands tensors to DLPack consumers and takes theirs, without copying.</summary>
static unsafe class DLPackExports
{
    /// <summary>DLManagedTensors handed out whose deleter has not run yet (tests check that each runs once).</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_exported_live")]
    static long ExportedLive() => DLPack.ExportedLive;

    /// <summary>A DLManagedTensor viewing <paramref name="handle"/>'s memory (see <see cref="DLPack.Export"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_to_dlpack")]
    static int ToDLPack(long handle, nint* result)
    {
        try
        {
            Exports.NotNull(result, "bridge_tensor_to_dlpack", "result");
            *result = DLPack.Export(HandleTable.Get<Tensor>(handle));
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }

    /// <summary>Gives the library Python's PyCapsule_IsValid and PyCapsule_GetPointer, for <c>bridge_dlpack_capsule_destructor</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_set_capsule_api")]
    static void SetCapsuleApi(nint isValid, nint getPointer) => DLPack.SetCapsuleApi(isValid, getPointer);

    /// <summary>Destructor of a "dltensor" capsule: if no consumer took the tensor (renaming it), delete it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_dlpack_capsule_destructor")]
    static void CapsuleDestructor(nint capsule) => DLPack.DestroyCapsuleCore(capsule);

    /// <summary>
    /// Wraps a producer's DLManagedTensor. When the tensor's storage dies, its deleter runs (from the .NET
    /// finalizer thread), or, when <paramref name="releaseToken"/> is non-zero, that token is queued for
    /// <c>bridge_released_take</c> and the caller runs the deleter on its own thread.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_tensor_from_dlpack")]
    static int FromDLPack(nint managed, long releaseToken, long* result)
    {
        try
        {
            Exports.NotNull((void*)managed, "bridge_tensor_from_dlpack", "managed");
            Exports.NotNull(result, "bridge_tensor_from_dlpack", "result");
            using var call = new DisposeScope(callScope: true); // the new tensor belongs to its handle alone
            Action? release = releaseToken != 0 ? () => MemoryExports.QueueRelease(releaseToken) : null;
            *result = HandleTable.Add(DLPack.Import(managed, release));
            return Exports.Ok();
        }
        catch (Exception e) { return Exports.Fail(e); }
    }
}
