// ATen's scalar special functions (aten/src/ATen/native/Math.h, torch 1.13, BSD-3-Clause; derived there from the Cephes
// Math Library, (C) Steven Moshier, BSD-3-Clause): calc_digamma, trigamma, zeta, calc_polygamma, calc_i0, calc_i0e,
// calc_ndtri. torch's CPU kernels apply them element by element (cpu_kernel, or Vectorized::map), compiled by GCC 12
// with -O2 -mavx2 -mfma, which contracts a*b + c into one FMA: the FMAs written out below are the ones GCC forms, so
// the roundings match torch's. libm's functions (logf, tan, sinf, pow, exp) are glibc's through MathF/Math.
namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>ψ, ψ⁽ⁿ⁾, ζ, I₀, I₀ₑ and Φ⁻¹ as torch 1.13 computes them on the CPU, in float and in double.</summary>
internal static class TorchGamma
{
    const double Pi = 3.14159265358979323846;
    const float PiF = 3.14159265358979323846f;

    static readonly float[] DigammaF =
        [8.33333333333333333333E-2f, -2.10927960927960927961E-2f, 7.57575757575757575758E-3f, -4.16666666666666666667E-3f,
         3.96825396825396825397E-3f, -8.33333333333333333333E-3f, 8.33333333333333333333E-2f];

    static readonly double[] DigammaD =
        [8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3, -4.16666666666666666667E-3,
         3.96825396825396825397E-3, -8.33333333333333333333E-3, 8.33333333333333333333E-2];

    /// <summary>Cephes' polevl as GCC compiles it for ATen (one FMA per step): result = result·x + a[i] from 0.</summary>
    internal static float Polevl(float x, float[] a)
    {
        float r = 0;
        foreach (float c in a) r = MathF.FusedMultiplyAdd(r, x, c);
        return r;
    }

    /// <summary>Cephes' polevl as GCC compiles it for ATen (one FMA per step): result = result·x + a[i] from 0.</summary>
    internal static double Polevl(double x, double[] a)
    {
        double r = 0;
        foreach (double c in a) r = Math.FusedMultiplyAdd(r, x, c);
        return r;
    }

    /// <summary>calc_digamma(float): ψ(x); ∓inf at ±0, NaN at negative integers, reflection below 0.</summary>
    public static float Digamma(float x)
    {
        if (x == 0) return MathF.CopySign(float.PositiveInfinity, -x);
        bool isInteger = x == MathF.Truncate(x);
        if (x < 0)
        {
            if (isInteger) return float.NaN;
            double r = x - Math.Truncate((double)x); // std::modf in double
            float piOverTan = (float)(Pi / Math.Tan(Pi * r));
            return Digamma(1 - x) - piOverTan;
        }
        float result = 0;
        while (x < 10)
        {
            result -= 1 / x;
            x += 1;
        }
        if (x == 10) return result + 2.25175258906672110764f;
        float y = 0;
        if (x < 1.0e17f)
        {
            float z = 1 / (x * x);
            y = z * Polevl(z, DigammaF);
        }
        return result + MathF.Log(x) - (0.5f / x) - y;
    }

    /// <summary>calc_digamma(double).</summary>
    public static double Digamma(double x)
    {
        if (x == 0) return Math.CopySign(double.PositiveInfinity, -x);
        bool isInteger = x == Math.Truncate(x);
        if (x < 0)
        {
            if (isInteger) return double.NaN;
            double r = x - Math.Truncate(x);
            return Digamma(1 - x) - Pi / Math.Tan(Pi * r);
        }
        double result = 0;
        while (x < 10)
        {
            result -= 1 / x;
            x += 1;
        }
        if (x == 10) return result + 2.25175258906672110764;
        double y = 0;
        if (x < 1.0e17)
        {
            double z = 1.0 / (x * x);
            y = z * Polevl(z, DigammaD);
        }
        return result + Math.Log(x) - (0.5 / x) - y;
    }

