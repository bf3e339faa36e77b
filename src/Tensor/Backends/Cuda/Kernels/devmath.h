// devmath.h - float math for CUDA device code WITHOUT libdevice, and for the host emulator.
// Uses only IEEE-exact operations (+ - * fma, div.rn, sqrt.rn, int<->float bit casts), so with
// -ffp-contract=off on both sides device and host produce BIT-IDENTICAL results.
#pragma once
#if defined(__CUDA_ARCH__)
#  define DM_FN static __attribute__((device)) __attribute__((always_inline)) inline
#else
#  define DM_FN static inline
#endif

DM_FN float dm_fma(float a, float b, float c) { return __builtin_fmaf(a, b, c); }  // fma.rn.f32 / libm fmaf
DM_FN double dm_fmad(double a, double b, double c) { return __builtin_fma(a, b, c); }
DM_FN int dm_f2i(float f) { int i; __builtin_memcpy(&i, &f, 4); return i; }
DM_FN float dm_i2f(int i) { float f; __builtin_memcpy(&f, &i, 4); return f; }
DM_FN long long dm_d2l(double d) { long long i; __builtin_memcpy(&i, &d, 8); return i; }
DM_FN double dm_l2d(long long i) { double d; __builtin_memcpy(&d, &i, 8); return d; }
DM_FN float dm_fabsf(float x) { return dm_i2f(dm_f2i(x) & 0x7fffffff); }
DM_FN float dm_sqrtf(float x) { return __builtin_sqrtf(x); }   // sqrt.rn.f32 (IEEE) unless fast-math
#define DM_INF dm_i2f(0x7f800000)

// ---- expf: Cody-Waite reduction + degree-6 minimax polynomial. Measured max error 0.88 ulp (all 2^32 inputs)
DM_FN float dm_expf(float x) {
  if (!(dm_fabsf(x) < 104.0f)) return (x != x) ? x + x : (x > 0.0f ? DM_INF : 0.0f);
  float j = dm_fma(x, 0x1.715476p+0f, 0x1.8p23f) - 0x1.8p23f;   // rint(x*log2(e))
  float f = dm_fma(j, -0x1.62e400p-1f, x);                      // x - j*ln2_hi (exact)
  f = dm_fma(j, -0x1.7f7d1cp-20f, f);                            //   - j*ln2_lo
  int i = (int)j;
  float r = 0x1.6d10fcp-10f;                                     // exp(f) on [-ln2/2, ln2/2]
  r = dm_fma(r, f, 0x1.120b62p-7f);
  r = dm_fma(r, f, 0x1.55551ap-5f);
  r = dm_fma(r, f, 0x1.5554dep-3f);
  r = dm_fma(r, f, 0x1.000000p-1f);
  r = dm_fma(r, f, 1.0f);
  r = dm_fma(r, f, 1.0f);
  int ia = (i > 0) ? 0 : (int)0x83000000u;                       // 2^i = s*t, both normal
  float s = dm_i2f(0x7f000000 + ia);
  float t = dm_i2f((int)((unsigned)i << 23) - ia);
  return (r * s) * t;
}

// ---- logf: FreeBSD/fdlibm e_logf.c algorithm (log(1+f) = f - hfsq + s*(hfsq+R)).
DM_FN float dm_logf(float x) {
  const float ln2_hi = 6.9313812256e-01f, ln2_lo = 9.0580006145e-06f;
  const float Lg1 = 0xaaaaaa.0p-24f, Lg2 = 0xccce13.0p-25f, Lg3 = 0x91e9ee.0p-25f, Lg4 = 0xf89e26.0p-26f;
  unsigned ix = (unsigned)dm_f2i(x);
  int k = 0;
  if (ix < 0x00800000u || (ix >> 31)) {          // x < 2^-126, or negative
    if ((ix << 1) == 0) return -DM_INF;          // log(+-0) = -inf
    if (ix >> 31) return dm_i2f(0x7fc00000);     // log(<0) = NaN
    k -= 25; x *= 0x1p25f; ix = (unsigned)dm_f2i(x);   // subnormal: scale up
  } else if (ix >= 0x7f800000u) {
    return x + x;                                // inf or NaN
  } else if (ix == 0x3f800000u) {
    return 0.0f;
  }
  ix += 0x3f800000u - 0x3f3504f3u;               // reduce x into [sqrt(2)/2, sqrt(2)]
  k += (int)(ix >> 23) - 0x7f;
  ix = (ix & 0x007fffffu) + 0x3f3504f3u;
  x = dm_i2f((int)ix);
  float f = x - 1.0f;
  float s = f / (2.0f + f);
  float z = s * s, w = z * z;
  float t1 = w * (Lg2 + w * Lg4);
  float t2 = z * (Lg1 + w * Lg3);
  float R = t2 + t1;
  float hfsq = 0.5f * f * f;
  float dk = (float)k;
  return s * (hfsq + R) + dk * ln2_lo - hfsq + f + dk * ln2_hi;
}

