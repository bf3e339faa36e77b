using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Float sums in torch 1.13's CPU order (aten/src/ATen/native/cpu/SumKernel.cpp, cascade_sum, one thread),
/// so results are bit-identical with torch. Every output is one of three scalar orders over its strided row:
/// a 4-level cascade (torch's multi_row_sum for one column), the same cascade on 4 interleaved streams
/// (row_sum, ilp 4), or, for contiguous rows, 8 float / 4 double lanes each summed with row_sum (vectorized_inner_sum).
/// Which one applies depends on the memory layout exactly as torch's TensorIterator sees it (<see cref="SumPlan"/>).
/// </summary>
internal static class CascadeSum
{
    /// <summary>Sums every row of <paramref name="view"/> into <paramref name="result"/> in torch's order.</summary>
    public static void Sum<T>(Tensor view, Tensor result, int[] outStrides, bool rowsOnly) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var plan = SumPlan.For(view, Unsafe.SizeOf<T>(), rowsOnly);
        var cursor = new RowCursor(view.ShapeArray, view.StridesArray, view.Offset32, outStrides, result.Offset32);
        ref T pv = ref view.Ref<T>(0), po = ref result.Ref<T>(0);
        // Adjacent columns (the last kept dim of stride 1) in cascade mode go SIMD lane per column, a block at a time.
        int last = view.Dim() - 1, block = plan.Inner || last < 1 || view.StridesArray[last - 1] != 1 ? 0 : view.ShapeArray[last - 1];
        int width = CascadeColumnSum.Group<T>(), vectorUntil = 0;
        for (int r = 0; r < cursor.Rows; r++, cursor.Next())
        {
            if (block >= width && r % block == 0)
                vectorUntil = r + SumColumnGroups(ref pv, ref po, cursor, plan, r, block, width, outStrides[last - 1]);
            if (r < vectorUntil) continue;
            ref T row = ref Unsafe.Add(ref pv, cursor.Offset0);
            T sum = plan.ModeOf(r) switch
            {
                SumMode.Inner => InnerSum(ref row, cursor.RowLength, plan.Lanes),
                SumMode.Cascade => Cascade(ref row, cursor.RowLength, cursor.Step0),
                _ => RowSum(ref row, cursor.RowLength, cursor.Step0),
            };
            // torch zero-fills the output and accumulates into it (0 + -0 is +0).
            Unsafe.Add(ref po, cursor.Offset1) = T.Zero + sum;
        }
    }

    /// <summary>Sums the leading whole groups of cascade-mode columns of the block starting at row <paramref name="r"/>; returns how many rows it did.</summary>
    static unsafe int SumColumnGroups<T>(ref T pv, ref T po, RowCursor cursor, SumPlan plan, int r, int block, int width, int outStep)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int groups = 0;
        while ((groups + 1) * width <= block && plan.ModeOf(r + (long)(groups + 1) * width - 1) == SumMode.Cascade) groups++;
        if (groups > 0 && plan.ModeOf(r) == SumMode.Cascade)
        {
            CascadeColumnSum.Sum((T*)Unsafe.AsPointer(ref Unsafe.Add(ref pv, cursor.Offset0)), cursor.RowLength, cursor.Step0, groups,
                (T*)Unsafe.AsPointer(ref Unsafe.Add(ref po, cursor.Offset1)), outStep);
            return groups * width;
        }
        return 0;
    }

    static int CeilLog2(long x) => x <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(x - 1));

    /// <summary>torch's multi_row_sum for one column: four accumulator levels, each flushed every 2^level_power adds.</summary>
    internal static T Cascade<T>(ref T p, long n, long stride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int levelPower = Math.Max(4, CeilLog2(n) / 4);
        long step = 1L << levelPower, mask = step - 1;
        T a0 = T.Zero, a1 = T.Zero, a2 = T.Zero, a3 = T.Zero;
        long i = 0;
        while (i + step <= n)
        {
            for (long k = 0; k < step; k++, i++) a0 += Unsafe.Add(ref p, (nint)(i * stride));
            a1 += a0; a0 = T.Zero;
            if ((i & (mask << levelPower)) != 0) continue;
            a2 += a1; a1 = T.Zero;
            if ((i & (mask << (2 * levelPower))) != 0) continue;
            a3 += a2; a2 = T.Zero;
        }
        for (; i < n; i++) a0 += Unsafe.Add(ref p, (nint)(i * stride));
        return a0 + a1 + a2 + a3;
    }

    /// <summary>torch's row_sum: the cascade on 4 interleaved streams, the tail added to the first, then the streams in order.</summary>
    internal static T RowSum<T>(ref T p, long n, long stride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long sizeIlp = n / 4;
        T p0 = Cascade(ref p, sizeIlp, 4 * stride);
        T p1 = Cascade(ref Unsafe.Add(ref p, (nint)stride), sizeIlp, 4 * stride);
        T p2 = Cascade(ref Unsafe.Add(ref p, (nint)(2 * stride)), sizeIlp, 4 * stride);
        T p3 = Cascade(ref Unsafe.Add(ref p, (nint)(3 * stride)), sizeIlp, 4 * stride);
        for (long i = sizeIlp * 4; i < n; i++) p0 += Unsafe.Add(ref p, (nint)(i * stride));
        return p0 + p1 + p2 + p3;
    }

    /// <summary>torch's vectorized_inner_sum on a contiguous row: each lane a row_sum, then the tail, then the lanes.</summary>
    internal static T InnerSum<T>(ref T p, long n, int lanes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector256<T>.Count == lanes) return InnerSumVectorized(ref p, n);
        return InnerSumScalar(ref p, n, lanes);
    }

    /// <summary><see cref="InnerSum"/> one lane at a time (the reference the vectorized loop must equal).</summary>
    internal static T InnerSumScalar<T>(ref T p, long n, int lanes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long vectors = n / lanes;
        T final = T.Zero;
        for (long k = vectors * lanes; k < n; k++) final += Unsafe.Add(ref p, (nint)k);
        for (int l = 0; l < lanes; l++) final += RowSum(ref Unsafe.Add(ref p, l), vectors, lanes);
        return final;
    }

    /// <summary>
    /// <see cref="InnerSumScalar"/> with all 8 (4) lanes and the 4 ilp streams in 4 Vector256 accumulators per level,
    /// as torch's own loop runs: lane-wise adds round exactly like the scalar ones, and memory is read once, in order.
    /// </summary>
    static T InnerSumVectorized<T>(ref T p, long n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        long vectors = n / lanes, sizeIlp = vectors / 4;
        int levelPower = Math.Max(4, CeilLog2(sizeIlp) / 4);
        long step = 1L << levelPower, mask = step - 1;
        var z = Vector256<T>.Zero;
        Vector256<T> a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        Vector256<T> a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        long i = 0;
        nuint w = (nuint)lanes;
        while (i + step <= sizeIlp)
        {
            for (long k = 0; k < step; k++, i++)
            {
                nuint at = (nuint)(i * 4) * w;
                a00 += Vector256.LoadUnsafe(ref p, at);
                a01 += Vector256.LoadUnsafe(ref p, at + w);
                a02 += Vector256.LoadUnsafe(ref p, at + 2 * w);
                a03 += Vector256.LoadUnsafe(ref p, at + 3 * w);
            }
            a10 += a00; a11 += a01; a12 += a02; a13 += a03;
            a00 = a01 = a02 = a03 = z;
            if ((i & (mask << levelPower)) != 0) continue;
            a20 += a10; a21 += a11; a22 += a12; a23 += a13;
            a10 = a11 = a12 = a13 = z;
            if ((i & (mask << (2 * levelPower))) != 0) continue;
            a30 += a20; a31 += a21; a32 += a22; a33 += a23;
            a20 = a21 = a22 = a23 = z;
        }
        for (; i < sizeIlp; i++)
        {
            nuint at = (nuint)(i * 4) * w;
            a00 += Vector256.LoadUnsafe(ref p, at);
            a01 += Vector256.LoadUnsafe(ref p, at + w);
            a02 += Vector256.LoadUnsafe(ref p, at + 2 * w);
            a03 += Vector256.LoadUnsafe(ref p, at + 3 * w);
        }
        var r0 = a00 + a10 + a20 + a30;
        var r1 = a01 + a11 + a21 + a31;
        var r2 = a02 + a12 + a22 + a32;
        var r3 = a03 + a13 + a23 + a33;
        for (long v = sizeIlp * 4; v < vectors; v++) r0 += Vector256.LoadUnsafe(ref p, (nuint)v * w);
        var acc = r0 + r1 + r2 + r3;
        T final = T.Zero;
        for (long k = vectors * lanes; k < n; k++) final += Unsafe.Add(ref p, (nint)k);
        for (int l = 0; l < lanes; l++) final += acc.GetElement(l);
        return final;
    }
}

