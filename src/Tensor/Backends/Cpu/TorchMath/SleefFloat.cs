// float32 transcendental functions on eight lanes, bit for bit those of SLEEF 3.5.1's u10 (1.0-ulp) AVX2+FMA
// build (Sleef_sinf8_u10, Sleef_expf8_u10, ...), which torch 1.13's CPU kernels call through ATen's
// Vectorized<float> (aten/src/ATen/cpu/vec/vec256/vec256_float.h). Re-expressed from SLEEF's
// src/libm/sleefsimdsp.c (the non-DETERMINISTIC build the library exports under the plain names). SLEEF is
// (C) Naoki Shibata and contributors, distributed under the Boost Software License 1.0.
//
// Why a port and not libm: libm's sinf/expf/... round differently from SLEEF on a few percent of elements, and a
// 1-ulp difference per element is enough for a chaotic training loop to drift away from torch's numbers.
// Lanes are not independent everywhere: like SLEEF, the trigonometric functions take their fast path only when
// all eight lanes are small, so callers must group elements into vectors exactly as torch does (TorchLoops).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VI = System.Runtime.Intrinsics.Vector256<int>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>SLEEF's u10 float32 functions on Vector256 (needs AVX2 and FMA: <see cref="IsSupported"/>).</summary>
internal static partial class SleefFloat
{
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    const float PiA2 = 3.1414794921875f, PiB2 = 0.00011315941810607910156f, PiC2 = 1.9841872589410058936e-09f;
    const float TrigRangeMax2 = 125.0f;
    const float L2U = 0.693145751953125f, L2L = 1.428606765330187045e-06f;
    const float RLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    const double OneOverPi = 0.318309886183790671537767526745028724;

    const float FltMin = 1.17549435e-38f;

    static readonly float QuietNaN = BitConverter.Int32BitsToSingle(0x7fc00000);

    // ---- lane helpers (SLEEF's helperavx2.h and the top of sleefsimdsp.c) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V C(float f) => Vector256.Create(f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI CI(int i) => Vector256.Create(i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Mla(V x, V y, V z) => Fma.MultiplyAdd(x, y, z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Abs(V x) => Vector256.AndNot(x, C(-0f));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Sel(V mask, V a, V b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI Sel(VI mask, VI a, VI b) => Vector256.ConditionalSelect(mask, a, b);
    /// <summary>x with its sign flipped where y is negative.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V MulSign(V x, V y) => x ^ (y & C(-0f));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Lt(V a, V b) => Avx.CompareLessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Gt(V a, V b) => Avx.CompareGreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Eq(V a, V b) => Avx.CompareEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsNaN(V d) => Avx.CompareNotEqual(d, d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsInf(V d) => Eq(Abs(d), C(float.PositiveInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsNegZero(V d) => Vector256.Equals(d.AsInt32(), CI(unchecked((int)0x80000000))).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static bool AllOnes(V mask) => Avx.MoveMask(mask) == 0xff;
    /// <summary>Round to nearest even, as cvtps2dq under the default MXCSR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI RintToInt(V x) => Avx.ConvertToVector256Int32(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V ToFloat(VI q) => Avx.ConvertToVector256Single(q);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Rint(V x) => Avx.RoundToNearestInteger(x);

    /// <summary>The unbiased exponent field of a normal float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static VI ILogb2k(V d) => ((d.AsInt32() >>> 23) & CI(0xff)) - CI(0x7f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Pow2i(VI q) => ((q + CI(0x7f)) << 23).AsSingle();

    /// <summary>d·2^e in two steps, so e may reach twice the exponent range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ldexp2(V d, VI e)
    {
        var half = e >> 1;
        return d * Pow2i(half) * Pow2i(e - half);
    }

    /// <summary>d·2^q by adding to the exponent field (no range check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ldexp3(V d, VI q) => (d.AsInt32() + (q << 23)).AsSingle();

    // ---- argument reduction for huge trigonometric arguments (rempif) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (V D, VI I) ReduceSub(V x)
    {
        var y = Rint(x * C(4));
        var vi = Avx.ConvertToVector256Int32WithTruncation(y - Rint(x) * C(4));
        return (x - y * C(0.25f), vi);
    }