// ---- tanhf: odd minimax polynomial for |x| < 0.55, else 1 - 2/(exp(2|x|)+1).
DM_FN float dm_tanhf(float x) {
  float a = dm_fabsf(x);
  if (a < 0.55f) {
    float z = x * x;
    float p = -0x1.fa3d1cp-11f;
    p = dm_fma(p, z, 0x1.be44c4p-9f);
    p = dm_fma(p, z, -0x1.2136fep-7f);
    p = dm_fma(p, z, 0x1.663f2cp-6f);
    p = dm_fma(p, z, -0x1.ba1b3cp-5f);
    p = dm_fma(p, z, 0x1.111110p-3f);
    p = dm_fma(p, z, -0x1.555556p-2f);
    return dm_fma(p * z, x, x);
  }
  float r = 1.0f - 2.0f / (dm_expf(2.0f * a) + 1.0f);   // a NaN -> r NaN
  return dm_i2f(dm_f2i(r) | (dm_f2i(x) & (int)0x80000000u));
}

// sigmoid: for x < -20, 1/(1+e^-x) would overflow e^-x (x < -88.7 gave 0 instead of a tiny value);
// there sigmoid(x) = e^x * (1 - e^x + ...) rounds to e^x.
DM_FN float dm_sigmoidf(float x) { return x < -20.0f ? dm_expf(x) : 1.0f / (1.0f + dm_expf(-x)); }

// ---- powf: log2/exp2 evaluated in double (error ~2^-40 before the final rounding => ~0.5 ulp).
//      Uses fp64 on the device (slow on consumer GPUs: 1/64 rate), simple and accurate.
DM_FN int dm_isint(float y) { float a = dm_fabsf(y); return a >= 0x1p23f || (float)(int)a == a; }
DM_FN int dm_isodd(float y) { float a = dm_fabsf(y); return a < 0x1p24f && (float)(int)a == a && ((int)a & 1); }
DM_FN float dm_powf(float x, float y) {
  float ax = dm_fabsf(x), ay = dm_fabsf(y);
  if (y == 0.0f || x == 1.0f) return 1.0f;
  if (x != x || y != y) return x + y;                                  // NaN
  int neg = dm_f2i(x) < 0 && dm_isodd(y);                              // sign bit: pow(-0, -3) = -inf
  if (ay == DM_INF) {
    if (ax == 1.0f) return 1.0f;
    return ((ax > 1.0f) == (y > 0.0f)) ? DM_INF : 0.0f;
  }
  if (ax == 0.0f || ax == DM_INF) {                                    // 0^y, inf^y
    float r = ((ax == 0.0f) == (y < 0.0f)) ? DM_INF : 0.0f;
    return neg ? -r : r;
  }
  if (x < 0.0f && !dm_isint(y)) return dm_i2f(0x7fc00000);             // NaN
  // log2(ax) in double: ax = 2^e * m, m in [sqrt(1/2), sqrt(2))
  unsigned ix = (unsigned)dm_f2i(ax);
  int e = 0;
  if (ix < 0x00800000u) { ax *= 0x1p25f; ix = (unsigned)dm_f2i(ax); e = -25; }
  ix += 0x3f800000u - 0x3f3504f3u;
  e += (int)(ix >> 23) - 0x7f;
  ix = (ix & 0x007fffffu) + 0x3f3504f3u;
  double m = (double)dm_i2f((int)ix);
  double s = (m - 1.0) / (m + 1.0), z = s * s;
  double p = 1.0 / 17;                                                 // atanh(s)/s series
  p = dm_fmad(p, z, 1.0 / 15); p = dm_fmad(p, z, 1.0 / 13); p = dm_fmad(p, z, 1.0 / 11);
  p = dm_fmad(p, z, 1.0 / 9);  p = dm_fmad(p, z, 1.0 / 7);  p = dm_fmad(p, z, 1.0 / 5);
  p = dm_fmad(p, z, 1.0 / 3);  p = dm_fmad(p, z, 1.0);
  double l2 = (double)e + (2.0 * 1.4426950408889634) * s * p;         // log2(ax)
  double t = (double)y * l2;
  if (t >= 128.0) return neg ? -DM_INF : DM_INF;
  if (t <= -151.0) return neg ? -0.0f : 0.0f;
  double n = __builtin_rint(t), g = (t - n) * 0.6931471805599453;     // 2^t = 2^n * e^g
  double q = 1.0 / 39916800;                                           // Taylor e^g, deg 11
  q = dm_fmad(q, g, 1.0 / 3628800); q = dm_fmad(q, g, 1.0 / 362880); q = dm_fmad(q, g, 1.0 / 40320);
  q = dm_fmad(q, g, 1.0 / 5040); q = dm_fmad(q, g, 1.0 / 720); q = dm_fmad(q, g, 1.0 / 120);
  q = dm_fmad(q, g, 1.0 / 24); q = dm_fmad(q, g, 1.0 / 6); q = dm_fmad(q, g, 0.5);
  q = dm_fmad(q, g, 1.0); q = dm_fmad(q, g, 1.0);
  double r = dm_l2d(dm_d2l(q) + ((long long)(int)n << 52));            // exact scaling (double range)
  float rf = (float)r;                                                  // single rounding
  return neg ? -rf : rf;
}

