using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge.Interop.PythonExtension;

/// <summary>
/// bridge.Tensor's hot methods as C-level descriptors (method descriptors and a getset), installed on the class by
/// bridge/_fast.py: arithmetic operators, in-place operators, <c>grad</c> and <c>__del__</c> run without a Python
/// frame. Results are ready-made Tensor objects (tp_alloc, then the two slots written directly). Each method does
/// what its Python version in _tensor_math.py does for tensors and Python numbers, and hands every other operand
/// to that Python version (its fallback), unchanged, before anything runs.
/// </summary>
static unsafe class FastTensor
{
    /// <summary>bridge.Tensor, the type results are created as (0 until bind_tensor).</summary>
    internal static nint Type;

    /// <summary>Offsets of the <c>_h</c> and <c>_meta</c> slots inside a Tensor object, found by probing.</summary>
    static nint _offH, _offMeta;

    /// <summary>One operator: its op ids by operand kind (-1: the Python version handles that kind).</summary>
    sealed record Binary(string Name, string? TensorOp, string IntOp, string FloatOp, bool InPlace)
    {
        public int Tt = -1, Ts = -1, TsF = -1;
        public nint Fallback;
    }

    // The same op names as _tensor_math.py's _triple/_inplace tables.
    static readonly Binary[] Binaries =
    [
        new("__add__", "add", "add_scalar", "add_scalar_f", false),
        new("__radd__", null, "add_scalar", "add_scalar_f", false),
        new("__sub__", "sub", "sub_scalar", "sub_scalar_f", false),
        new("__rsub__", null, "rsub_scalar", "rsub_scalar_f", false),
        new("__mul__", "mul", "mul_scalar", "mul_scalar_f", false),
        new("__rmul__", null, "mul_scalar", "mul_scalar_f", false),
        new("__truediv__", "div", "div_scalar", "div_scalar_f", false),
        new("__rtruediv__", null, "rdiv_scalar", "rdiv_scalar_f", false),
        new("__pow__", "pow", "pow_scalar", "pow_scalar_f", false),
        new("__rpow__", null, "rpow_scalar", "rpow_scalar_f", false),
        new("__iadd__", "add_", "add_scalar_", "add_scalar_", true),
        new("__isub__", "sub_", "sub_scalar_", "sub_scalar_", true),
        new("__imul__", "mul_", "mul_scalar_", "mul_scalar_", true),
        new("__itruediv__", "div_", "div_scalar_", "div_scalar_", true),
    ];

    // One C entry point per operator: a method descriptor passes no data of its own besides self.
    [UnmanagedCallersOnly] static nint B0(nint s, nint* a, nint n) => Call(0, s, a, n);
    [UnmanagedCallersOnly] static nint B1(nint s, nint* a, nint n) => Call(1, s, a, n);
    [UnmanagedCallersOnly] static nint B2(nint s, nint* a, nint n) => Call(2, s, a, n);
    [UnmanagedCallersOnly] static nint B3(nint s, nint* a, nint n) => Call(3, s, a, n);
    [UnmanagedCallersOnly] static nint B4(nint s, nint* a, nint n) => Call(4, s, a, n);
    [UnmanagedCallersOnly] static nint B5(nint s, nint* a, nint n) => Call(5, s, a, n);
    [UnmanagedCallersOnly] static nint B6(nint s, nint* a, nint n) => Call(6, s, a, n);
    [UnmanagedCallersOnly] static nint B7(nint s, nint* a, nint n) => Call(7, s, a, n);
    [UnmanagedCallersOnly] static nint B8(nint s, nint* a, nint n) => Call(8, s, a, n);
    [UnmanagedCallersOnly] static nint B9(nint s, nint* a, nint n) => Call(9, s, a, n);
    [UnmanagedCallersOnly] static nint B10(nint s, nint* a, nint n) => Call(10, s, a, n);
    [UnmanagedCallersOnly] static nint B11(nint s, nint* a, nint n) => Call(11, s, a, n);
    [UnmanagedCallersOnly] static nint B12(nint s, nint* a, nint n) => Call(12, s, a, n);
    [UnmanagedCallersOnly] static nint B13(nint s, nint* a, nint n) => Call(13, s, a, n);

