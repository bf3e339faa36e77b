using System.Runtime.CompilerServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Advanced indexing on strided memory. A selection is described by index lists over some dims of a tensor
/// (<c>advDims</c>, one list per dim, all of one length B, already wrapped and bounds-checked by the Tensor
/// layer) and the remaining dims in order (the "rest", R positions). Element (b, r) of the selection lives at
/// offset + Σ_k idx[k][b]·stride[advDims[k]] + restOffset[r]. Values travel as a contiguous [B, R] block. Offsets and
/// counts are 64-bit: any of the tensors may pass 2^31 elements (only B is bounded, by the lists' arrays).
/// </summary>
internal static class IndexKernels
{
    /// <summary>result[b, r] = src[selection(b, r)]; <paramref name="result"/> is contiguous with B·R elements of src's dtype.</summary>
    public static void Gather(Tensor src, int[] advDims, long[][] idx, long count, Tensor result)
    {
        switch (src.DType.ElementSize())
        {
            case 1: Gather<byte>(src, advDims, idx, count, result); break;
            case 2: Gather<short>(src, advDims, idx, count, result); break;
            case 4: Gather<int>(src, advDims, idx, count, result); break;
            default: Gather<long>(src, advDims, idx, count, result); break;
        }
    }

    /// <summary>dst[selection(b, r)] = values[b, r] (or += with <paramref name="accumulate"/>, in order, so repeats add up).</summary>
    public static void Put(Tensor dst, int[] advDims, long[][] idx, long count, Tensor values, bool accumulate)
    {
        if (!accumulate)
        {
            switch (dst.DType.ElementSize())
            {
                case 1: Put<byte, Assign<byte>>(dst, advDims, idx, count, values); break;
                case 2: Put<short, Assign<short>>(dst, advDims, idx, count, values); break;
                case 4: Put<int, Assign<int>>(dst, advDims, idx, count, values); break;
                default: Put<long, Assign<long>>(dst, advDims, idx, count, values); break;
            }
            return;
        }
        switch (dst.DType)
        {
            case DType.Float32: Put<float, Add<float>>(dst, advDims, idx, count, values); break;
            case DType.Float64: Put<double, Add<double>>(dst, advDims, idx, count, values); break;
            case DType.Int64: Put<long, Add<long>>(dst, advDims, idx, count, values); break;
            case DType.Int32: Put<int, Add<int>>(dst, advDims, idx, count, values); break;
            case DType.Int16: Put<short, Add<short>>(dst, advDims, idx, count, values); break;
            case DType.Int8: Put<sbyte, Add<sbyte>>(dst, advDims, idx, count, values); break;
            case DType.UInt8: Put<byte, Add<byte>>(dst, advDims, idx, count, values); break;
            // Each half add rounds, as torch's c10::Half += does.
            case DType.Float16: Put<Half, Add<Half>>(dst, advDims, idx, count, values); break;
            case DType.BFloat16: Put<BFloat16, AddBFloat16>(dst, advDims, idx, count, values); break;
            default: Put<byte, Or>(dst, advDims, idx, count, values); break;
        }
    }

    interface IStore<T> where T : unmanaged
    {
        static abstract void Store(ref T target, T value);
    }

    readonly struct Assign<T> : IStore<T> where T : unmanaged
    {
        public static void Store(ref T target, T value) => target = value;
    }

    readonly struct AddBFloat16 : IStore<BFloat16>
    {
        public static void Store(ref BFloat16 target, BFloat16 value) => target = (BFloat16)((float)target + value);
    }

    readonly struct Add<T> : IStore<T> where T : unmanaged, System.Numerics.IAdditionOperators<T, T, T>
    {
        public static void Store(ref T target, T value) => target += value;
    }

    readonly struct Or : IStore<byte>
    {
        public static void Store(ref byte target, byte value) => target = (byte)(target | value);
    }

    static void Gather<T>(Tensor src, int[] advDims, long[][] idx, long count, Tensor result) where T : unmanaged
    {
        var rest = new Rest(src, advDims);
        var strides = AdvStrides(src, advDims);
        ref T ps = ref src.Ref<T>(0);
        ref T po = ref result.Ref<T>(result.StorageOffset);
        long o = 0;
        for (long b = 0; b < count; b++)
        {
            long origin = src.StorageOffset;
            for (int k = 0; k < strides.Length; k++) origin += idx[k][b] * strides[k];
            for (long outer = 0; outer < rest.Outer; outer++)
            {
                long at = origin + rest.OuterOffset(outer);
                foreach (long r in rest.Inner) Unsafe.Add(ref po, (nint)o++) = Unsafe.Add(ref ps, (nint)(at + r));
            }
        }
    }

