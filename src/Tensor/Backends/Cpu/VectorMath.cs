using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu;

/// <summary>
/// float32 exp, sigmoid and tanh over spans with AVX-512 (cephes' polynomials, within 2 ulp of libm), about
/// twice TensorPrimitives' speed on long tensors. Spans shorter than <see cref="MinLength"/> keep the scalar
/// libm call, which rounds as torch's scalar path does, so tiny tensors match torch to the ulp.
/// </summary>
internal static class VectorMath
{
    public const int MinLength = 64;

    public static bool IsSupported => Avx512F.IsSupported;

    public static void Exp(ReadOnlySpan<float> x, Span<float> result) => Map<ExpKernel>(x, result);
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> result) => Map<SigmoidKernel>(x, result);
    public static void Tanh(ReadOnlySpan<float> x, Span<float> result) => Map<TanhKernel>(x, result);

    interface IKernel
    {
        static abstract Vector512<float> Invoke(Vector512<float> x);
    }

    // Straight to optimised code: a tier-0 SIMD loop runs an order of magnitude slower for its first calls.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Map<TKernel>(ReadOnlySpan<float> x, Span<float> result) where TKernel : IKernel
    {
        ref float rx = ref MemoryMarshal.GetReference(x), ro = ref MemoryMarshal.GetReference(result);
        int n = x.Length, i = 0;
        // Two independent vectors per iteration overlap one's polynomial with the other's division.
        for (; i <= n - 32; i += 32)
        {
            var y0 = TKernel.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)i));
            var y1 = TKernel.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)(i + 16)));
            y0.StoreUnsafe(ref ro, (nuint)i);
            y1.StoreUnsafe(ref ro, (nuint)(i + 16));
        }
        for (; i <= n - 16; i += 16) TKernel.Invoke(Vector512.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ro, (nuint)i);
        if (i < n)
        {
            // The tail as one masked vector: padding lanes are computed on zeros and never stored.
            Span<float> buffer = stackalloc float[16];
            x[i..].CopyTo(buffer);
            TKernel.Invoke(Vector512.Create((ReadOnlySpan<float>)buffer)).CopyTo(buffer);
            buffer[..(n - i)].CopyTo(result[i..]);
        }
    }

    /// <summary>e^x = 2^n · e^r with n = round(x·log2 e), r = x - n·ln 2 (two-part ln 2), e^r by cephes' degree-6 polynomial; vscalefps gives subnormals, 0 and ∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> ExpCore(Vector512<float> x)
    {
        var clamped = Vector512.Min(Vector512.Max(x, Vector512.Create(-150f)), Vector512.Create(150f));
        var n = Vector512.Round(clamped * Vector512.Create(1.44269504088896341f));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var p = Vector512.Create(1.9875691500E-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073E-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894E-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459E-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201E-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var e = Avx512F.Scale(p, n);
        // NaN in, NaN out (the clamp would have turned it into a number).
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), e, x);
    }

    readonly struct ExpKernel : IKernel
    {
        public static Vector512<float> Invoke(Vector512<float> x) => ExpCore(x);
    }

    /// <summary>1 / (1 + e^-x)</summary>
    readonly struct SigmoidKernel : IKernel
    {
        public static Vector512<float> Invoke(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + ExpCore(-x));
    }

    /// <summary>tanh x: x + x³·P(x²) (cephes) for |x| &lt; 0.625, else sign(x)·(1 - 2 / (e^2|x| + 1))</summary>
    readonly struct TanhKernel : IKernel
    {
        public static Vector512<float> Invoke(Vector512<float> x)
        {
            var ax = Vector512.Abs(x);
            var z = x * x;
            var p = Vector512.Create(-5.70498872745E-3f);
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(2.06390887954E-2f));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(-5.37397155531E-2f));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(1.33314422036E-1f));
            p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(-3.33332819422E-1f));
            var small = Vector512.FusedMultiplyAdd(p * z, x, x);
            var two = Vector512.Create(2f);
            var large = Vector512<float>.One - two / (ExpCore(two * ax) + Vector512<float>.One);
            large = Vector512.CopySign(large, x);
            return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.625f)), small, large);
        }
    }
}