    static nint[] EntryPoints() =>
    [
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B0, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B1,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B2, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B3,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B4, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B5,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B6, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B7,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B8, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B9,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B10, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B11,
        (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B12, (nint)(delegate* unmanaged<nint, nint*, nint, nint>)&B13,
    ];

    static int _gradOp = -1;
    static nint _gradGet, _gradSet, _gradDelete;

    /// <summary>
    /// bind_tensor(Tensor, probe, h, meta, names, fallbacks, grad): probe is a Tensor whose <c>_h</c> is the
    /// object h and <c>_meta</c> the object meta (their offsets are found by looking for those pointers);
    /// fallbacks are the Python versions of the operators named; grad is the Python property. Returns the
    /// descriptors to install, in the order of names, then <c>__del__</c>'s and <c>grad</c>'s.
    /// </summary>
    [UnmanagedCallersOnly]
    internal static nint Bind(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs != 7) return FastModule.Fail(CPython.TypeError, "bind_tensor() takes 7 arguments");
            nint type = args[0], probe = args[1];
            if (CPython.TypeOf(probe) != type) return FastModule.Fail(CPython.TypeError, "bind_tensor(): probe is not a Tensor");
            long basicSize = *(long*)(type + 32); // tp_basicsize: at this offset in every CPython since 3.0
            _offH = _offMeta = 0;
            for (nint off = 16; off + 8 <= basicSize; off += 8)
            {
                nint word = *(nint*)(probe + off);
                if (word == args[2]) _offH = off;
                else if (word == args[3]) _offMeta = off;
            }
            if (_offH == 0 || _offMeta == 0) return FastModule.Fail(CPython.RuntimeError, "bind_tensor(): slots _h/_meta not found");

            nint names = args[4], fallbacks = args[5];
            long count = CPython.PyTuple_Size(names);
            if (count < 0 || CPython.PyTuple_Size(fallbacks) != count) return FastModule.Fail(CPython.TypeError, "bind_tensor(): names and fallbacks differ");
            var entries = EntryPoints();
            nint result = CPython.PyTuple_New((nint)(count + 2));
            if (result == 0) return 0;
            for (int i = 0; i < count; i++)
            {
                nint nameObj = CPython.PyTuple_GetItem(names, i);
                nint size;
                byte* utf8 = CPython.PyUnicode_AsUTF8AndSize(nameObj, &size);
                if (utf8 is null) return Drop(result);
                string name = System.Text.Encoding.UTF8.GetString(utf8, (int)size);
                int k = Array.FindIndex(Binaries, b => b.Name == name);
                if (k < 0) return Drop(result, $"bind_tensor(): no fast version of {name}");
                var b = Binaries[k];
                b.Tt = b.TensorOp is null ? -1 : OpTable.Id(b.TensorOp);
                b.Ts = OpTable.Id(b.IntOp);
                b.TsF = OpTable.Id(b.FloatOp);
                b.Fallback = CPython.NewRef(CPython.PyTuple_GetItem(fallbacks, i)); // kept for good
                nint def = FastModule.Alloc(FastModule.MethodDefSize);
                FastModule.WriteMethodDef(def, name, entries[k], CPython.MethFastCall,
                    $"{name}($self, other, /)\n--\n\nTensor.{name} in the engine's extension (Python version: bridge._fast.python_version).");
                nint descr = CPython.PyDescr_NewMethod(type, def);
                if (descr == 0) return Drop(result);
                CPython.PyTuple_SetItem(result, i, descr);
            }

            nint delDef = FastModule.Alloc(FastModule.MethodDefSize);
            FastModule.WriteMethodDef(delDef, "__del__", (nint)(delegate* unmanaged<nint, nint, nint>)&Del, CPython.MethNoArgs,
                "__del__($self, /)\n--\n\nQueues the engine handle for release (freed 256 at a time, large tensors at once).");
            nint delDescr = CPython.PyDescr_NewMethod(type, delDef);
            if (delDescr == 0) return Drop(result);
            CPython.PyTuple_SetItem(result, (nint)count, delDescr);

            nint grad = args[6];
            _gradGet = CPython.PyObject_GetAttrString(grad, (byte*)FastModule.Utf8("fget"));
            _gradSet = CPython.PyObject_GetAttrString(grad, (byte*)FastModule.Utf8("__set__"));
            _gradDelete = CPython.PyObject_GetAttrString(grad, (byte*)FastModule.Utf8("__delete__"));
            if (_gradGet == 0 || _gradSet == 0 || _gradDelete == 0) return Drop(result);
            _gradOp = OpTable.Id("grad");
            // PyGetSetDef: name, get, set, doc, closure.
            nint getset = FastModule.Alloc(40);
            ((nint*)getset)[0] = FastModule.Utf8("grad");
            ((nint*)getset)[1] = (nint)(delegate* unmanaged<nint, nint, nint>)&GradGet;
            ((nint*)getset)[2] = (nint)(delegate* unmanaged<nint, nint, nint, int>)&GradSet;
            ((nint*)getset)[3] = FastModule.Utf8("The accumulated gradient, or None.");
            nint gradDescr = CPython.PyDescr_NewGetSet(type, getset);
            if (gradDescr == 0) return Drop(result);
            CPython.PyTuple_SetItem(result, (nint)(count + 1), gradDescr);

            Type = CPython.NewRef(type);
            return result;
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    static nint Drop(nint o, string? message = null)
    {
        CPython.Py_DecRef(o);
        return message is null ? 0 : FastModule.Fail(CPython.RuntimeError, message);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsTensorType(nint type) => type == Type || (Type != 0 && CPython.PyType_IsSubtype(type, Type) != 0);

    /// <summary>A tensor's engine handle (its <c>_h</c> slot); false, with no Python error, when unset or not an int.</summary>
    internal static bool TryHandle(nint tensor, out long handle)
    {
        handle = 0;
        nint h = *(nint*)(tensor + _offH);
        if (h == 0 || CPython.TypeOf(h) != CPython.LongType) return false;
        return CPython.ExactLong(h, out handle);
    }

    /// <summary>A new Tensor owning <paramref name="handle"/> (_core.wrap); on failure the handle is freed.</summary>
    internal static nint Wrap(long handle)
    {
        nint o = CPython.PyType_GenericAlloc(Type, 0); // what object.__new__(Tensor) does: zeroed, GC-tracked
        if (o == 0)
        {
            Engine.ReleaseQuietly(handle);
            return 0;
        }
        nint h = CPython.PyLong_FromLongLong(handle);
        if (h == 0)
        {
            Engine.ReleaseQuietly(handle);
            CPython.Py_DecRef(o);
            return 0;
        }
        *(nint*)(o + _offH) = h;
        *(nint*)(o + _offMeta) = CPython.NewRef(CPython.None);
        return o;
    }

    internal static nint Call(int k, nint self, nint* args, nint nargs)
    {
        try
        {
            var b = Binaries[k];
            if (nargs != 1 || !TryHandle(self, out long a)) return Fallback(b, self, args, nargs);
            nint other = args[0];
            nint type = CPython.TypeOf(other);
            Value* v = stackalloc Value[2];
            v[0] = new Value { Kind = ValueKind.Tensor, I = a };
            int op;
            if (type == CPython.FloatType)
            {
                op = b.TsF;
                v[1] = Value.Float(CPython.FloatValue(other));
            }
            else if (type == CPython.LongType)
            {
                double d;
                if (CPython.ExactLong(other, out long i)) d = i; // rounds to nearest even, as PyLong_AsDouble does
                else
                {
                    d = CPython.PyLong_AsDouble(other);
                    if (d == -1.0 && CPython.PyErr_Occurred() != 0)
                    {
                        CPython.PyErr_Clear(); // too big for a double: the Python version says so its own way
                        return Fallback(b, self, args, nargs);
                    }
                }
                op = b.Ts;
                v[1] = Value.Float(d);
            }
            else if (b.Tt >= 0 && IsTensorType(type) && TryHandle(other, out long h))
            {
                op = b.Tt;
                v[1] = new Value { Kind = ValueKind.Tensor, I = h };
            }
            else return Fallback(b, self, args, nargs); // bool scalars too: bool op bool stays bool (the Python version)

            bool small = Engine.IsSmall(a) && (v[1].Kind != ValueKind.Tensor || Engine.IsSmall(v[1].I));
            if (!Engine.Run(op, new ReadOnlySpan<Value>(v, 2), out Value r, out int status, keepGil: small))
                return FastModule.RaiseStatus(status);
            if (b.InPlace) return CPython.NewRef(self);
            if (r.Kind == ValueKind.Tensor) return Wrap(r.I);
            return FastModule.Fail(CPython.RuntimeError, $"bridge: {b.Name} returned a {r.Kind.ToString().ToLowerInvariant()}");
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    /// <summary>The Python version of the operator: fallback(self, *args).</summary>
    static nint Fallback(Binary b, nint self, nint* args, nint nargs)
    {
        if (nargs > 3) return FastModule.Fail(CPython.TypeError, $"{b.Name}() takes one argument");
        nint* all = stackalloc nint[4];
        all[0] = self;
        for (int i = 0; i < nargs; i++) all[i + 1] = args[i];
        return CPython.PyObject_Vectorcall(b.Fallback, all, (nuint)(nargs + 1), 0);
    }

    /// <summary>
    /// Tensor.__del__: the handle joins the batch of dead handles (<see cref="DeadHandles"/>), or is freed at once
    /// when it holds a large storage or a graph (bit 62), as the Python version does. When a free was the last
    /// user of foreign memory (from_numpy, DLPack), bridge._core.drain_released runs the queued releases. Never raises.
    /// </summary>
    [UnmanagedCallersOnly]
    static nint Del(nint self, nint unused)
    {
        Release(self);
        return CPython.ReturnNone();
    }

    /// <summary>What <see cref="Del"/> does.</summary>
    internal static void Release(nint self)
    {
        try
        {
            if (!TryHandle(self, out long handle) || handle == 0) return;
            if ((handle & HandleTable.LargeBit) != 0) Engine.ReleaseQuietly(handle);
            else DeadHandles.Add(handle);
            if (MemoryExports.ReleasesPending)
            {
                // A finalizer leaves the exception being raised, if any, as it found it (the C-level tp_finalize
                // of FastSlots has no slot_tp_finalize around it to do so).
                nint type, value, traceback;
                CPython.PyErr_Fetch(&type, &value, &traceback);
                nint r = CPython.PyObject_Vectorcall(FastCall.Drain, null, 0, 0);
                if (r == 0) CPython.PyErr_Clear(); // a finalizer must not raise
                else CPython.Py_DecRef(r);
                CPython.PyErr_Restore(type, value, traceback);
            }
        }
        catch (Exception) { /* a finalizer must not raise */ }
    }

    [UnmanagedCallersOnly]
    static nint GradGet(nint self, nint closure)
    {
        try
        {
            if (!TryHandle(self, out long a)) return CPython.PyObject_Vectorcall(_gradGet, &self, 1, 0);
            Value v = new() { Kind = ValueKind.Tensor, I = a };
            if (!Engine.Run(_gradOp, new ReadOnlySpan<Value>(&v, 1), out Value r, out int status, keepGil: true)) // a field read
                return FastModule.RaiseStatus(status);
            return r.Kind == ValueKind.Tensor ? Wrap(r.I) : CPython.ReturnNone();
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    [UnmanagedCallersOnly]
    static int GradSet(nint self, nint value, nint closure)
    {
        try
        {
            nint* args = stackalloc nint[2];
            args[0] = self;
            args[1] = value;
            nint r = value == 0 ? CPython.PyObject_Vectorcall(_gradDelete, args, 1, 0)
                                : CPython.PyObject_Vectorcall(_gradSet, args, 2, 0);
            if (r == 0) return -1;
            CPython.Py_DecRef(r);
            return 0;
        }
        catch (Exception e)
        {
            FastModule.Fail(e);
            return -1;
        }
    }
}
