using System.Numerics;
using System.Runtime.CompilerServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Reductions over the last dim of a (strided) view whose other dims match the result's shape.
/// The Tensor layer moves the reduced dims last, so one kernel serves whole-tensor and per-dim reductions.
/// </summary>
internal static class ReduceKernels
{
    /// <summary>result[...] = Σ view[..., i]; floats in torch's order (<see cref="CascadeSum"/>).</summary>
    public static void Sum(Tensor view, Tensor result, bool rowsOnly = false)
    {
        switch (view.DType)
        {
            case DType.Float32: CascadeSum.Sum<float>(view, result, ResultStrides(result), rowsOnly); break;
            case DType.Float64: CascadeSum.Sum<double>(view, result, ResultStrides(result), rowsOnly); break;
            case DType.Int64: Sum<long>(view, result); break;
            case DType.Int32: Sum<int>(view, result); break;
            case DType.Int16: Sum<short>(view, result); break;
            case DType.Int8: Sum<sbyte>(view, result); break;
            case DType.UInt8: Sum<byte>(view, result); break;
            case DType.Float16 or DType.BFloat16:
                var wide = HalfWidening.WideResult(result);
                Sum<float>(HalfWidening.Widen(view), wide);
                HalfWidening.Narrow(wide, result);
                break;
            default: throw HalfWidening.NotImplemented("sum_cpu", view.DType);
        }
    }

    static void Sum<T>(Tensor view, Tensor result) where T : unmanaged, INumber<T>
    {
        var outStrides = ResultStrides(result);
        var cursor = new RowCursor(view.ShapeArray, view.StridesArray, view.Offset32, outStrides, result.Offset32);
        ref T pv = ref view.Ref<T>(0), po = ref result.Ref<T>(0);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
            Unsafe.Add(ref po, cursor.Offset1) = PairwiseSum(ref Unsafe.Add(ref pv, cursor.Offset0), cursor.RowLength, cursor.Step0);
    }

    // Blocked pairwise summation, like ATen's cascade sum: error grows with log n rather than n,
    // while short rows (the common case in small networks) are summed strictly left to right.
    static T PairwiseSum<T>(ref T start, int n, int stride) where T : unmanaged, INumber<T>
    {
        const int Block = 32;
        if (n <= Block)
        {
            T acc = T.Zero;
            for (int i = 0; i < n; i++) acc += Unsafe.Add(ref start, i * stride);
            return acc;
        }
        int half = n / 2 / Block * Block;
        if (half == 0) half = Block;
        return PairwiseSum(ref start, half, stride) + PairwiseSum(ref Unsafe.Add(ref start, half * stride), n - half, stride);
    }

    /// <summary>result = max (or min) over the last dim of view, indices = position of the first extreme (NaN wins).</summary>
    public static void Extreme(Tensor view, Tensor values, Tensor indices, bool max)
    {
        switch (view.DType)
        {
            case DType.Float32: Extreme<float>(view, values, indices, max); break;
            case DType.Float64: Extreme<double>(view, values, indices, max); break;
            case DType.Int64: Extreme<long>(view, values, indices, max); break;
            case DType.Int32: Extreme<int>(view, values, indices, max); break;
            case DType.Int16: Extreme<short>(view, values, indices, max); break;
            case DType.Int8: Extreme<sbyte>(view, values, indices, max); break;
            // bool is one byte, 0 or 1: its max and min are uint8's (torch computes them; argmax refuses bool earlier).
            case DType.UInt8 or DType.Bool: Extreme<byte>(view, values, indices, max); break;
            case DType.Float16 or DType.BFloat16:
                var wide = HalfWidening.WideResult(values);
                Extreme<float>(HalfWidening.Widen(view), wide, indices, max);
                HalfWidening.Narrow(wide, values);
                break;
            default: throw HalfWidening.NotImplemented(max ? "max_cpu" : "min_cpu", view.DType);
        }
    }

    static void Extreme<T>(Tensor view, Tensor values, Tensor indices, bool max) where T : unmanaged, INumber<T>
    {
        if (view.ShapeArray.Length > 0 && view.ShapeArray[^1] == 0)
            throw new ArgumentException("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        var outStrides = ResultStrides(values);
        var cursor = new RowCursor(view.ShapeArray, view.StridesArray, view.Offset32, outStrides, values.Offset32);
        ref T pv = ref view.Ref<T>(0), po = ref values.Ref<T>(0);
        ref long pi = ref indices.Ref<long>(0);
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            int off = cursor.Offset0, best = 0;
            T bestValue = Unsafe.Add(ref pv, off);
            for (int i = 1; i < cursor.RowLength && !T.IsNaN(bestValue); i++)
            {
                T v = Unsafe.Add(ref pv, off + i * cursor.Step0);
                if (T.IsNaN(v) || (max ? v > bestValue : v < bestValue)) { bestValue = v; best = i; }
            }
            Unsafe.Add(ref po, cursor.Offset1) = bestValue;
            Unsafe.Add(ref pi, cursor.Offset1) = best;
        }
    }

    /// <summary>target[..., index[...], ...] = src along <paramref name="dim"/>, element by element.</summary>
    public static void Scatter(Tensor target, int dim, Tensor index, Tensor src)
    {
        var idx = index.Contiguous().ToArray<long>();
        var values = src.Contiguous();
        int[] shape = index.ShapeArray;
        var pos = new int[shape.Length];
        for (int k = 0; k < idx.Length; k++)
        {
            int off = target.Offset32;
            for (int a = 0; a < shape.Length; a++) off += (a == dim ? (int)idx[k] : pos[a]) * target.StridesArray[a];
            CopyKernels.Write(target, off, values.ReadAsDouble(values.StorageOffset + k));
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++pos[a] < shape[a]) break;
                pos[a] = 0;
            }
        }
    }

    // The result is contiguous over the kept dims; the reduced (last) dim maps to stride 0.
    static int[] ResultStrides(Tensor result)
    {
        var strides = new int[result.ShapeArray.Length + 1];
        result.StridesArray.CopyTo(strides, 0);
        return strides;
    }
}
