using System.Runtime.InteropServices;

namespace Bridge.Interop.PythonExtension;

/// <summary>
/// The part of CPython's C API the extension module calls, resolved at import from the running interpreter
/// (dlsym over the global scope: the interpreter's own symbols, whether it links libpython statically or not).
/// Only exported functions and data symbols are used, never macros that read struct internals, except the two
/// fields every CPython build since 3.0 lays out the same (ob_refcnt at 0, ob_type at 8) and what
/// <see cref="FastTensor"/> probes at run time (slot offsets). Reference counts go through Py_IncRef and
/// Py_DecRef, which also honour 3.12's immortal objects.
/// </summary>
static unsafe class CPython
{
    /// <summary>PyMethodDef.ml_flags: the arguments as a C array (METH_FASTCALL).</summary>
    public const int MethFastCall = 0x0080;

    /// <summary>PyMethodDef.ml_flags: no argument besides self (METH_NOARGS).</summary>
    public const int MethNoArgs = 0x0004;

    /// <summary>tp_flags bits that say a type is a subclass of int, tuple or list.</summary>
    public const ulong LongSubclass = 1UL << 24, ListSubclass = 1UL << 25, TupleSubclass = 1UL << 26;

    public static delegate* unmanaged<nint, int, nint> PyModule_Create2;
    // [SuppressGCTransition] (no switch of the .NET thread to preemptive mode and back, about 10 ns a call) only
    // where the function can run no Python code, so cannot re-enter this library: a reference count increment,
    // allocating an int or float (not GC-tracked, so no collection and no finalizer runs), reading flags and
    // exact ints. Everything that may decref, collect, call __index__ or raise keeps the transition.
    public static delegate* unmanaged[SuppressGCTransition]<long, nint> PyLong_FromLongLong;
    public static delegate* unmanaged[SuppressGCTransition]<nint, int*, long> PyLong_AsLongLongAndOverflow;
    public static delegate* unmanaged<nint, long> PyLong_AsLongLong;
    public static delegate* unmanaged<nint, double> PyLong_AsDouble;
    public static delegate* unmanaged[SuppressGCTransition]<double, nint> PyFloat_FromDouble;
    public static delegate* unmanaged<nint, double> PyFloat_AsDouble;
    public static delegate* unmanaged<nint, byte*, void> PyErr_SetString;
    public static delegate* unmanaged[SuppressGCTransition]<nint> PyErr_Occurred;
    public static delegate* unmanaged<void> PyErr_Clear;
    public static delegate* unmanaged<nint*, nint*, nint*, void> PyErr_Fetch;
    public static delegate* unmanaged<nint, nint, nint, void> PyErr_Restore;
    public static delegate* unmanaged<nint, nint*, nuint, nint, nint> PyObject_Vectorcall;
    public static delegate* unmanaged<nint, byte*, nint> PyObject_GetAttrString;
    public static delegate* unmanaged<nint, nint, nint> PyType_GenericAlloc;
    public static delegate* unmanaged[SuppressGCTransition]<nint, nint, int> PyType_IsSubtype;
    public static delegate* unmanaged[SuppressGCTransition]<nint, ulong> PyType_GetFlags;
    public static delegate* unmanaged<nint, nint, nint> PyDescr_NewMethod;
    public static delegate* unmanaged<nint, nint, nint> PyDescr_NewGetSet;
    public static delegate* unmanaged<nint, nint, int> PyList_Append;
    public static delegate* unmanaged<nint, nint> PyList_New;
    public static delegate* unmanaged<nint, nint> PyList_Size;
    public static delegate* unmanaged<nint, nint, nint> PyList_GetItem;
    public static delegate* unmanaged<nint, nint, nint, int> PyList_SetItem;
    public static delegate* unmanaged<nint, nint> PyTuple_New;
    public static delegate* unmanaged<nint, nint> PyTuple_Size;
    public static delegate* unmanaged<nint, nint, nint> PyTuple_GetItem;
    public static delegate* unmanaged<nint, nint, nint, int> PyTuple_SetItem;
    public static delegate* unmanaged<byte*, nint, nint> PyUnicode_FromStringAndSize;
    public static delegate* unmanaged<nint, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public static delegate* unmanaged<byte*, nint, nint> PyBytes_FromStringAndSize;
    public static delegate* unmanaged[SuppressGCTransition]<nint, void> Py_IncRef;
    public static delegate* unmanaged<nint, void> Py_DecRef;
    public static delegate* unmanaged<nint> PyEval_SaveThread;
    public static delegate* unmanaged<nint, void> PyEval_RestoreThread;

