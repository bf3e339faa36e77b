using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bridge.Backends.Cpu;

namespace Bridge.Compile;

/// <summary>
/// Replay forms of the commonest small kernels, specialised once at trace time: element offsets and base addresses are
/// resolved then, so a replay is a bare loop. Each computes exactly what the eager kernel computes for that call: tiny
/// binary ops (fewer elements than one vector) run the eager kernel's scalar loop, <c>TOp.Invoke</c> per element in the
/// same operand order; dense unary ops call the same span entry (<c>TryInvoke</c>, else <c>Invoke</c> per element) as
/// the eager kernel's single-threaded path; same-dtype copies move bytes. Anything else returns null (the recorded
/// call then replays the eager kernel itself). The buffers stay at their addresses: the trace keeps them alive.
/// </summary>
internal static unsafe class ReplayKernels
{
    /// <summary>The eager unary kernels stay on one thread below this many elements (ElementwiseKernels.ParallelTranscendental).</summary>
    const int SingleThreaded = 1 << 14;

    /// <summary>A replay loop for result = TOp(a, b), or null.</summary>
    public static Action? Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator =>
        !Backends.Backend.OnHost(result) || a.DType != result.DType || b.DType != result.DType ? null
        : result.DType switch
        {
            DType.Float32 => Binary<float, TOp>(a, b, result),
            DType.Float64 => Binary<double, TOp>(a, b, result),
            _ => null,
        };

    static Action? Binary<T, TOp>(Tensor a, Tensor b, Tensor result) where T : unmanaged, INumber<T> where TOp : IBinaryOperator
    {
        int n = result.Numel32;
        // Below one vector the eager kernel's every path is the scalar loop.
        if (n == 0 || n >= Vector256<T>.Count) return null;
        var oo = Offsets(result, result);
        var oa = Offsets(a, result);
        var ob = Offsets(b, result);
        T* po = (T*)StepTrace.Address(result.Storage), pa = (T*)StepTrace.Address(a.Storage), pb = (T*)StepTrace.Address(b.Storage);
        if (n == 1)
        {
            T* o = po + oo[0], x = pa + oa[0], y = pb + ob[0];
            return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *o = TOp.Invoke(*x, *y);
        }
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () =>
        {
            for (int i = 0; i < oo.Length; i++) po[oo[i]] = TOp.Invoke(pa[oa[i]], pb[ob[i]]);
        };
    }

    /// <summary>A replay loop for result = TOp(x) over contiguous operands, or null.</summary>
    public static Action? Unary<TOp>(Tensor x, Tensor result) where TOp : IUnaryOperator
    {
        if (!Dense(x, result)) return null;
        int n = result.Numel32;
        return result.DType switch
        {
            DType.Float32 => Span<float>(x, result, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (s, r) => { if (!TOp.TryInvoke(s, r)) for (int i = 0; i < s.Length; i++) r[i] = TOp.Invoke(s[i]); }),
            DType.Float64 => Span<double>(x, result, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (s, r) => { if (!TOp.TryInvoke(s, r)) for (int i = 0; i < s.Length; i++) r[i] = TOp.Invoke(s[i]); }),
            _ => null,
        };
    }

    /// <summary>A replay loop for result = TOp(x) (floating point) over contiguous operands, or null.</summary>
    public static Action? FloatUnary<TOp>(Tensor x, Tensor result) where TOp : IFloatUnaryOperator
    {
        if (!Dense(x, result)) return null;
        int n = result.Numel32;
        return result.DType switch
        {
            DType.Float32 => Span<float>(x, result, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (s, r) => { if (!TOp.TryInvoke(s, r)) for (int i = 0; i < s.Length; i++) r[i] = TOp.Invoke(s[i]); }),
            DType.Float64 => Span<double>(x, result, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (s, r) => { if (!TOp.TryInvoke(s, r)) for (int i = 0; i < s.Length; i++) r[i] = TOp.Invoke(s[i]); }),
            _ => null,
        };
    }

    delegate void SpanMap<T>(ReadOnlySpan<T> x, Span<T> result);

    static Action Span<T>(Tensor x, Tensor result, int n, SpanMap<T> map) where T : unmanaged
    {
        T* px = (T*)StepTrace.Address(x.Storage) + x.StorageOffset, po = (T*)StepTrace.Address(result.Storage) + result.StorageOffset;
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => map(new ReadOnlySpan<T>(px, n), new Span<T>(po, n));
    }

    // Both contiguous, one shape and dtype, on the host, small enough that the eager kernel stays on one thread.
    static bool Dense(Tensor x, Tensor result) =>
        Backends.Backend.OnHost(result) && x.DType == result.DType && result.Numel() is > 0 and < SingleThreaded
        && x.IsContiguous() && result.IsContiguous() && x.ShapeArray.AsSpan().SequenceEqual(result.ShapeArray);

    static bool BytesCopyable(Tensor src, Tensor dst) =>
        Backends.Backend.OnHost(src) && Backends.Backend.OnHost(dst) && src.DType == dst.DType && src.IsContiguous() && dst.IsContiguous()
        && src.ShapeArray.AsSpan().SequenceEqual(dst.ShapeArray) && !ReferenceEquals(src.Storage, dst.Storage);

