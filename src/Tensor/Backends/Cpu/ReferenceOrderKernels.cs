using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The register tiles of <see cref="ReferenceOrderGemm{T}"/>: c = c + a·b per k step, a multiply and an add as two
/// instructions (the JIT never fuses them into an FMA), so each lane's chain is the scalar loop's. The tile starts from
/// C (or +0 when <c>overwrite</c>: 0 + x keeps the scalar loop's signed zeros) and is stored back whole.
/// </summary>
internal static unsafe class ReferenceOrderKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>A tile whose row i, step p sits at a[p·lda + i] (packed panels, lda = MR, or a transposed A in place).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Packed(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        if (ReferenceOrderGemm<T>.Use512) Packed512(kc, a, lda, b, ldb, c, ldc, overwrite);
        else Packed256(kc, a, lda, b, ldb, c, ldc, overwrite);
    }

    /// <summary>A tile whose row i, step p sits at a[i·lda + p] (row-major A read in place; AVX-512 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Direct(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite) =>
        Direct512(kc, a, lda, b, ldb, c, ldc, overwrite);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> Start512(T* c, bool overwrite) => overwrite ? Vector512<T>.Zero : Vector512.Load(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Start256(T* c, bool overwrite) => overwrite ? Vector256<T>.Zero : Vector256.Load(c);

    // Kernels go straight to optimised code: a tier-0 SIMD loop runs an order of magnitude slower for its first calls.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Packed512(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        int w = Vector512<T>.Count;
        T* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        Vector512<T> s00 = Start512(c0, overwrite), s01 = Start512(c0 + w, overwrite);
        Vector512<T> s10 = Start512(c1, overwrite), s11 = Start512(c1 + w, overwrite);
        Vector512<T> s20 = Start512(c2, overwrite), s21 = Start512(c2 + w, overwrite);
        Vector512<T> s30 = Start512(c3, overwrite), s31 = Start512(c3 + w, overwrite);
        Vector512<T> s40 = Start512(c4, overwrite), s41 = Start512(c4 + w, overwrite);
        Vector512<T> s50 = Start512(c5, overwrite), s51 = Start512(c5 + w, overwrite);
        Vector512<T> s60 = Start512(c6, overwrite), s61 = Start512(c6 + w, overwrite);
        Vector512<T> s70 = Start512(c7, overwrite), s71 = Start512(c7 + w, overwrite);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var x = Vector512.Create(a[0]);
            s00 += x * b0; s01 += x * b1;
            x = Vector512.Create(a[1]);
            s10 += x * b0; s11 += x * b1;
            x = Vector512.Create(a[2]);
            s20 += x * b0; s21 += x * b1;
            x = Vector512.Create(a[3]);
            s30 += x * b0; s31 += x * b1;
            x = Vector512.Create(a[4]);
            s40 += x * b0; s41 += x * b1;
            x = Vector512.Create(a[5]);
            s50 += x * b0; s51 += x * b1;
            x = Vector512.Create(a[6]);
            s60 += x * b0; s61 += x * b1;
            x = Vector512.Create(a[7]);
            s70 += x * b0; s71 += x * b1;
            a += lda;
            b += ldb;
        }
        s00.Store(c0); s01.Store(c0 + w);
        s10.Store(c1); s11.Store(c1 + w);
        s20.Store(c2); s21.Store(c2 + w);
        s30.Store(c3); s31.Store(c3 + w);
        s40.Store(c4); s41.Store(c4 + w);
        s50.Store(c5); s51.Store(c5 + w);
        s60.Store(c6); s61.Store(c6 + w);
        s70.Store(c7); s71.Store(c7 + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Direct512(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        int w = Vector512<T>.Count;
        T* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
        T* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        Vector512<T> s00 = Start512(c0, overwrite), s01 = Start512(c0 + w, overwrite);
        Vector512<T> s10 = Start512(c1, overwrite), s11 = Start512(c1 + w, overwrite);
        Vector512<T> s20 = Start512(c2, overwrite), s21 = Start512(c2 + w, overwrite);
        Vector512<T> s30 = Start512(c3, overwrite), s31 = Start512(c3 + w, overwrite);
        Vector512<T> s40 = Start512(c4, overwrite), s41 = Start512(c4 + w, overwrite);
        Vector512<T> s50 = Start512(c5, overwrite), s51 = Start512(c5 + w, overwrite);
        Vector512<T> s60 = Start512(c6, overwrite), s61 = Start512(c6 + w, overwrite);
        Vector512<T> s70 = Start512(c7, overwrite), s71 = Start512(c7 + w, overwrite);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var x = Vector512.Create(a0[p]);
            s00 += x * b0; s01 += x * b1;
            x = Vector512.Create(a1[p]);
            s10 += x * b0; s11 += x * b1;
            x = Vector512.Create(a2[p]);
            s20 += x * b0; s21 += x * b1;
            x = Vector512.Create(a3[p]);
            s30 += x * b0; s31 += x * b1;
            x = Vector512.Create(a4[p]);
            s40 += x * b0; s41 += x * b1;
            x = Vector512.Create(a5[p]);
            s50 += x * b0; s51 += x * b1;
            x = Vector512.Create(a6[p]);
            s60 += x * b0; s61 += x * b1;
            x = Vector512.Create(a7[p]);
            s70 += x * b0; s71 += x * b1;
            b += ldb;
        }
        s00.Store(c0); s01.Store(c0 + w);
        s10.Store(c1); s11.Store(c1 + w);
        s20.Store(c2); s21.Store(c2 + w);
        s30.Store(c3); s31.Store(c3 + w);
        s40.Store(c4); s41.Store(c4 + w);
        s50.Store(c5); s51.Store(c5 + w);
        s60.Store(c6); s61.Store(c6 + w);
        s70.Store(c7); s71.Store(c7 + w);
    }

    /// <summary>The 6×2-vector tile in ymm registers, for CPUs without AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Packed256(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        int w = Vector256<T>.Count;
        T* c0 = c, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        Vector256<T> s00 = Start256(c0, overwrite), s01 = Start256(c0 + w, overwrite);
        Vector256<T> s10 = Start256(c1, overwrite), s11 = Start256(c1 + w, overwrite);
        Vector256<T> s20 = Start256(c2, overwrite), s21 = Start256(c2 + w, overwrite);
        Vector256<T> s30 = Start256(c3, overwrite), s31 = Start256(c3 + w, overwrite);
        Vector256<T> s40 = Start256(c4, overwrite), s41 = Start256(c4 + w, overwrite);
        Vector256<T> s50 = Start256(c5, overwrite), s51 = Start256(c5 + w, overwrite);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            var x = Vector256.Create(a[0]);
            s00 += x * b0; s01 += x * b1;
            x = Vector256.Create(a[1]);
            s10 += x * b0; s11 += x * b1;
            x = Vector256.Create(a[2]);
            s20 += x * b0; s21 += x * b1;
            x = Vector256.Create(a[3]);
            s30 += x * b0; s31 += x * b1;
            x = Vector256.Create(a[4]);
            s40 += x * b0; s41 += x * b1;
            x = Vector256.Create(a[5]);
            s50 += x * b0; s51 += x * b1;
            a += lda;
            b += ldb;
        }
        s00.Store(c0); s01.Store(c0 + w);
        s10.Store(c1); s11.Store(c1 + w);
        s20.Store(c2); s21.Store(c2 + w);
        s30.Store(c3); s31.Store(c3 + w);
        s40.Store(c4); s41.Store(c4 + w);
        s50.Store(c5); s51.Store(c5 + w);
    }
}