    /// <summary>a reduced modulo π/2 by Payne-Hanek: the remainder as a float pair and the quadrant count.</summary>
    static unsafe (FloatPair X, VI Q) ReducePi(V a)
    {
        var ex = ILogb2k(a) - CI(25);
        var q = Vector256.GreaterThan(ex, CI(90 - 25)) & CI(-64);
        a = Ldexp3(a, q);
        ex = Vector256.AndNot(ex, ex >> 31);
        ex <<= 2;
        fixed (float* table = RempiTable.Single)
        {
            var x = FloatPair.Mul(a, Avx2.GatherVector256(table, ex, 4));
            var di = ReduceSub(x.X);
            q = di.I;
            x = new FloatPair(di.D, x.Y).Normalize();
            var y = FloatPair.Mul(a, Avx2.GatherVector256(table + 1, ex, 4));
            x = FloatPair.Add2(x, y);
            di = ReduceSub(x.X);
            q += di.I;
            x = new FloatPair(di.D, x.Y).Normalize();
            y = new FloatPair(Avx2.GatherVector256(table + 2, ex, 4), Avx2.GatherVector256(table + 3, ex, 4));
            y = FloatPair.Mul(y, a);
            x = FloatPair.Add2(x, y).Normalize();
            x = FloatPair.Mul(x, FloatPair.Of(3.1415927410125732422f * 2, -8.7422776573475857731e-08f * 2));
            x = FloatPair.Select(Lt(Abs(a), C(0.7f)), new FloatPair(a, V.Zero), x);
            return (x, q);
        }
    }

    // ---- trigonometric ----

    /// <summary>Sleef_sinf8_u10.</summary>
    public static V Sin(V d)
    {
        VI q;
        FloatPair s;
        if (AllOnes(Lt(Abs(d), C(TrigRangeMax2))))
        {
            var u = Rint(d * C((float)OneOverPi));
            q = RintToInt(u);
            var v = Mla(u, C(-PiA2), d);
            s = FloatPair.Add2(v, u * C(-PiB2));
            s = FloatPair.Add(s, u * C(-PiC2));
        }
        else
        {
            var (df, qi) = ReducePi(d);
            q = qi & CI(3);
            q = q + q + Sel(Gt(df.X, V.Zero).AsInt32(), CI(2), CI(1));
            q >>= 2;
            var odd = Vector256.Equals(qi & CI(1), CI(1)).AsSingle();
            var x = new FloatPair(MulSign(C(3.1415927410125732422f * -0.5f), df.X), MulSign(C(-8.7422776573475857731e-08f * -0.5f), df.X));
            x = FloatPair.Add2(df, x);
            s = FloatPair.Select(odd, x, df).Normalize();
            s = new FloatPair(s.X | IsInf(d) | IsNaN(d), s.Y);
        }
        var t = s;
        s = s.Square();
        var w = C(2.6083159809786593541503e-06f);
        w = Mla(w, s.X, C(-0.0001981069071916863322258f));
        w = Mla(w, s.X, C(0.00833307858556509017944336f));
        var p = FloatPair.Add(C(1), FloatPair.Mul(FloatPair.Add(C(-0.166666597127914428710938f), w * s.X), s));
        var r = FloatPair.MulToFloat(t, p);
        r ^= Vector256.Equals(q & CI(1), CI(1)).AsSingle() & C(-0f);
        return Sel(IsNegZero(d), d, r);
    }

