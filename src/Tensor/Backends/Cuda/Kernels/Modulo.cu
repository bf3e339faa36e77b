// Modulo.cu - fmod, remainder and floor_divide, the device twins of FmodOperator, RemainderOperator
// (Backends/Cpu/MathOperators.cs) and FloorDivideOperator: one template per op for every dtype.
#include "Common.cuh"

// C's fmod, exact: the significands' long division (shift and subtract), as musl computes it; there is no PTX
// instruction for it and no libm on the device. U is the float's bit type, MANT its stored significand bits.
template <class F, class U, int MANT, int EXPMASK> struct ExactFmod {
  static __device__ __forceinline__ U bits(F f) { union { F f; U u; } v; v.f = f; return v.u; }
  static __device__ __forceinline__ F value(U u) { union { F f; U u; } v; v.u = u; return v.f; }
  // Normalises a finite nonzero magnitude: its significand with the implicit bit at MANT, exponent adjusted for subnormals.
  static __device__ __forceinline__ U significand(U u, int& e) {
    const int bits_n = sizeof(U) * 8;
    if (!e) {
      U i = u << (bits_n - MANT);
      for (; i >> (bits_n - 1) == 0; e--, i <<= 1) {}
      return u << (-e + 1);
    }
    return (u & ((U)-1 >> (bits_n - MANT))) | ((U)1 << MANT);
  }
  static __device__ F f(F x, F y) {
    const int bits_n = sizeof(U) * 8;
    U ux = bits(x), uy = bits(y), sx = ux >> (bits_n - 1);
    int ex = (int)(ux >> MANT & EXPMASK), ey = (int)(uy >> MANT & EXPMASK);
    if ((U)(uy << 1) == 0 || y != y || ex == EXPMASK) return (x * y) / (x * y);   // y = 0, NaN, x = ±inf: NaN
    if ((U)(ux << 1) <= (U)(uy << 1)) return (U)(ux << 1) == (U)(uy << 1) ? (F)0 * x : x;   // |x| <= |y|
    U mx = significand(ux, ex), my = significand(uy, ey), i;
    for (; ex > ey; ex--) {
      i = mx - my;
      if (i >> (bits_n - 1) == 0) {
        if (i == 0) return (F)0 * x;
        mx = i;
      }
      mx <<= 1;
    }
    i = mx - my;
    if (i >> (bits_n - 1) == 0) {
      if (i == 0) return (F)0 * x;
      mx = i;
    }
    for (; mx >> MANT == 0; mx <<= 1, ex--) {}
    if (ex > 0) mx = (mx - ((U)1 << MANT)) | ((U)ex << MANT);
    else mx >>= -ex + 1;
    return value(mx | (sx << (bits_n - 1)));
  }
};
static __device__ __forceinline__ float exact_fmod(float a, float b) { return ExactFmod<float, unsigned, 23, 0xff>::f(a, b); }
static __device__ __forceinline__ double exact_fmod(double a, double b) { return ExactFmod<double, unsigned long long, 52, 0x7ff>::f(a, b); }
// Integers truncate (C#'s and C's %). b = 0 never arrives (the Tensor layer raises ZeroDivisionError first) and
// b = -1 is answered without dividing: MIN % -1 and MIN / -1 trap on x86 and are 0 and MIN (wrapped) in torch.
template <class T> static __device__ __forceinline__ T exact_fmod(T a, T b) { return b == 0 || b + 1 == 0 ? (T)0 : (T)(a % b); }

/// a - trunc(a / b)·b, exactly (C's fmod; the sign of a)
struct OpFmod { template <class T> static __device__ __forceinline__ T f(T a, T b) { return exact_fmod(a, b); } };
/// a - floor(a / b)·b (Python's %; the sign of b): fmod, moved by b when the signs differ, as RemainderOperator
struct OpRemainder {
  template <class T> static __device__ __forceinline__ T f(T a, T b) {
    T r = exact_fmod(a, b);
    return r != (T)0 && (r < (T)0) != (b < (T)0) ? (T)(r + b) : r;
  }
};
/// ⌊a / b⌋ as torch 1.13's div_floor (FloorDivideOperator): floats from (a - fmod(a, b)) / b, corrected and rounded
/// to the nearest integer; integers round toward -∞ exactly.
struct OpFloorDivide {
  template <class F> static __device__ __forceinline__ F floating(F a, F b) {
    if (b == (F)0) return a / b;
    F mod = exact_fmod(a, b);
    F div = (a - mod) / b;
    if (mod != (F)0 && (b < (F)0) != (mod < (F)0)) div -= (F)1;
    if (div == (F)0) return (F)dm_copysign(0.0, (double)(a / b));
    F fl = floor_of(div);
    return div - fl > (F)0.5 ? fl + (F)1 : fl;
  }
  static __device__ __forceinline__ float floor_of(float x) { return __builtin_floorf(x); }
  static __device__ __forceinline__ double floor_of(double x) { return __builtin_floor(x); }
  static __device__ __forceinline__ float f(float a, float b) { return floating(a, b); }
  static __device__ __forceinline__ double f(double a, double b) { return floating(a, b); }
  template <class T> static __device__ __forceinline__ T f(T a, T b) {
    if (b + 1 == 0) return (T)(0 - a);   // wraps for MIN, as torch
    if (b == 0) return 0;
    T q = (T)(a / b);
    return a % b != 0 && (a < 0) != (b < 0) ? (T)(q - 1) : q;
  }
};
BINARY3(fmod, OpFmod)
BINARY_INTS(fmod, OpFmod)
BINARY3(remainder, OpRemainder)
BINARY_INTS(remainder, OpRemainder)
BINARY3(floor_divide, OpFloorDivide)
BINARY_INTS(floor_divide, OpFloorDivide)