// ---- float32 results through the float64 routines below: a ~1-ulp double rounded once more to float is
// correctly rounded unless the exact value lies within ~2^-29 ulp of a midpoint, so it agrees bit for bit with
// glibc's expf/logf (< 0.502 ulp), which the CPU backend calls, on all but a vanishing fraction of inputs.
// Costs fp64 throughput (1/2 rate on A100/H100, 1/64 on consumer GPUs); dm_expf/dm_logf above are the
// all-float versions (0.95 / 0.84 ulp) for a future fast-math switch.
DM_FN double dm_exp(double x);
DM_FN double dm_log(double x);
DM_FN double dm_tanh(double x);
DM_FN float dm_expf_cr(float x) { return (float)dm_exp((double)x); }
DM_FN float dm_logf_cr(float x) { return (float)dm_log((double)x); }
DM_FN float dm_tanhf_cr(float x) { return (float)dm_tanh((double)x); }

// ---- float64. The prototype had none; these keep the same rules (IEEE ops + explicit fma only).
DM_FN double dm_fabs(double x) { return dm_l2d(dm_d2l(x) & 0x7fffffffffffffffLL); }
#define DM_INFD dm_l2d(0x7ff0000000000000LL)
#define DM_NAND dm_l2d(0x7ff8000000000000LL)

// exp: Cody-Waite reduction to |f| <= ln2/2, Taylor degree 13 (truncation < 2^-60), 2^j applied in two
// exact halves so subnormal results round once.
DM_FN double dm_exp(double x) {
  if (x != x) return x + x;
  if (x > 709.782712893384) return DM_INFD;
  if (x < -745.2) return 0.0;
  double j = dm_fmad(x, 0x1.71547652b82fep+0, 0x1.8p52) - 0x1.8p52;   // rint(x*log2(e))
  double f = dm_fmad(j, -6.93147180369123816490e-01, x);              // x - j*ln2_hi (exact)
  f = dm_fmad(j, -1.90821492927058770002e-10, f);                      //   - j*ln2_lo
  double p = 1.0 / 6227020800.0;                                       // 1/13!
  p = dm_fmad(p, f, 1.0 / 479001600.0); p = dm_fmad(p, f, 1.0 / 39916800.0); p = dm_fmad(p, f, 1.0 / 3628800.0);
  p = dm_fmad(p, f, 1.0 / 362880.0);    p = dm_fmad(p, f, 1.0 / 40320.0);    p = dm_fmad(p, f, 1.0 / 5040.0);
  p = dm_fmad(p, f, 1.0 / 720.0);       p = dm_fmad(p, f, 1.0 / 120.0);      p = dm_fmad(p, f, 1.0 / 24.0);
  p = dm_fmad(p, f, 1.0 / 6.0);         p = dm_fmad(p, f, 0.5);              p = dm_fmad(p, f, 1.0);
  p = dm_fmad(p, f, 1.0);
  int i = (int)j, i1 = i / 2, i2 = i - i1;
  return p * dm_l2d((long long)(i1 + 1023) << 52) * dm_l2d((long long)(i2 + 1023) << 52);
}

