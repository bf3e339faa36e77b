using System.Runtime.CompilerServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Advanced indexing on strided memory. A selection is described by index lists over some dims of a tensor
/// (<c>advDims</c>, one list per dim, all of one length B, already wrapped and bounds-checked by the Tensor
/// layer) and the remaining dims in order (the "rest", R positions). Element (b, r) of the selection lives at
/// offset + Σ_k idx[k][b]·stride[advDims[k]] + restOffset[r]. Values travel as a contiguous [B, R] block.
/// </summary>
internal static class IndexKernels
{
    /// <summary>result[b, r] = src[selection(b, r)]; <paramref name="result"/> is contiguous with B·R elements of src's dtype.</summary>
    public static void Gather(Tensor src, int[] advDims, long[][] idx, int count, Tensor result)
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
    public static void Put(Tensor dst, int[] advDims, long[][] idx, int count, Tensor values, bool accumulate)
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

    static void Gather<T>(Tensor src, int[] advDims, long[][] idx, int count, Tensor result) where T : unmanaged
    {
        var rest = RestOffsets(src, advDims);
        var strides = AdvStrides(src, advDims);
        ref T ps = ref src.Ref<T>(0);
        var output = result.ContiguousSpan<T>();
        int o = 0;
        for (int b = 0; b < count; b++)
        {
            long origin = src.StorageOffset;
            for (int k = 0; k < strides.Length; k++) origin += idx[k][b] * strides[k];
            foreach (int r in rest) output[o++] = Unsafe.Add(ref ps, (nint)(origin + r));
        }
    }

    static void Put<T, TStore>(Tensor dst, int[] advDims, long[][] idx, int count, Tensor values) where T : unmanaged where TStore : IStore<T>
    {
        var rest = RestOffsets(dst, advDims);
        var strides = AdvStrides(dst, advDims);
        ref T pd = ref dst.Ref<T>(0);
        var input = values.ContiguousSpan<T>();
        int o = 0;
        for (int b = 0; b < count; b++)
        {
            long origin = dst.StorageOffset;
            for (int k = 0; k < strides.Length; k++) origin += idx[k][b] * strides[k];
            foreach (int r in rest) TStore.Store(ref Unsafe.Add(ref pd, (nint)(origin + r)), input[o++]);
        }
    }

    static long[] AdvStrides(Tensor t, int[] advDims) => advDims.Select(d => (long)t.StridesArray[d]).ToArray();

    /// <summary>Offsets of every position of the non-indexed dims, in row-major order.</summary>
    static int[] RestOffsets(Tensor t, int[] advDims)
    {
        var dims = Enumerable.Range(0, t.Dim()).Where(d => !advDims.Contains(d)).ToArray();
        long n = 1;
        foreach (int d in dims) n *= t.ShapeArray[d];
        var offsets = new int[n];
        if (n == 0) return offsets;
        var counter = new int[dims.Length];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            offsets[i] = at;
            for (int j = dims.Length - 1; j >= 0; j--)
            {
                int d = dims[j];
                at += t.StridesArray[d];
                if (++counter[j] < t.ShapeArray[d]) break;
                at -= t.StridesArray[d] * t.ShapeArray[d];
                counter[j] = 0;
            }
        }
        return offsets;
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