    /// <summary>Sleef_cosf8_u10.</summary>
    public static V Cos(V d)
    {
        VI q;
        FloatPair s;
        if (AllOnes(Lt(Abs(d), C(TrigRangeMax2))))
        {
            var dq = Mla(Rint(Mla(d, C((float)OneOverPi), C(-0.5f))), C(2), C(1));
            q = RintToInt(dq);
            s = FloatPair.Add2(d, dq * C(-PiA2 * 0.5f));
            s = FloatPair.Add2(s, dq * C(-PiB2 * 0.5f));
            s = FloatPair.Add2(s, dq * C(-PiC2 * 0.5f));
        }
        else
        {
            var (df, qi) = ReducePi(d);
            q = qi & CI(3);
            q = q + q + Sel(Gt(df.X, V.Zero).AsInt32(), CI(8), CI(7));
            q >>= 1;
            var even = Vector256.Equals(qi & CI(1), VI.Zero).AsSingle();
            var y = Sel(Gt(df.X, V.Zero), V.Zero, C(-1));
            var x = new FloatPair(MulSign(C(3.1415927410125732422f * -0.5f), y), MulSign(C(-8.7422776573475857731e-08f * -0.5f), y));
            x = FloatPair.Add2(df, x);
            s = FloatPair.Select(even, x, df).Normalize();
            s = new FloatPair(s.X | IsInf(d) | IsNaN(d), s.Y);
        }
        var t = s;
        s = s.Square();
        var w = C(2.6083159809786593541503e-06f);
        w = Mla(w, s.X, C(-0.0001981069071916863322258f));
        w = Mla(w, s.X, C(0.00833307858556509017944336f));
        var p = FloatPair.Add(C(1), FloatPair.Mul(FloatPair.Add(C(-0.166666597127914428710938f), w * s.X), s));
        var r = FloatPair.MulToFloat(t, p);
        return r ^ (Vector256.Equals(q & CI(2), VI.Zero).AsSingle() & C(-0f));
    }

    /// <summary>Sleef_tanf8_u10.</summary>
    public static V Tan(V d)
    {
        VI q;
        FloatPair s;
        if (AllOnes(Lt(Abs(d), C(TrigRangeMax2))))
        {
            var u = Rint(d * C((float)(2 * OneOverPi)));
            q = RintToInt(u);
            var v = Mla(u, C(-PiA2 * 0.5f), d);
            s = FloatPair.Add2(v, u * C(-PiB2 * 0.5f));
            s = FloatPair.Add(s, u * C(-PiC2 * 0.5f));
        }
        else
        {
            (s, q) = ReducePi(d);
            var bad = IsInf(d) | IsNaN(d);
            s = new FloatPair(s.X | bad, s.Y | bad);
        }
        var odd = Vector256.Equals(q & CI(1), CI(1)).AsSingle();
        var n = odd & C(-0f);
        s = new FloatPair(s.X ^ n, s.Y ^ n);
        var t = s;
        s = s.Square().Normalize();
        var w = C(0.00446636462584137916564941f);
        w = Mla(w, s.X, C(-8.3920182078145444393158e-05f));
        w = Mla(w, s.X, C(0.0109639242291450500488281f));
        w = Mla(w, s.X, C(0.0212360303848981857299805f));
        w = Mla(w, s.X, C(0.0540687143802642822265625f));
        var x = FloatPair.Add(C(0.133325666189193725585938f), w * s.X);
        x = FloatPair.Add(C(1), FloatPair.Mul(FloatPair.Add(C(0.33333361148834228515625f), FloatPair.Mul(s, x)), s));
        x = FloatPair.Mul(t, x);
        x = FloatPair.Select(odd, x.Reciprocal(), x);
        return Sel(IsNegZero(d), d, x.Sum);
    }

    /// <summary>atan2kf_u1: atan(y/x) as a float pair, for x, y ≥ 0 in their high parts' signs as SLEEF arranges.</summary>
    static FloatPair Atan2Kernel(FloatPair y, FloatPair x)
    {
        var q = Sel(Lt(x.X, V.Zero).AsInt32(), CI(-2), VI.Zero);
        var r = Lt(x.X, V.Zero) & C(-0f);
        x = new FloatPair(x.X ^ r, x.Y ^ r);
        var p = Lt(x.X, y.X);
        q = Sel(p.AsInt32(), q + CI(1), q);
        var s = FloatPair.Select(p, x.Negate(), y);
        var t = FloatPair.Select(p, y, x);
        s = FloatPair.Div(s, t);
        t = s.Square().Normalize();
        var u = C(-0.00176397908944636583328247f);
        u = Mla(u, t.X, C(0.0107900900766253471374512f));
        u = Mla(u, t.X, C(-0.0309564601629972457885742f));
        u = Mla(u, t.X, C(0.0577365085482597351074219f));
        u = Mla(u, t.X, C(-0.0838950723409652709960938f));
        u = Mla(u, t.X, C(0.109463557600975036621094f));
        u = Mla(u, t.X, C(-0.142626821994781494140625f));
        u = Mla(u, t.X, C(0.199983194470405578613281f));
        t = FloatPair.Mul(t, FloatPair.Add(C(-0.333332866430282592773438f), u * t.X));
        t = FloatPair.Mul(s, FloatPair.Add(C(1), t));
        return FloatPair.Add(FloatPair.Mul(FloatPair.Of(1.5707963705062866211f, -4.3711388286737928865e-08f), ToFloat(q)), t);
    }

