using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Column sums (the reduced dim strided, adjacent outputs adjacent in memory) in torch 1.13's order, many columns at
/// once: each SIMD lane is one column and runs <see cref="CascadeSum.Cascade{T}"/>'s exact sequence of adds (torch's
/// multi_row_sum over 4 vectors of columns), so every output is bit-identical to the one-column-at-a-time loop.
/// Lane-wise vector adds round exactly as scalar adds do; only memory is read 4 vectors (128 bytes) per row.
/// </summary>
internal static class CascadeColumnSum
{
    /// <summary>Columns summed together: 4 vectors, as torch's multi_row_sum (32 float, 16 double).</summary>
    public static int Group<T>() where T : unmanaged => 4 * Vector256<T>.Count;

    /// <summary>Column-group sums above this many added elements are split across threads.</summary>
    const long ParallelElements = 1 << 17;

    /// <summary>
    /// Sums <paramref name="groups"/> groups of <see cref="Group{T}"/> adjacent columns: column c starts at
    /// <paramref name="input"/> + c and has <paramref name="n"/> elements <paramref name="stride"/> apart; its sum
    /// goes to <paramref name="output"/> + c·<paramref name="outStep"/> (zero-filled then accumulated, as torch).
    /// </summary>
    public static unsafe void Sum<T>(T* input, long n, long stride, int groups, T* output, long outStep)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Group<T>();
        int threads = (long)groups * width * n < ParallelElements ? 1 : Math.Min(CpuThreads.Count, groups);
        if (threads <= 1)
        {
            for (int g = 0; g < groups; g++) SumGroup(input + (long)g * width, n, stride, output + g * width * outStep, outStep);
            return;
        }
        nint pin = (nint)input, pout = (nint)output;
        int per = (groups + threads - 1) / threads;
        CpuThreads.For(threads, t =>
        {
            for (int g = t * per, end = Math.Min(groups, (t + 1) * per); g < end; g++)
                SumGroup((T*)pin + (long)g * width, n, stride, (T*)pout + g * width * outStep, outStep);
        });
    }

    static int CeilLog2(long x) => x <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(x - 1));

    /// <summary>One group of 4 vectors of columns: four cascade levels per vector, flushed as in <see cref="CascadeSum.Cascade{T}"/>.</summary>
    static unsafe void SumGroup<T>(T* p, long n, long stride, T* output, long outStep) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count;
        int levelPower = Math.Max(4, CeilLog2(n) / 4);
        long step = 1L << levelPower, mask = step - 1;
        var z = Vector256<T>.Zero;
        Vector256<T> a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        Vector256<T> a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        long i = 0;
        T* row = p;
        while (i + step <= n)
        {
            for (long k = 0; k < step; k++, i++, row += stride)
            {
                a00 += Vector256.Load(row);
                a01 += Vector256.Load(row + w);
                a02 += Vector256.Load(row + 2 * w);
                a03 += Vector256.Load(row + 3 * w);
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
        for (; i < n; i++, row += stride)
        {
            a00 += Vector256.Load(row);
            a01 += Vector256.Load(row + w);
            a02 += Vector256.Load(row + 2 * w);
            a03 += Vector256.Load(row + 3 * w);
        }
        // a0 + a1 + a2 + a3 per column, then torch's zero-filled output plus the sum (0 + -0 is +0).
        Store(z + (a00 + a10 + a20 + a30), output, outStep);
        Store(z + (a01 + a11 + a21 + a31), output + w * outStep, outStep);
        Store(z + (a02 + a12 + a22 + a32), output + 2 * w * outStep, outStep);
        Store(z + (a03 + a13 + a23 + a33), output + 3 * w * outStep, outStep);
    }

    static unsafe void Store<T>(Vector256<T> sums, T* output, long outStep) where T : unmanaged
    {
        if (outStep == 1)
        {
            sums.Store(output);
            return;
        }
        for (int l = 0; l < Vector256<T>.Count; l++) output[l * outStep] = sums.GetElement(l);
    }
}