    /// <summary>trigamma(float): ψ′(x), by reflection below ½, six recurrence steps and the asymptotic series.</summary>
    public static float Trigamma(float x)
    {
        float sign = +1, result = 0;
        if (x < 0.5f)
        {
            sign = -1;
            float sinPiX = MathF.Sin(PiF * x);
            result -= PiF * PiF / (sinPiX * sinPiX);
            x = 1 - x;
        }
        for (int i = 0; i < 6; ++i)
        {
            result += 1 / (x * x);
            x += 1;
        }
        float ixx = 1 / (x * x);
        float series = MathF.FusedMultiplyAdd(-ixx, MathF.FusedMultiplyAdd(-ixx, 1.0f / 42, 1.0f / 30), 1.0f / 6);
        result += MathF.FusedMultiplyAdd(ixx, series, 1 + 1 / (2 * x)) / x;
        return sign * result;
    }

    /// <summary>trigamma(double).</summary>
    public static double Trigamma(double x)
    {
        double sign = +1, result = 0;
        if (x < 0.5)
        {
            sign = -1;
            double sinPiX = Math.Sin(Pi * x);
            result -= Pi * Pi / (sinPiX * sinPiX);
            x = 1 - x;
        }
        for (int i = 0; i < 6; ++i)
        {
            result += 1 / (x * x);
            x += 1;
        }
        double ixx = 1 / (x * x);
        double series = Math.FusedMultiplyAdd(-ixx, Math.FusedMultiplyAdd(-ixx, 1.0 / 42, 1.0 / 30), 1.0 / 6);
        result += Math.FusedMultiplyAdd(ixx, series, 1 + 1 / (2 * x)) / x;
        return sign * result;
    }

    static readonly double[] ZetaA =
        [12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10, -2.950130727918164224e12,
         1.1646782814350067249e14, -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18];

    /// <summary>zeta(x, q): the Hurwitz ζ, in double (ATen's accumulate type on the CPU for float and double alike).</summary>
    public static double Zeta(double x, double q)
    {
        const double MachEp = 1.11022302462515654042E-16;
        if (x == 1) return double.PositiveInfinity;
        if (x < 1) return double.NaN;
        if (q <= 0)
        {
            if (q == Math.Floor(q)) return double.PositiveInfinity;
            if (x != Math.Floor(x)) return double.NaN;
        }
        double s = Math.Pow(q, -x), a = q, b = 0;
        int i = 0;
        while (i < 9 || a <= 9.0)
        {
            i += 1;
            a += 1;
            b = Math.Pow(a, -x);
            s += b;
            if (-MachEp * s < b && b < MachEp * s) return s;
        }
        double w = a;
        s += b * w / (x - 1);
        s = Math.FusedMultiplyAdd(-0.5, b, s); // s -= half * b, fused by GCC
        a = 1;
        double k = 0;
        for (int j = 0; j < 12; j++)
        {
            a *= x + k;
            b /= w;
            double t = a * b / ZetaA[j];
            s += t;
            t = Math.Abs(t / s);
            if (t < MachEp) return s;
            k += 1;
            a *= x + k;
            b /= w;
            k += 1;
        }
        return s;
    }

    /// <summary>
    /// calc_polygamma(float x, n ≥ 2): (−1)ⁿ⁺¹ n! ζ(n+1, x). ATen's <c>::exp(::lgamma(n + 1))</c> resolves to C's double
    /// functions, so the product is formed in double from the float ζ and rounded once (checked against torch).
    /// </summary>
    public static float Polygamma(int n, float x)
    {
        double sign = n % 2 != 0 ? 1.0 : -1.0;
        float zeta = (float)Zeta(n + 1, x);
        return (float)(sign * Math.Exp(LibM.Lgamma((float)n + 1f)) * zeta);
    }

    /// <summary>calc_polygamma(double x, n ≥ 2).</summary>
    public static double Polygamma(int n, double x)
    {
        double sign = n % 2 != 0 ? 1.0 : -1.0;
        return sign * Math.Exp(LibM.Lgamma(n + 1.0)) * Zeta(n + 1, x);
    }

