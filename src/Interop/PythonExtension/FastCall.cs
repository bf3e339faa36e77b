using System.Runtime.InteropServices;

namespace Bridge.Interop.PythonExtension;

/// <summary>
/// <c>call(name, *args)</c>: bridge._core.call packed in C instead of ctypes structures. The argument kinds of
/// everyday calls (tensors, None, bool, int, float, dtype, str, engine objects, lists and tuples of ints or of
/// tensors) are packed here; anything else (bytes, FloatList, NumPy scalars, huge ints, mixed lists) goes to
/// the Python version before the op runs, so its conversions and error messages stay the only ones.
/// </summary>
static unsafe class FastCall
{
    /// <summary>
    /// Most arguments of any op (more go to the Python version). multi_head_attention_forward takes 18: at 16 it went
    /// through ctypes on every call of nn.MultiheadAttention.
    /// </summary>
    const int MaxArgs = 32;

    /// <summary>Most op names remembered by identity (literal names are interned, so this is every op).</summary>
    const int MaxCachedNames = 4096;

    static nint _pyCall, _engineObjectType, _dtypeType;

    /// <summary>bridge._core.drain_released, which Tensor.__del__ runs when foreign memory's last user went.</summary>
    internal static nint Drain;

    static readonly Dictionary<nint, int> OpIds = [];

    [UnmanagedCallersOnly]
    internal static nint BindCore(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs != 4) return FastModule.Fail(CPython.TypeError, "bind_core() takes 4 arguments");
            _pyCall = CPython.NewRef(args[0]);
            Drain = CPython.NewRef(args[1]);
            _engineObjectType = CPython.NewRef(args[2]);
            _dtypeType = CPython.NewRef(args[3]);
            return CPython.ReturnNone();
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    [UnmanagedCallersOnly]
    internal static nint Call(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs < 1 || nargs - 1 > MaxArgs || _pyCall == 0 || FastTensor.Type == 0) return Python(args, nargs);
            if (!OpId(args[0], out int op)) return Python(args, nargs);
            int n = (int)nargs - 1;
            Value* values = stackalloc Value[MaxArgs];
            nint* lists = stackalloc nint[MaxArgs]; // list buffers to free after the call
            int listCount = 0;
            try
            {
                for (int i = 0; i < n; i++)
                    if (!Pack(args[i + 1], &values[i], lists, ref listCount)) return Python(args, nargs);
                if (!Engine.Run(op, new ReadOnlySpan<Value>(values, n), out Value result, out int status))
                    return FastModule.RaiseStatus(status);
                return Unpack(result);
            }
            finally
            {
                for (int i = 0; i < listCount; i++) NativeMemory.Free((void*)lists[i]);
            }
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    /// <summary>The Python version of call, with the same arguments.</summary>
    static nint Python(nint* args, nint nargs) =>
        _pyCall == 0 ? FastModule.Fail(CPython.RuntimeError, "bridge: call() used before bind_core()")
                     : CPython.PyObject_Vectorcall(_pyCall, args, (nuint)nargs, 0);

    /// <summary>The op id of a name: by the str object's identity once seen, else by its text.</summary>
    static bool OpId(nint name, out int id)
    {
        if (OpIds.TryGetValue(name, out id)) return true;
        if (CPython.TypeOf(name) != CPython.UnicodeType) return false;
        nint size;
        byte* utf8 = CPython.PyUnicode_AsUTF8AndSize(name, &size);
        if (utf8 is null)
        {
            CPython.PyErr_Clear();
            return false;
        }
        string text = System.Text.Encoding.UTF8.GetString(utf8, (int)size);
        try { id = OpTable.Id(text); }
        catch (NotImplementedException) { return false; } // the Python version raises the engine's own error
        if (OpIds.Count < MaxCachedNames) OpIds[CPython.NewRef(name)] = id; // the reference keeps the address unique
        return true;
    }

    /// <summary>Packs one argument as bridge._core._pack does; false for kinds left to the Python version.</summary>
    static bool Pack(nint v, Value* slot, nint* lists, ref int listCount)
    {
        *slot = default;
        if (v == CPython.None) return true;
        nint type = CPython.TypeOf(v);
        if (FastTensor.IsTensorType(type))
        {
            slot->Kind = ValueKind.Tensor;
            return FastTensor.TryHandle(v, out slot->I);
        }
        if (type == CPython.BoolType)
        {
            slot->Kind = ValueKind.Bool;
            slot->I = v == CPython.True ? 1 : 0;
            return true;
        }
        if (type == CPython.LongType)
        {
            slot->Kind = ValueKind.Int;
            return IntOrClear(v, out slot->I); // out of int64: the Python version raises its OverflowError
        }
        if (type == CPython.FloatType)
        {
            slot->Kind = ValueKind.Float;
            slot->D = CPython.PyFloat_AsDouble(v);
            return true;
        }
        if (type == CPython.UnicodeType)
        {
            nint size;
            byte* utf8 = CPython.PyUnicode_AsUTF8AndSize(v, &size); // owned by the str, which the caller holds
            if (utf8 is null)
            {
                CPython.PyErr_Clear();
                return false;
            }
            slot->Kind = ValueKind.String;
            slot->I = size;
            slot->P = (nint)utf8;
            return true;
        }
        if (type == _dtypeType || type == _engineObjectType)
        {
            slot->Kind = type == _dtypeType ? ValueKind.Int : ValueKind.Object;
            nint attr = CPython.PyObject_GetAttrString(v, type == _dtypeType ? IdName : HandleName);
            if (attr == 0)
            {
                CPython.PyErr_Clear();
                return false;
            }
            bool ok = IntOrClear(attr, out slot->I);
            CPython.Py_DecRef(attr);
            return ok;
        }
        ulong flags = CPython.PyType_GetFlags(type);
        bool isTuple = (flags & CPython.TupleSubclass) != 0;
        if (isTuple || (flags & CPython.ListSubclass) != 0) return PackList(v, isTuple, slot, lists, ref listCount);
        return false;
    }

