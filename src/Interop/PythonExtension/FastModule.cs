using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Interop.PythonExtension;

/// <summary>
/// <c>bridge._bridge_fast</c>: a CPython extension module exported by libbridge.so itself, so that Python reaches
/// the engine through METH_FASTCALL functions instead of ctypes (whose argument conversion and GIL release cost
/// more than a small op). python/bridge/_fast.py loads it from the very file ctypes loaded (one runtime, one
/// handle table), and falls back to ctypes when it cannot. Every function here has the semantics of the ctypes
/// path it replaces: the same results, the same exception types and messages, the GIL released while the
/// engine runs. Nothing escapes as a .NET exception: each body catches and turns it into a Python error.
/// </summary>
static unsafe class FastModule
{
    /// <summary>PYTHON_API_VERSION, unchanged since CPython 3.4.</summary>
    const int ApiVersion = 1013;

    static nint _module;

    /// <summary>The exception classes by <see cref="Status"/> (from bridge._lib), set by <c>init</c>.</summary>
    static nint[] _exceptions = [];

    [UnmanagedCallersOnly(EntryPoint = "PyInit__bridge_fast")]
    static nint PyInit()
    {
        try
        {
            CPython.Resolve();
            if (_module != 0) return CPython.NewRef(_module);
            var methods = new (string Name, nint Fn, int Flags, string Doc)[]
            {
                ("init", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&Init, CPython.MethFastCall,
                    "init($module, exceptions, /)\n--\n\nThe exception class for each engine status, indexed by status."),
                ("call_t", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&CallT, CPython.MethFastCall,
                    "call_t($module, op, h, /)\n--\n\nA handle, -1 (None) or 0 (failed): bridge_call_t without ctypes."),
                ("call_tt", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&CallTT, CPython.MethFastCall,
                    "call_tt($module, op, a, b, /)\n--\n\nA handle, -1 or 0: bridge_call_tt without ctypes."),
                ("call_ts", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&CallTS, CPython.MethFastCall,
                    "call_ts($module, op, a, s, /)\n--\n\nA handle, -1 or 0: bridge_call_ts without ctypes."),
                ("call_ti", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&CallTI, CPython.MethFastCall,
                    "call_ti($module, op, a, i, /)\n--\n\nA handle, -1 or 0: bridge_call_ti without ctypes."),
                ("grad_mode_set", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&GradModeSet, CPython.MethFastCall,
                    "grad_mode_set($module, enabled, /)\n--\n\nThe previous mode: bridge_grad_mode_set without ctypes."),
                ("bind_core", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&FastCall.BindCore, CPython.MethFastCall,
                    "bind_core($module, call, drain_released, engine_object, dtype, /)\n--\n\nwhat the generic call and __del__ need from bridge._core."),
                ("flush_dead", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&FlushDead, CPython.MethFastCall,
                    "flush_dead($module, /)\n--\n\nFrees the handles Tensor.__del__ batched (bridge._core.flush calls it)."),
                ("call", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&FastCall.Call, CPython.MethFastCall,
                    "call($module, name, /, *args)\n--\n\nbridge._core.call without ctypes (other argument kinds go to the Python version)."),
                ("bind_tensor", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&FastTensor.Bind, CPython.MethFastCall,
                    "bind_tensor($module, tensor, probe, h, meta, names, fallbacks, grad, /)\n--\n\nDescriptors for Tensor's hot methods."),
                ("bind_slots", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&FastSlots.Bind, CPython.MethFastCall,
                    "bind_slots($module, type, reference, plain, mask, /)\n--\n\nPoints Tensor's number slots and finalizer at the extension (see FastSlots.cs)."),
                ("handles_live", (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&HandlesLive, CPython.MethFastCall,
                    "handles_live($module, /)\n--\n\nThe number of live handles (leak tests)."),
            };
            nint defs = Alloc((methods.Length + 1) * MethodDefSize);
            for (int i = 0; i < methods.Length; i++)
                WriteMethodDef(defs + i * MethodDefSize, methods[i].Name, methods[i].Fn, methods[i].Flags, methods[i].Doc);
            // PyModuleDef: PyModuleDef_Base (ob_refcnt, ob_type, m_init, m_index, m_copy), then m_name, m_doc,
            // m_size, m_methods, m_slots, m_traverse, m_clear, m_free.
            nint def = Alloc(13 * 8);
            ((nint*)def)[0] = 1; // PyModuleDef_HEAD_INIT: ob_refcnt 1, the rest NULL
            ((nint*)def)[5] = Utf8("bridge._bridge_fast");
            ((nint*)def)[6] = Utf8("The engine's hot calls as a CPython extension (see bridge/_fast.py).");
            ((nint*)def)[7] = -1;
            ((nint*)def)[8] = defs;
            _module = CPython.PyModule_Create2(def, ApiVersion);
            return _module == 0 ? 0 : CPython.NewRef(_module);
        }
        catch (Exception e)
        {
            // Without the C API resolved there is no way to raise: Python then reports a SystemError, which
            // bridge/_fast.py catches like any other failure to load.
            if (CPython.RuntimeError != 0) CPython.SetError(CPython.RuntimeError, "bridge: " + e.Message);
            return 0;
        }
    }

    /// <summary>sizeof(PyMethodDef): name, function, flags (int, padded), doc.</summary>
    internal const int MethodDefSize = 32;

    internal static nint Alloc(int bytes) => (nint)NativeMemory.AllocZeroed((nuint)bytes);

    /// <summary>A NUL-terminated UTF-8 copy that lives as long as the process (method names and docs).</summary>
    internal static nint Utf8(string s) => Marshal.StringToCoTaskMemUTF8(s);

    internal static void WriteMethodDef(nint at, string name, nint fn, int flags, string doc)
    {
        ((nint*)at)[0] = Utf8(name);
        ((nint*)at)[1] = fn;
        *(int*)(at + 16) = flags;
        ((nint*)at)[3] = Utf8(doc);
    }

    [UnmanagedCallersOnly]
    static nint Init(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs != 1) return Fail(CPython.TypeError, "init() takes one tuple of exception classes");
            nint tuple = args[0];
            long n = CPython.PyTuple_Size(tuple);
            if (n < 0) return 0;
            var classes = new nint[n];
            for (int i = 0; i < n; i++) classes[i] = CPython.NewRef(CPython.PyTuple_GetItem(tuple, i)); // kept for good
            _exceptions = classes;
            return CPython.ReturnNone();
        }
        catch (Exception e) { return Fail(e); }
    }

    // ---- the four fast calls: handles in, a handle (or -1 for None, 0 for a failure) out ----------------

    [UnmanagedCallersOnly]
    static nint CallT(nint self, nint* args, nint nargs)
    {
        if (nargs != 2) return Fail(CPython.TypeError, "call_t() takes 2 arguments");
        Value* v = stackalloc Value[1];
        if (!Int(args[0], out long op) || !Int(args[1], out v[0].I)) return 0;
        v[0].Kind = ValueKind.Tensor;
        return CPython.PyLong_FromLongLong(Fast((int)op, v, 1));
    }

    [UnmanagedCallersOnly]
    static nint CallTT(nint self, nint* args, nint nargs)
    {
        if (nargs != 3) return Fail(CPython.TypeError, "call_tt() takes 3 arguments");
        Value* v = stackalloc Value[2];
        if (!Int(args[0], out long op) || !Int(args[1], out v[0].I) || !Int(args[2], out v[1].I)) return 0;
        v[0].Kind = v[1].Kind = ValueKind.Tensor;
        return CPython.PyLong_FromLongLong(Fast((int)op, v, 2));
    }

    [UnmanagedCallersOnly]
    static nint CallTS(nint self, nint* args, nint nargs)
    {
        if (nargs != 3) return Fail(CPython.TypeError, "call_ts() takes 3 arguments");
        Value* v = stackalloc Value[2];
        if (!Int(args[0], out long op) || !Int(args[1], out v[0].I)) return 0;
        double s = CPython.PyFloat_AsDouble(args[2]); // ints too, as ctypes' c_double converts them
        if (s == -1.0 && CPython.PyErr_Occurred() != 0) return 0;
        v[0].Kind = ValueKind.Tensor;
        v[1] = Value.Float(s);
        return CPython.PyLong_FromLongLong(Fast((int)op, v, 2));
    }

    [UnmanagedCallersOnly]
    static nint CallTI(nint self, nint* args, nint nargs)
    {
        if (nargs != 3) return Fail(CPython.TypeError, "call_ti() takes 3 arguments");
        Value* v = stackalloc Value[2];
        if (!Int(args[0], out long op) || !Int(args[1], out v[0].I) || !Int(args[2], out long i)) return 0;
        v[0].Kind = ValueKind.Tensor;
        v[1] = Value.Int(i);
        return CPython.PyLong_FromLongLong(Fast((int)op, v, 2));
    }

    [UnmanagedCallersOnly]
    static nint GradModeSet(nint self, nint* args, nint nargs)
    {
        if (nargs != 1) return Fail(CPython.TypeError, "grad_mode_set() takes 1 argument");
        if (!Int(args[0], out long enabled)) return 0;
        bool previous = Autograd.GradMode.IsEnabled;
        Autograd.GradMode.Set(enabled != 0); // as bridge_grad_mode_set: the caller restores the mode
        return CPython.PyLong_FromLongLong(previous ? 1 : 0);
    }

    [UnmanagedCallersOnly]
    static nint FlushDead(nint self, nint* args, nint nargs)
    {
        DeadHandles.Flush();
        return CPython.ReturnNone();
    }

    [UnmanagedCallersOnly]
    static nint HandlesLive(nint self, nint* args, nint nargs) => CPython.PyLong_FromLongLong(HandleTable.Live);

    /// <summary>bridge_call_t's contract: the result handle, -1 when the op returned None, 0 on failure.</summary>
    static long Fast(int op, Value* args, int count)
    {
        // On failure the caller reads bridge_last_status() and bridge_last_error(), as with ctypes.
        if (!Engine.Run(op, new ReadOnlySpan<Value>(args, count), out Value v, out _)) return 0;
        if (v.Kind == ValueKind.Tensor) return v.I;
        if (v.Kind == ValueKind.None) return -1;
        Exports.Fail(new InvalidCastException($"op returned a {v.Kind.ToString().ToLowerInvariant()}: use bridge_call"));
        return 0;
    }

    /// <summary>A Python int as a long; false with the Python error set when it is not one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Int(nint o, out long value)
    {
        value = CPython.PyLong_AsLongLong(o);
        return value != -1 || CPython.PyErr_Occurred() == 0;
    }

    /// <summary>Raises the engine's failure as bridge._lib.error does: the class by status, the engine's message.</summary>
    internal static nint RaiseStatus(int status)
    {
        nint type = status > 0 && status < _exceptions.Length ? _exceptions[status] : CPython.RuntimeError;
        CPython.PyErr_SetString(type, Errors.Message);
        return 0;
    }

    internal static nint Fail(nint type, string message)
    {
        CPython.SetError(type, message);
        return 0;
    }

    /// <summary>A .NET exception inside the extension's own code (not the engine's): a RuntimeError naming it.</summary>
    internal static nint Fail(Exception e)
    {
        try { CPython.SetError(CPython.RuntimeError, $"bridge extension: {e.GetType().Name}: {e.Message}"); }
        catch { /* nothing left to report with */ }
        return 0;
    }
}

