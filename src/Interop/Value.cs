using System.Runtime.InteropServices;

namespace Bridge.Interop;

/// <summary>Kinds of <see cref="Value"/>; explicit numbers because they are part of the C ABI.</summary>
enum ValueKind
{
    None = 0,
    Tensor = 1,     // I: handle
    Int = 2,        // I
    Float = 3,      // D
    Bool = 4,       // I: 0 or 1
    IntList = 5,    // P: int64[Count]
    TensorList = 6, // P: handle[Count]
    String = 7,     // P: UTF-8 bytes[Count], not NUL-terminated
    Object = 8,     // I: handle of a non-tensor object (optimizer, module, shared tensor)
    Bytes = 9,      // P: bytes[Count]
    FloatList = 10, // P: double[Count]
}

/// <summary>
/// One argument or result of <c>bridge_call</c>: a tagged union of 32 bytes. Lists point at caller memory
/// (arguments) or at a thread-local buffer of this library (results, valid until the thread's next call).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
struct Value
{
    public ValueKind Kind;
    public int Reserved;
    public long I;
    public double D;
    public nint P;

    public long Count { readonly get => I; set => I = value; }

    public static Value None => default;
    public static Value Int(long v) => new() { Kind = ValueKind.Int, I = v };
    public static Value Float(double v) => new() { Kind = ValueKind.Float, D = v };
    public static Value Bool(bool v) => new() { Kind = ValueKind.Bool, I = v ? 1 : 0 };
    public static Value Of(Tensor? t) => t is null ? None : new() { Kind = ValueKind.Tensor, I = HandleTable.Add(t) };
    public static Value Object(object o) => new() { Kind = ValueKind.Object, I = HandleTable.Add(o) };
}