    /// <summary>ψ⁽ⁿ⁾(x) for any n ≥ 0, as torch's polygamma kernel dispatches it (digamma, trigamma, then ζ).</summary>
    public static float PolygammaAny(int n, float x) => n == 0 ? Digamma(x) : n == 1 ? Trigamma(x) : Polygamma(n, x);

    /// <summary>ψ⁽ⁿ⁾(x) for any n ≥ 0, in double.</summary>
    public static double PolygammaAny(int n, double x) => n == 0 ? Digamma(x) : n == 1 ? Trigamma(x) : Polygamma(n, x);

    static readonly double[] I0eA =
    [
        -4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16, 1.71539128555513303061E-15,
        -1.16853328779934516808E-14, 7.67618549860493561688E-14, -4.85644678311192946090E-13, 2.95505266312963983461E-12,
        -1.72682629144155570723E-11, 9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
        -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7, 1.11738753912010371815E-6,
        -4.41673835845875056359E-6, 1.64484480707288970893E-5, -5.75419501008210370398E-5, 1.88502885095841655729E-4,
        -5.76375574538582365885E-4, 1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
        -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2, 1.71620901522208775349E-1,
        -3.04682672343198398683E-1, 6.76795274409476084995E-1,
    ];

    static readonly double[] I0eB =
    [
        -7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17, 3.46122286769746109310E-17,
        -2.82762398051658348494E-16, -3.42548561967721913462E-16, 1.77256013305652638360E-15, 3.81168066935262242075E-15,
        -9.55484669882830764870E-15, -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
        7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11, -3.14991652796324136454E-11,
        1.18891471078464383424E-11, 4.94060238822496958910E-10, 3.39623202570838634515E-9, 2.26666899049817806459E-8,
        2.04891858946906374183E-7, 2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
        8.04490411014108831608E-1,
    ];

    static readonly float[] I0eAF = [.. I0eA.Select(c => (float)c)], I0eBF = [.. I0eB.Select(c => (float)c)];

    /// <summary>chbevl: Clenshaw's sum of a Chebyshev series, b0 = x·b1 − b2 + c fused as GCC does (fma(x, b1, −b2) + c).</summary>
    static float Chbevl(float x, float[] a)
    {
        float b0 = a[0], b1 = 0, b2 = 0;
        for (int i = 1; i < a.Length; ++i)
        {
            b2 = b1;
            b1 = b0;
            b0 = MathF.FusedMultiplyAdd(x, b1, -b2) + a[i];
        }
        return 0.5f * (b0 - b2);
    }

    static double Chbevl(double x, double[] a)
    {
        double b0 = a[0], b1 = 0, b2 = 0;
        for (int i = 1; i < a.Length; ++i)
        {
            b2 = b1;
            b1 = b0;
            b0 = Math.FusedMultiplyAdd(x, b1, -b2) + a[i];
        }
        return 0.5 * (b0 - b2);
    }

    /// <summary>calc_i0(float): I₀(x), the modified Bessel function of the first kind of order 0.</summary>
    public static float I0(float x)
    {
        x = MathF.Abs(x);
        if (x <= 8f) return MathF.Exp(x) * Chbevl(x / 2f - 2f, I0eAF);
        return MathF.Exp(x) * Chbevl(32f / x - 2f, I0eBF) / MathF.Sqrt(x);
    }

    /// <summary>calc_i0(double).</summary>
    public static double I0(double x)
    {
        x = Math.Abs(x);
        if (x <= 8.0) return Math.Exp(x) * Chbevl(x / 2.0 - 2.0, I0eA);
        return Math.Exp(x) * Chbevl(32.0 / x - 2.0, I0eB) / Math.Sqrt(x);
    }

    /// <summary>calc_i0e(float): e^(−|x|) I₀(x).</summary>
    public static float I0e(float x)
    {
        x = MathF.Abs(x);
        if (x <= 8f) return Chbevl(x / 2f - 2f, I0eAF);
        return Chbevl(32f / x - 2f, I0eBF) / MathF.Sqrt(x);
    }

    /// <summary>calc_i0e(double).</summary>
    public static double I0e(double x)
    {
        x = Math.Abs(x);
        if (x <= 8.0) return Chbevl(x / 2.0 - 2.0, I0eA);
        return Chbevl(32.0 / x - 2.0, I0eB) / Math.Sqrt(x);
    }

