// Copy.cu - strided copies, dtype conversions and fills (contiguous(), copy_, to(dtype), fill_).
#include "Common.cuh"

template <class T>
static __device__ __forceinline__ void copy(T* o, const T* a, const Strided& s, int n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = a[at.at[1]];
  }
}
extern "C" __global__ void copy_b1(u8* o, const u8* a, Strided s, int n) { copy<u8>(o, a, s, n); }
extern "C" __global__ void copy_b2(unsigned short* o, const unsigned short* a, Strided s, int n) { copy<unsigned short>(o, a, s, n); }
extern "C" __global__ void copy_b4(unsigned* o, const unsigned* a, Strided s, int n) { copy<unsigned>(o, a, s, n); }
extern "C" __global__ void copy_b8(i64* o, const i64* a, Strided s, int n) { copy<i64>(o, a, s, n); }

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
static __device__ __forceinline__ void convert(D* o, const S* a, const Strided& s, int n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = Conv<D>::f(a[at.at[1]]);
  }
}
#define CONVERT(sn, S, dn, D) \
  extern "C" __global__ void cvt_##sn##_##dn(D* o, const S* a, Strided s, int n) { convert<S, D>(o, a, s, n); }
#define CONVERT_FROM(sn, S) CONVERT(sn, S, f32, float) CONVERT(sn, S, f64, double) CONVERT(sn, S, i64, i64) CONVERT(sn, S, b8, u8)
CONVERT_FROM(f32, float)
CONVERT_FROM(f64, double)
CONVERT_FROM(i64, i64)
CONVERT_FROM(b8, u8)

// The value arrives as raw bits of the destination dtype, encoded by the host with CopyKernels.Write.
template <class T>
static __device__ __forceinline__ void fill(T* o, const Strided& s, int n, T v) {
  for (i64 i = grid_start(); i < n; i += grid_step()) o[offset_of(s, 0, i)] = v;
}
extern "C" __global__ void fill_b1(u8* o, Strided s, int n, unsigned long long bits) { fill<u8>(o, s, n, (u8)bits); }
extern "C" __global__ void fill_b2(unsigned short* o, Strided s, int n, unsigned long long bits) { fill<unsigned short>(o, s, n, (unsigned short)bits); }
extern "C" __global__ void fill_b4(unsigned* o, Strided s, int n, unsigned long long bits) { fill<unsigned>(o, s, n, (unsigned)bits); }
extern "C" __global__ void fill_b8(i64* o, Strided s, int n, unsigned long long bits) { fill<i64>(o, s, n, (i64)bits); }