// log: fdlibm e_log.c reduction (m in [sqrt(1/2), sqrt(2))), log(1+f) = f - hfsq + s*(hfsq+R) with the
// atanh series R = sum 2 z^k/(2k+1), k <= 11 (|z| < 0.0295: truncation < 2^-70).
DM_FN double dm_log(double x) {
  long long ix = dm_d2l(x);
  int k = 0;
  if (ix < 0x0010000000000000LL) {                                     // negative, zero or subnormal
    if ((ix & 0x7fffffffffffffffLL) == 0) return -DM_INFD;
    if (ix < 0) return DM_NAND;
    k -= 54; x *= 0x1p54; ix = dm_d2l(x);
  } else if (ix >= 0x7ff0000000000000LL) {
    return x + x;
  }
  ix += 0x3ff0000000000000LL - 0x3fe6a09e667f3bcdLL;
  k += (int)(ix >> 52) - 0x3ff;
  ix = (ix & 0x000fffffffffffffLL) + 0x3fe6a09e667f3bcdLL;
  double f = dm_l2d(ix) - 1.0;
  if (f == 0.0 && k == 0) return 0.0;
  double s = f / (2.0 + f), z = s * s;
  double R = 2.0 / 23;
  R = dm_fmad(R, z, 2.0 / 21); R = dm_fmad(R, z, 2.0 / 19); R = dm_fmad(R, z, 2.0 / 17); R = dm_fmad(R, z, 2.0 / 15);
  R = dm_fmad(R, z, 2.0 / 13); R = dm_fmad(R, z, 2.0 / 11); R = dm_fmad(R, z, 2.0 / 9);  R = dm_fmad(R, z, 2.0 / 7);
  R = dm_fmad(R, z, 2.0 / 5);  R = dm_fmad(R, z, 2.0 / 3);  R = R * z;
  double hfsq = 0.5 * f * f, dk = (double)k;
  return dk * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + R) + dk * 1.90821492927058770002e-10)) - f);
}

// tanh: expm1(2|x|)/(expm1(2|x|)+2) with a Taylor expm1 below 0.55 (no cancellation), 1 - 2/(e^2|x|+1) above.
DM_FN double dm_tanh(double x) {
  double a = dm_fabs(x), r;
  if (a < 0x1p-28) return x;
  if (a > 22.0) r = 1.0;
  else if (a < 0.55) {
    double t = 2.0 * a, p = 1.0 / 51090942171709440000.0;              // sum t^k/(k+1)!, k <= 20
    const double c[20] = {1.0 / 2432902008176640000.0, 1.0 / 121645100408832000.0, 1.0 / 6402373705728000.0,
      1.0 / 355687428096000.0, 1.0 / 20922789888000.0, 1.0 / 1307674368000.0, 1.0 / 87178291200.0, 1.0 / 6227020800.0,
      1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0,
      1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0};
    for (int i = 0; i < 20; i++) p = dm_fmad(p, t, c[i]);
    double e = t * p;
    r = e / (e + 2.0);
  } else r = 1.0 - 2.0 / (dm_exp(2.0 * a) + 1.0);                    // NaN stays NaN
  return dm_l2d(dm_d2l(r) | (dm_d2l(x) & (long long)0x8000000000000000ULL));
}

// pow: C99 special cases as dm_powf, double-double repeated squaring for integral |y| <= 64 (what
// small-exponent parity cases hit), sqrt for 0.5, else exp(y*log|x|) (error grows with |y*log x|: ~|y log x| ulp).
DM_FN int dm_isintd(double y) { double a = dm_fabs(y); return a >= 0x1p52 || (double)(long long)a == a; }
DM_FN int dm_isoddd(double y) { double a = dm_fabs(y); return a < 0x1p53 && (double)(long long)a == a && ((long long)a & 1); }
DM_FN double dm_pow(double x, double y) {
  double ax = dm_fabs(x), ay = dm_fabs(y);
  if (y == 0.0 || x == 1.0) return 1.0;
  if (x != x || y != y) return x + y;
  int neg = dm_d2l(x) < 0 && dm_isoddd(y);                            // sign bit: pow(-0, -3) = -inf
  if (ay == DM_INFD) {
    if (ax == 1.0) return 1.0;
    return ((ax > 1.0) == (y > 0.0)) ? DM_INFD : 0.0;
  }
  if (ax == 0.0 || ax == DM_INFD) {
    double r = ((ax == 0.0) == (y < 0.0)) ? DM_INFD : 0.0;
    return neg ? -r : r;
  }
  if (x < 0.0 && !dm_isintd(y)) return DM_NAND;
  double r;
  if (ay <= 64.0 && dm_isintd(y)) {
    // Repeated squaring in double-double (fma gives each product's exact error): correctly rounded but for
    // near-midpoint cases, where plain squaring drifted up to 7 ulp from glibc for exponents up to 10.
    int e = (int)ay;
    double rh = 1.0, rl = 0.0, bh = ax, bl = 0.0;
    while (e) {
      if (e & 1) {
        double ph = rh * bh;
        if (dm_fabs(ph) == DM_INFD || ph == 0.0) { rh = ph; rl = 0.0; }
        else { double pl = dm_fmad(rh, bh, -ph) + (rh * bl + rl * bh); rh = ph + pl; rl = pl - (rh - ph); }
      }
      e >>= 1;
      if (e) {
        double sh = bh * bh;
        if (dm_fabs(sh) == DM_INFD || sh == 0.0) { bh = sh; bl = 0.0; }
        else { double sl = dm_fmad(bh, bh, -sh) + 2.0 * bh * bl; bh = sh + sl; bl = sl - (bh - sh); }
      }
    }
    r = rh;
    if (y < 0.0) {
      double q = 1.0 / rh;
      if (dm_fabs(q) != DM_INFD && q != 0.0) q = q + q * (dm_fmad(-q, rh, 1.0) - q * rl);
      r = q;
    }
  } else if (y == 0.5) {
    r = __builtin_sqrt(ax);
  } else {
    r = dm_exp(y * dm_log(ax));
  }
  return neg ? -r : r;
}