    static readonly double[] I1eA =
    [
        2.77791411276104639959E-18, -2.11142121435816608115E-17, 1.55363195773620046921E-16, -1.10559694773538630805E-15,
        7.60068429473540693410E-15, -5.04218550472791168711E-14, 3.22379336594557470981E-13, -1.98397439776494371520E-12,
        1.17361862988909016308E-11, -6.66348972350202774223E-11, 3.62559028155211703701E-10, -1.88724975172282928790E-9,
        9.38153738649577178388E-9, -4.44505912879632808065E-8, 2.00329475355213526229E-7, -8.56872026469545474066E-7,
        3.47025130813767847674E-6, -1.32731636560394358279E-5, 4.78156510755005422638E-5, -1.61760815825896745588E-4,
        5.12285956168575772895E-4, -1.51357245063125314899E-3, 4.15642294431288815669E-3, -1.05640848946261981558E-2,
        2.47264490306265168283E-2, -5.29459812080949914269E-2, 1.02643658689847095384E-1, -1.76416518357834055153E-1,
        2.52587186443633654823E-1,
    ];

    static readonly double[] I1eB =
    [
        7.51729631084210481353E-18, 4.41434832307170791151E-18, -4.65030536848935832153E-17, -3.20952592199342395980E-17,
        2.96262899764595013876E-16, 3.30820231092092828324E-16, -1.88035477551078244854E-15, -3.81440307243700780478E-15,
        1.04202769841288027642E-14, 4.27244001671195135429E-14, -2.10154184277266431302E-14, -4.08355111109219731823E-13,
        -7.19855177624590851209E-13, 2.03562854414708950722E-12, 1.41258074366137813316E-11, 3.25260358301548823856E-11,
        -1.89749581235054123450E-11, -5.58974346219658380687E-10, -3.83538038596423702205E-9, -2.63146884688951950684E-8,
        -2.51223623787020892529E-7, -3.88256480887769039346E-6, -1.10588938762623716291E-4, -9.76109749136146840777E-3,
        7.78576235018280120474E-1,
    ];

    // ATen's float tables are the last 17 and 7 coefficients of the double ones (the rest are below float's reach).
    static readonly float[] I1eAF = [.. I1eA.Skip(12).Select(c => (float)c)], I1eBF = [.. I1eB.Skip(18).Select(c => (float)c)];

    /// <summary>calc_i1(float): I₁(x), odd in x.</summary>
    public static float I1(float x0)
    {
        float x = MathF.Abs(x0);
        float r = x <= 8f ? MathF.Exp(x) * x * Chbevl(x / 2f - 2f, I1eAF) : MathF.Exp(x) * Chbevl(32f / x - 2f, I1eBF) / MathF.Sqrt(x);
        return x0 < 0 ? -r : r;
    }

    /// <summary>calc_i1(double).</summary>
    public static double I1(double x0)
    {
        double x = Math.Abs(x0);
        double r = x <= 8.0 ? Math.Exp(x) * x * Chbevl(x / 2.0 - 2.0, I1eA) : Math.Exp(x) * Chbevl(32.0 / x - 2.0, I1eB) / Math.Sqrt(x);
        return x0 < 0 ? -r : r;
    }

    /// <summary>calc_i1e(float): e^(−|x|) I₁(x).</summary>
    public static float I1e(float x0)
    {
        float x = MathF.Abs(x0);
        float r = x <= 8f ? Chbevl(x / 2f - 2f, I1eAF) * x : Chbevl(32f / x - 2f, I1eBF) / MathF.Sqrt(x);
        return x0 < 0 ? -r : r;
    }

    /// <summary>calc_i1e(double).</summary>
    public static double I1e(double x0)
    {
        double x = Math.Abs(x0);
        double r = x <= 8.0 ? Chbevl(x / 2.0 - 2.0, I1eA) * x : Chbevl(32.0 / x - 2.0, I1eB) / Math.Sqrt(x);
        return x0 < 0 ? -r : r;
    }
}