/// <summary>Which of torch's orders an output's row is summed in.</summary>
internal enum SumMode { Inner, Cascade, RowSum }

/// <summary>
/// The branch torch's cascade_sum takes for a [kept..., n] view (reduced dim last): contiguous rows of at least one
/// vector are summed lane-wise; otherwise the kept dim with the smallest stride (coalesced with its neighbours, as
/// TensorIterator does) is torch's column dim, whose leading columns (whole groups of 4 vectors, or of 4 scalars)
/// get the plain cascade and the rest row_sum. A row's column is (row / Divisor) % Columns.
/// </summary>
internal readonly record struct SumPlan(bool Inner, int Lanes, long Divisor, long Columns, long CascadeColumns)
{
    /// <summary>The mode of output row <paramref name="row"/> (row-major over the kept dims).</summary>
    public SumMode ModeOf(long row) =>
        Inner ? SumMode.Inner : (row / Divisor) % Columns < CascadeColumns ? SumMode.Cascade : SumMode.RowSum;

    /// <summary>
    /// torch's choice for <paramref name="view"/> with elements of <paramref name="elementSize"/> bytes;
    /// <paramref name="rowsOnly"/>: the 2-d loop is two reduced dims, so non-contiguous rows take row_sum.
    /// </summary>
    public static SumPlan For(Tensor view, int elementSize, bool rowsOnly = false)
    {
        var shape = view.ShapeArray; var strides = view.StridesArray;
        int lanes = 32 / elementSize, last = shape.Length - 1;
        long n = last < 0 ? 1 : shape[last], reducedStride = last < 0 ? 0 : strides[last];
        if (reducedStride == 1 && n >= lanes) return new SumPlan(true, lanes, 1, 1, 0);
        // The output is contiguous and TensorIterator orders the kept dims by the output's strides first: its
        // column dim is the last kept dim of size > 1, whatever the input's layout.
        int col = -1;
        for (int d = last - 1; d >= 0 && col < 0; d--)
            if (shape[d] > 1) col = d;
        if (col < 0 || rowsOnly) return new SumPlan(false, lanes, 1, 1, 0); // row_sum everywhere
        long columns = shape[col], columnStride = strides[col];
        int first = col;
        for (int d = col - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if ((long)strides[d] != shape[first] * (long)strides[first]) break;
            columns *= shape[d]; first = d;
        }
        long divisor = 1;
        for (int d = col + 1; d < last; d++) divisor *= shape[d];
        long cascade = columnStride == 1 && columns >= lanes ? columns / (4 * lanes) * (4 * lanes)
            : reducedStride < columnStride ? 0
            : columns / 4 * 4;
        return new SumPlan(false, lanes, divisor, columns, cascade);
    }
}