    /// <summary>Singletons and built-in types (addresses of the objects themselves).</summary>
    public static nint None, NotImplemented, True, False, LongType, FloatType, BoolType, UnicodeType;

    /// <summary>Exception classes (the values of the PyExc_* pointer variables).</summary>
    public static nint RuntimeError, TypeError;

    static bool _resolved;

    /// <summary>Resolves every symbol once; throws naming the first one the process does not export.</summary>
    public static void Resolve()
    {
        if (_resolved) return;
        nint self = NativeLibrary.GetMainProgramHandle();
        nint F(string name) => NativeLibrary.TryGetExport(self, name, out nint p)
            ? p : throw new EntryPointNotFoundException($"bridge: the interpreter exports no '{name}'");
        PyModule_Create2 = (delegate* unmanaged<nint, int, nint>)F("PyModule_Create2");
        PyLong_FromLongLong = (delegate* unmanaged[SuppressGCTransition]<long, nint>)F("PyLong_FromLongLong");
        PyLong_AsLongLongAndOverflow = (delegate* unmanaged[SuppressGCTransition]<nint, int*, long>)F("PyLong_AsLongLongAndOverflow");
        PyLong_AsLongLong = (delegate* unmanaged<nint, long>)F("PyLong_AsLongLong");
        PyLong_AsDouble = (delegate* unmanaged<nint, double>)F("PyLong_AsDouble");
        PyFloat_FromDouble = (delegate* unmanaged[SuppressGCTransition]<double, nint>)F("PyFloat_FromDouble");
        PyFloat_AsDouble = (delegate* unmanaged<nint, double>)F("PyFloat_AsDouble");
        PyErr_SetString = (delegate* unmanaged<nint, byte*, void>)F("PyErr_SetString");
        PyErr_Occurred = (delegate* unmanaged[SuppressGCTransition]<nint>)F("PyErr_Occurred");
        PyErr_Clear = (delegate* unmanaged<void>)F("PyErr_Clear");
        PyErr_Fetch = (delegate* unmanaged<nint*, nint*, nint*, void>)F("PyErr_Fetch");
        PyErr_Restore = (delegate* unmanaged<nint, nint, nint, void>)F("PyErr_Restore");
        PyObject_Vectorcall = (delegate* unmanaged<nint, nint*, nuint, nint, nint>)F("PyObject_Vectorcall");
        PyObject_GetAttrString = (delegate* unmanaged<nint, byte*, nint>)F("PyObject_GetAttrString");
        PyType_GenericAlloc = (delegate* unmanaged<nint, nint, nint>)F("PyType_GenericAlloc");
        PyType_IsSubtype = (delegate* unmanaged[SuppressGCTransition]<nint, nint, int>)F("PyType_IsSubtype");
        PyType_GetFlags = (delegate* unmanaged[SuppressGCTransition]<nint, ulong>)F("PyType_GetFlags");
        PyDescr_NewMethod = (delegate* unmanaged<nint, nint, nint>)F("PyDescr_NewMethod");
        PyDescr_NewGetSet = (delegate* unmanaged<nint, nint, nint>)F("PyDescr_NewGetSet");
        PyList_Append = (delegate* unmanaged<nint, nint, int>)F("PyList_Append");
        PyList_New = (delegate* unmanaged<nint, nint>)F("PyList_New");
        PyList_Size = (delegate* unmanaged<nint, nint>)F("PyList_Size");
        PyList_GetItem = (delegate* unmanaged<nint, nint, nint>)F("PyList_GetItem");
        PyList_SetItem = (delegate* unmanaged<nint, nint, nint, int>)F("PyList_SetItem");
        PyTuple_New = (delegate* unmanaged<nint, nint>)F("PyTuple_New");
        PyTuple_Size = (delegate* unmanaged<nint, nint>)F("PyTuple_Size");
        PyTuple_GetItem = (delegate* unmanaged<nint, nint, nint>)F("PyTuple_GetItem");
        PyTuple_SetItem = (delegate* unmanaged<nint, nint, nint, int>)F("PyTuple_SetItem");
        PyUnicode_FromStringAndSize = (delegate* unmanaged<byte*, nint, nint>)F("PyUnicode_FromStringAndSize");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<nint, nint*, byte*>)F("PyUnicode_AsUTF8AndSize");
        PyBytes_FromStringAndSize = (delegate* unmanaged<byte*, nint, nint>)F("PyBytes_FromStringAndSize");
        Py_IncRef = (delegate* unmanaged[SuppressGCTransition]<nint, void>)F("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<nint, void>)F("Py_DecRef");
        PyEval_SaveThread = (delegate* unmanaged<nint>)F("PyEval_SaveThread");
        PyEval_RestoreThread = (delegate* unmanaged<nint, void>)F("PyEval_RestoreThread");
        None = F("_Py_NoneStruct");
        NotImplemented = F("_Py_NotImplementedStruct");
        True = F("_Py_TrueStruct");
        False = F("_Py_FalseStruct");
        LongType = F("PyLong_Type");
        FloatType = F("PyFloat_Type");
        BoolType = F("PyBool_Type");
        UnicodeType = F("PyUnicode_Type");
        RuntimeError = *(nint*)F("PyExc_RuntimeError");
        TypeError = *(nint*)F("PyExc_TypeError");
        _resolved = true;
    }

