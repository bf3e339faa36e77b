// The exact GELU as torch 1.13's CPU build runs it for contiguous float32 tensors of more than one element: through
// oneDNN 2.6.3's eltwise_gelu_erf primitive (aten/src/ATen/native/Activation.cpp, use_mkldnn), whose JIT kernel
// (src/cpu/x64/injectors/jit_uni_eltwise_injector.cpp, gelu_erf_compute_vector_fwd/_bwd and exp_compute_vector_fwd)
// approximates erf by Abramowitz and Stegun 7.1.26 with its own exp. Re-expressed instruction for instruction
// (each FMA where the injector emits one); the lanes are independent, so any vector width gives the same bits.
// oneDNN is (C) Intel Corporation, Apache License 2.0.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>oneDNN's gelu_erf forward value and derivative on eight float32 lanes (AVX2 and FMA).</summary>
internal static class OneDnnGelu
{
    static V C(uint bits) => Vector256.Create(BitConverter.UInt32BitsToSingle(bits));

    static readonly V One = C(0x3f800000), Half = C(0x3f000000), Two = C(0x40000000), SignMask = C(0x80000000);
    static readonly V Ln2 = C(0x3f317218), Log2e = C(0x3fb8aa3b), LnFltMax = C(0x42b17218), LnFltMin = C(0xc2aeac50);
    static readonly V Exp1 = C(0x3f7ffffb), Exp2 = C(0x3efffee3), Exp3 = C(0x3e2aad40), Exp4 = C(0x3d2b9d0d), Exp5 = C(0x3c07cfce);
    static readonly V ApproxConst = C(0x3ea7ba05), OneOverSqrt2 = C(0x3f3504f3), OneOverSqrtPi = C(0x3f106eba);
    static readonly V Erf1 = C(0x3e827906), Erf2 = C(0xbe91a98e), Erf3 = C(0x3fb5f0e3), Erf4 = C(0xbfba00e3), Erf5 = C(0x3f87dc22);

    /// <summary>The sign flipped by xor (vxorps with the sign mask), as the injector negates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Neg(V x) => x ^ SignMask;

    /// <summary>exp_compute_vector_fwd: 2·2^(n−1)·p(r) with x = n·ln2 + r, p of degree 5; below ln(FLT_MIN) gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Exp(V x)
    {
        var under = Avx.CompareLessThan(x, LnFltMin);
        x = Avx.Max(Avx.Min(x, LnFltMax), LnFltMin); // vminps/vmaxps: a NaN lane takes the bound
        var fx = Avx.RoundToNegativeInfinity(x * Log2e + Half);
        var r = Fma.MultiplyAddNegated(fx, Ln2, x);
        var pow = ((Avx.ConvertToVector256Int32(fx - One) + Vector256.Create(0x7f)) << 23).AsSingle();
        pow = Vector256.AndNot(pow, under);
        var p = Fma.MultiplyAdd(Exp5, r, Exp4);
        p = Fma.MultiplyAdd(p, r, Exp3);
        p = Fma.MultiplyAdd(p, r, Exp2);
        p = Fma.MultiplyAdd(p, r, Exp1);
        p = Fma.MultiplyAdd(p, r, One);
        return p * pow * Two;
    }

    /// <summary>1 − t·e^(−x²)·poly(t) with t = 1/(1 + p·|x|), signed as x: the injector's erf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Erf(V x, V negExp)
    {
        var t = One / Fma.MultiplyAdd(ApproxConst, Vector256.AndNot(x, SignMask), One);
        var e = negExp * t;
        var p = Fma.MultiplyAdd(Erf5, t, Erf4);
        p = Fma.MultiplyAdd(p, t, Erf3);
        p = Fma.MultiplyAdd(p, t, Erf2);
        p = Fma.MultiplyAdd(p, t, Erf1);
        return Fma.MultiplyAdd(e, p, One) ^ (x & SignMask);
    }

    /// <summary>gelu(s) = S + S·erf(s/√2) with S = s/2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Forward(V s)
    {
        var x = s * OneOverSqrt2;
        var erf = Erf(x, Neg(Exp(Neg(x * x))));
        var half = s * Half;
        return Fma.MultiplyAdd(erf, half, half);
    }

    /// <summary>gelu'(s) = ½ + R·e^(−R²)/√π + ½·erf(R) with R = s/√2 (the gradient is this times ∂y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Derivative(V s)
    {
        var r = s * OneOverSqrt2;
        var q = Exp(Neg(r * r));
        var t = r * OneOverSqrtPi * q;
        var erf = Erf(r, Neg(q));
        return Fma.MultiplyAdd(erf, Half, t + Half);
    }
}
