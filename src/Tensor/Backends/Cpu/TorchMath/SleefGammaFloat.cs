// SLEEF 3.5.1's lgamma and erfc on eight float32 lanes (xlgammaf_u1 with gammafk, logk2f and sinpifk; xerfcf_u15 in
// src/libm/sleefsimdsp.c), which libsleef exports as Sleef_lgammaf8_u10 / Sleef_erfcf8_u15 and torch 1.13's
// Vectorized<float>::lgamma / ::erfc call (torch.lgamma, torch.erfc: vml ops, every element through SLEEF).
// SLEEF is (C) Naoki Shibata and contributors, Boost Software License 1.0.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VI = System.Runtime.Intrinsics.Vector256<int>;

namespace Bridge.Backends.Cpu.TorchMath;

internal static partial class SleefFloat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Le(V a, V b) => Avx.CompareLessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static VI TruncToInt(V x) => Avx.ConvertToVector256Int32WithTruncation(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsInt(V x) => Eq(Avx.RoundToZero(x), x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Sel(V o0, V o1, float a, float b, float c) => Sel(o0, C(a), Sel(o1, C(b), C(c)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Sel(V o0, V o1, V o2, float a, float b, float c, float d) => Sel(o0, C(a), Sel(o1, C(b), Sel(o2, C(c), C(d))));

    static FloatPair Sel(V o0, V o1, V o2, double a, double b, double c, double d) =>
        FloatPair.Select(o0, Split(a), FloatPair.Select(o1, Split(b), FloatPair.Select(o2, Split(c), Split(d))));

    static FloatPair PairOf(V x) => new(x, V.Zero);

    /// <summary>dfabs_vf2_vf2: |X|, with Y's sign flipped alongside.</summary>
    static FloatPair AbsPair(FloatPair x) => new(Abs(x.X), x.Y ^ (x.X & C(-0f)));

    /// <summary>vilogbk_vi2_vf: the exponent of d, subnormals included.</summary>
    static VI ILogbk(V d)
    {
        var o = Lt(d, C(5.421010862427522E-20f));
        d = Sel(o, C(1.8446744073709552E19f) * d, d);
        var q = (d.AsInt32() >>> 23) & CI(0xff);
        return q - Sel(o.AsInt32(), CI(64 + 0x7f), CI(0x7f));
    }

    /// <summary>logk2f: ln d for a float-pair argument, as a float pair.</summary>
    static FloatPair LogPair(FloatPair d)
    {
        var e = ILogbk(d.X * C(1.0f / 0.75f));
        var m = d.Scale(Pow2i(-e));
        var x = FloatPair.Div(FloatPair.Add2(m, C(-1)), FloatPair.Add2(m, C(1)));
        var x2 = x.Square();
        var t = C(0.2392828464508056640625f);
        t = Mla(t, x2.X, C(0.28518211841583251953125f));
        t = Mla(t, x2.X, C(0.400005877017974853515625f));
        t = Mla(t, x2.X, C(0.666666686534881591796875f));
        var s = FloatPair.Mul(FloatPair.Of(0.69314718246459960938f, -1.904654323148236017e-09f), ToFloat(e));
        s = FloatPair.Add(s, x.Scale(C(2)));
        return FloatPair.Add(s, FloatPair.Mul(FloatPair.Mul(x2, x), t));
    }

    /// <summary>sinpifk: sin(πd) as a float pair.</summary>
    static FloatPair SinPiPair(V d)
    {
        var u = d * C(4.0f);
        var q = TruncToInt(u);
        q = (q + ((q >>> 31) ^ CI(1))) & CI(~1);
        var o = Vector256.Equals(q & CI(2), CI(2)).AsSingle();
        var s = u - ToFloat(q);
        var t = s;
        s *= s;
        var s2 = FloatPair.Mul(t, t);
        u = Sel(o, C(-0.2430611801e-7f), C(+0.3093842054e-6f));
        u = Mla(u, s, Sel(o, C(+0.3590577080e-5f), C(-0.3657307388e-4f)));
        u = Mla(u, s, Sel(o, C(-0.3259917721e-3f), C(+0.2490393585e-2f)));
        var x = FloatPair.Add2(u * s, FloatPair.Select(o, FloatPair.Of((float)0.015854343771934509277, (float)4.4940051354032242811e-10),
            FloatPair.Of((float)-0.080745510756969451904, (float)-1.3373665339076936258e-09)));
        x = FloatPair.Add2(FloatPair.Mul(s2, x), FloatPair.Select(o, FloatPair.Of((float)-0.30842512845993041992, (float)-9.0728339030733922277e-09),
            FloatPair.Of((float)0.78539818525314331055, (float)-2.1857338617566484855e-08)));
        x = FloatPair.Mul(x, FloatPair.Select(o, s2, PairOf(t)));
        x = FloatPair.Select(o, FloatPair.Add2(x, C(1)), x);
        var flip = Vector256.Equals(q & CI(4), CI(4)).AsSingle() & C(-0f);
        return new FloatPair(x.X ^ flip, x.Y ^ flip);
    }

    /// <summary>gammafk: ln|Γ(a)| as (clc, clln / clld), the second part's log still to be taken.</summary>
    static (FloatPair A, FloatPair B) GammaPair(V a)
    {
        FloatPair one = FloatPair.Of(1, 0), clln = one, clld = one;
        var otiny = Lt(Abs(a), C(1e-30f));
        var oref = Lt(a, C(0.5f));
        var x = FloatPair.Select(otiny, FloatPair.Of(0, 0), FloatPair.Select(oref, FloatPair.Add2(C(1), -a), PairOf(a)));
        var o0 = Le(C(0.5f), x.X) & Le(x.X, C(1.2f));
        var o2 = Le(C(2.3f), x.X);
        var y = FloatPair.Mul(FloatPair.Add2(x, C(1)), x).Normalize();
        y = FloatPair.Mul(FloatPair.Add2(x, C(2)), y).Normalize();
        var o = o2 & Le(x.X, C(7));
        clln = FloatPair.Select(o, y, clln);
        x = FloatPair.Select(o, FloatPair.Add2(x, C(3)), x);
        var t = Sel(o2, V.One / x.X, FloatPair.Add2(x, Sel(o0, C(-1), C(-2))).Normalize().X);

        var u = Sel(o2, o0, (float)+0.000839498720672087279971000786, +0.9435157776e+0f, +0.1102489550e-3f);
        u = Mla(u, t, Sel(o2, o0, (float)-5.17179090826059219329394422e-05, +0.8670063615e+0f, +0.8160019934e-4f));
        u = Mla(u, t, Sel(o2, o0, (float)-0.000592166437353693882857342347, +0.4826702476e+0f, +0.1528468856e-3f));
        u = Mla(u, t, Sel(o2, o0, (float)+6.97281375836585777403743539e-05, -0.8855129778e-1f, -0.2355068718e-3f));
        u = Mla(u, t, Sel(o2, o0, (float)+0.000784039221720066627493314301, +0.1013825238e+0f, +0.4962242092e-3f));
        u = Mla(u, t, Sel(o2, o0, (float)-0.000229472093621399176949318732, -0.1493408978e+0f, -0.1193488017e-2f));
        u = Mla(u, t, Sel(o2, o0, (float)-0.002681327160493827160473958490, +0.1697509140e+0f, +0.2891599433e-2f));
        u = Mla(u, t, Sel(o2, o0, (float)+0.003472222222222222222175164840, -0.2072454542e+0f, -0.7385451812e-2f));
        u = Mla(u, t, Sel(o2, o0, (float)+0.083333333333333333335592087900, +0.2705872357e+0f, +0.2058077045e-1f));

        y = FloatPair.Mul(FloatPair.Add2(x, C(-0.5f)), LogPair(x));
        y = FloatPair.Add2(y, x.Negate());
        y = FloatPair.Add2(y, Split(0.91893853320467278056)); // ½ ln 2π

        var z = FloatPair.Add2(FloatPair.Mul(u, t), Sel(o0, C((float)-0.400686534596170958447352690395e+0), C((float)-0.673523028297382446749257758235e-1)));
        z = FloatPair.Add2(FloatPair.Mul(z, t), Sel(o0, C((float)+0.822466960142643054450325495997e+0), C((float)+0.322467033928981157743538726901e+0)));
        z = FloatPair.Add2(FloatPair.Mul(z, t), Sel(o0, C((float)-0.577215665946766039837398973297e+0), C((float)+0.422784335087484338986941629852e+0)));
        z = FloatPair.Mul(z, t);

        var clc = FloatPair.Select(o2, y, z);
        clld = FloatPair.Select(o2, FloatPair.Add2(FloatPair.Mul(u, t), C(1)), clld);
        y = clln;
        clc = FloatPair.Select(otiny, Split(41.58883083359671856503), // ln 2^60
            FloatPair.Select(oref, FloatPair.Add2(Split(1.1447298858494001639), clc.Negate()), clc)); // ln π
        clln = FloatPair.Select(otiny, one, FloatPair.Select(oref, clln, clld));

        // The reflection's sin(πa), with a reduced modulo 2^12 first (SLEEF skips it when no lane reflects; it only feeds those lanes).
        var ta = a - C(1 << 12) * ToFloat(TruncToInt(a * C(1.0f / (1 << 12))));
        x = FloatPair.Mul(clld, SinPiPair(ta));
        clld = FloatPair.Select(otiny, PairOf(a * C((float)(1L << 30) * (float)(1L << 30))), FloatPair.Select(oref, x, y));
        return (clc, FloatPair.Div(clln, clld));
    }

    /// <summary>Sleef_lgammaf8_u10: ln|Γ(a)| (+inf at the poles 0, -1, -2, ... and at ±inf).</summary>
    public static V Lgamma(V a)
    {
        var (ga, gb) = GammaPair(a);
        var y = FloatPair.Add2(ga, LogPair(AbsPair(gb)));
        var r = y.X + y.Y;
        var isNumber = ~(IsInf(a) | IsNaN(a));
        var o = IsInf(a) | (Le(a, V.Zero) & IsInt(a)) | (isNumber & IsNaN(r));
        return Sel(o, C(float.PositiveInfinity), r);
    }

    /// <summary>Sleef_erfcf8_u15: 1 − erf a, without the cancellation (a polynomial times e^(…) by |a|'s range; 0 past 10.1, 2 below −10.1).</summary>
    public static V Erfc(V a)
    {
        var s = a;
        a = Abs(a);
        var o0 = Lt(a, C(1.0f));
        var o1 = Lt(a, C(2.2f));
        var o2 = Lt(a, C(4.3f));
        var o3 = Lt(a, C(10.1f));
        var u = FloatPair.Select(o1, PairOf(a), FloatPair.Div(FloatPair.Of(1, 0), PairOf(a)));
        var t = Sel(o0, o1, o2, -0.8638041618e-4f, -0.6236977242e-5f, -0.3869504035e+0f, +0.1115344167e+1f);
        t = Mla(t, u.X, Sel(o0, o1, o2, +0.6000166177e-3f, +0.5749821503e-4f, +0.1288077235e+1f, -0.9454904199e+0f));
        t = Mla(t, u.X, Sel(o0, o1, o2, -0.1665703603e-2f, +0.6002851478e-5f, -0.1816803217e+1f, -0.3667259514e+0f));
        t = Mla(t, u.X, Sel(o0, o1, o2, +0.1795156277e-3f, -0.2851036377e-2f, +0.1249150872e+1f, +0.7155663371e+0f));
        t = Mla(t, u.X, Sel(o0, o1, o2, +0.1914106123e-1f, +0.2260518074e-1f, -0.1328857988e+0f, -0.1262947265e-1f));
        var d = FloatPair.Mul(u, t);
        d = FloatPair.Add2(d, Sel(o0, o1, o2, -0.102775359343930288081655368891e+0, -0.105247583459338632253369014063e+0, -0.482365310333045318680618892669e+0, -0.498961546254537647970305302739e+0));
        d = FloatPair.Mul(d, u);
        d = FloatPair.Add2(d, Sel(o0, o1, o2, -0.636619483208481931303752546439e+0, -0.635609463574589034216723775292e+0, -0.134450203224533979217859332703e-2, -0.471199543422848492080722832666e-4));
        d = FloatPair.Mul(d, u);
        d = FloatPair.Add2(d, Sel(o0, o1, o2, -0.112837917790537404939545770596e+1, -0.112855987376668622084547028949e+1, -0.572319781150472949561786101080e+0, -0.572364030327966044425932623525e+0));
        var x = FloatPair.Mul(FloatPair.Select(o1, d, PairOf(-a)), a);
        x = FloatPair.Select(o1, x, FloatPair.Add2(x, d));
        x = ExpPair(x);
        x = FloatPair.Select(o1, x, FloatPair.Mul(x, u));
        var r = Sel(o3, x.X + x.Y, V.Zero);
        r = Sel((s.AsInt32() >> 31).AsSingle(), C(2) - r, r);
        return Sel(IsNaN(s), C(QuietNaN), r);
    }
}