// ---- sin / cos (float64; float32 rounds the float64 result). fdlibm's scheme (as in musl): x = n·π/2 + r with
// π/2 in three 33-bit pieces (Cody-Waite), then degree-13 / degree-14 minimax polynomials on |r| <= π/4 that
// also take the tail of r. Within 1 ulp for |x| < 2^20·π/2; beyond, the three pieces lose digits (torch's
// for larger |x| each reduction pass loses log2(n) bits, so results there are approximations (no Payne-Hanek yet).
DM_FN double dm_ksin(double x, double y) {   // sin(x + y), |x| <= π/4, y the tail of x
  const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04,
               S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  double z = x * x, v = z * x, r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}
DM_FN double dm_kcos(double x, double y) {   // cos(x + y), |x| <= π/4
  const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05,
               C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  double z = x * x, r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  double hz = 0.5 * z, w = 1.0 - hz;
  return w + (((1.0 - w) - hz) + (z * r - x * y));
}
// x - n·π/2 as y0 + y1; returns n mod 4.
DM_FN int dm_rem_pio2(double x, double* y0, double* y1) {
  const double invpio2 = 6.36619772367581382433e-01,
               pio2_1 = 1.57079632673412561417e+00, pio2_1t = 6.07710050650619224932e-11,
               pio2_2 = 6.07710050630396597660e-11, pio2_2t = 2.02226624879595063154e-21,
               pio2_3 = 2.02226624871116645580e-21, pio2_3t = 8.47842766036889956997e-32;
  if (dm_fabs(x) <= 0.785398163397448279) { *y0 = x; *y1 = 0.0; return 0; }
  double fn = __builtin_rint(x * invpio2);
  double r = x - fn * pio2_1, w = fn * pio2_1t, t;
  *y0 = r - w;
  // Further rounds only where cancellation ate the first one's bits (musl's test on the exponents).
  int ex = (int)((dm_d2l(x) >> 52) & 0x7ff), ey = (int)((dm_d2l(*y0) >> 52) & 0x7ff);
  if (ex - ey > 16) {
    t = r; w = fn * pio2_2; r = t - w; w = fn * pio2_2t - ((t - r) - w);
    *y0 = r - w;
    ey = (int)((dm_d2l(*y0) >> 52) & 0x7ff);
    if (ex - ey > 49) {
      t = r; w = fn * pio2_3; r = t - w; w = fn * pio2_3t - ((t - r) - w);
      *y0 = r - w;
    }
  }
  *y1 = (r - *y0) - w;
  return (int)(long long)fn & 3;
}
// Huge |x| leave |y0| > π/4 after one pass: reduce again (at most a few passes), keeping the result in range.
DM_FN int dm_reduce(double x, double* y0, double* y1) {
  int n = dm_rem_pio2(x, y0, y1);
  for (int pass = 0; pass < 4 && dm_fabs(*y0) > 0.785398163397448279; pass++) n += dm_rem_pio2(*y0, y0, y1);
  return n & 3;
}
DM_FN double dm_sin(double x) {
  if (x != x || dm_fabs(x) == DM_INFD) return x - x;   // NaN for ±inf and NaN
  double y0, y1;
  switch (dm_reduce(x, &y0, &y1)) {
    case 0: return dm_ksin(y0, y1);
    case 1: return dm_kcos(y0, y1);
    case 2: return -dm_ksin(y0, y1);
    default: return -dm_kcos(y0, y1);
  }
}
DM_FN double dm_cos(double x) {
  if (x != x || dm_fabs(x) == DM_INFD) return x - x;
  double y0, y1;
  switch (dm_reduce(x, &y0, &y1)) {
    case 0: return dm_kcos(y0, y1);
    case 1: return -dm_ksin(y0, y1);
    case 2: return -dm_kcos(y0, y1);
    default: return dm_ksin(y0, y1);
  }
}

