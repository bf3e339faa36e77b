// SLEEF 3.5.1's erf (xerff_u1 / xerf_u1 in src/libm/sleefsimdsp.c and sleefsimddp.c), which libsleef exports as
// Sleef_erff8_u10 / Sleef_erfd4_u10 and torch 1.13's Vectorized<float/double>::erf calls (torch.erf, the exact
// GELU's ATen kernels). SLEEF is (C) Naoki Shibata and contributors, Boost Software License 1.0.
using System.Runtime.Intrinsics;
using V = System.Runtime.Intrinsics.Vector256<float>;
using VD = System.Runtime.Intrinsics.Vector256<double>;

namespace Bridge.Backends.Cpu.TorchMath;

internal static partial class SleefFloat
{
    /// <summary>Per-lane choice of three constants by |x| &lt; 1.1 (o0), &lt; 2.4 (o1), else.</summary>
    static V Sel3(V o0, V o1, float a, float b, float c) => Sel(o0, C(a), Sel(o1, C(b), C(c)));

    /// <summary>The same choice among double constants held as float pairs (vcast_vf2_d: (float)d, (float)(d - (float)d)).</summary>
    static FloatPair Sel3(V o0, V o1, double a, double b, double c) =>
        FloatPair.Select(o0, Split(a), FloatPair.Select(o1, Split(b), Split(c)));

    static FloatPair Split(double d) => FloatPair.Of((float)d, (float)(d - (float)d));

    /// <summary>Sleef_erff8_u10: a polynomial in x² below 1.1, 1 − e^(poly(|x|)) up to 4, ±1 beyond.</summary>
    public static V Erf(V s)
    {
        var a = Abs(s);
        var o0 = Lt(a, C(1.1f));
        var o1 = Lt(a, C(2.4f));
        var o2 = Lt(a, C(4.0f));
        var u = Sel(o0, a * a, a);
        var t = Sel3(o0, o1, +0.7089292194e-4f, -0.1792667899e-4f, -0.9495757695e-5f);
        t = Mla(t, u, Sel3(o0, o1, -0.7768311189e-3f, +0.3937633010e-3f, +0.2481465926e-3f));
        t = Mla(t, u, Sel3(o0, o1, +0.5159463733e-2f, -0.3949181177e-2f, -0.2918176819e-2f));
        t = Mla(t, u, Sel3(o0, o1, -0.2683781274e-1f, +0.2445474640e-1f, +0.2059706673e-1f));
        t = Mla(t, u, Sel3(o0, o1, +0.1128318012e+0f, -0.1070996150e+0f, -0.9901899844e-1f));
        var d = FloatPair.Mul(t, u);
        d = FloatPair.Add2(d, Sel3(o0, o1, -0.376125876000657465175213237214e+0, -0.634588905908410389971210809210e+0, -0.643598050547891613081201721633e+0));
        d = FloatPair.Mul(d, u);
        d = FloatPair.Add2(d, Sel3(o0, o1, +0.112837916021059138255978217023e+1, -0.112879855826694507209862753992e+1, -0.112461487742845562801052956293e+1));
        d = FloatPair.Mul(d, a);
        d = FloatPair.Select(o0, d, FloatPair.Add(C(1.0f), ExpPair(d).Negate()));
        var r = MulSign(Sel(o2, d.X + d.Y, C(1)), s);
        return Sel(IsNaN(a), C(QuietNaN), r);
    }
}

internal static partial class SleefDouble
{
    static VD Sel3(VD o0, VD o1, double a, double b, double c) => Sel(o0, C(a), Sel(o1, C(b), C(c)));

