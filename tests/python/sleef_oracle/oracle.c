/* Test oracle: applies libsleef's AVX2 vector functions (the ones torch 1.13 calls) to whole arrays, so
   Python can compare Bridge's port lane for lane. Built on demand by tests/python/sleef_oracle.py. */
#include <immintrin.h>
#define F1(name) __m256 Sleef_##name##f8_u10(__m256); \
  void o_##name##f(const float *x, float *y, long n) { for (long i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, Sleef_##name##f8_u10(_mm256_loadu_ps(x + i))); }
#define F2(name) __m256 Sleef_##name##f8_u10(__m256, __m256); \
  void o_##name##f(const float *x, const float *z, float *y, long n) { for (long i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, Sleef_##name##f8_u10(_mm256_loadu_ps(x + i), _mm256_loadu_ps(z + i))); }
#define D1(name) __m256d Sleef_##name##d4_u10(__m256d); \
  void o_##name##d(const double *x, double *y, long n) { for (long i = 0; i < n; i += 4) _mm256_storeu_pd(y + i, Sleef_##name##d4_u10(_mm256_loadu_pd(x + i))); }
#define D2(name) __m256d Sleef_##name##d4_u10(__m256d, __m256d); \
  void o_##name##d(const double *x, const double *z, double *y, long n) { for (long i = 0; i < n; i += 4) _mm256_storeu_pd(y + i, Sleef_##name##d4_u10(_mm256_loadu_pd(x + i), _mm256_loadu_pd(z + i))); }
#define BOTH1(name) F1(name) D1(name)
#define BOTH2(name) F2(name) D2(name)
BOTH1(sin) BOTH1(cos) BOTH1(tan) BOTH1(asin) BOTH1(acos) BOTH1(atan) BOTH1(exp) BOTH1(expm1) BOTH1(log) BOTH1(log2)
BOTH1(log10) BOTH1(log1p) BOTH1(sinh) BOTH1(cosh) BOTH1(tanh) BOTH1(exp2) BOTH1(asinh) BOTH1(acosh) BOTH1(atanh)
BOTH1(lgamma) BOTH1(erf)
BOTH2(atan2) BOTH2(pow)
