// Copy.cu - strided copies, dtype conversions and fills (contiguous(), copy_, to(dtype), fill_).
#include "Common.cuh"

template <class T>
static __device__ __forceinline__ void copy(T* o, const T* a, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = a[at.at[1]];
  }
}
extern "C" __global__ void copy_b1(u8* o, const u8* a, Strided s, i64 n) { copy<u8>(o, a, s, n); }
extern "C" __global__ void copy_b2(unsigned short* o, const unsigned short* a, Strided s, i64 n) { copy<unsigned short>(o, a, s, n); }
extern "C" __global__ void copy_b4(unsigned* o, const unsigned* a, Strided s, i64 n) { copy<unsigned>(o, a, s, n); }
extern "C" __global__ void copy_b8(i64* o, const i64* a, Strided s, i64 n) { copy<i64>(o, a, s, n); }

// Conversions follow CopyKernels.Convert: int64 -> float directly (one rounding), everything else
// through double (exact for float32/float64/bool), double -> int64 truncating with x86's cvttsd2si result
// (INT64_MIN) for NaN and out-of-range values, as torch's CPU casts; nonzero -> true.
static __device__ __forceinline__ i64 cast_i64(double v) {
  return v != v || v >= 9223372036854775808.0 || v < -9223372036854775808.0 ? (i64)0x8000000000000000ULL : (i64)v;
}
static __device__ __forceinline__ double as_double(float v) { return v; }
static __device__ __forceinline__ double as_double(double v) { return v; }
static __device__ __forceinline__ double as_double(u8 v) { return v != 0 ? 1.0 : 0.0; }
static __device__ __forceinline__ double as_double(i64 v) { return (double)v; }
template <class D> struct Conv;
template <> struct Conv<float> {
  template <class S> static __device__ __forceinline__ float f(S v) { return (float)as_double(v); }
  static __device__ __forceinline__ float f(i64 v) { return (float)v; }
};
template <> struct Conv<double> {
  template <class S> static __device__ __forceinline__ double f(S v) { return as_double(v); }
  static __device__ __forceinline__ double f(i64 v) { return (double)v; }
};
template <> struct Conv<i64> {
  template <class S> static __device__ __forceinline__ i64 f(S v) { return cast_i64(as_double(v)); }
};
template <> struct Conv<u8> {
  template <class S> static __device__ __forceinline__ u8 f(S v) { return v != (S)0 ? 1 : 0; }
};

template <class S, class D>
static __device__ __forceinline__ void convert(D* o, const S* a, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = Conv<D>::f(a[at.at[1]]);
  }
}
#define CONVERT(sn, S, dn, D) \
  extern "C" __global__ void cvt_##sn##_##dn(D* o, const S* a, Strided s, i64 n) { convert<S, D>(o, a, s, n); }
#define CONVERT_FROM(sn, S) CONVERT(sn, S, f32, float) CONVERT(sn, S, f64, double) CONVERT(sn, S, i64, i64) CONVERT(sn, S, b8, u8)
CONVERT_FROM(f32, float)
CONVERT_FROM(f64, double)
CONVERT_FROM(i64, i64)
CONVERT_FROM(b8, u8)

// The value arrives as raw bits of the destination dtype, encoded by the host with CopyKernels.Write.
template <class T>
static __device__ __forceinline__ void fill(T* o, const Strided& s, i64 n, T v) {
  for (i64 i = grid_start(); i < n; i += grid_step()) o[offset_of(s, 0, i)] = v;
}
extern "C" __global__ void fill_b1(u8* o, Strided s, i64 n, unsigned long long bits) { fill<u8>(o, s, n, (u8)bits); }
extern "C" __global__ void fill_b2(unsigned short* o, Strided s, i64 n, unsigned long long bits) { fill<unsigned short>(o, s, n, (unsigned short)bits); }
extern "C" __global__ void fill_b4(unsigned* o, Strided s, i64 n, unsigned long long bits) { fill<unsigned>(o, s, n, (unsigned)bits); }
extern "C" __global__ void fill_b8(i64* o, Strided s, i64 n, unsigned long long bits) { fill<i64>(o, s, n, (i64)bits); }

