// float64 functions on four lanes, bit for bit those of SLEEF 3.5.1's u10 AVX2+FMA build (Sleef_expd4_u10,
// Sleef_logd4_u10, ...), which torch 1.13's CPU kernels call through Vectorized<double>
// (aten/src/ATen/cpu/vec/vec256/vec256_double.h). Re-expressed from SLEEF's src/libm/sleefsimddp.c; SLEEF is
// (C) Naoki Shibata and contributors, Boost Software License 1.0. SLEEF's "vint" (one int32 per double lane) is a
// Vector128<int> here, as in the AVX2 build; exponent arithmetic widens it to the lanes' high words as SLEEF does.
// The trigonometric functions (sin, cos, tan) are not ported yet: float64 keeps libm for them.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<double>;
using VI = System.Runtime.Intrinsics.Vector128<int>;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>SLEEF's u10 float64 functions on Vector256 (needs AVX2 and FMA, as <see cref="SleefFloat.IsSupported"/>).</summary>
internal static partial class SleefDouble
{
    const double L2U = .69314718055966295651160180568695068359375, L2L = .28235290563031577122588448175013436025525412068e-12;
    const double RLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931;
    const double DblMin = 2.2250738585072014e-308;

    static readonly double QuietNaN = BitConverter.Int64BitsToDouble(0x7ff8000000000000);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V C(double d) => Vector256.Create(d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI CI(int i) => Vector128.Create(i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Mla(V x, V y, V z) => Fma.MultiplyAdd(x, y, z);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Abs(V x) => Vector256.AndNot(x, C(-0.0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Sel(V mask, V a, V b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V MulSign(V x, V y) => x ^ (y & C(-0.0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Lt(V a, V b) => Avx.CompareLessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Gt(V a, V b) => Avx.CompareGreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Eq(V a, V b) => Avx.CompareEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsNaN(V d) => Avx.CompareNotEqual(d, d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsInf(V d) => Eq(Abs(d), C(double.PositiveInfinity));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsNegZero(V d) => Vector256.Equals(d.AsInt64(), Vector256.Create(long.MinValue)).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI RintToInt(V x) => Avx.ConvertToVector128Int32(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V ToDouble(VI q) => Avx.ConvertToVector256Double(q);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Rint(V x) => Avx.RoundToNearestInteger(x);

    /// <summary>The low (or, for masks, either) 32 bits of each 64-bit lane: vcast_vo32_vo64 and the narrowing of vcastu_vi_vi2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static VI Narrow(Vector256<long> v) => Avx2.PermuteVar8x32(v.AsInt32(), Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0)).GetLower();

    /// <summary>q placed in the exponent field (bits 52..63) of each lane, as vcastu_vi2_vi then a shift by 20.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<long> ToExponentField(VI q) => Avx2.ConvertToVector256Int64(q) << 52;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static VI ILogb2k(V d) => Narrow((d.AsInt64() >>> 52) & Vector256.Create(0x7ffL)) - CI(0x3ff);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Pow2i(VI q) => ToExponentField(q + CI(0x3ff)).AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ldexp2(V d, VI e)
    {
        var half = e >> 1;
        return d * Pow2i(half) * Pow2i(e - half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Ldexp3(V d, VI q) => (d.AsInt64() + ToExponentField(q)).AsDouble();

    // ---- exponential and hyperbolic ----

    /// <summary>Sleef_expd4_u10.</summary>
    public static V Exp(V d)
    {
        var u = Rint(d * C(RLn2));
        var q = RintToInt(u);
        var s = Mla(u, C(-L2U), d);
        s = Mla(u, C(-L2L), s);
        var s2 = s * s;
        var s4 = s2 * s2;
        var s8 = s4 * s4;
        u = Poly10(s, s2, s4, s8, +0.2081276378237164457e-8, +0.2511210703042288022e-7, +0.2755762628169491192e-6,
            +0.2755723402025388239e-5, +0.2480158687479686264e-4, +0.1984126989855865850e-3, +0.1388888888914497797e-2,
            +0.8333333333314938210e-2, +0.4166666666666602598e-1, +0.1666666666666669072e+0);
        u = Mla(u, s, C(+0.5));
        u = Mla(u, s, C(+1.0));
        u = Mla(u, s, C(+1.0));
        u = Ldexp2(u, q);
        u = Sel(Gt(d, C(709.78271114955742909217217426)), C(double.PositiveInfinity), u);
        return Vector256.AndNot(u, Lt(d, C(-1000)));
    }

    /// <summary>expk2: e^d for a double-double argument, as a double-double.</summary>
    static DoublePair ExpPair(DoublePair d)
    {
        var u = (d.X + d.Y) * C(RLn2);
        var dq = Rint(u);
        var q = RintToInt(dq);
        var s = DoublePair.Add2(d, dq * C(-L2U));
        s = DoublePair.Add2(s, dq * C(-L2L));
        var s2 = s.Square();
        var s4 = s2.Square();
        var s8 = s4.X * s4.X;
        u = Poly10(s.X, s2.X, s4.X, s8, +0.1602472219709932072e-9, +0.2092255183563157007e-8, +0.2505230023782644465e-7,
            +0.2755724800902135303e-6, +0.2755731892386044373e-5, +0.2480158735605815065e-4, +0.1984126984148071858e-3,
            +0.1388888888886763255e-2, +0.8333333333333347095e-2, +0.4166666666666669905e-1);
        var t = DoublePair.Add(C(0.5), DoublePair.Mul(s, C(+0.1666666666666666574e+0)));
        t = DoublePair.Add(C(1.0), DoublePair.Mul(t, s));
        t = DoublePair.Add(C(1.0), DoublePair.Mul(t, s));
        t = DoublePair.Add(t, DoublePair.Mul(s4, u));
        var under = Lt(d.X, C(-1000));
        return new DoublePair(Vector256.AndNot(Ldexp2(t.X, q), under), Vector256.AndNot(Ldexp2(t.Y, q), under));
    }

    /// <summary>Sleef_expm1d4_u10.</summary>
    public static V Expm1(V a)
    {
        var d = DoublePair.Add2(ExpPair(new DoublePair(a, V.Zero)), C(-1.0));
        var x = d.Sum;
        x = Sel(Gt(a, C(709.782712893383996732223)), C(double.PositiveInfinity), x);
        x = Sel(Lt(a, C(-36.736800569677101399113302437)), C(-1), x);
        return Sel(IsNegZero(a), C(-0.0), x);
    }

    /// <summary>Sleef_sinhd4_u10.</summary>
    public static V Sinh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new DoublePair(y, V.Zero));
        d = DoublePair.Sub(d, d.Reciprocal());
        y = d.Sum * C(0.5);
        y = Sel(Gt(Abs(x), C(710)) | IsNaN(y), C(double.PositiveInfinity), y);
        y = MulSign(y, x);
        return y | IsNaN(x);
    }

    /// <summary>Sleef_coshd4_u10.</summary>
    public static V Cosh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new DoublePair(y, V.Zero));
        d = DoublePair.Add(d, d.Reciprocal());
        y = d.Sum * C(0.5);
        y = Sel(Gt(Abs(x), C(710)) | IsNaN(y), C(double.PositiveInfinity), y);
        return y | IsNaN(x);
    }

    /// <summary>Sleef_tanhd4_u10.</summary>
    public static V Tanh(V x)
    {
        var y = Abs(x);
        var d = ExpPair(new DoublePair(y, V.Zero));
        var e = d.Reciprocal();
        d = DoublePair.Div(DoublePair.Add2(d, e.Negate()), DoublePair.Add2(d, e));
        y = d.Sum;
        y = Sel(Gt(Abs(x), C(18.714973875)) | IsNaN(y), C(1.0), y);
        y = MulSign(y, x);
        return y | IsNaN(x);
    }

    // ---- logarithms ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (V D, V M, VI E) SplitExponent(V d)
    {
        var tiny = Lt(d, C(DblMin));
        d = Sel(tiny, d * C((double)(1L << 32) * (double)(1L << 32)), d);
        var e = ILogb2k(d * C(1.0 / 0.75));
        var m = Ldexp3(d, -e);
        e = Vector128.ConditionalSelect(Narrow(tiny.AsInt64()), e - CI(64), e);
        return (d, m, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V LogSpecialCases(V d, V r)
    {
        r = Sel(Eq(d, C(double.PositiveInfinity)), C(double.PositiveInfinity), r);
        r = Sel(Lt(d, V.Zero) | IsNaN(d), C(QuietNaN), r);
        return Sel(Eq(d, V.Zero), C(double.NegativeInfinity), r);
    }

    /// <summary>The polynomial shared by log and log1p (POLY7 in x², x⁴, x⁸).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V LogPolynomial(V x2)
    {
        var x4 = x2 * x2;
        var x8 = x4 * x4;
        return Poly7(x2, x4, x8, 0.1532076988502701353e+0, 0.1525629051003428716e+0, 0.1818605932937785996e+0,
            0.2222214519839380009e+0, 0.2857142932794299317e+0, 0.3999999999635251990e+0, 0.6666666666667333541e+0);
    }

    /// <summary>Sleef_logd4_u10.</summary>
    public static V Log(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var x = DoublePair.Div(DoublePair.Add2(C(-1), m), DoublePair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var t = LogPolynomial(x2);
        var s = DoublePair.Mul(DoublePair.Of(0.693147180559945286226764, 2.319046813846299558417771e-17), ToDouble(e));
        s = DoublePair.Add(s, x.Scale(C(2)));
        s = DoublePair.Add(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log10d4_u10.</summary>
    public static V Log10(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var x = DoublePair.Div(DoublePair.Add2(C(-1), m), DoublePair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var x4 = x2 * x2;
        var x8 = x4 * x4;
        var t = Poly7(x2, x4, x8, +0.6653725819576758460e-1, +0.6625722782820833712e-1, +0.7898105214313944078e-1,
            +0.9650955035715275132e-1, +0.1240841409721444993e+0, +0.1737177927454605086e+0, +0.2895296546021972617e+0);
        var s = DoublePair.Mul(DoublePair.Of(0.30102999566398119802, -2.803728127785170339e-18), ToDouble(e));
        s = DoublePair.Add(s, DoublePair.Mul(x, DoublePair.Of(0.86858896380650363334, 1.1430059694096389311e-17)));
        s = DoublePair.Add(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log2d4_u10.</summary>
    public static V Log2(V d)
    {
        (d, var m, var e) = SplitExponent(d);
        var x = DoublePair.Div(DoublePair.Add2(C(-1), m), DoublePair.Add2(C(1), m));
        var x2 = x.X * x.X;
        var x4 = x2 * x2;
        var x8 = x4 * x4;
        var t = Poly7(x2, x4, x8, +0.2211941750456081490e+0, +0.2200768693152277689e+0, +0.2623708057488514656e+0,
            +0.3205977477944495502e+0, +0.4121985945485324709e+0, +0.5770780162997058982e+0, +0.96179669392608091449);
        var s = DoublePair.Add2(ToDouble(e), DoublePair.Mul(x, DoublePair.Of(2.885390081777926774, 6.0561604995516736434e-18)));
        s = DoublePair.Add2(s, x2 * x.X * t);
        return LogSpecialCases(d, s.Sum);
    }

    /// <summary>Sleef_log1pd4_u10.</summary>
    public static V Log1p(V d)
    {
        var dp1 = d + C(1);
        var tiny = Lt(dp1, C(DblMin));
        dp1 = Sel(tiny, dp1 * C((double)(1L << 32) * (double)(1L << 32)), dp1);
        var e = ILogb2k(dp1 * C(1.0 / 0.75));
        var t = Ldexp3(C(1), -e);
        var m = Mla(d, t, t - C(1));
        e = Vector128.ConditionalSelect(Narrow(tiny.AsInt64()), e - CI(64), e);
        var s = DoublePair.Mul(DoublePair.Of(0.693147180559945286226764, 2.319046813846299558417771e-17), ToDouble(e));
        var x = DoublePair.Div(new DoublePair(m, V.Zero), DoublePair.Add(C(2), m));
        var x2 = x.X * x.X;
        t = LogPolynomial(x2);
        s = DoublePair.Add(s, x.Scale(C(2)));
        s = DoublePair.Add(s, x2 * x.X * t);
        var r = s.Sum;
        r = Sel(Gt(d, C(1e+307)), C(double.PositiveInfinity), r);
        r = Sel(Lt(d, C(-1)) | IsNaN(d), C(QuietNaN), r);
        r = Sel(Eq(d, C(-1)), C(double.NegativeInfinity), r);
        return Sel(IsNegZero(d), C(-0.0), r);
    }

    // ---- inverse trigonometric ----

    /// <summary>atan2k_u1: atan(y/x) as a double-double.</summary>
    static DoublePair Atan2Kernel(DoublePair y, DoublePair x)
    {
        var negative = Lt(x.X, V.Zero);
        var q = Vector128.ConditionalSelect(Narrow(negative.AsInt64()), CI(-2), VI.Zero);
        var b = negative & C(-0.0);
        x = new DoublePair(x.X ^ b, x.Y ^ b);
        var p = Lt(x.X, y.X);
        q = Vector128.ConditionalSelect(Narrow(p.AsInt64()), q + CI(1), q);
        var s = DoublePair.Select(p, x.Negate(), y);
        var t = DoublePair.Select(p, y, x);
        s = DoublePair.Div(s, t);
        t = s.Square().Normalize();
        var t2 = t.X * t.X;
        var t4 = t2 * t2;
        var t8 = t4 * t4;
        var u = Mla(t8, Poly8(t.X, t2, t4, 1.06298484191448746607415e-05, -0.000125620649967286867384336,
                0.00070557664296393412389774, -0.00251865614498713360352999, 0.00646262899036991172313504,
                -0.0128281333663399031014274, 0.0208024799924145797902497, -0.0289002344784740315686289),
            Poly8(t.X, t2, t4, 0.0359785005035104590853656, -0.041848579703592507506027, 0.0470843011653283988193763,
                -0.0524914210588448421068719, 0.0587946590969581003860434, -0.0666620884778795497194182,
                0.0769225330296203768654095, -0.0909090442773387574781907));
        u = Mla(u, t.X, C(0.111111108376896236538123));
        u = Mla(u, t.X, C(-0.142857142756268568062339));
        u = Mla(u, t.X, C(0.199999999997977351284817));
        u = Mla(u, t.X, C(-0.333333333333317605173818));
        t = DoublePair.Add(s, DoublePair.Mul(DoublePair.Mul(s, t), u));
        return DoublePair.Add(DoublePair.Mul(DoublePair.Of(1.570796326794896557998982, 6.12323399573676603586882e-17), ToDouble(q)), t);
    }

    /// <summary>Sleef_atand4_u10.</summary>
    public static V Atan(V d)
    {
        var d2 = Atan2Kernel(new DoublePair(Abs(d), V.Zero), DoublePair.Of(1, 0));
        var r = Sel(IsInf(d), C(1.570796326794896557998982), d2.Sum);
        return MulSign(r, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V AsinPolynomial(V x2)
    {
        var x4 = x2 * x2;
        var x8 = x4 * x4;
        var x16 = x8 * x8;
        return Mla(x16, Poly4(x2, x4, +0.3161587650653934628e-1, -0.1581918243329996643e-1, +0.1929045477267910674e-1, +0.6606077476277170610e-2),
            Poly8(x2, x4, x8, +0.1215360525577377331e-1, +0.1388715184501609218e-1, +0.1735956991223614604e-1, +0.2237176181932048341e-1,
                +0.3038195928038132237e-1, +0.4464285681377102438e-1, +0.7500000000378581611e-1, +0.1666666666666497543e+0));
    }

    /// <summary>Sleef_asind4_u10.</summary>
    public static V Asin(V d)
    {
        var small = Lt(Abs(d), C(0.5));
        var x2 = Sel(small, d * d, (C(1) - Abs(d)) * C(0.5));
        var x = DoublePair.Select(small, new DoublePair(Abs(d), V.Zero), DoublePair.Sqrt(x2));
        x = DoublePair.Select(Eq(Abs(d), C(1.0)), DoublePair.Of(0, 0), x);
        var u = AsinPolynomial(x2) * (x2 * x.X);
        var y = DoublePair.Sub(DoublePair.Sub(DoublePair.Of(3.141592653589793116 / 4, 1.2246467991473532072e-16 / 4), x), u);
        var r = Sel(small, u + x.X, y.Sum * C(2));
        return MulSign(r, d);
    }

    /// <summary>Sleef_acosd4_u10.</summary>
    public static V Acos(V d)
    {
        var small = Lt(Abs(d), C(0.5));
        var x2 = Sel(small, d * d, (C(1) - Abs(d)) * C(0.5));
        var x = DoublePair.Select(small, new DoublePair(Abs(d), V.Zero), DoublePair.Sqrt(x2));
        x = DoublePair.Select(Eq(Abs(d), C(1.0)), DoublePair.Of(0, 0), x);
        var u = AsinPolynomial(x2) * (x2 * x.X);
        var y = DoublePair.Sub(DoublePair.Of(3.141592653589793116 / 2, 1.2246467991473532072e-16 / 2),
            DoublePair.Add(MulSign(x.X, d), MulSign(u, d)));
        x = DoublePair.Add(x, u);
        y = DoublePair.Select(small, y, x.Scale(C(2)));
        y = DoublePair.Select(Vector256.AndNot(Lt(d, V.Zero), small),
            DoublePair.Sub(DoublePair.Of(3.141592653589793116, 1.2246467991473532072e-16), y), y);
        return y.Sum;
    }

    // ---- SLEEF's estrin.h polynomial shapes (MLA = FMA on AVX2) ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Poly2(V x, double c1, double c0) => Mla(x, C(c1), C(c0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Poly3(V x, V x2, double c2, double c1, double c0) => Mla(x2, C(c2), Poly2(x, c1, c0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Poly4(V x, V x2, double c3, double c2, double c1, double c0) => Mla(x2, Poly2(x, c3, c2), Poly2(x, c1, c0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Poly7(V x, V x2, V x4, double c6, double c5, double c4, double c3, double c2, double c1, double c0) =>
        Mla(x4, Poly3(x, x2, c6, c5, c4), Poly4(x, x2, c3, c2, c1, c0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Poly8(V x, V x2, V x4, double c7, double c6, double c5, double c4, double c3, double c2, double c1, double c0) =>
        Mla(x4, Poly4(x, x2, c7, c6, c5, c4), Poly4(x, x2, c3, c2, c1, c0));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Poly10(V x, V x2, V x4, V x8, double c9, double c8, double c7, double c6, double c5, double c4, double c3, double c2, double c1, double c0) =>
        Mla(x8, Poly2(x, c9, c8), Poly8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0));
}
