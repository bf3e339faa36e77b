using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bridge;

// C# data into tensors without boxing: tensors that share a managed array or Memory<T> (pinned while the tensor
// lives), and typed copies from spans. The dtype follows the element type (float32, float64, int64, bool).
public static partial class Torch
{
    /// <summary>
    /// A CPU tensor over <paramref name="data"/> itself (torch.from_numpy's contract): no copy, writes show on both
    /// sides. The array stays pinned until the tensor's storage is disposed or collected. <paramref name="shape"/>
    /// defaults to one dimension of <c>data.Length</c>; its element count must equal the array's length.
    /// </summary>
    public static Tensor FromArray<T>(T[] data, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromMemory(new Memory<T>(data), shape);
    }

    /// <summary>
    /// A CPU tensor over <paramref name="memory"/> (an array slice, or memory from a <see cref="MemoryManager{T}"/>):
    /// no copy; the memory is pinned until the tensor's storage is disposed or collected.
    /// </summary>
    public static unsafe Tensor FromMemory<T>(Memory<T> memory, params int[] shape) where T : unmanaged
    {
        var dtype = ElementType<T>.DType;
        shape = ShapeFor(shape, memory.Length, nameof(FromMemory));
        var pin = memory.Pin();
        try
        {
            // An empty Memory pins nothing (null pointer): give the storage no memory at all.
            return FromBlob((IntPtr)pin.Pointer, shape, dtype, release: pin.Dispose);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> (dtype from the element type).</summary>
    public static Tensor From<T>(ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        var dtype = ElementType<T>.DType;
        shape = ShapeFor(shape, data.Length, nameof(From));
        var t = Bridge.Tensor.Allocate(shape, dtype, Device.Cpu, zero: false);
        data.CopyTo(t.ContiguousSpan<T>());
        return t;
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor From<T>(T[] data, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return From((ReadOnlySpan<T>)data, shape);
    }

    static int[] ShapeFor(int[]? shape, int length, string what)
    {
        if (shape is null || shape.Length == 0) return [length];
        long count = 1;
        foreach (int size in shape)
        {
            if (size < 0) throw new ArgumentException($"{what}: negative size {size} in shape {ShapeMath.FormatList(shape)}", nameof(shape));
            count *= size;
        }
        if (count != length)
            throw new ArgumentException($"{what}: shape {ShapeMath.FormatList(shape)} holds {count} elements but the data has {length}", nameof(shape));
        return (int[])shape.Clone();
    }

    /// <summary>The elements of a primitive array of any rank as a span (no boxing), or false for other arrays.</summary>
    static bool TryPrimitiveSpan<T>(Array data, out ReadOnlySpan<T> span) where T : unmanaged
    {
        if (data.GetType().GetElementType() != typeof(T))
        {
            span = default;
            return false;
        }
        span = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(data)), data.Length);
        return true;
    }
}

public static partial class Torch
{
    // Torch.Tensor(Array) without boxing each element: the common primitive arrays convert span to span.
    static bool TryCopyPrimitive(Array data, Tensor t)
    {
        switch (t.DType)
        {
            case DType.Float32 when TryPrimitiveSpan<float>(data, out var f):
                f.CopyTo(t.ContiguousSpan<float>());
                return true;
            case DType.Float32 when TryPrimitiveSpan<double>(data, out var d):
                Narrow(d, t.ContiguousSpan<float>());
                return true;
            case DType.Float64 when TryPrimitiveSpan<double>(data, out var d):
                d.CopyTo(t.ContiguousSpan<double>());
                return true;
            case DType.Float64 when TryPrimitiveSpan<float>(data, out var f):
                Widen(f, t.ContiguousSpan<double>());
                return true;
            case DType.Int64 when TryPrimitiveSpan<long>(data, out var l):
                l.CopyTo(t.ContiguousSpan<long>());
                return true;
            case DType.Int64 when TryPrimitiveSpan<int>(data, out var i):
                Widen(i, t.ContiguousSpan<long>());
                return true;
            case DType.Bool when TryPrimitiveSpan<bool>(data, out var b):
                b.CopyTo(t.ContiguousSpan<bool>());
                return true;
            default:
                return false;
        }
    }

    // Plain loops: the JIT vectorises neither a delegate call nor INumber conversions as well as these.
    static void Narrow(ReadOnlySpan<double> from, Span<float> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = (float)from[i];
    }

    static void Widen(ReadOnlySpan<float> from, Span<double> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
    }

    static void Widen(ReadOnlySpan<int> from, Span<long> to)
    {
        for (int i = 0; i < from.Length; i++) to[i] = from[i];
    }
}