    /// <summary>Sleef_atanf8_u10.</summary>
    public static V Atan(V d)
    {
        var d2 = Atan2Kernel(new FloatPair(Abs(d), V.Zero), FloatPair.Of(1, 0));
        var r = Sel(IsInf(d), C((float)1.570796326794896557998982), d2.Sum);
        return MulSign(r, d);
    }

    /// <summary>Sleef_atan2f8_u10.</summary>
    public static V Atan2(V y, V x)
    {
        var tiny = Lt(Abs(x), C(2.9387372783541830947e-39f));
        x = Sel(tiny, x * C(1 << 24), x);
        y = Sel(tiny, y * C(1 << 24), y);
        var d = Atan2Kernel(new FloatPair(Abs(y), V.Zero), new FloatPair(x, V.Zero));
        var r = MulSign(d.Sum, x);
        r = Sel(IsInf(x) | Eq(x, V.Zero), C((float)(Math.PI / 2)) - InfSign(x, MulSign(C((float)(Math.PI / 2)), x)), r);
        r = Sel(IsInf(y), C((float)(Math.PI / 2)) - InfSign(x, MulSign(C((float)(Math.PI / 4)), x)), r);
        r = Sel(Eq(y, V.Zero), Vector256.Equals(x.AsInt32() & CI(unchecked((int)0x80000000)), CI(unchecked((int)0x80000000))).AsSingle() & C((float)Math.PI), r);
        return MulSign(r, y) | IsNaN(x) | IsNaN(y);
    }

    /// <summary>visinf2_vf_vf_vf: where d is infinite, m with d's sign; 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V InfSign(V d, V m) => IsInf(d) & ((d & C(-0f)) | m);

    /// <summary>Sleef_asinf8_u10.</summary>
    public static V Asin(V d)
    {
        var small = Lt(Abs(d), C(0.5f));
        var x2 = Sel(small, d * d, (C(1) - Abs(d)) * C(0.5f));
        var x = FloatPair.Select(small, new FloatPair(Abs(d), V.Zero), FloatPair.Sqrt(x2));
        x = FloatPair.Select(Eq(Abs(d), C(1.0f)), FloatPair.Of(0, 0), x);
        var u = AsinPolynomial(x2) * (x2 * x.X);
        var y = FloatPair.Sub(FloatPair.Sub(FloatPair.Of(3.1415927410125732422f / 4, -8.7422776573475857731e-08f / 4), x), u);
        var r = Sel(small, u + x.X, y.Sum * C(2));
        return MulSign(r, d);
    }

