using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Interop;

/// <summary>
/// The C ABI (declared for C callers in <c>bridge.h</c>). Every export returns a status (0 = ok) or, for the
/// fast calls, a handle (0 = failed); on failure <c>bridge_last_error()</c> holds the message. Every body
/// catches everything, because an exception escaping an [UnmanagedCallersOnly] method kills the process.
/// </summary>
static unsafe class Exports
{
    /// <summary>Version of this ABI; bumped on any breaking change.</summary>
    public const int AbiVersion = 1;

    [ThreadStatic] static Status _lastStatus;

    /// <summary>Throws naming the export and argument when a pointer the caller must provide is NULL.</summary>
    internal static void NotNull(void* pointer, string export, string argument)
    {
        if (pointer is null) throw new NullPointerArgumentException($"{export}: argument '{argument}' is NULL");
    }

    [UnmanagedCallersOnly(EntryPoint = "bridge_abi_version")]
    static int AbiVersionExport() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "bridge_last_error")]
    static byte* LastError() => Errors.Message;

    [UnmanagedCallersOnly(EntryPoint = "bridge_last_status")]
    static int LastStatus() => (int)_lastStatus;

    [UnmanagedCallersOnly(EntryPoint = "bridge_op_id")]
    static int OpId(byte* name, int* id)
    {
        try
        {
            NotNull(name, "bridge_op_id", "name");
            NotNull(id, "bridge_op_id", "id");
            *id = OpTable.Id(Marshal.PtrToStringUTF8((nint)name) ?? "");
            return Ok();
        }
        catch (Exception e) { return Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "bridge_call")]
    static int Call(int op, Value* args, int count, Value* result)
    {
        try
        {
            // Checked before the op runs: a result with nowhere to go would be a leaked handle.
            NotNull(result, "bridge_call", "result");
            if (count < 0) throw new NullPointerArgumentException($"bridge_call: count {count} is negative");
            if (count > 0) NotNull(args, "bridge_call", "args");
            using var temporaries = new DisposeScope(callScope: true); // results go to their handles, the rest is freed now
            *result = OpTable.Call(op, new ReadOnlySpan<Value>(args, count));
            return Ok();
        }
        catch (Exception e) { return Fail(e); }
    }

    // The four fast calls cover the hot ops from Python (arithmetic, activations, in-place updates) with
    // plain integer arguments. They return the result's new handle, -1 when the op returned None (in-place
    // ops), or 0 on failure (bridge_last_status() says which error).

    [UnmanagedCallersOnly(EntryPoint = "bridge_call_t")]
    static long CallT(int op, long a) => Fast(op, [TensorArg(a)]);

    [UnmanagedCallersOnly(EntryPoint = "bridge_call_tt")]
    static long CallTT(int op, long a, long b) => Fast(op, [TensorArg(a), TensorArg(b)]);

    [UnmanagedCallersOnly(EntryPoint = "bridge_call_ts")]
    static long CallTS(int op, long a, double s) => Fast(op, [TensorArg(a), Value.Float(s)]);

    [UnmanagedCallersOnly(EntryPoint = "bridge_call_ti")]
    static long CallTI(int op, long a, long i) => Fast(op, [TensorArg(a), Value.Int(i)]);

    static Value TensorArg(long handle) => new() { Kind = ValueKind.Tensor, I = handle };

    static long Fast(int op, ReadOnlySpan<Value> args)
    {
        try
        {
            using var temporaries = new DisposeScope(callScope: true);
            var v = OpTable.Call(op, args);
            return v.Kind switch
            {
                ValueKind.Tensor => v.I,
                ValueKind.None => -1,
                _ => throw new InvalidCastException($"op returned a {v.Kind.ToString().ToLowerInvariant()}: use bridge_call"),
            };
        }
        catch (Exception e) { Fail(e); return 0; }
    }

    /// <summary>Sets the calling thread's grad mode (torch.no_grad and friends); returns the previous one.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_grad_mode_set")]
    static int GradModeSet(int enabled)
    {
        bool previous = Autograd.GradMode.IsEnabled;
        Autograd.GradMode.Set(enabled != 0); // the scope is deliberately not kept: the caller restores the mode
        return previous ? 1 : 0;
    }

    [UnmanagedCallersOnly(EntryPoint = "bridge_handle_free")]
    static int HandleFree(long handle)
    {
        try
        {
            HandleTable.Release(handle);
            return Ok();
        }
        catch (Exception e) { return Fail(e); }
    }

    /// <summary>Frees many handles in one call (Python batches its finalizers); stops at the first bad one.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_handles_free")]
    static int HandlesFree(long* handles, int count)
    {
        try
        {
            if (count > 0) NotNull(handles, "bridge_handles_free", "handles");
            for (int i = 0; i < count; i++) HandleTable.Release(handles[i]);
            return Ok();
        }
        catch (Exception e) { return Fail(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "bridge_handles_live")]
    static long HandlesLive() => HandleTable.Live;

    /// <summary>Runs a full .NET collection and the finalizers it makes due, so that dead storages release now.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bridge_gc_collect")]
    static int GcCollect()
    {
        try
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return Ok();
        }
        catch (Exception e) { return Fail(e); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Ok() => 0;

    internal static int Fail(Exception e) => (int)(_lastStatus = Errors.Fail(e));

    internal static int Fail(Status status, string message) => (int)(_lastStatus = Errors.Fail(status, message));
}

/// <summary>A NULL (or negative-count) argument through the C ABI: a ValueError naming the export and the argument.</summary>
sealed class NullPointerArgumentException(string message) : ArgumentException(message);
