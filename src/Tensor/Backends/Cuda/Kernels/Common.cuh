// Common.cuh - the layout every strided kernel receives, matching CudaLayout in CudaKernels.Layout.cs.
#pragma once
#include "cuda_compat.h"

#define BR_MAXD 8
#define BR_MAXOPS 4
// Up to 4 operands (0 = output) over one iteration shape; sizes and strides in elements (64-bit: tensors past
// 2^31 elements and views reaching past it run through the same kernels), strides 0 for broadcast dims.
// Pointers arrive already offset to element [0,...,0], so only strides are needed here. narrow = 1 when every
// linear index fits 32 bits (the host knows the element count), so the decomposition may use 32-bit division.
typedef long long i64;
struct Strided {
  int ndim;
  int narrow;
  i64 shape[BR_MAXD];
  i64 stride[BR_MAXOPS][BR_MAXD];
};

typedef unsigned char u8;
typedef int i32;
typedef short i16;
typedef signed char i8;
// The integer dtypes beside int64, each instantiating the same operator templates. Their arithmetic wraps as
// torch's does: small types compute in int and truncate on store; int32 relies on -fwrapv (build flags).
#define FOR_SMALL_INTS(M, ...) M(i32, i32, __VA_ARGS__) M(i16, i16, __VA_ARGS__) M(i8, i8, __VA_ARGS__) M(u8, u8, __VA_ARGS__)

// Element offset of linear (row-major) index i for operand k. The host merges contiguous dims first, so a dense
// operand is ndim == 1 and skips the division entirely. Below 2^32 elements (narrow) the decomposition uses 32-bit
// division (64-bit division is a long software sequence on the GPU); larger tensors divide in 64 bits. The branch
// is uniform over the launch, so the small-tensor path costs what it did before.
template <int K> struct Offsets { i64 at[K]; };
template <int K> static __device__ __forceinline__ Offsets<K> offsets_of(const Strided& s, i64 index) {
  Offsets<K> r;
  if (s.ndim == 1) {
    for (int k = 0; k < K; k++) r.at[k] = index * s.stride[k][0];
    return r;
  }
  for (int k = 0; k < K; k++) r.at[k] = 0;
  if (s.narrow) {
    unsigned i = (unsigned)index;
    for (int d = s.ndim - 1; d >= 0; d--) {
      unsigned c = i % (unsigned)s.shape[d];
      i /= (unsigned)s.shape[d];
      for (int k = 0; k < K; k++) r.at[k] += (i64)c * s.stride[k][d];
    }
    return r;
  }
  unsigned long long i = (unsigned long long)index;
  for (int d = s.ndim - 1; d >= 0; d--) {
    unsigned long long c = i % (unsigned long long)s.shape[d];
    i /= (unsigned long long)s.shape[d];
    for (int k = 0; k < K; k++) r.at[k] += (i64)c * s.stride[k][d];
  }
  return r;
}
static __device__ __forceinline__ i64 offset_of(const Strided& s, int k, i64 index) {
  if (s.ndim == 1) return index * s.stride[k][0];
  i64 off = 0;
  if (s.narrow) {
    unsigned i = (unsigned)index;
    for (int d = s.ndim - 1; d >= 0; d--) {
      unsigned c = i % (unsigned)s.shape[d];
      i /= (unsigned)s.shape[d];
      off += (i64)c * s.stride[k][d];
    }
    return off;
  }
  unsigned long long i = (unsigned long long)index;
  for (int d = s.ndim - 1; d >= 0; d--) {
    unsigned long long c = i % (unsigned long long)s.shape[d];
    i /= (unsigned long long)s.shape[d];
    off += (i64)c * s.stride[k][d];
  }
  return off;
}

static __device__ __forceinline__ i64 grid_start() { return (i64)blockIdx.x * blockDim.x + threadIdx.x; }
static __device__ __forceinline__ i64 grid_step() { return (i64)gridDim.x * blockDim.x; }

template <class T> static __device__ __forceinline__ bool is_nan(T x) { return x != x; }

// .NET's saturating float -> int64 conversion (NaN -> 0); a plain C cast is UB on the host for these.
static __device__ __forceinline__ i64 to_i64(double v) {
  if (v != v) return 0;
  if (v >= 9223372036854775807.0) return 0x7fffffffffffffffLL;
  if (v <= -9223372036854775808.0) return (i64)0x8000000000000000ULL;
  return (i64)v;
}
