namespace Bridge.Interop.PythonExtension;

/// <summary>
/// Tensor's number slots (<c>nb_add</c>, ...) and finalizer (<c>tp_finalize</c>) pointed straight at the extension.
/// A class whose <c>__add__</c> is a method descriptor gets CPython's generic <c>slot_nb_add</c>, which looks
/// <c>__add__</c> up and calls it for every <c>a + b</c>, and its <c>__del__</c> gets <c>slot_tp_finalize</c>, which
/// looks up and calls <c>__del__</c> for every tensor freed: together about a tenth of a 1-element add. Here each slot
/// does what the generic one does (the same operands tried in the same order, NotImplemented where it gives it)
/// and calls the operator's C entry directly.
/// <para>
/// Only the two fields every CPython 3.8-3.12 lays out alike are written: <c>tp_as_number</c> (offset 96) and
/// <c>tp_finalize</c> (offset 392), both checked first against two probe classes (one defining every operator
/// and <c>__del__</c> in Python, one defining none): the slot of the type must be what the first holds and the
/// second must hold nothing there. bridge/_fast.py patches bridge.Tensor and each subclass that overrides none
/// of a slot's methods; assigning an operator on the class later makes CPython recompute the slot, as always.
/// </para>
/// </summary>
static unsafe class FastSlots
{
    const int AsNumber = 96, Finalize = 392;

    // Offsets in PyNumberMethods (unchanged since 3.5).
    const int NbAdd = 0, NbSubtract = 8, NbMultiply = 16, NbPower = 40, NbInplaceAdd = 152, NbInplaceSubtract = 160,
        NbInplaceMultiply = 168, NbTrueDivide = 240, NbInplaceTrueDivide = 256;

    /// <summary>One patchable slot: where it is, its C function, and which Python methods it stands for.</summary>
    readonly record struct Slot(int Offset, nint Function, bool InNumber);

    // In bind_slots' mask order: the four binary pairs, power, the four in-place operators, the finalizer.
    static readonly Slot[] Slots =
    [
        new(NbAdd, (nint)(delegate* unmanaged<nint, nint, nint>)&Add, true),
        new(NbSubtract, (nint)(delegate* unmanaged<nint, nint, nint>)&Subtract, true),
        new(NbMultiply, (nint)(delegate* unmanaged<nint, nint, nint>)&Multiply, true),
        new(NbTrueDivide, (nint)(delegate* unmanaged<nint, nint, nint>)&TrueDivide, true),
        new(NbPower, (nint)(delegate* unmanaged<nint, nint, nint, nint>)&Power, true),
        new(NbInplaceAdd, (nint)(delegate* unmanaged<nint, nint, nint>)&InplaceAdd, true),
        new(NbInplaceSubtract, (nint)(delegate* unmanaged<nint, nint, nint>)&InplaceSubtract, true),
        new(NbInplaceMultiply, (nint)(delegate* unmanaged<nint, nint, nint>)&InplaceMultiply, true),
        new(NbInplaceTrueDivide, (nint)(delegate* unmanaged<nint, nint, nint>)&InplaceTrueDivide, true),
        new(Finalize, (nint)(delegate* unmanaged<nint, void>)&Finalizer, false),
    ];

    /// <summary>The address of slot <paramref name="s"/> in <paramref name="type"/> (0 when it has no number methods).</summary>
    static nint* Address(nint type, Slot s)
    {
        if (!s.InNumber) return (nint*)(type + s.Offset);
        nint numbers = *(nint*)(type + AsNumber);
        return numbers == 0 ? null : (nint*)(numbers + s.Offset);
    }

    static nint Read(nint type, Slot s)
    {
        nint* at = Address(type, s);
        return at is null ? 0 : *at;
    }