    /// <summary>dst = src now, as bytes, when both are contiguous host tensors of one dtype and shape; false otherwise (nothing copied).</summary>
    public static bool TryCopyBytes(Tensor src, Tensor dst)
    {
        if (!BytesCopyable(src, dst)) return false;
        long bytes = (long)dst.Numel() * dst.DType.ElementSize();
        Buffer.MemoryCopy((byte*)StepTrace.Address(src.Storage) + (long)src.StorageOffset * src.DType.ElementSize(),
            (byte*)StepTrace.Address(dst.Storage) + (long)dst.StorageOffset * dst.DType.ElementSize(), bytes, bytes);
        return true;
    }

    /// <summary>A byte copy for dst = src when both are contiguous host tensors of one dtype and shape, or null.</summary>
    public static Action? Copy(Tensor src, Tensor dst)
    {
        if (!BytesCopyable(src, dst)) return null;
        long bytes = (long)dst.Numel() * dst.DType.ElementSize();
        byte* ps = (byte*)StepTrace.Address(src.Storage) + (long)src.StorageOffset * src.DType.ElementSize();
        byte* pd = (byte*)StepTrace.Address(dst.Storage) + (long)dst.StorageOffset * dst.DType.ElementSize();
        if (bytes == 4) return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *(int*)pd = *(int*)ps;
        if (bytes == 8) return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *(long*)pd = *(long*)ps;
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => Buffer.MemoryCopy(ps, pd, bytes, bytes);
    }

    /// <summary>A replay of CopyKernels.Write for float32/float64 (the same conversion: (float)value), or null.</summary>
    public static Action? Write(Tensor t, long offset, double value)
    {
        if (!Backends.Backend.OnHost(t)) return null;
        if (t.DType == DType.Float32)
        {
            float* p = (float*)StepTrace.Address(t.Storage) + offset;
            float v = (float)value;
            return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *p = v;
        }
        if (t.DType == DType.Float64)
        {
            double* p = (double*)StepTrace.Address(t.Storage) + offset;
            return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *p = value;
        }
        return null;
    }

    /// <summary>A replay of CopyKernels.Fill's contiguous float32/float64 path (span fill with (float)value), or null.</summary>
    public static Action? Fill(Tensor t, double value)
    {
        if (!Backends.Backend.OnHost(t) || !t.IsContiguous()) return null;
        int n = t.Numel32;
        if (t.DType == DType.Float32)
        {
            float* p = (float*)StepTrace.Address(t.Storage) + t.StorageOffset;
            float v = (float)value;
            if (n == 1) return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *p = v;
            return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => new Span<float>(p, n).Fill(v);
        }
        if (t.DType == DType.Float64)
        {
            double* p = (double*)StepTrace.Address(t.Storage) + t.StorageOffset;
            if (n == 1) return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => *p = value;
            return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => new Span<double>(p, n).Fill(value);
        }
        return null;
    }

    /// <summary>
    /// A replay of Gemm.Multiply for float32/float64 host operands with their addresses and strides resolved now: the
    /// same raw entry the eager call reaches (reference order below Gemm.ReferenceWork, packed kernel above), without
    /// re-reading shapes, strides and storages on every call; null for other dtypes and devices.
    /// </summary>
    public static Action? Gemm(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        !Backends.Backend.OnHost(c) || a.DType != c.DType || b.DType != c.DType ? null
        : c.DType switch
        {
            DType.Float32 => Gemm<float>(a, b, c, accumulate),
            DType.Float64 => Gemm<double>(a, b, c, accumulate),
            _ => null,
        };

    static Action? Gemm<T>(Tensor a, Tensor b, Tensor c, bool accumulate) where T : unmanaged, INumber<T>
    {
        int m = c.ShapeArray[0], n = c.ShapeArray[1], k = a.ShapeArray[1];
        if (m == 0 || n == 0 || k == 0) return null; // the eager call's own early exits
        T* pa = (T*)StepTrace.Address(a.Storage) + a.StorageOffset;
        T* pb = (T*)StepTrace.Address(b.Storage) + b.StorageOffset;
        T* pc = (T*)StepTrace.Address(c.Storage) + c.StorageOffset;
        nint ars = a.StridesArray[0], acs = a.StridesArray[1], brs = b.StridesArray[0], bcs = b.StridesArray[1];
        return [MethodImpl(MethodImplOptions.AggressiveOptimization)] () => Backends.Cpu.Gemm.Multiply(pa, ars, acs, pb, brs, bcs, pc, m, k, n, accumulate);
    }

    // The element offset, in t's storage, of each element of `like`'s shape (t broadcast to it), in row-major order.
    static int[] Offsets(Tensor t, Tensor like)
    {
        int[] shape = like.ShapeArray;
        int rank = shape.Length, n = like.Numel32;
        var strides = ShapeMath.BroadcastStrides(t.ShapeArray, t.StridesArray, shape);
        var offsets = new int[n];
        var index = new int[rank];
        for (int i = 0; i < n; i++)
        {
            int o = t.Offset32;
            for (int d = 0; d < rank; d++) o += index[d] * strides[d];
            offsets[i] = o;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return offsets;
    }
}
