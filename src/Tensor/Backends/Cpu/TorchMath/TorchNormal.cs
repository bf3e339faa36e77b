// The normal-distribution functions of torch.special: ATen's calc_ndtri and calc_log_ndtr (aten/src/ATen/native/Math.h,
// torch 1.13, BSD-3-Clause; ndtri from the Cephes Math Library, (C) Steven Moshier, BSD-3-Clause), with GCC's FMAs as
// in TorchGamma. erfcx is not ATen's (a 100-piece Chebyshev table from the Faddeeva package): it is exp(x²)·erfc(x)
// in double with x² carried exactly, and the asymptotic series past 25, which lands within an ulp of torch's.
namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>Φ⁻¹, erfcx and ln Φ, as torch 1.13's CPU computes them (erfcx within an ulp).</summary>
internal static class TorchNormal
{
    static readonly double[] P0 = [-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1, 1.39312609387279679503E1, -1.23916583867381258016E0];
    static readonly double[] Q0 = [1.00000000000000000000E0, 1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1, -2.25462687854119370527E2,
        2.00260212380060660359E2, -8.20372256168333339912E1, 1.59056225126211695515E1, -1.18331621121330003142E0];
    static readonly double[] P1 = [4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1, 4.40805073893200834700E1, 1.46849561928858024014E1,
        2.18663306850790267539E0, -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4];
    static readonly double[] Q1 = [1.00000000000000000000E0, 1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1, 1.50425385692907503408E1,
        2.50464946208309415979E0, -1.42182922854787788574E-1, -3.80806407691578277194E-2, -9.33259480895457427372E-4];
    static readonly double[] P2 = [3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0, 1.33303460815807542389E0, 2.01485389549179081538E-1,
        1.23716634817820021358E-2, 3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9];
    static readonly double[] Q2 = [1.00000000000000000000E0, 6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0, 2.16236993594496635890E-1,
        1.34204006088543189037E-2, 3.28014464682127739104E-4, 2.89247864745380683936E-6, 6.79019408009981274425E-9];

    static readonly float[] P0F = F(P0), Q0F = F(Q0), P1F = F(P1), Q1F = F(Q1), P2F = F(P2), Q2F = F(Q2);

    static float[] F(double[] a) => [.. a.Select(c => (float)c)];

    static float Polevl(float x, float[] a) => TorchGamma.Polevl(x, a);

    static double Polevl(double x, double[] a) => TorchGamma.Polevl(x, a);

    /// <summary>calc_ndtri(float): the x with Φ(x) = y (∓inf at 0 and 1, NaN outside); the tail's logs in double, as ATen's ::log.</summary>
    public static float Ndtri(float y0)
    {
        const float Exp2 = 0.13533528323661269189f;
        if (y0 == 0) return float.NegativeInfinity;
        if (y0 == 1) return float.PositiveInfinity;
        if (y0 < 0 || y0 > 1) return float.NaN;
        bool negate = true;
        float y = y0;
        if (y > 1 - Exp2)
        {
            y = 1 - y;
            negate = false;
        }
        if (y > Exp2)
        {
            y -= 0.5f;
            float y2 = y * y;
            float x0 = MathF.FusedMultiplyAdd(y, y2 * Polevl(y2, P0F) / Polevl(y2, Q0F), y);
            return x0 * 2.50662827463100050242f;
        }
        // ::sqrt and ::log are C's double functions here (checked against torch): double in between, float at each assignment.
        float x = (float)Math.Sqrt(-2.0f * Math.Log(y));
        float xm = (float)(x - Math.Log(x) / x);
        float z = 1 / x;
        float x1 = x < 8f ? z * Polevl(z, P1F) / Polevl(z, Q1F) : z * Polevl(z, P2F) / Polevl(z, Q2F);
        x = xm - x1;
        return negate ? -x : x;
    }

    /// <summary>calc_ndtri(double).</summary>
    public static double Ndtri(double y0)
    {
        const double Exp2 = 0.13533528323661269189;
        if (y0 == 0) return double.NegativeInfinity;
        if (y0 == 1) return double.PositiveInfinity;
        if (y0 < 0 || y0 > 1) return double.NaN;
        bool negate = true;
        double y = y0;
        if (y > 1 - Exp2)
        {
            y = 1 - y;
            negate = false;
        }
        if (y > Exp2)
        {
            y -= 0.5;
            double y2 = y * y;
            double x0 = Math.FusedMultiplyAdd(y, y2 * Polevl(y2, P0) / Polevl(y2, Q0), y);
            return x0 * 2.50662827463100050242;
        }
        double x = Math.Sqrt(-2.0 * Math.Log(y));
        double xm = x - Math.Log(x) / x;
        double z = 1 / x;
        double x1 = x < 8.0 ? z * Polevl(z, P1) / Polevl(z, Q1) : z * Polevl(z, P2) / Polevl(z, Q2);
        x = xm - x1;
        return negate ? -x : x;
    }

    /// <summary>
    /// erfcx x = e^(x²) erfc x for x ≥ 0 in double: x² split exactly (x² = hi + lo), e^hi·(1 + lo)·erfc x below 25,
    /// the asymptotic series above. Below 0, ATen's own formula (in <see cref="Erfcx(float)"/> for float).
    /// </summary>
    public static double Erfcx(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0)
        {
            // calc_erfcx: inf below −26.7, 2e^(x²) below −6.1, 2e^(x²) − erfcx(−x) above, with x² rounded as ATen rounds it.
            if (x < -26.7) return double.PositiveInfinity;
            double twice = 2 * Math.Exp(x * x);
            return x < -6.1 ? twice : twice - Erfcx(-x);
        }
        if (x < 25)
        {
            double hi = x * x, lo = Math.FusedMultiplyAdd(x, x, -hi);
            return Math.Exp(hi) * (1 + lo) * LibM.Erfc(x);
        }
        const double InvSqrtPi = 0.56418958354775628695;
        if (x > 1e8) return InvSqrtPi / x;
        double inv2x2 = 1 / (2 * x * x), term = 1, sum = 1;
        for (int k = 1; k <= 14; k++)
        {
            term *= -(2 * k - 1) * inv2x2;
            sum += term;
        }
        return InvSqrtPi / x * sum;
    }

    /// <summary>erfcx in float: the double value rounded once for x ≥ 0; ATen's float formula below 0.</summary>
    public static float Erfcx(float x)
    {
        if (!(x < 0)) return (float)Erfcx((double)x);
        if (x < -26.7f) return float.PositiveInfinity;
        float twice = 2 * MathF.Exp(x * x);
        return x < -6.1f ? twice : twice - (float)Erfcx(-(double)x);
    }

    /// <summary>calc_log_ndtr(float): ln Φ(x), through erfcx below −1 and log1p(−erfc(x/√2)/2) above.</summary>
    public static float LogNdtr(float x)
    {
        float t = (float)(x * 0.70710678118654752440); // x * M_SQRT1_2: a double product, rounded once (checked against torch)
        if (x < -1.0f) return MathF.FusedMultiplyAdd(-t, t, MathF.Log(Erfcx(-t) / 2));
        return LibMFloat.Log1p(-LibMFloat.Erfc(t) / 2);
    }

    /// <summary>calc_log_ndtr(double).</summary>
    public static double LogNdtr(double x)
    {
        double t = x * 0.70710678118654752440;
        if (x < -1.0) return Math.FusedMultiplyAdd(-t, t, Math.Log(Erfcx(-t) / 2));
        return LibM.Log1p(-LibM.Erfc(t) / 2);
    }
}