    static void Put<T, TStore>(Tensor dst, int[] advDims, long[][] idx, long count, Tensor values) where T : unmanaged where TStore : IStore<T>
    {
        var rest = new Rest(dst, advDims);
        var strides = AdvStrides(dst, advDims);
        ref T pd = ref dst.Ref<T>(0);
        ref T pv = ref values.Ref<T>(values.StorageOffset);
        long o = 0;
        for (long b = 0; b < count; b++)
        {
            long origin = dst.StorageOffset;
            for (int k = 0; k < strides.Length; k++) origin += idx[k][b] * strides[k];
            for (long outer = 0; outer < rest.Outer; outer++)
            {
                long at = origin + rest.OuterOffset(outer);
                foreach (long r in rest.Inner) TStore.Store(ref Unsafe.Add(ref pd, (nint)(at + r)), Unsafe.Add(ref pv, (nint)o++));
            }
        }
    }

    static long[] AdvStrides(Tensor t, int[] advDims) => advDims.Select(d => t.Strides64[d]).ToArray();

    /// <summary>
    /// The positions of the non-indexed dims, in row-major order, as offsets in 64 bits: the trailing dims whose
    /// positions number at most <see cref="InnerLimit"/> as a table (<see cref="Inner"/>), the dims before them
    /// counted out per position (<see cref="OuterOffset"/>), so no table grows with a tensor past 2^31 elements.
    /// </summary>
    readonly struct Rest
    {
        const long InnerLimit = 1 << 16;
        public readonly long[] Inner;
        public readonly long Outer;
        readonly long[] _outerSizes, _outerStrides;

        public Rest(Tensor t, int[] advDims)
        {
            var dims = Enumerable.Range(0, t.Dim()).Where(d => !advDims.Contains(d)).ToArray();
            int split = dims.Length;
            long inner = 1;
            while (split > 0 && inner * t.Shape64[dims[split - 1]] <= InnerLimit) inner *= t.Shape64[dims[--split]];
            _outerSizes = dims[..split].Select(d => t.Shape64[d]).ToArray();
            _outerStrides = dims[..split].Select(d => t.Strides64[d]).ToArray();
            Outer = ShapeMath.Numel(_outerSizes);
            Inner = Table(dims[split..].Select(d => t.Shape64[d]).ToArray(), dims[split..].Select(d => t.Strides64[d]).ToArray());
        }

        /// <summary>The offset of outer position <paramref name="outer"/> (row-major over the outer dims).</summary>
        public long OuterOffset(long outer)
        {
            long at = 0;
            for (int j = _outerSizes.Length - 1; j >= 0 && outer > 0; j--)
            {
                at += outer % _outerSizes[j] * _outerStrides[j];
                outer /= _outerSizes[j];
            }
            return at;
        }

        static long[] Table(long[] sizes, long[] strides)
        {
            var offsets = new long[ShapeMath.Numel(sizes)];
            if (offsets.Length == 0) return offsets;
            var counter = new long[sizes.Length];
            long at = 0;
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = at;
                for (int j = sizes.Length - 1; j >= 0; j--)
                {
                    at += strides[j];
                    if (++counter[j] < sizes[j]) break;
                    at -= strides[j] * sizes[j];
                    counter[j] = 0;
                }
            }
            return offsets;
        }
    }

    /// <summary>Row-major indices of the nonzero elements: an [n, dim] block of int64.</summary>
    public static long[] Nonzero(Tensor t, out int count)
    {
        var values = t.To(DType.Bool).Contiguous().ContiguousSpan<bool>();
        int dims = t.Dim();
        int n = 0;
        foreach (bool v in values) if (v) n++;
        var result = new long[(long)n * dims];
        var counter = new long[dims];
        int o = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                counter.CopyTo(result, o);
                o += dims;
            }
            for (int j = dims - 1; j >= 0; j--)
            {
                if (++counter[j] < t.ShapeArray[j]) break;
                counter[j] = 0;
            }
        }
        count = n;
        return result;
    }
}
