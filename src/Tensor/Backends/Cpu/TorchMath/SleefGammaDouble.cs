// SLEEF 3.5.1's lgamma and erfc on four float64 lanes (xlgamma_u1 with gammak, logk2 and sinpik; xerfc_u15 in
// src/libm/sleefsimddp.c), exported as Sleef_lgammad4_u10 / Sleef_erfcd4_u15, which torch 1.13's
// Vectorized<double>::lgamma / ::erfc call. SLEEF is (C) Naoki Shibata and contributors, Boost Software License 1.0.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using V = System.Runtime.Intrinsics.Vector256<double>;
using VI = System.Runtime.Intrinsics.Vector128<int>;

namespace Bridge.Backends.Cpu.TorchMath;

internal static partial class SleefDouble
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Le(V a, V b) => Avx.CompareLessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V IsInt(V x) => Eq(Avx.RoundToZero(x), x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Widen(VI mask) => Avx2.ConvertToVector256Int64(mask).AsDouble();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static V Sel4(V o0, V o1, V o2, double a, double b, double c, double d) => Sel(o0, C(a), Sel(o1, C(b), Sel(o2, C(c), C(d))));

    static DoublePair PairOf(V x) => new(x, V.Zero);

    static DoublePair AbsPair(DoublePair x) => new(Abs(x.X), x.Y ^ (x.X & C(-0.0)));

    /// <summary>vilogbk_vi_vd: the exponent of d, subnormals included.</summary>
    static VI ILogbk(V d)
    {
        var o = Lt(d, C(4.9090934652977266E-91));
        d = Sel(o, C(2.037035976334486E90) * d, d);
        var q = Narrow((d.AsInt64() >>> 52) & Vector256.Create(0x7ffL));
        return q - Vector128.ConditionalSelect(Narrow(o.AsInt64()), CI(300 + 0x3ff), CI(0x3ff));
    }

    /// <summary>logk2: ln d for a double-double argument, as a double-double.</summary>
    static DoublePair LogPair(DoublePair d)
    {
        var e = ILogbk(d.X * C(1.0 / 0.75));
        var m = new DoublePair(Ldexp2(d.X, -e), Ldexp2(d.Y, -e));
        var x = DoublePair.Div(DoublePair.Add2(m, C(-1)), DoublePair.Add2(m, C(1)));
        var x2 = x.Square();
        var x4 = x2.X * x2.X;
        var x8 = x4 * x4;
        var t = Poly7(x2.X, x4, x8, 0.13860436390467167910856, 0.131699838841615374240845, 0.153914168346271945653214,
            0.181816523941564611721589, 0.22222224632662035403996, 0.285714285511134091777308, 0.400000000000914013309483);
        t = Mla(t, x2.X, C(0.666666666666664853302393));
        var s = DoublePair.Mul(DoublePair.Of(0.693147180559945286226764, 2.319046813846299558417771e-17), ToDouble(e));
        s = DoublePair.Add(s, x.Scale(C(2)));
        return DoublePair.Add(s, DoublePair.Mul(DoublePair.Mul(x2, x), t));
    }

    /// <summary>sinpik: sin(πd) as a double-double.</summary>
    static DoublePair SinPiPair(V d)
    {
        var u = d * C(4.0);
        var q = Avx.ConvertToVector128Int32WithTruncation(u);
        q = (q + ((q >>> 31) ^ CI(1))) & CI(~1);
        var o = Widen(Vector128.Equals(q & CI(2), CI(2)));
        var s = u - ToDouble(q);
        var t = s;
        s *= s;
        var s2 = DoublePair.Mul(t, t);
        u = Sel(o, C(9.94480387626843774090208e-16), C(-2.02461120785182399295868e-14));
        u = Mla(u, s, Sel(o, C(-3.89796226062932799164047e-13), C(6.948218305801794613277840e-12)));
        u = Mla(u, s, Sel(o, C(1.150115825399960352669010e-10), C(-1.75724749952853179952664e-09)));
        u = Mla(u, s, Sel(o, C(-2.46113695010446974953590e-08), C(3.133616889668683928784220e-07)));
        u = Mla(u, s, Sel(o, C(3.590860448590527540050620e-06), C(-3.65762041821615519203610e-05)));
        u = Mla(u, s, Sel(o, C(-0.000325991886927389905997954), C(0.0024903945701927185027435600)));
        var x = DoublePair.Add2(u * s, DoublePair.Select(o, DoublePair.Of(0.0158543442438155018914259, -1.04693272280631521908845e-18),
            DoublePair.Of(-0.0807455121882807852484731, 3.61852475067037104849987e-18)));
        x = DoublePair.Add2(DoublePair.Mul(s2, x), DoublePair.Select(o, DoublePair.Of(-0.308425137534042437259529, -1.95698492133633550338345e-17),
            DoublePair.Of(0.785398163397448278999491, 3.06287113727155002607105e-17)));
        x = DoublePair.Mul(x, DoublePair.Select(o, s2, PairOf(t)));
        x = DoublePair.Select(o, DoublePair.Add2(x, C(1)), x);
        var flip = Widen(Vector128.Equals(q & CI(4), CI(4))) & C(-0.0);
        return new DoublePair(x.X ^ flip, x.Y ^ flip);
    }

    /// <summary>gammak: ln|Γ(a)| as (clc, clln / clld), the second part's log still to be taken.</summary>
    static (DoublePair A, DoublePair B) GammaPair(V a)
    {
        DoublePair one = DoublePair.Of(1, 0), clln = one, clld = one;
        var otiny = Lt(Abs(a), C(1e-306));
        var oref = Lt(a, C(0.5));
        var x = DoublePair.Select(otiny, DoublePair.Of(0, 0), DoublePair.Select(oref, DoublePair.Add2(C(1), -a), PairOf(a)));
        var o0 = Le(C(0.5), x.X) & Le(x.X, C(1.1));
        var o2 = Le(C(2.3), x.X);
        var y = DoublePair.Mul(DoublePair.Add2(x, C(1)), x).Normalize();
        y = DoublePair.Mul(DoublePair.Add2(x, C(2)), y).Normalize();
        y = DoublePair.Mul(DoublePair.Add2(x, C(3)), y).Normalize();
        y = DoublePair.Mul(DoublePair.Add2(x, C(4)), y).Normalize();
        var o = o2 & Le(x.X, C(7));
        clln = DoublePair.Select(o, y, clln);
        x = DoublePair.Select(o, DoublePair.Add2(x, C(5)), x);
        var t = Sel(o2, V.One / x.X, DoublePair.Add2(x, Sel(o0, C(-1), C(-2))).Normalize().X);

        var u = Sel3(o2, o0, -156.801412704022726379848862, +0.2947916772827614196e+2, +0.7074816000864609279e-7);
        u = Mla(u, t, Sel3(o2, o0, +1.120804464289911606838558160000, +0.1281459691827820109e+3, +0.4009244333008730443e-6));
        u = Mla(u, t, Sel3(o2, o0, +13.39798545514258921833306020000, +0.2617544025784515043e+3, +0.1040114641628246946e-5));
        u = Mla(u, t, Sel3(o2, o0, -0.116546276599463200848033357000, +0.3287022855685790432e+3, +0.1508349150733329167e-5));
        u = Mla(u, t, Sel3(o2, o0, -1.391801093265337481495562410000, +0.2818145867730348186e+3, +0.1288143074933901020e-5));
        u = Mla(u, t, Sel3(o2, o0, +0.015056113040026424412918973400, +0.1728670414673559605e+3, +0.4744167749884993937e-6));
        u = Mla(u, t, Sel3(o2, o0, +0.179540117061234856098844714000, +0.7748735764030416817e+2, -0.6554816306542489902e-7));
        u = Mla(u, t, Sel3(o2, o0, -0.002481743600264997730942489280, +0.2512856643080930752e+2, -0.3189252471452599844e-6));
        u = Mla(u, t, Sel3(o2, o0, -0.029527880945699120504851034100, +0.5766792106140076868e+1, +0.1358883821470355377e-6));
        u = Mla(u, t, Sel3(o2, o0, +0.000540164767892604515196325186, +0.7270275473996180571e+0, -0.4343931277157336040e-6));
        u = Mla(u, t, Sel3(o2, o0, +0.006403362833808069794787256200, +0.8396709124579147809e-1, +0.9724785897406779555e-6));
        u = Mla(u, t, Sel3(o2, o0, -0.000162516262783915816896611252, -0.8211558669746804595e-1, -0.2036886057225966011e-5));
        u = Mla(u, t, Sel3(o2, o0, -0.001914438498565477526465972390, +0.6828831828341884458e-1, +0.4373363141819725815e-5));
        u = Mla(u, t, Sel3(o2, o0, +7.20489541602001055898311517e-05, -0.7712481339961671511e-1, -0.9439951268304008677e-5));
        u = Mla(u, t, Sel3(o2, o0, +0.000839498720672087279971000786, +0.8337492023017314957e-1, +0.2050727030376389804e-4));
        u = Mla(u, t, Sel3(o2, o0, -5.17179090826059219329394422e-05, -0.9094964931456242518e-1, -0.4492620183431184018e-4));
        u = Mla(u, t, Sel3(o2, o0, -0.000592166437353693882857342347, +0.1000996313575929358e+0, +0.9945751236071875931e-4));
        u = Mla(u, t, Sel3(o2, o0, +6.97281375836585777403743539e-05, -0.1113342861544207724e+0, -0.2231547599034983196e-3));
        u = Mla(u, t, Sel3(o2, o0, +0.000784039221720066627493314301, +0.1255096673213020875e+0, +0.5096695247101967622e-3));
        u = Mla(u, t, Sel3(o2, o0, -0.000229472093621399176949318732, -0.1440498967843054368e+0, -0.1192753911667886971e-2));
        u = Mla(u, t, Sel3(o2, o0, -0.002681327160493827160473958490, +0.1695571770041949811e+0, +0.2890510330742210310e-2));
        u = Mla(u, t, Sel3(o2, o0, +0.003472222222222222222175164840, -0.2073855510284092762e+0, -0.7385551028674461858e-2));
        u = Mla(u, t, Sel3(o2, o0, +0.083333333333333333335592087900, +0.2705808084277815939e+0, +0.2058080842778455335e-1));

        y = DoublePair.Mul(DoublePair.Add2(x, C(-0.5)), LogPair(x));
        y = DoublePair.Add2(y, x.Negate());
        y = DoublePair.Add2(y, DoublePair.Of(0.91893853320467278056, -3.8782941580672414498e-17)); // ½ ln 2π

        var z = DoublePair.Add2(DoublePair.Mul(u, t), Sel(o0, C(-0.4006856343865314862e+0), C(-0.6735230105319810201e-1)));
        z = DoublePair.Add2(DoublePair.Mul(z, t), Sel(o0, C(+0.8224670334241132030e+0), C(+0.3224670334241132030e+0)));
        z = DoublePair.Add2(DoublePair.Mul(z, t), Sel(o0, C(-0.5772156649015328655e+0), C(+0.4227843350984671345e+0)));
        z = DoublePair.Mul(z, t);

        var clc = DoublePair.Select(o2, y, z);
        clld = DoublePair.Select(o2, DoublePair.Add2(DoublePair.Mul(u, t), C(1)), clld);
        y = clln;
        clc = DoublePair.Select(otiny, DoublePair.Of(83.1776616671934334590333, 3.67103459631568507221878e-15), // ln 2^120
            DoublePair.Select(oref, DoublePair.Add2(DoublePair.Of(1.1447298858494001639, 1.026595116270782638e-17), clc.Negate()), clc)); // ln π
        clln = DoublePair.Select(otiny, one, DoublePair.Select(oref, clln, clld));

        var ta = a - C(1 << 28) * ToDouble(Avx.ConvertToVector128Int32WithTruncation(a * C(1.0 / (1 << 28))));
        x = DoublePair.Mul(clld, SinPiPair(ta));
        clld = DoublePair.Select(otiny, PairOf(a * C((double)(1L << 60) * (double)(1L << 60))), DoublePair.Select(oref, x, y));
        return (clc, DoublePair.Div(clln, clld));
    }

    /// <summary>Sleef_lgammad4_u10: ln|Γ(a)| (+inf at the poles 0, -1, -2, ... and at ±inf).</summary>
    public static V Lgamma(V a)
    {
        var (ga, gb) = GammaPair(a);
        var y = DoublePair.Add2(ga, LogPair(AbsPair(gb)));
        var r = y.X + y.Y;
        var isNumber = ~(IsInf(a) | IsNaN(a));
        var o = IsInf(a) | (Le(a, V.Zero) & IsInt(a)) | (isNumber & IsNaN(r));
        return Sel(o, C(double.PositiveInfinity), r);
    }

    /// <summary>Sleef_erfcd4_u15: 1 − erf a without the cancellation (0 past 27.3, 2 below −27.3).</summary>
    public static V Erfc(V a)
    {
        var s = a;
        a = Abs(a);
        var o0 = Lt(a, C(1.0));
        var o1 = Lt(a, C(2.2));
        var o2 = Lt(a, C(4.2));
        var o3 = Lt(a, C(27.3));
        var u = DoublePair.Select(o0, DoublePair.Mul(a, a), DoublePair.Select(o1, PairOf(a), DoublePair.Div(DoublePair.Of(1, 0), PairOf(a))));
        var t = Sel4(o0, o1, o2, +0.6801072401395386139e-20, +0.3438010341362585303e-12, -0.5757819536420710449e+2, +0.2334249729638701319e+5);
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.2161766247570055669e-18, -0.1237021188160598264e-10, +0.4669289654498104483e+3, -0.4695661044933107769e+5));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.4695919173301595670e-17, +0.2117985839877627852e-09, -0.1796329879461355858e+4, +0.3173403108748643353e+5));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.9049140419888007122e-16, -0.2290560929177369506e-08, +0.4355892193699575728e+4, +0.3242982786959573787e+4));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.1634018903557410728e-14, +0.1748931621698149538e-07, -0.7456258884965764992e+4, -0.2014717999760347811e+5));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.2783485786333451745e-13, -0.9956602606623249195e-07, +0.9553977358167021521e+4, +0.1554006970967118286e+5));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.4463221276786415752e-12, +0.4330010240640327080e-06, -0.9470019905444229153e+4, -0.6150874190563554293e+4));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.6711366622850136563e-11, -0.1435050600991763331e-05, +0.7387344321849855078e+4, +0.1240047765634815732e+4));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.9422759050232662223e-10, +0.3460139479650695662e-05, -0.4557713054166382790e+4, -0.8210325475752699731e+2));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.1229055530100229098e-08, -0.4988908180632898173e-05, +0.2207866967354055305e+4, +0.3242443880839930870e+2));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.1480719281585086512e-07, -0.1308775976326352012e-05, -0.8217975658621754746e+3, -0.2923418863833160586e+2));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.1636584469123399803e-06, +0.2825086540850310103e-04, +0.2268659483507917400e+3, +0.3457461732814383071e+0));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.1646211436588923575e-05, -0.6393913713069986071e-04, -0.4633361260318560682e+2, +0.5489730155952392998e+1));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.1492565035840623511e-04, -0.2566436514695078926e-04, +0.9557380123733945965e+1, +0.1559934132251294134e-2));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.1205533298178967851e-03, +0.5895792375659440364e-03, -0.2958429331939661289e+1, -0.1541741566831520638e+1));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.8548327023450850081e-03, -0.1695715579163588598e-02, +0.1670329508092765480e+0, +0.2823152230558364186e-5));
        t = Mla(t, u.X, Sel4(o0, o1, o2, +0.5223977625442187932e-02, +0.2089116434918055149e-03, +0.6096615680115419211e+0, +0.6249999184195342838e+0));
        t = Mla(t, u.X, Sel4(o0, o1, o2, -0.2686617064513125222e-01, +0.1912855949584917753e-01, +0.1059212443193543585e-2, +0.1741749416408701288e-8));
        var d = DoublePair.Mul(u, t);
        d = DoublePair.Add2(d, new DoublePair(Sel4(o0, o1, o2, 0.11283791670955126141, -0.10277263343147646779, -0.50005180473999022439, -0.5000000000258444377),
            Sel4(o0, o1, o2, -4.0175691625932118483e-18, -6.2338714083404900225e-18, 2.6362140569041995803e-17, -4.0074044712386992281e-17)));
        d = DoublePair.Mul(d, u);
        d = DoublePair.Add2(d, new DoublePair(Sel4(o0, o1, o2, -0.37612638903183753802, -0.63661976742916359662, 1.601106273924963368e-06, 2.3761973137523364792e-13),
            Sel4(o0, o1, o2, 1.3391897206042552387e-17, 7.6321019159085724662e-18, 1.1974001857764476775e-23, -1.1670076950531026582e-29)));
        d = DoublePair.Mul(d, u);
        d = DoublePair.Add2(d, new DoublePair(Sel4(o0, o1, o2, 1.1283791670955125586, -1.1283791674717296161, -0.57236496645145429341, -0.57236494292470108114),
            Sel4(o0, o1, o2, 1.5335459613165822674e-17, 8.0896847755965377194e-17, 3.0704553245872027258e-17, -2.3984352208056898003e-17)));
        var x = DoublePair.Mul(DoublePair.Select(o1, d, PairOf(-a)), a);
        x = DoublePair.Select(o1, x, DoublePair.Add2(x, d));
        x = DoublePair.Select(o0, DoublePair.Sub(DoublePair.Of(1, 0), x), ExpPair(x));
        x = DoublePair.Select(o1, x, DoublePair.Mul(x, u));
        var r = Sel(o3, x.X + x.Y, V.Zero);
        r = Sel((s.AsInt64() >> 63).AsDouble(), C(2) - r, r);
        return Sel(IsNaN(s), C(QuietNaN), r);
    }
}