    /// <summary>Sleef_erfd4_u10: a polynomial in x² below 1, 1 − e^(poly(|x|)) up to 6, ±1 beyond.</summary>
    public static VD Erf(VD s)
    {
        var a = Abs(s);
        var o0 = Lt(a, C(1.0));
        var o1 = Lt(a, C(3.7));
        var o2 = Lt(a, C(6.0));
        var u = Sel(o0, a * a, a);
        var t = Sel3(o0, o1, +0.6801072401395392157e-20, +0.2830954522087717660e-13, -0.5846750404269610493e-17);
        t = Mla(t, u, Sel3(o0, o1, -0.2161766247570056391e-18, -0.1509491946179481940e-11, +0.6076691048812607898e-15));
        t = Mla(t, u, Sel3(o0, o1, +0.4695919173301598752e-17, +0.3827857177807173152e-10, -0.3007518609604893831e-13));
        t = Mla(t, u, Sel3(o0, o1, -0.9049140419888010819e-16, -0.6139733921558987241e-09, +0.9427906260824646063e-12));
        t = Mla(t, u, Sel3(o0, o1, +0.1634018903557411517e-14, +0.6985387934608038824e-08, -0.2100110908269393629e-10));
        t = Mla(t, u, Sel3(o0, o1, -0.2783485786333455216e-13, -0.5988224513034371474e-07, +0.3534639523461223473e-09));
        t = Mla(t, u, Sel3(o0, o1, +0.4463221276786412722e-12, +0.4005716952355346640e-06, -0.4664967728285395926e-08));
        t = Mla(t, u, Sel3(o0, o1, -0.6711366622850138987e-11, -0.2132190104575784400e-05, +0.4943823283769000532e-07));
        t = Mla(t, u, Sel3(o0, o1, +0.9422759050232658346e-10, +0.9092461304042630325e-05, -0.4271203394761148254e-06));
        t = Mla(t, u, Sel3(o0, o1, -0.1229055530100228477e-08, -0.3079188080966205457e-04, +0.3034067677404915895e-05));
        t = Mla(t, u, Sel3(o0, o1, +0.1480719281585085023e-07, +0.7971413443082370762e-04, -0.1776295289066871135e-04));
        t = Mla(t, u, Sel3(o0, o1, -0.1636584469123402714e-06, -0.1387853215225442864e-03, +0.8524547630559505050e-04));
        t = Mla(t, u, Sel3(o0, o1, +0.1646211436588923363e-05, +0.6469678026257590965e-04, -0.3290582944961784398e-03));
        t = Mla(t, u, Sel3(o0, o1, -0.1492565035840624866e-04, +0.4996645280372945860e-03, +0.9696966068789101157e-03));
        t = Mla(t, u, Sel3(o0, o1, +0.1205533298178966496e-03, -0.1622802482842520535e-02, -0.1812527628046986137e-02));
        t = Mla(t, u, Sel3(o0, o1, -0.8548327023450851166e-03, +0.1615320557049377171e-03, -0.4725409828123619017e-03));
        t = Mla(t, u, Sel3(o0, o1, +0.5223977625442188799e-02, +0.1915262325574875607e-01, +0.2090315427924229266e-01));
        t = Mla(t, u, Sel3(o0, o1, -0.2686617064513125569e-01, -0.1027818298486033455e+00, -0.1052041921842776645e+00));
        t = Mla(t, u, Sel3(o0, o1, +0.1128379167095512753e+00, -0.6366172819842503827e+00, -0.6345351808766568347e+00));
        t = Mla(t, u, Sel3(o0, o1, -0.3761263890318375380e+00, -0.1128379590648910469e+01, -0.1129442929103524396e+01));
        var d = DoublePair.Mul(t, u);
        d = DoublePair.Add2(d, new DoublePair(Sel3(o0, o1, 1.1283791670955125586, 3.4110644736196137587e-08, 0.00024963035690526438285),
            Sel3(o0, o1, 1.5335459613165822674e-17, -2.4875650708323294246e-24, -5.4362665034856259795e-21)));
        d = DoublePair.Select(o0, DoublePair.Mul(d, a), DoublePair.Add(C(1.0), ExpPair(d).Negate()));
        var r = MulSign(Sel(o2, d.X + d.Y, C(1)), s);
        return Sel(IsNaN(a), C(QuietNaN), r);
    }
}