    /// <summary>Py_TYPE(o).</summary>
    public static nint TypeOf(nint o) => *(nint*)(o + 8);

    /// <summary>PyFloat_AS_DOUBLE(o) of an exact float: ob_fval follows the object header in every CPython 3.x.</summary>
    public static double FloatValue(nint o) => *(double*)(o + 16);

    /// <summary>An exact int as a long without a Python error (false when it does not fit in 64 bits).</summary>
    public static bool ExactLong(nint o, out long value)
    {
        int overflow;
        value = PyLong_AsLongLongAndOverflow(o, &overflow);
        return overflow == 0;
    }

    /// <summary>Py_INCREF(o), returning o (Py_NewRef).</summary>
    public static nint NewRef(nint o)
    {
        Py_IncRef(o);
        return o;
    }

    /// <summary>Py_XDECREF(o).</summary>
    public static void XDecRef(nint o)
    {
        if (o != 0) Py_DecRef(o);
    }

    /// <summary>A new reference to None, True or False (what a C function returns for them).</summary>
    public static nint ReturnNone() => NewRef(None);

    /// <summary>Sets a Python exception of class <paramref name="type"/> with <paramref name="message"/>.</summary>
    public static void SetError(nint type, string message)
    {
        nint utf8 = Marshal.StringToCoTaskMemUTF8(message);
        try { PyErr_SetString(type, (byte*)utf8); }
        finally { Marshal.FreeCoTaskMem(utf8); }
    }

    /// <summary>True when <paramref name="type"/>'s tp_flags carry <paramref name="bit"/> (PyLong_Check and friends).</summary>
    public static bool HasFlag(nint type, ulong bit) => (PyType_GetFlags(type) & bit) != 0;
}
