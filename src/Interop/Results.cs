using System.Runtime.InteropServices;
using System.Text;

namespace Bridge.Interop;

/// <summary>
/// Thread-local native buffers that list, string and byte results point into: valid until the same thread's
/// next call, so callers copy what they keep and nothing needs freeing.
/// </summary>
static unsafe class Results
{
    [ThreadStatic] static byte* _buffer;
    [ThreadStatic] static long _capacity;

    static byte* Reserve(long bytes)
    {
        if (bytes > _capacity)
        {
            NativeMemory.Free(_buffer);
            long capacity = Math.Max(bytes, 256);
            _buffer = (byte*)NativeMemory.Alloc((nuint)capacity);
            _capacity = capacity;
        }
        return _buffer;
    }

    public static Value Tensors(params ReadOnlySpan<Tensor?> tensors)
    {
        var handles = (long*)Reserve(tensors.Length * sizeof(long));
        for (int i = 0; i < tensors.Length; i++) handles[i] = tensors[i] is Tensor t ? HandleTable.Add(t) : 0;
        return new Value { Kind = ValueKind.TensorList, P = (nint)handles, Count = tensors.Length };
    }

    public static Value String(string text)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        var p = Reserve(n + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(p, n));
        p[n] = 0;
        return new Value { Kind = ValueKind.String, P = (nint)p, Count = n };
    }

    public static Value Bytes(ReadOnlySpan<byte> bytes)
    {
        var p = Reserve(bytes.Length);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return new Value { Kind = ValueKind.Bytes, P = (nint)p, Count = bytes.Length };
    }

    public static Value Ints(ReadOnlySpan<int> values)
    {
        var p = (long*)Reserve(values.Length * sizeof(long));
        for (int i = 0; i < values.Length; i++) p[i] = values[i];
        return new Value { Kind = ValueKind.IntList, P = (nint)p, Count = values.Length };
    }
}