/// <summary>Runs an op the way the C ABI does: a dispose scope for temporaries, the GIL released meanwhile.</summary>
static unsafe class Engine
{
    /// <summary>
    /// Runs op <paramref name="op"/>; false (with bridge_last_error/status set, no Python error yet) on failure.
    /// The GIL is released while the engine works, as ctypes does, so other Python threads run and an engine
    /// callback into Python from another thread cannot deadlock.
    /// </summary>
    public static bool Run(int op, ReadOnlySpan<Value> args, out Value result, out int status) =>
        Run(op, args, out result, out status, keepGil: false);

    /// <summary>
    /// As <see cref="Run(int, ReadOnlySpan{Value}, out Value, out int)"/>; with <paramref name="keepGil"/> the GIL
    /// stays held (saving its release and re-acquisition), for elementwise ops on small tensors that never call
    /// back into Python and finish in well under a microsecond (see <see cref="IsSmall"/>).
    /// </summary>
    public static bool Run(int op, ReadOnlySpan<Value> args, out Value result, out int status, bool keepGil)
    {
        nint thread = keepGil ? 0 : CPython.PyEval_SaveThread();
        try
        {
            using var temporaries = new DisposeScope(callScope: true);
            result = OpTable.Call(op, args);
            status = 0;
            return true;
        }
        catch (Exception e)
        {
            result = default;
            status = Exports.Fail(e);
            return false;
        }
        finally
        {
            if (!keepGil) CPython.PyEval_RestoreThread(thread);
        }
    }

    /// <summary>
    /// True for a handle of a tensor under 64 KiB that ends no autograd graph and lives on the CPU: the handle
    /// table marks every other tensor with bit 62 (<see cref="HandleTable.LargeBit"/>).
    /// </summary>
    public static bool IsSmall(long handle) => (handle & HandleTable.LargeBit) == 0;

    /// <summary>Frees a handle nobody will see (a result that could not be wrapped); errors are dropped.</summary>
    public static void ReleaseQuietly(long handle)
    {
        try { HandleTable.Release(handle); }
        catch (Exception) { /* already gone: nothing to free */ }
    }
}