    /// <summary>
    /// bind_slots(type, reference, plain, mask): points the slots in <c>mask</c> (bit i: <see cref="Slots"/>[i]) of
    /// <c>type</c> at this class's functions, after checking each against the probe classes; returns the mask of
    /// the slots it patched (a slot that fails its check is left as CPython made it).
    /// </summary>
    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    internal static nint Bind(nint self, nint* args, nint nargs)
    {
        try
        {
            if (nargs != 4) return FastModule.Fail(CPython.TypeError, "bind_slots() takes 4 arguments");
            if (FastTensor.Type == 0) return FastModule.Fail(CPython.RuntimeError, "bind_slots() before bind_tensor()");
            nint type = args[0], reference = args[1], plain = args[2];
            if (!FastModule.Int(args[3], out long mask)) return 0;
            if (!FastTensor.IsTensorType(type)) return FastModule.Fail(CPython.TypeError, "bind_slots(): not a Tensor class");
            long done = 0;
            for (int i = 0; i < Slots.Length; i++)
            {
                if ((mask & (1L << i)) == 0) continue;
                var s = Slots[i];
                nint generic = Read(reference, s);
                nint* at = Address(type, s);
                if (generic == 0 || Read(plain, s) != 0 || at is null || (*at != generic && *at != s.Function)) continue;
                *at = s.Function;
                done |= 1L << i;
            }
            return CPython.PyLong_FromLongLong(done);
        }
        catch (Exception e) { return FastModule.Fail(e); }
    }

    // Operator indices in FastTensor's table (the order of bridge._fast.TENSOR_OPERATORS).
    const int OpAdd = 0, OpSub = 2, OpMul = 4, OpTrueDiv = 6, OpPow = 8, OpIAdd = 10, OpISub = 11, OpIMul = 12, OpIDiv = 13;

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint Add(nint a, nint b) => Binary(a, b, OpAdd, 0);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint Subtract(nint a, nint b) => Binary(a, b, OpSub, 1);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint Multiply(nint a, nint b) => Binary(a, b, OpMul, 2);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint TrueDivide(nint a, nint b) => Binary(a, b, OpTrueDiv, 3);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint Power(nint a, nint b, nint modulus)
    {
        if (modulus == CPython.None) return Binary(a, b, OpPow, 4);
        // Three-argument pow never tries __rpow__ (slot_nb_power): only a's own __pow__, if it is ours.
        if (Read(CPython.TypeOf(a), Slots[4]) != Slots[4].Function) return CPython.NewRef(CPython.NotImplemented);
        nint* rest = stackalloc nint[2];
        rest[0] = b;
        rest[1] = modulus;
        return FastTensor.Call(OpPow, a, rest, 2);
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint InplaceAdd(nint a, nint b) => FastTensor.Call(OpIAdd, a, &b, 1);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint InplaceSubtract(nint a, nint b) => FastTensor.Call(OpISub, a, &b, 1);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint InplaceMultiply(nint a, nint b) => FastTensor.Call(OpIMul, a, &b, 1);

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static nint InplaceTrueDivide(nint a, nint b) => FastTensor.Call(OpIDiv, a, &b, 1);

    /// <summary>tp_finalize: what Tensor.__del__ does, without looking it up and calling it.</summary>
    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    static void Finalizer(nint self) => FastTensor.Release(self);

    /// <summary>
    /// CPython's SLOT1BINFULL (the generic binary slot) for a type whose slot is this one: a's method when a's type
    /// has this slot, then b's reflected method when b's type (another one) has it. The overridden-reflected-method
    /// check of the generic slot never applies: types overriding either method keep the generic slot.
    /// </summary>
    static nint Binary(nint a, nint b, int forward, int slot)
    {
        var s = Slots[slot];
        nint typeA = CPython.TypeOf(a), typeB = CPython.TypeOf(b);
        bool reflected = typeA != typeB && Read(typeB, s) == s.Function;
        if (Read(typeA, s) == s.Function)
        {
            nint r = FastTensor.Call(forward, a, &b, 1);
            if (r != CPython.NotImplemented || typeA == typeB) return r;
            CPython.Py_DecRef(r);
        }
        return reflected ? FastTensor.Call(forward + 1, b, &a, 1) : CPython.NewRef(CPython.NotImplemented);
    }
}
