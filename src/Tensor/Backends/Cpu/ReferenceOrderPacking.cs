using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu;

/// <summary>Packing a transposed B (nn.Linear's weight.T()) for <see cref="ReferenceOrderGemm{T}"/>: pure copies, no rounding.</summary>
internal static unsafe class ReferenceOrderPacking
{
    /// <summary>
    /// dst[p·nr + j] = src[p + j·stride] for p &lt; kc, j &lt; nr (nr a multiple of 8): columns contiguous along k become
    /// rows, by 8×8 float or 4×4 double register transposes where AVX is there (an element-wise gather writes each
    /// element to another cache line), the k tail element by element.
    /// </summary>
    public static void TransposePanel<T>(T* src, nint stride, T* dst, int kc, int nr) where T : unmanaged
    {
        int p = 0;
        if (Avx.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            int blk = typeof(T) == typeof(float) ? 8 : 4;
            for (; p <= kc - blk; p += blk)
                for (int j = 0; j < nr; j += blk)
                {
                    if (typeof(T) == typeof(float)) Transpose8x8((float*)src + p + j * stride, stride, (float*)dst + p * nr + j, nr);
                    else Transpose4x4((double*)src + p + j * stride, stride, (double*)dst + p * nr + j, nr);
                }
        }
        for (; p < kc; p++)
            for (int j = 0; j < nr; j++) dst[p * nr + j] = src[p + j * stride];
    }

    /// <summary>d[r·ld + i] = s[i·stride + r] for an 8×8 block of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* s, nint stride, float* d, nint ld)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + stride);
        var r2 = Vector256.Load(s + 2 * stride);
        var r3 = Vector256.Load(s + 3 * stride);
        var r4 = Vector256.Load(s + 4 * stride);
        var r5 = Vector256.Load(s + 5 * stride);
        var r6 = Vector256.Load(s + 6 * stride);
        var r7 = Vector256.Load(s + 7 * stride);
        // Pairs of rows interleaved, then quads, then the 128-bit halves swapped into place.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var q0 = Avx.Shuffle(t0, t2, 0b01_00_01_00);
        var q1 = Avx.Shuffle(t0, t2, 0b11_10_11_10);
        var q2 = Avx.Shuffle(t1, t3, 0b01_00_01_00);
        var q3 = Avx.Shuffle(t1, t3, 0b11_10_11_10);
        var q4 = Avx.Shuffle(t4, t6, 0b01_00_01_00);
        var q5 = Avx.Shuffle(t4, t6, 0b11_10_11_10);
        var q6 = Avx.Shuffle(t5, t7, 0b01_00_01_00);
        var q7 = Avx.Shuffle(t5, t7, 0b11_10_11_10);
        Avx.Permute2x128(q0, q4, 0x20).Store(d);
        Avx.Permute2x128(q1, q5, 0x20).Store(d + ld);
        Avx.Permute2x128(q2, q6, 0x20).Store(d + 2 * ld);
        Avx.Permute2x128(q3, q7, 0x20).Store(d + 3 * ld);
        Avx.Permute2x128(q0, q4, 0x31).Store(d + 4 * ld);
        Avx.Permute2x128(q1, q5, 0x31).Store(d + 5 * ld);
        Avx.Permute2x128(q2, q6, 0x31).Store(d + 6 * ld);
        Avx.Permute2x128(q3, q7, 0x31).Store(d + 7 * ld);
    }

    /// <summary>d[r·ld + i] = s[i·stride + r] for a 4×4 block of doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose4x4(double* s, nint stride, double* d, nint ld)
    {
        var r0 = Vector256.Load(s);
        var r1 = Vector256.Load(s + stride);
        var r2 = Vector256.Load(s + 2 * stride);
        var r3 = Vector256.Load(s + 3 * stride);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).Store(d);
        Avx.Permute2x128(t1, t3, 0x20).Store(d + ld);
        Avx.Permute2x128(t0, t2, 0x31).Store(d + 2 * ld);
        Avx.Permute2x128(t1, t3, 0x31).Store(d + 3 * ld);
    }
}
