using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The generic loops behind every elementwise op: one driver per arity, specialised by the JIT per
/// element type and operator struct. Inputs are read through (broadcast) strides; the output may be a
/// strided view too (in-place ops on views). Validation happens in the Tensor layer, never here.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>result = TOp(a, b) with a and b broadcast to result's shape.</summary>
    public static void Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator
    {
        switch (result.DType)
        {
            case DType.Float32: Binary<float, TOp>(a, b, result); break;
            case DType.Float64: Binary<double, TOp>(a, b, result); break;
            case DType.Int64: Binary<long, TOp>(a, b, result); break;
            case DType.Int32: Binary<int, TOp>(a, b, result); break;
            case DType.Int16: Binary<short, TOp>(a, b, result); break;
            case DType.Int8: Binary<sbyte, TOp>(a, b, result); break;
            case DType.UInt8: Binary<byte, TOp>(a, b, result); break;
            case DType.Float16 or DType.BFloat16:
                var wide = HalfWidening.WideResult(result);
                Binary<float, TOp>(HalfWidening.Widen(a), HalfWidening.Widen(b), wide);
                HalfWidening.Narrow(wide, result);
                break;
            default: throw HalfWidening.NotImplemented(TOp.Name, result.DType);
        }
    }

    /// <summary>Elements below which a memory-bound op stays on one thread: handing out a chunk costs a few µs.</summary>
    const int ParallelElements = 1 << 17;

    /// <summary>The same for transcendental functions, which spend ~10x more time per element.</summary>
    const int ParallelTranscendental = 1 << 14;

    static unsafe void Binary<T, TOp>(Tensor a, Tensor b, Tensor result) where T : unmanaged, INumber<T> where TOp : IBinaryOperator
    {
        int[] shape = result.ShapeArray;
        // Same shape and same dense layout (contiguous, or e.g. all transposed alike): one flat pass over memory.
        if (SameDenseLayout(a, result) && SameDenseLayout(b, result))
        {
            BinaryFlat<T, TOp>(ref a.Ref<T>(a.StorageOffset), ref b.Ref<T>(b.StorageOffset), ref result.Ref<T>(result.StorageOffset), result.Numel32);
            return;
        }
        var sa = ShapeMath.BroadcastStrides(a.ShapeArray, a.StridesArray, shape);
        var sb = ShapeMath.BroadcastStrides(b.ShapeArray, b.StridesArray, shape);
        var cursor = new RowCursor(shape, result.StridesArray, result.Offset32, sa, a.Offset32, sb, b.Offset32);
        ref T pa = ref a.Ref<T>(0), pb = ref b.Ref<T>(0), po = ref result.Ref<T>(0);
        // Broadcast rows into a large output of its own (m + row) stream it too, row by row where aligned.
        bool stream = (long)result.Numel() * Unsafe.SizeOf<T>() >= StreamBytes
            && !ReferenceEquals(result.Storage, a.Storage) && !ReferenceEquals(result.Storage, b.Storage);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            if (cursor.Step0 == 1 && cursor.Step1 == 1 && cursor.Step2 == 1)
            {
                ref T row = ref Unsafe.Add(ref po, cursor.Offset0);
                BinarySpan<T, TOp>(
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref pa, cursor.Offset1), cursor.RowLength),
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref pb, cursor.Offset2), cursor.RowLength),
                    MemoryMarshal.CreateSpan(ref row, cursor.RowLength),
                    stream && ((nint)Unsafe.AsPointer(ref row) & 63) == 0);
                continue;
            }
            if (cursor.Step0 == 1 && cursor.Step1 == 1 && cursor.Step2 == 0)
            {
                // A row against a broadcast scalar (x + 2, rows times a column): splat it and stay vectorised.
                BinaryScalarSpan<T, TOp>(
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref pa, cursor.Offset1), cursor.RowLength),
                    Unsafe.Add(ref pb, cursor.Offset2),
                    MemoryMarshal.CreateSpan(ref Unsafe.Add(ref po, cursor.Offset0), cursor.RowLength));
                continue;
            }
            int oo = cursor.Offset0, oa = cursor.Offset1, ob = cursor.Offset2;
            for (int i = 0; i < cursor.RowLength; i++, oo += cursor.Step0, oa += cursor.Step1, ob += cursor.Step2)
                Unsafe.Add(ref po, oo) = TOp.Invoke(Unsafe.Add(ref pa, oa), Unsafe.Add(ref pb, ob));
        }
    }

    /// <summary>True when <paramref name="x"/> has <paramref name="like"/>'s shape and strides and those strides cover its elements exactly once.</summary>
    static bool SameDenseLayout(Tensor x, Tensor like) =>
        x.ShapeArray.AsSpan().SequenceEqual(like.ShapeArray) && x.StridesArray.AsSpan().SequenceEqual(like.StridesArray)
        && (like.IsContiguous() || ShapeMath.IsDense(like.ShapeArray, like.StridesArray));

    /// <summary>Outputs at least this large are written with non-temporal stores when they overlap neither input.</summary>
    const long StreamBytes = 8L << 20;

    static unsafe void BinaryFlat<T, TOp>(ref T a, ref T b, ref T result, int n) where T : unmanaged, INumber<T> where TOp : IBinaryOperator
    {
        nint pa = (nint)Unsafe.AsPointer(ref a), pb = (nint)Unsafe.AsPointer(ref b), pr = (nint)Unsafe.AsPointer(ref result);
        // An output far bigger than the caches, apart from both inputs (out= and new results, not in place), is
        // written with streaming stores: without them each line is first read in for ownership, so the op
        // moves four streams of memory instead of three.
        long bytes = (long)n * sizeof(T);
        bool stream = bytes >= StreamBytes && (pr & 63) == 0 && Apart(pr, pa, bytes) && Apart(pr, pb, bytes);
        if (n < ParallelElements || CpuThreads.Count == 1)
        {
            BinarySpan<T, TOp>(MemoryMarshal.CreateReadOnlySpan(ref a, n), MemoryMarshal.CreateReadOnlySpan(ref b, n), MemoryMarshal.CreateSpan(ref result, n), stream);
            return;
        }
        int threads = CpuThreads.Count, chunk = ((n + threads - 1) / threads + 15) & ~15;
        CpuThreads.For(threads, t =>
        {
            int start = t * chunk, count = Math.Min(n - start, chunk);
            if (count > 0)
                BinarySpan<T, TOp>(new ReadOnlySpan<T>((T*)pa + start, count), new ReadOnlySpan<T>((T*)pb + start, count), new Span<T>((T*)pr + start, count), stream);
        });
    }

    static bool Apart(nint x, nint y, long bytes) => x + bytes <= y || y + bytes <= x;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static unsafe void BinarySpan<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> result, bool stream = false) where T : unmanaged, INumber<T> where TOp : IBinaryOperator
    {
        int i = 0;
        if (stream && TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            // Chunks start on 16-element boundaries of a 64-byte aligned block, so every store here is aligned.
            ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b);
            T* po = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(result));
            int w = Vector512<T>.Count;
            for (; i <= result.Length - 2 * w; i += 2 * w)
            {
                var x0 = TOp.Invoke(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i));
                var x1 = TOp.Invoke(Vector512.LoadUnsafe(ref ra, (nuint)(i + w)), Vector512.LoadUnsafe(ref rb, (nuint)(i + w)));
                x0.StoreAlignedNonTemporal(po + i);
                x1.StoreAlignedNonTemporal(po + i + w);
            }
            // Streaming stores are weakly ordered: make them visible before the op returns (or the chunk joins).
            System.Runtime.Intrinsics.X86.Sse.StoreFence();
        }
        if (TOp.Vectorizable && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && result.Length - i >= 2 * Vector512<T>.Count)
        {
            // Two vectors per iteration keep enough loads in flight for one thread to reach memory bandwidth.
            ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), ro = ref MemoryMarshal.GetReference(result);
            int w = Vector512<T>.Count;
            for (; i <= result.Length - 2 * w; i += 2 * w)
            {
                var x0 = TOp.Invoke(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i));
                var x1 = TOp.Invoke(Vector512.LoadUnsafe(ref ra, (nuint)(i + w)), Vector512.LoadUnsafe(ref rb, (nuint)(i + w)));
                x0.StoreUnsafe(ref ro, (nuint)i);
                x1.StoreUnsafe(ref ro, (nuint)(i + w));
            }
        }
        if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            ref T ra = ref MemoryMarshal.GetReference(a), rb = ref MemoryMarshal.GetReference(b), ro = ref MemoryMarshal.GetReference(result);
            for (; i <= result.Length - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ro, (nuint)i);
        }
        for (; i < result.Length; i++) result[i] = TOp.Invoke(a[i], b[i]);
    }

    static void BinaryScalarSpan<T, TOp>(ReadOnlySpan<T> a, T b, Span<T> result) where T : unmanaged, INumber<T> where TOp : IBinaryOperator
    {
        int i = 0;
        if (TOp.Vectorizable && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            ref T ra = ref MemoryMarshal.GetReference(a), ro = ref MemoryMarshal.GetReference(result);
            var vb = Vector256.Create(b);
            for (; i <= result.Length - Vector256<T>.Count; i += Vector256<T>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref ra, (nuint)i), vb).StoreUnsafe(ref ro, (nuint)i);
        }
        for (; i < result.Length; i++) result[i] = TOp.Invoke(a[i], b);
    }

    /// <summary>x = fma(y, (T)alpha, x) for contiguous same-shape x and y: one rounding, as torch 1.13's add kernel with alpha (vec::fmadd, and GCC's FMA in its scalar tail).</summary>
    public static void AddScaled(Tensor x, Tensor y, double alpha)
    {
        if (x.DType == DType.Float32) AddScaled(x.ContiguousSpan<float>(), y.ContiguousSpan<float>(), (float)alpha);
        else AddScaled(x.ContiguousSpan<double>(), y.ContiguousSpan<double>(), alpha);
    }

    static void AddScaled<T>(Span<T> x, ReadOnlySpan<T> y, T alpha) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref T rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y);
            var va = Vector256.Create(alpha);
            for (; i <= x.Length - Vector256<T>.Count; i += Vector256<T>.Count)
                VectorFma.Fma(Vector256.LoadUnsafe(ref ry, (nuint)i), va, Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rx, (nuint)i);
        }
        for (; i < x.Length; i++) x[i] = T.FusedMultiplyAdd(y[i], alpha, x[i]);
    }

    /// <summary>result = TOp(a, b) as bool, a and b broadcast to result's shape (same dtype).</summary>
    public static void Compare<TOp>(Tensor a, Tensor b, Tensor result) where TOp : ICompareOperator
    {
        switch (a.DType)
        {
            case DType.Float32: Compare<float, TOp>(a, b, result); break;
            case DType.Float64: Compare<double, TOp>(a, b, result); break;
            case DType.Int64: Compare<long, TOp>(a, b, result); break;
            case DType.Bool: Compare<byte, TOp>(a, b, result); break;
            case DType.Int32: Compare<int, TOp>(a, b, result); break;
            case DType.Int16: Compare<short, TOp>(a, b, result); break;
            case DType.Int8: Compare<sbyte, TOp>(a, b, result); break;
            case DType.UInt8: Compare<byte, TOp>(a, b, result); break;
            case DType.Float16 or DType.BFloat16: Compare<float, TOp>(HalfWidening.Widen(a), HalfWidening.Widen(b), result); break;
            default: throw HalfWidening.NotImplemented(TOp.Name, a.DType);
        }
    }

    static void Compare<T, TOp>(Tensor a, Tensor b, Tensor result) where T : unmanaged, INumber<T> where TOp : ICompareOperator
    {
        int[] shape = result.ShapeArray;
        var sa = ShapeMath.BroadcastStrides(a.ShapeArray, a.StridesArray, shape);
        var sb = ShapeMath.BroadcastStrides(b.ShapeArray, b.StridesArray, shape);
        var cursor = new RowCursor(shape, result.StridesArray, result.Offset32, sa, a.Offset32, sb, b.Offset32);
        ref T pa = ref a.Ref<T>(0), pb = ref b.Ref<T>(0);
        ref byte po = ref result.Ref<byte>(0);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int oo = cursor.Offset0, oa = cursor.Offset1, ob = cursor.Offset2;
            for (int i = 0; i < cursor.RowLength; i++, oo += cursor.Step0, oa += cursor.Step1, ob += cursor.Step2)
                Unsafe.Add(ref po, oo) = TOp.Invoke(Unsafe.Add(ref pa, oa), Unsafe.Add(ref pb, ob)) ? (byte)1 : (byte)0;
        }
    }

    /// <summary>result = TOp(x) for any numeric dtype.</summary>
    public static void Unary<TOp>(Tensor x, Tensor result) where TOp : IUnaryOperator
    {
        switch (x.DType)
        {
            case DType.Float32: Map<float, NumberFunction<float, TOp>>(x, result); break;
            case DType.Float64: Map<double, NumberFunction<double, TOp>>(x, result); break;
            case DType.Int64: Map<long, NumberFunction<long, TOp>>(x, result); break;
            case DType.Int32: Map<int, NumberFunction<int, TOp>>(x, result); break;
            case DType.Int16: Map<short, NumberFunction<short, TOp>>(x, result); break;
            case DType.Int8: Map<sbyte, NumberFunction<sbyte, TOp>>(x, result); break;
            case DType.UInt8: Map<byte, NumberFunction<byte, TOp>>(x, result); break;
            case DType.Float16 or DType.BFloat16:
                var wide = HalfWidening.WideResult(result);
                Map<float, NumberFunction<float, TOp>>(HalfWidening.Widen(x), wide);
                HalfWidening.Narrow(wide, result);
                break;
            default: throw HalfWidening.NotImplemented(TOp.Name, x.DType);
        }
    }

    /// <summary>result = TOp(x) for a floating-point dtype.</summary>
    public static void FloatUnary<TOp>(Tensor x, Tensor result) where TOp : IFloatUnaryOperator
    {
        switch (x.DType)
        {
            case DType.Float32: Map<float, FloatFunction<float, TOp>>(x, result); break;
            case DType.Float64: Map<double, FloatFunction<double, TOp>>(x, result); break;
            case DType.Float16 or DType.BFloat16:
                var wide = HalfWidening.WideResult(result);
                Map<float, FloatFunction<float, TOp>>(HalfWidening.Widen(x), wide);
                HalfWidening.Narrow(wide, result);
                break;
            default: throw HalfWidening.NotImplemented(TOp.Name, x.DType);
        }
    }

    /// <summary>An operator closed over one element type, so a single loop serves both operator kinds.</summary>
    internal interface IFunction<T>
    {
        static abstract T Invoke(T x);
        static abstract void Invoke(ReadOnlySpan<T> x, Span<T> result);
        static abstract bool Transcendental { get; }
        /// <summary>The span kernel splits threads itself, where torch's chunking decides its results (TorchMath).</summary>
        static virtual bool OwnsThreading => false;
        /// <summary>Strided rows go through the span kernel too, as torch's vml ops copy them into a buffer.</summary>
        static virtual bool MapsStridedRows => false;
    }

    readonly struct NumberFunction<T, TOp> : IFunction<T> where T : unmanaged, INumber<T> where TOp : IUnaryOperator
    {
        public static T Invoke(T x) => TOp.Invoke(x);
        public static bool Transcendental => false;

        public static void Invoke(ReadOnlySpan<T> x, Span<T> result)
        {
            if (TOp.TryInvoke(x, result)) return;
            for (int i = 0; i < x.Length; i++) result[i] = TOp.Invoke(x[i]);
        }
    }

    readonly struct FloatFunction<T, TOp> : IFunction<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : IFloatUnaryOperator
    {
        public static T Invoke(T x) => TOp.Invoke(x);
        public static bool Transcendental => TOp.Transcendental;
        public static bool OwnsThreading => TOp.TorchLoop != TorchMath.TorchLoop.None && TorchMath.TorchMathOps.Applies<T>(TOp.TorchDouble);
        public static bool MapsStridedRows => TOp.TorchLoop == TorchMath.TorchLoop.Vml && TorchMath.TorchMathOps.Applies<T>(TOp.TorchDouble);
        public static void Invoke(ReadOnlySpan<T> x, Span<T> result)
        {
            if (TOp.TryInvoke(x, result)) return;
            for (int i = 0; i < x.Length; i++) result[i] = TOp.Invoke(x[i]);
        }
    }

    static unsafe void Map<T, TFunction>(Tensor x, Tensor result) where T : unmanaged where TFunction : IFunction<T>
    {
        if (SameDenseLayout(x, result))
        {
            int n = result.Numel32;
            nint px0 = (nint)Unsafe.AsPointer(ref x.Ref<T>(x.StorageOffset)), po0 = (nint)Unsafe.AsPointer(ref result.Ref<T>(result.StorageOffset));
            int threads = TFunction.OwnsThreading || n < (TFunction.Transcendental ? ParallelTranscendental : ParallelElements) ? 1 : CpuThreads.Count;
            if (threads == 1)
            {
                TFunction.Invoke(new ReadOnlySpan<T>((T*)px0, n), new Span<T>((T*)po0, n));
                return;
            }
            int chunk = ((n + threads - 1) / threads + 15) & ~15;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) TFunction.Invoke(new ReadOnlySpan<T>((T*)px0 + start, count), new Span<T>((T*)po0 + start, count));
            });
            return;
        }
        var cursor = new RowCursor(result.ShapeArray, result.StridesArray, result.Offset32, x.StridesArray, x.Offset32);
        ref T px = ref x.Ref<T>(0), po = ref result.Ref<T>(0);
        if (TFunction.OwnsThreading)
        {
            // torch's loops: a dense input in another dim order runs in its memory order, other rows one at a time.
            if (TorchMath.TorchLayout.TryMapInMemoryOrder<T, TFunction>(x, result)) return;
            MapStridedRows<T, TFunction>(ref cursor, ref px, ref po, TFunction.MapsStridedRows);
            return;
        }
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int oo = cursor.Offset0, ox = cursor.Offset1;
            for (int i = 0; i < cursor.RowLength; i++, oo += cursor.Step0, ox += cursor.Step1)
                Unsafe.Add(ref po, oo) = TFunction.Invoke(Unsafe.Add(ref px, ox));
        }
    }

    /// <summary>
    /// Rows as torch's loops run them: a row with unit steps maps as a span; a strided row of a vml op is gathered into
    /// a buffer in pieces of 2048 elements, mapped and scattered back (ATen's IMPLEMENT_ITERATOR_LAMBDA); other ops'
    /// strided rows go element by element (basic_loop).
    /// </summary>
    static void MapStridedRows<T, TFunction>(ref RowCursor cursor, ref T px, ref T po, bool gather) where T : unmanaged where TFunction : IFunction<T>
    {
        const int Width = 2048;
        var input = new T[Math.Min(Width, cursor.RowLength)];
        var output = new T[input.Length];
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int oo = cursor.Offset0, ox = cursor.Offset1;
            if (cursor.Step0 == 1 && cursor.Step1 == 1)
            {
                TFunction.Invoke(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref px, ox), cursor.RowLength), MemoryMarshal.CreateSpan(ref Unsafe.Add(ref po, oo), cursor.RowLength));
                continue;
            }
            if (!gather)
            {
                for (int i = 0; i < cursor.RowLength; i++, oo += cursor.Step0, ox += cursor.Step1)
                    Unsafe.Add(ref po, oo) = TFunction.Invoke(Unsafe.Add(ref px, ox));
                continue;
            }
            for (int start = 0; start < cursor.RowLength; start += Width)
            {
                int width = Math.Min(Width, cursor.RowLength - start);
                for (int i = 0; i < width; i++, ox += cursor.Step1) input[i] = Unsafe.Add(ref px, ox);
                TFunction.Invoke(input.AsSpan(0, width), output.AsSpan(0, width));
                for (int i = 0; i < width; i++, oo += cursor.Step0) Unsafe.Add(ref po, oo) = output[i];
            }
        }
    }

    /// <summary>result = cond ? a : b, all three broadcast to result's shape; result has a's dtype.</summary>
    public static void Where(Tensor condition, Tensor a, Tensor b, Tensor result)
    {
        var c = condition.Expand(result.ShapeArray);
        var cursor = new RowCursor(result.ShapeArray, c.StridesArray, c.Offset32);
        var ea = a.Expand(result.ShapeArray);
        var eb = b.Expand(result.ShapeArray);
        // Select element by element through the dtype-neutral copy: a where c, b elsewhere.
        int size = result.DType.ElementSize();
        var ca = new RowCursor(result.ShapeArray, result.StridesArray, result.Offset32, ea.StridesArray, ea.Offset32, eb.StridesArray, eb.Offset32);
        unsafe
        {
            byte* pc = (byte*)c.Storage.Raw;
            byte* po = (byte*)result.Storage.Raw, pa = (byte*)a.Storage.Raw, pb = (byte*)b.Storage.Raw;
            for (int r = 0; r < cursor.Rows; r++, cursor.Next(), ca.Next())
            {
                int oc = cursor.Offset0, oo = ca.Offset0, oa = ca.Offset1, ob = ca.Offset2;
                for (int i = 0; i < cursor.RowLength; i++, oc += cursor.Step0, oo += ca.Step0, oa += ca.Step1, ob += ca.Step2)
                {
                    byte* src = pc[oc] != 0 ? pa + (long)oa * size : pb + (long)ob * size;
                    Buffer.MemoryCopy(src, po + (long)oo * size, size, size);
                }
            }
        }
    }
}