// ---- issue 16's math, composed from the functions above in glibc's (fdlibm's) forms, so the error stays a few
// ulp: expm1 and log1p by Kahan's correction (the rounding of 1 + x, or of e^x, divided back out), the hyperbolic
// family and its inverses through them, tan as one shared reduction for sin and cos.
DM_FN double dm_expm1(double x) {
  double u = dm_exp(x);
  if (u == 1.0) return x;                       // |x| below half an ulp of 1 (keeps -0.0)
  double um1 = u - 1.0;
  if (um1 == -1.0) return -1.0;
  if (u == DM_INFD) return DM_INFD;
  return x != x ? x : um1 * (x / dm_log(u));   // x / log u ≈ 1: no overflow near the top of the range
}
DM_FN double dm_log1p(double x) {
  double u = 1.0 + x;
  if (u == 1.0) return x;
  if (u == DM_INFD) return DM_INFD;
  return dm_log(u) * x / (u - 1.0);             // NaN for x < -1 and NaN, -inf for -1
}
DM_FN double dm_copysign(double mag, double sgn) { return dm_l2d((dm_d2l(mag) & 0x7fffffffffffffffLL) | (dm_d2l(sgn) & (long long)0x8000000000000000ULL)); }
DM_FN double dm_sinh(double x) {
  double a = dm_fabs(x), r;
  if (a < 22.0) { double t = dm_expm1(a); r = 0.5 * (t + t / (t + 1.0)); }
  else if (a < 709.0) r = 0.5 * dm_exp(a);
  else { double w = dm_exp(0.5 * a); r = (0.5 * w) * w; }
  return x != x ? x : dm_copysign(r, x);
}
DM_FN double dm_cosh(double x) {
  double a = dm_fabs(x);
  if (x != x) return x;
  if (a < 0.3465735902799726) { double t = dm_expm1(a), w = 1.0 + t; return 1.0 + (t * t) / (w + w); }
  if (a < 22.0) { double t = dm_exp(a); return 0.5 * t + 0.5 / t; }
  if (a < 709.0) return 0.5 * dm_exp(a);
  double w = dm_exp(0.5 * a);
  return (0.5 * w) * w;
}
DM_FN double dm_asinh(double x) {
  double a = dm_fabs(x), r;
  if (x != x || a == DM_INFD) return x + x;
  if (a < 0x1p-28) return x;
  if (a > 0x1p28) r = dm_log(a) + 6.93147180559945286227e-01;
  else if (a > 2.0) r = dm_log(2.0 * a + 1.0 / (__builtin_sqrt(a * a + 1.0) + a));
  else { double t = a * a; r = dm_log1p(a + t / (1.0 + __builtin_sqrt(1.0 + t))); }
  return dm_copysign(r, x);
}
DM_FN double dm_acosh(double x) {
  if (x != x) return x;
  if (x < 1.0) return DM_NAND;
  if (x > 0x1p28) return x == DM_INFD ? x : dm_log(x) + 6.93147180559945286227e-01;
  if (x > 2.0) return dm_log(2.0 * x - 1.0 / (x + __builtin_sqrt(x * x - 1.0)));
  double t = x - 1.0;
  return dm_log1p(t + __builtin_sqrt(2.0 * t + t * t));
}
DM_FN double dm_atanh(double x) {
  double a = dm_fabs(x), r;
  if (x != x) return x;
  if (a > 1.0) return DM_NAND;
  if (a == 1.0) return dm_copysign(DM_INFD, x);
  if (a < 0x1p-28) return x;
  if (a < 0.5) { double t = a + a; r = 0.5 * dm_log1p(t + t * a / (1.0 - a)); }
  else r = 0.5 * dm_log1p((a + a) / (1.0 - a));
  return dm_copysign(r, x);
}
// 2^x = 2^n · e^(f·ln2), n = rint(x), |f| <= 1/2 exact: the only rounding is f·ln2's, then exp's.
DM_FN double dm_exp2(double x) {
  if (x != x) return x;
  if (x >= 1024.0) return DM_INFD;
  if (x < -1080.0) return 0.0;
  double n = dm_fmad(x, 1.0, 0x1.8p52) - 0x1.8p52;
  double p = dm_exp((x - n) * 6.93147180559945286227e-01);
  int i = (int)n, i1 = i / 2, i2 = i - i1;
  return p * dm_l2d((long long)(i1 + 1023) << 52) * dm_l2d((long long)(i2 + 1023) << 52);
}
// log_b x = k·log_b 2 + log(m)/ln b with x = m·2^k, m in [1/√2, √2): exact for powers of two.
DM_FN double dm_logb_scaled(double x, double log_b_2, double inv_ln_b) {
  long long ix = dm_d2l(x);
  if (x != x || ix < 0x0010000000000000LL || ix >= 0x7ff0000000000000LL) return dm_log(x) * inv_ln_b;  // NaN, ≤ 0, subnormal, inf
  int k = (int)(ix >> 52) - 1023;
  double m = dm_l2d((ix & 0x000fffffffffffffLL) | 0x3ff0000000000000LL);
  if (m > 1.4142135623730951) { m *= 0.5; k += 1; }
  return (double)k * log_b_2 + dm_log(m) * inv_ln_b;
}
DM_FN double dm_log2(double x) { return dm_logb_scaled(x, 1.0, 1.44269504088896338700e+00); }
DM_FN double dm_log10(double x) { return dm_logb_scaled(x, 3.01029995663981198017e-01, 4.34294481903251816668e-01); }
DM_FN double dm_tan(double x) {
  if (x != x || dm_fabs(x) == DM_INFD) return x - x;
  double y0, y1;
  int n = dm_reduce(x, &y0, &y1);
  return (n & 1) ? -dm_kcos(y0, y1) / dm_ksin(y0, y1) : dm_ksin(y0, y1) / dm_kcos(y0, y1);
}
// hypot: the larger magnitude times √(1 + r²), r = smaller/larger ≤ 1: no overflow or underflow in between; ±inf wins over NaN.
DM_FN double dm_hypot(double x, double y) {
  double a = dm_fabs(x), b = dm_fabs(y);
  if (a == DM_INFD || b == DM_INFD) return DM_INFD;
  if (a != a || b != b) return a + b;
  if (a < b) { double t = a; a = b; b = t; }
  if (a == 0.0) return 0.0;
  double r = b / a;
  return a * __builtin_sqrt(1.0 + r * r);
}
// erf: |x| < 1.25 its Taylor series 2/√π Σ (-1)^n x^(2n+1) / (n!(2n+1)) by Horner (28 terms: below 2^-60),
// written as x + x·(...) so the leading term rounds once; |x| < 6 through erfc's continued fraction
// e^(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/...))) at depth 120, e^(-x²) corrected for x²'s rounding (fma);
// beyond, ±1. Measured against glibc: within 1.2 ulp.
DM_FN double dm_erf(double x) {
  double a = dm_fabs(x), r;
  if (x != x) return x;
  if (a < 1.25) {
    // (-1)^n·(2/√π)/(n!(2n+1)), as double arithmetic rounds them (literals keep them out of local memory)
    const double c[28] = {
      1.1283791670955126, -0.37612638903183754, 0.11283791670955126, -0.026866170645131252, 0.005223977625442188,
      -0.0008548327023450852, 0.00012055332981789664, -1.492565035840625e-05, 1.6462114365889246e-06,
      -1.6365844691234924e-07, 1.4807192815879218e-08, -1.2290555301717926e-09, 9.422759064650411e-11,
      -6.7113668551641105e-12, 4.4632242632864775e-13, -2.7835162072109212e-14, 1.6342614095367152e-15,
      -9.063970842808673e-17, 4.763348040515068e-18, -2.3784598852774293e-19, 1.131218725924631e-20,
      -5.136209054585811e-22, 2.2308786802746453e-23, -9.28672901131906e-25, 3.71153285316323e-26,
      -1.4263930180784176e-27, 5.279103332510834e-29, -1.8841244217042036e-30};
    double z = a * a, p = c[27];
    for (int n = 26; n >= 1; n--) p = p * z + c[n];
    r = a + a * (p * z + (c[0] - 1.0));
  } else if (a < 6.0) {
    double f = a;
    for (int k = 120; k > 0; k--) f = a + (0.5 * k) / f;
    double hi = a * a, lo = dm_fmad(a, a, -hi);
    r = 1.0 - dm_exp(-hi) * (1.0 - lo) * 0.56418958354775628695 / f;
  } else r = 1.0;
  return dm_copysign(r, x);
}
// erf⁻¹ as ATen's calc_erfinv (and the CPU operator): rational first guess, two Newton steps on erf.
DM_FN double dm_erfinv(double y) {
  double a = dm_fabs(y), x;
  if (y != y || a > 1.0) return DM_NAND;
  if (a == 1.0) return dm_copysign(DM_INFD, y);
  if (a <= 0.7) {
    double z = y * y;
    double num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899;
    double den = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0;
    x = y * num / den;
  } else {
    double z = __builtin_sqrt(-dm_log((1.0 - a) / 2.0));
    double num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454;
    double den = (1.637067800 * z + 3.543889200) * z + 1.0;
    x = dm_copysign(num, y) / den;
  }
  const double two_over_sqrt_pi = 1.12837916709551255856;
  x -= (dm_erf(x) - y) / (two_over_sqrt_pi * dm_exp(-x * x));
  x -= (dm_erf(x) - y) / (two_over_sqrt_pi * dm_exp(-x * x));
  return x;
}
// atan: |x| > 1 through π/2 - atan(1/|x|); on [0, 1] atan(c) + atan((a - c)/(1 + a·c)) with c = k/8 nearest a
// (atan(k/8) as double-double) and the Taylor series of the remainder, |t| <= 1/16 (10 terms: below 2^-80).
// Measured against glibc over 2e5 arguments: within 1.8 ulp; asin and acos built on it within 2 ulp.
DM_FN double dm_atan01(double a) {
  const double hi[9] = {0.0, 0.12435499454676144, 0.24497866312686414, 0.35877067027057225, 0.4636476090008061,
                        0.5585993153435624, 0.6435011087932844, 0.7188299996216245, 0.7853981633974483};
  const double lo[9] = {0.0, -3.1253241424539383e-18, 1.0698755618734451e-17, -2.4623815582638635e-17,
                        2.2698777452961687e-17, -5.4556305485916264e-18, 1.5834785051444286e-17,
                        -2.1478388444456983e-17, 3.061616997868383e-17};
  int k = (int)(a * 8.0 + 0.5);
  double c = k * 0.125, t = (a - c) / (1.0 + a * c), z = t * t, p = 0.0;
  for (int n = 10; n > 0; n--) p = (p + ((n & 1) ? -1.0 : 1.0) / (2 * n + 1)) * z;
  return hi[k] + (lo[k] + (t + t * p));
}
#define DM_PIO2_HI 1.5707963267948966
#define DM_PIO2_LO 6.123233995736766e-17
#define DM_PI_HI 3.141592653589793
#define DM_PI_LO 1.2246467991473532e-16
DM_FN double dm_atan(double x) {
  double a = dm_fabs(x), r;
  if (x != x) return x;
  if (a == DM_INFD) r = DM_PIO2_HI;
  else if (a > 1.0) r = (DM_PIO2_HI - dm_atan01(1.0 / a)) + DM_PIO2_LO;
  else r = dm_atan01(a);
  return dm_copysign(r, x);
}
DM_FN double dm_asin(double x) {
  double a = dm_fabs(x);
  if (x != x || a > 1.0) return DM_NAND;
  if (a == 1.0) return dm_copysign(DM_PIO2_HI, x);
  return dm_atan(x / __builtin_sqrt((1.0 - x) * (1.0 + x)));
}
DM_FN double dm_acos(double x) {
  if (x != x || dm_fabs(x) > 1.0) return DM_NAND;
  if (x == -1.0) return DM_PI_HI;
  return 2.0 * dm_atan(__builtin_sqrt((1.0 - x) / (1.0 + x)));
}
// atan2 with C99's special cases (signed zeros, infinities), then the quadrant from atan(|y/x|).
DM_FN double dm_atan2(double y, double x) {
  if (x != x || y != y) return x + y;
  int xneg = dm_d2l(x) < 0;
  double r;
  if (y == 0.0) r = xneg ? DM_PI_HI : 0.0;
  else if (x == 0.0) r = DM_PIO2_HI;
  else if (dm_fabs(x) == DM_INFD) r = dm_fabs(y) == DM_INFD ? (xneg ? 3.0 * 0.78539816339744831 : 0.78539816339744831) : (xneg ? DM_PI_HI : 0.0);
  else if (dm_fabs(y) == DM_INFD) r = DM_PIO2_HI;
  else {
    r = dm_atan(dm_fabs(y) / dm_fabs(x));
    if (xneg) r = DM_PI_HI - (r - DM_PI_LO);
  }
  return dm_copysign(r, y);
}