    /// <summary>Sleef_acosf8_u10.</summary>
    public static V Acos(V d)
    {
        var small = Lt(Abs(d), C(0.5f));
        var x2 = Sel(small, d * d, (C(1) - Abs(d)) * C(0.5f));
        var x = FloatPair.Select(small, new FloatPair(Abs(d), V.Zero), FloatPair.Sqrt(x2));
        x = FloatPair.Select(Eq(Abs(d), C(1.0f)), FloatPair.Of(0, 0), x);
        var u = AsinPolynomial(x2) * (x2 * x.X);
        var y = FloatPair.Sub(FloatPair.Of(3.1415927410125732422f / 2, -8.7422776573475857731e-08f / 2),
            FloatPair.Add(MulSign(x.X, d), MulSign(u, d)));
        x = FloatPair.Add(x, u);
        y = FloatPair.Select(small, y, x.Scale(C(2)));
        y = FloatPair.Select(Vector256.AndNot(Lt(d, V.Zero), small),
            FloatPair.Sub(FloatPair.Of(3.1415927410125732422f, -8.7422776573475857731e-08f), y), y);
        return y.Sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V AsinPolynomial(V x2)
    {
        var u = C((float)+0.4197454825e-1);
        u = Mla(u, x2, C((float)+0.2424046025e-1));
        u = Mla(u, x2, C((float)+0.4547423869e-1));
        u = Mla(u, x2, C((float)+0.7495029271e-1));
        return Mla(u, x2, C((float)+0.1666677296e+0));
    }

    // ---- exponential and hyperbolic ----

    /// <summary>Sleef_expf8_u10.</summary>
    public static V Exp(V d)
    {
        var q = RintToInt(d * C(RLn2));
        var s = Mla(ToFloat(q), C(-L2U), d);
        s = Mla(ToFloat(q), C(-L2L), s);
        var u = C((float)0.000198527617612853646278381);
        u = Mla(u, s, C((float)0.00139304355252534151077271));
        u = Mla(u, s, C((float)0.00833336077630519866943359));
        u = Mla(u, s, C((float)0.0416664853692054748535156));
        u = Mla(u, s, C((float)0.166666671633720397949219));
        u = Mla(u, s, C(0.5f));
        u = C(1.0f) + Mla(s * s, u, s);
        u = Ldexp2(u, q);
        u = Vector256.AndNot(u, Lt(d, C(-104)));
        return Sel(Lt(C(100), d), C(float.PositiveInfinity), u);
    }

    /// <summary>expk2f: e^d for a float-pair argument, as a float pair.</summary>
    static FloatPair ExpPair(FloatPair d)
    {
        var q = RintToInt((d.X + d.Y) * C(RLn2));
        var s = FloatPair.Add2(d, ToFloat(q) * C(-L2U));
        s = FloatPair.Add2(s, ToFloat(q) * C(-L2L));
        var u = C(+0.1980960224e-3f);
        u = Mla(u, s.X, C(+0.1394256484e-2f));
        u = Mla(u, s.X, C(+0.8333456703e-2f));
        u = Mla(u, s.X, C(+0.4166637361e-1f));
        var t = FloatPair.Add2(FloatPair.Mul(s, u), C(+0.166666659414234244790680580464e+0f));
        t = FloatPair.Add2(FloatPair.Mul(s, t), C(0.5f));
        t = FloatPair.Add2(s, FloatPair.Mul(s.Square(), t));
        t = FloatPair.Add(C(1), t);
        var under = Lt(d.X, C(-104));
        return new FloatPair(Vector256.AndNot(Ldexp2(t.X, q), under), Vector256.AndNot(Ldexp2(t.Y, q), under));
    }

    /// <summary>Sleef_expm1f8_u10.</summary>
    public static V Expm1(V a)
    {
        var d = FloatPair.Add2(ExpPair(new FloatPair(a, V.Zero)), C(-1.0f));
        var x = d.Sum;
        x = Sel(Gt(a, C(88.72283172607421875f)), C(float.PositiveInfinity), x);
        x = Sel(Lt(a, C(-16.635532333438687426013570f)), C(-1), x);
        return Sel(IsNegZero(a), C(-0.0f), x);
    }

    /// <summary>Sleef_sinhf8_u10.</summary>
    public static V Sinh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new FloatPair(y, V.Zero));
        d = FloatPair.Sub(d, d.Reciprocal());
        y = d.Sum * C(0.5f);
        y = Sel(Gt(Abs(x), C(89)) | IsNaN(y), C(float.PositiveInfinity), y);
        y = MulSign(y, x);
        return y | IsNaN(x);
    }

    /// <summary>Sleef_coshf8_u10.</summary>
    public static V Cosh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new FloatPair(y, V.Zero));
        d = FloatPair.Add(d, d.Reciprocal());
        y = d.Sum * C(0.5f);
        y = Sel(Gt(Abs(x), C(89)) | IsNaN(y), C(float.PositiveInfinity), y);
        return y | IsNaN(x);
    }

    /// <summary>Sleef_tanhf8_u10.</summary>
    public static V Tanh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new FloatPair(y, V.Zero));
        var e = d.Reciprocal();
        d = FloatPair.Div(FloatPair.Add(d, e.Negate()), FloatPair.Add(d, e));
        y = d.Sum;
        y = Sel(Gt(Abs(x), C(8.664339742f)) | IsNaN(y), C(1.0f), y);
        y = MulSign(y, x);
        return y | IsNaN(x);
    }

    // ---- logarithms ----

    /// <summary>The shared front of the logarithms: m = d / 2^e in [0.75, 1.5) and e, with subnormals scaled up first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (V D, V M, VI E) SplitExponent(V d)
    {
        var tiny = Lt(d, C(FltMin));
        d = Sel(tiny, d * C((float)(1L << 32) * (float)(1L << 32)), d);
        var e = ILogb2k(d * C(1.0f / 0.75f));
        var m = Ldexp3(d, -e);
        e = Sel(tiny.AsInt32(), e - CI(64), e);
        return (d, m, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V LogSpecialCases(V d, V r)
    {
        r = Sel(Eq(d, C(float.PositiveInfinity)), C(float.PositiveInfinity), r);
        r = Sel(Lt(d, V.Zero) | IsNaN(d), C(QuietNaN), r);
        return Sel(Eq(d, V.Zero), C(float.NegativeInfinity), r);
    }

    /// <summary>Sleef_logf8_u10.</summary>
    public static V Log(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var s = FloatPair.Mul(FloatPair.Of(0.69314718246459960938f, -1.904654323148236017e-09f), ToFloat(e));
        var x = FloatPair.Div(FloatPair.Add2(C(-1), m), FloatPair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var t = C(+0.3027294874e+0f);
        t = Mla(t, x2, C(+0.3996108174e+0f));
        t = Mla(t, x2, C(+0.6666694880e+0f));
        s = FloatPair.Add(s, x.Scale(C(2)));
        s = FloatPair.Add(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log10f8_u10.</summary>
    public static V Log10(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var x = FloatPair.Div(FloatPair.Add2(C(-1), m), FloatPair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var t = C((float)+0.1314289868e+0);
        t = Mla(t, x2, C((float)+0.1735493541e+0));
        t = Mla(t, x2, C((float)+0.2895309627e+0));
        var s = FloatPair.Mul(FloatPair.Of((float)0.30103001, (float)-1.432098889e-08), ToFloat(e));
        s = FloatPair.Add(s, FloatPair.Mul(x, FloatPair.Of((float)0.868588984, (float)-2.170757285e-08)));
        s = FloatPair.Add(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log2f8_u10.</summary>
    public static V Log2(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var x = FloatPair.Div(FloatPair.Add2(C(-1), m), FloatPair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var t = C(+0.4374550283e+0f);
        t = Mla(t, x2, C(+0.5764790177e+0f));
        t = Mla(t, x2, C(+0.9618012905120f));
        var s = FloatPair.Add2(ToFloat(e), FloatPair.Mul(x, FloatPair.Of((float)2.8853900432586669922, (float)3.2734474483568488616e-08)));
        s = FloatPair.Add2(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log1pf8_u10.</summary>
    public static V Log1p(V d)
    {
        var dp1 = d + C(1);
        var tiny = Lt(dp1, C(FltMin));
        dp1 = Sel(tiny, dp1 * C((float)(1L << 32) * (float)(1L << 32)), dp1);
        var e = ILogb2k(dp1 * C(1.0f / 0.75f));
        var t = Ldexp3(C(1), -e);
        var m = Mla(d, t, t - C(1));
        e = Sel(tiny.AsInt32(), e - CI(64), e);
        var s = FloatPair.Mul(FloatPair.Of(0.69314718246459960938f, -1.904654323148236017e-09f), ToFloat(e));
        var x = FloatPair.Div(new FloatPair(m, V.Zero), FloatPair.Add(C(2), m));
        var x2 = x.X * x.X;
        t = C(+0.3027294874e+0f);
        t = Mla(t, x2, C(+0.3996108174e+0f));
        t = Mla(t, x2, C(+0.6666694880e+0f));
        s = FloatPair.Add(s, x.Scale(C(2)));
        s = FloatPair.Add(s, x2 * x.X * t);
        var r = s.Sum;
        r = Sel(Gt(d, C((float)1e+38)), C(float.PositiveInfinity), r);
        r |= Gt(C(-1), d);
        r = Sel(Eq(d, C(-1)), C(float.NegativeInfinity), r);
        return Sel(IsNegZero(d), C(-0.0f), r);
    }

    // ---- power ----

    /// <summary>vldexp_vf_vf_vi2: x·2^q for any q, in steps that cannot overflow the exponent field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ldexp(V x, VI q)
    {
        var m = q >> 31;
        m = (((m + q) >> 6) - m) << 4;
        q -= m << 2;
        m += CI(0x7f);
        m = Vector256.GreaterThan(m, VI.Zero) & m;
        var n = Vector256.GreaterThan(m, CI(0xff));
        m = Vector256.AndNot(m, n) | (n & CI(0xff));
        var u = (m << 23).AsSingle();
        x = x * u * u * u * u;
        u = ((q + CI(0x7f)) << 23).AsSingle();
        return x * u;
    }

    /// <summary>logkf: ln d as a float pair.</summary>
    static FloatPair LogPair(V d)
    {
        (_, var m, var e) = SplitExponent(d);
        var x = FloatPair.Div(FloatPair.Add2(C(-1), m), FloatPair.Add2(C(1), m));
        var x2 = x.Square();
        var t = C((float)0.240320354700088500976562);
        t = Mla(t, x2.X, C((float)0.285112679004669189453125));
        t = Mla(t, x2.X, C((float)0.400007992982864379882812));
        var c = FloatPair.Of(0.66666662693023681640625f, 3.69183861259614332084311e-09f);
        var s = FloatPair.Mul(FloatPair.Of(0.69314718246459960938f, -1.904654323148236017e-09f), ToFloat(e));
        s = FloatPair.Add(s, x.Scale(C(2)));
        return FloatPair.Add(s, FloatPair.Mul(FloatPair.Mul(x2, x), FloatPair.Add2(FloatPair.Mul(x2, t), c)));
    }

    /// <summary>expkf: e^d for a float-pair argument, rounded to float.</summary>
    static V ExpOfPair(FloatPair d)
    {
        var q = RintToInt((d.X + d.Y) * C(RLn2));
        var s = FloatPair.Add2(d, ToFloat(q) * C(-L2U));
        s = FloatPair.Add2(s, ToFloat(q) * C(-L2L)).Normalize();
        var u = C(0.00136324646882712841033936f);
        u = Mla(u, s.X, C(0.00836596917361021041870117f));
        u = Mla(u, s.X, C(0.0416710823774337768554688f));
        u = Mla(u, s.X, C(0.166665524244308471679688f));
        u = Mla(u, s.X, C(0.499999850988388061523438f));
        var t = FloatPair.Add(s, FloatPair.Mul(s.Square(), u));
        t = FloatPair.Add(C(1), t);
        return Vector256.AndNot(Ldexp(t.Sum, q), Lt(d.X, C(-104)));
    }

    /// <summary>Sleef_powf8_u10.</summary>
    public static V Pow(V x, V y)
    {
        var yIsInt = Eq(Avx.RoundToZero(y), y) | Gt(Abs(y), C(1 << 24));
        var yIsOdd = Vector256.Equals(Avx.ConvertToVector256Int32WithTruncation(y) & CI(1), CI(1)).AsSingle() & yIsInt & Lt(Abs(y), C(1 << 24));
        var result = ExpOfPair(FloatPair.Mul(LogPair(Abs(x)), y));
        result = Sel(IsNaN(result), C(float.PositiveInfinity), result);
        result *= Sel(Gt(x, V.Zero), C(1), Sel(yIsInt, Sel(yIsOdd, C(-1.0f), C(1)), C(QuietNaN)));
        var efx = MulSign(Abs(x) - C(1), y);
        result = Sel(IsInf(y), Vector256.AndNot(Sel(Eq(efx, V.Zero), C(1.0f), C(float.PositiveInfinity)), Lt(efx, C(0.0f))), result);
        var sign = C(1.0f) | (x & C(-0f));
        result = Sel(IsInf(x) | Eq(x, V.Zero),
            Sel(yIsOdd, sign, C(1)) * Vector256.AndNot(C(float.PositiveInfinity), Lt(Sel(Eq(x, V.Zero), -y, y), V.Zero)), result);
        result |= IsNaN(x) | IsNaN(y);
        return Sel(Eq(y, V.Zero) | Eq(x, C(1)), C(1), result);
    }
}