// float16 / bfloat16 <-> float32 on the device: widening is exact; narrowing rounds to nearest-even and keeps NaN
// quiet with its top payload bits, as .NET's (Half)float and Core/BFloat16.cs do on the CPU. The half types
// compute as the CPU computes them (Backends/Cpu/HalfWidening): widened per op, run in float32, rounded on store.
static __device__ __forceinline__ float f32_bits(unsigned b) { union { unsigned u; float f; } v; v.u = b; return v.f; }
static __device__ __forceinline__ unsigned bits_f32(float f) { union { unsigned u; float f; } v; v.f = f; return v.u; }
static __device__ __forceinline__ float half_to_float(unsigned short h) {
  unsigned sign = (unsigned)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e == 0) { float f = (float)m * 5.9604644775390625e-8f; return sign ? -f : f; }   // subnormal: m·2^-24, exact
  if (e == 31) return f32_bits(sign | 0x7f800000u | (m << 13));
  return f32_bits(sign | ((e + 112) << 23) | (m << 13));
}
static __device__ __forceinline__ unsigned short float_to_half(float f) {
  unsigned x = bits_f32(f), sign = (x >> 16) & 0x8000;
  x &= 0x7fffffffu;
  if (x > 0x7f800000u) return (unsigned short)(sign | 0x7e00 | ((x >> 13) & 0x3ff));
  if (x >= 0x477ff000u) return (unsigned short)(sign | 0x7c00);          // >= 65520 rounds to infinity
  if (x >= 0x38800000u) {                                                // normal: rebias, round the 13 dropped bits
    unsigned r = x - 0x38000000u;
    return (unsigned short)(sign | ((r + 0xfffu + ((r >> 13) & 1)) >> 13));
  }
  // subnormal (or rounds up to the smallest normal, 0x400): |f|·2^24 is exact, rint rounds it half-even
  return (unsigned short)(sign | (unsigned)__builtin_rintf(f32_bits(x) * 16777216.0f));
}
static __device__ __forceinline__ float bf16_to_float(unsigned short h) { return f32_bits((unsigned)h << 16); }
static __device__ __forceinline__ unsigned short float_to_bf16(float f) {
  unsigned bits = bits_f32(f);
  if (f != f) return (unsigned short)((bits >> 16) | 0x0040);
  return (unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1)) >> 16);
}
struct ToHalf { static __device__ __forceinline__ unsigned short f(float v) { return float_to_half(v); } };
struct FromHalf { static __device__ __forceinline__ float f(unsigned short v) { return half_to_float(v); } };
struct ToBf16 { static __device__ __forceinline__ unsigned short f(float v) { return float_to_bf16(v); } };
struct FromBf16 { static __device__ __forceinline__ float f(unsigned short v) { return bf16_to_float(v); } };
template <class S, class D, class Cv>
static __device__ __forceinline__ void convert_with(D* o, const S* a, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = Cv::f(a[at.at[1]]);
  }
}
extern "C" __global__ void cvt_f16_f32(float* o, const unsigned short* a, Strided s, i64 n) { convert_with<unsigned short, float, FromHalf>(o, a, s, n); }
extern "C" __global__ void cvt_f32_f16(unsigned short* o, const float* a, Strided s, i64 n) { convert_with<float, unsigned short, ToHalf>(o, a, s, n); }
extern "C" __global__ void cvt_bf16_f32(float* o, const unsigned short* a, Strided s, i64 n) { convert_with<unsigned short, float, FromBf16>(o, a, s, n); }
extern "C" __global__ void cvt_f32_bf16(unsigned short* o, const float* a, Strided s, i64 n) { convert_with<float, unsigned short, ToBf16>(o, a, s, n); }