    static readonly byte* IdName = (byte*)FastModule.Utf8("id");
    static readonly byte* HandleName = (byte*)FastModule.Utf8("_h");

    /// <summary>A list or tuple of plain ints (IntList) or of tensors (TensorList); other contents: false.</summary>
    static bool PackList(nint v, bool isTuple, Value* slot, nint* lists, ref int listCount)
    {
        long n = isTuple ? CPython.PyTuple_Size(v) : CPython.PyList_Size(v);
        if (n < 0)
        {
            CPython.PyErr_Clear();
            return false;
        }
        var buffer = (long*)NativeMemory.Alloc((nuint)Math.Max(n, 1), sizeof(long));
        lists[listCount++] = (nint)buffer;
        bool tensors = n > 0 && FastTensor.IsTensorType(CPython.TypeOf(Item(v, isTuple, 0)));
        for (long i = 0; i < n; i++)
        {
            nint item = Item(v, isTuple, i); // borrowed
            nint type = CPython.TypeOf(item);
            if (tensors)
            {
                if (!FastTensor.IsTensorType(type) || !FastTensor.TryHandle(item, out buffer[i])) return false;
            }
            else if (type != CPython.LongType || !IntOrClear(item, out buffer[i])) return false;
        }
        slot->Kind = tensors ? ValueKind.TensorList : ValueKind.IntList;
        slot->I = n;
        slot->P = (nint)buffer;
        return true;
    }

    static nint Item(nint v, bool isTuple, long i) => isTuple ? CPython.PyTuple_GetItem(v, (nint)i) : CPython.PyList_GetItem(v, (nint)i);

    static bool IntOrClear(nint o, out long value)
    {
        if (FastModule.Int(o, out value)) return true;
        CPython.PyErr_Clear();
        return false;
    }

    /// <summary>The result as a Python value, as bridge._core._unpack builds it.</summary>
    static nint Unpack(Value r)
    {
        switch (r.Kind)
        {
            case ValueKind.None: return CPython.ReturnNone();
            case ValueKind.Tensor: return FastTensor.Wrap(r.I);
            case ValueKind.Int: return CPython.PyLong_FromLongLong(r.I);
            case ValueKind.Float: return CPython.PyFloat_FromDouble(r.D);
            case ValueKind.Bool: return CPython.NewRef(r.I != 0 ? CPython.True : CPython.False);
            case ValueKind.String: return CPython.PyUnicode_FromStringAndSize((byte*)r.P, (nint)r.I);
            case ValueKind.Bytes: return CPython.PyBytes_FromStringAndSize((byte*)r.P, (nint)r.I);
            case ValueKind.IntList:
            case ValueKind.TensorList: return List(r);
            case ValueKind.Object: return EngineObject(r.I);
            default: return FastModule.Fail(CPython.RuntimeError, $"unexpected result kind {(int)r.Kind}");
        }
    }

    /// <summary>bridge._core.EngineObject(handle); on failure the handle is freed.</summary>
    static nint EngineObject(long handle)
    {
        nint h = CPython.PyLong_FromLongLong(handle);
        if (h == 0)
        {
            Engine.ReleaseQuietly(handle);
            return 0;
        }
        nint o = CPython.PyObject_Vectorcall(_engineObjectType, &h, 1, 0);
        CPython.Py_DecRef(h);
        return o;
    }

    static nint List(Value r)
    {
        var items = (long*)r.P; // the engine's thread-local buffer: read before anything else calls the engine
        bool tensors = r.Kind == ValueKind.TensorList;
        nint list = CPython.PyList_New((nint)r.Count);
        if (list == 0)
        {
            if (tensors) for (long j = 0; j < r.Count; j++) if (items[j] != 0) Engine.ReleaseQuietly(items[j]);
            return 0;
        }
        for (long i = 0; i < r.Count; i++)
        {
            nint item = !tensors ? CPython.PyLong_FromLongLong(items[i])
                : items[i] == 0 ? CPython.ReturnNone() : FastTensor.Wrap(items[i]);
            if (item == 0)
            {
                // Nothing will own the remaining handles: free them, so a failure here leaks nothing.
                if (tensors) for (long j = i + 1; j < r.Count; j++) if (items[j] != 0) Engine.ReleaseQuietly(items[j]);
                CPython.Py_DecRef(list);
                return 0;
            }
            CPython.PyList_SetItem(list, (nint)i, item); // steals item
        }
        return list;
    }
}
