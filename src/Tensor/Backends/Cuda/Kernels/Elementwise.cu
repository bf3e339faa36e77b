// Elementwise.cu - binary, compare, unary and where kernels. Each operator struct is the device twin of
// the one in Backends/Cpu/Operators.cs, written in the same order of operations so results agree bit
// for bit where no transcendental function is involved.
#include "Common.cuh"

struct OpAdd { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a + b; } };
struct OpSub { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a - b; } };
struct OpMul { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a * b; } };
struct OpDiv { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a / b; } };
/// max(a, b), NaN-propagating like torch.maximum
struct OpMax { template <class T> static __device__ __forceinline__ T f(T a, T b) { return is_nan(a) || is_nan(b) ? a + b : (a > b ? a : b); } };
struct OpMin { template <class T> static __device__ __forceinline__ T f(T a, T b) { return is_nan(a) || is_nan(b) ? a + b : (a < b ? a : b); } };
/// a^b with the CPU's shortcuts (b == 2: a*a, b == 1: a); int64 goes through double like Math.Pow.
struct OpPow {
  static __device__ __forceinline__ float f(float a, float b) { return b == 2.0f ? a * a : b == 1.0f ? a : dm_powf(a, b); }
  static __device__ __forceinline__ double f(double a, double b) { return b == 2.0 ? a * a : b == 1.0 ? a : dm_pow(a, b); }
  static __device__ __forceinline__ i64 f(i64 a, i64 b) { return b == 2 ? a * a : b == 1 ? a : to_i64(dm_pow((double)a, (double)b)); }
  /// the other integers as PowOperator.IntegerPow: repeated squaring wrapping in the type; a negative exponent
  /// gives 1 for base 1, ±1 for base -1, else 0 (the truncated 1 / a^-b)
  template <class T> static __device__ __forceinline__ T f(T a, T b) {
    if (b == 2) return (T)(a * a);
    if (b == 1) return a;
    if (b < 0) return a == 1 ? (T)1 : a + 1 == 0 ? (b % 2 == 0 ? (T)1 : a) : (T)0;
    T result = 1, power = a;
    for (T e = b; e != 0; e /= 2) {
      if (e % 2 != 0) result = (T)(result * power);
      power = (T)(power * power);
    }
    return result;
  }
};

template <class T, class Op>
static __device__ __forceinline__ void binary(T* o, const T* a, const T* b, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<3> at = offsets_of<3>(s, i);
    o[at.at[0]] = Op::f(a[at.at[1]], b[at.at[2]]);
  }
}
#define BINARY(name, T, Op) \
  extern "C" __global__ void bin_##name(T* o, const T* a, const T* b, Strided s, i64 n) { binary<T, Op>(o, a, b, s, n); }
#define BINARY3(op, Op) BINARY(op##_f32, float, Op) BINARY(op##_f64, double, Op) BINARY(op##_i64, i64, Op)
BINARY3(add, OpAdd)
BINARY3(sub, OpSub)
BINARY3(mul, OpMul)
BINARY3(max, OpMax)
BINARY3(min, OpMin)
BINARY3(pow, OpPow)
#define BINARY_INT(sfx, T, op, Op) BINARY(op##_##sfx, T, Op)
#define BINARY_INTS(op, Op) FOR_SMALL_INTS(BINARY_INT, op, Op)
BINARY_INTS(add, OpAdd)
BINARY_INTS(sub, OpSub)
BINARY_INTS(mul, OpMul)
BINARY_INTS(max, OpMax)
BINARY_INTS(min, OpMin)
BINARY_INTS(pow, OpPow)
BINARY(div_f32, float, OpDiv)   // integer division never reaches a kernel: the Tensor layer promotes to float
BINARY(div_f64, double, OpDiv)

/// ±inf (x - x is NaN only for ±inf and NaN)
template <class T> static __device__ __forceinline__ bool is_inf(T x) { return x == x && (x - x) != (x - x); }
/// sqrt(a² + b²): float32 exactly through double (no overflow there), float64 scaled (devmath.h)
struct OpHypot {
  static __device__ __forceinline__ float f(float a, float b) {
    if (is_inf(a) || is_inf(b)) return __builtin_inff();
    double x = a, y = b;
    return (float)__builtin_sqrt(x * x + y * y);
  }
  static __device__ __forceinline__ double f(double a, double b) { return dm_hypot(a, b); }
};
/// max + log1p(e^-|a - b|) as the CPU operator (equal infinities return themselves)
struct OpLogAddExp {
  static __device__ __forceinline__ float f(float a, float b) {
    if (is_inf(a) && a == b) return a;
    float m = a < b ? b : a, d = a - b;
    float e = (float)dm_exp(-(double)(d < 0 ? -d : d));
    return m + (float)dm_log1p((double)e);
  }
  static __device__ __forceinline__ double f(double a, double b) {
    if (is_inf(a) && a == b) return a;
    double m = a < b ? b : a;
    return m + dm_log1p(dm_exp(-dm_fabs(a - b)));
  }
};
struct OpBitAnd { template <class T> static __device__ __forceinline__ T f(T a, T b) { return (T)(a & b); } };
struct OpBitOr { template <class T> static __device__ __forceinline__ T f(T a, T b) { return (T)(a | b); } };
struct OpBitXor { template <class T> static __device__ __forceinline__ T f(T a, T b) { return (T)(a ^ b); } };
/// atan2(a, b): float32 through double (one rounding of the double result), float64 from devmath.h
struct OpAtan2 {
  static __device__ __forceinline__ float f(float a, float b) { return (float)dm_atan2((double)a, (double)b); }
  static __device__ __forceinline__ double f(double a, double b) { return dm_atan2(a, b); }
};
BINARY(atan2_f32, float, OpAtan2)
BINARY(atan2_f64, double, OpAtan2)
BINARY(hypot_f32, float, OpHypot)
BINARY(hypot_f64, double, OpHypot)
BINARY(logaddexp_f32, float, OpLogAddExp)
BINARY(logaddexp_f64, double, OpLogAddExp)
BINARY(bitwise_and_i64, i64, OpBitAnd)
BINARY(bitwise_or_i64, i64, OpBitOr)
BINARY(bitwise_xor_i64, i64, OpBitXor)
BINARY_INTS(bitwise_and, OpBitAnd)
BINARY_INTS(bitwise_or, OpBitOr)
BINARY_INTS(bitwise_xor, OpBitXor)

// Fused backward operators (a = g, b = the forward's result), one rounding per step like the CPU structs.
/// ∂relu: b <= 0 ? 0 : a (torch's threshold_backward; NaN results pass g)
struct OpReluBackward { template <class T> static __device__ __forceinline__ T f(T a, T b) { return b <= (T)0 ? (T)0 : a; } };
/// ∂sigmoid: (a·(1 - b))·b
struct OpSigmoidBackward { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a * ((T)1 - b) * b; } };
/// ∂tanh: a·(1 - b·b)
struct OpTanhBackward { template <class T> static __device__ __forceinline__ T f(T a, T b) { return a * ((T)1 - b * b); } };
BINARY3(relu_backward, OpReluBackward)
BINARY(sigmoid_backward_f32, float, OpSigmoidBackward)
BINARY(sigmoid_backward_f64, double, OpSigmoidBackward)
BINARY(tanh_backward_f32, float, OpTanhBackward)
BINARY(tanh_backward_f64, double, OpTanhBackward)

struct CmpEq { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a == b; } };
struct CmpNe { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a != b; } };
struct CmpLt { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a < b; } };
struct CmpLe { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a <= b; } };
struct CmpGt { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a > b; } };
struct CmpGe { template <class T> static __device__ __forceinline__ bool f(T a, T b) { return a >= b; } };

template <class T, class Op>
static __device__ __forceinline__ void compare(u8* o, const T* a, const T* b, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<3> at = offsets_of<3>(s, i);
    o[at.at[0]] = Op::f(a[at.at[1]], b[at.at[2]]) ? 1 : 0;
  }
}
#define COMPARE(name, T, Op) \
  extern "C" __global__ void cmp_##name(u8* o, const T* a, const T* b, Strided s, i64 n) { compare<T, Op>(o, a, b, s, n); }
#define COMPARE4(op, Op) COMPARE(op##_f32, float, Op) COMPARE(op##_f64, double, Op) COMPARE(op##_i64, i64, Op) COMPARE(op##_b8, u8, Op)
COMPARE4(eq, CmpEq)
COMPARE4(ne, CmpNe)
COMPARE4(lt, CmpLt)
COMPARE4(le, CmpLe)
COMPARE4(gt, CmpGt)
COMPARE4(ge, CmpGe)
#define COMPARE_INT(sfx, T, op, Op) COMPARE(op##_##sfx, T, Op)
#define COMPARE_INTS(op, Op) FOR_SMALL_INTS(COMPARE_INT, op, Op)
COMPARE_INTS(eq, CmpEq)
COMPARE_INTS(ne, CmpNe)
COMPARE_INTS(lt, CmpLt)
COMPARE_INTS(le, CmpLe)
COMPARE_INTS(gt, CmpGt)
COMPARE_INTS(ge, CmpGe)

static __device__ __forceinline__ float abs_of(float x) { return dm_fabsf(x); }
static __device__ __forceinline__ double abs_of(double x) { return dm_fabs(x); }
static __device__ __forceinline__ i64 abs_of(i64 x) { return x < 0 ? -x : x; }
template <class T> static __device__ __forceinline__ T abs_of(T x) { return x < 0 ? (T)-x : x; }

struct UnNeg { template <class T> static __device__ __forceinline__ T f(T x) { return -x; } };
struct UnAbs { template <class T> static __device__ __forceinline__ T f(T x) { return abs_of(x); } };
/// max(x, 0), NaN kept
// torch's clamp_min(x, 0), as the CPU operator: NaN and -0 pass through unchanged.
struct UnRelu { template <class T> static __device__ __forceinline__ T f(T x) { return x < (T)0 ? (T)0 : x; } };
struct UnSign { template <class T> static __device__ __forceinline__ T f(T x) { return is_nan(x) ? x : (T)((x > (T)0) - (x < (T)0)); } };
struct UnExp {
  static __device__ __forceinline__ float f(float x) { return dm_expf(x); }
  static __device__ __forceinline__ double f(double x) { return dm_exp(x); }
};
struct UnLog {
  static __device__ __forceinline__ float f(float x) { return dm_logf(x); }
  static __device__ __forceinline__ double f(double x) { return dm_log(x); }
};
struct UnSqrt {
  static __device__ __forceinline__ float f(float x) { return dm_sqrtf(x); }
  static __device__ __forceinline__ double f(double x) { return __builtin_sqrt(x); }
};
struct UnTanh {
  static __device__ __forceinline__ float f(float x) { return dm_tanhf(x); }
  static __device__ __forceinline__ double f(double x) { return dm_tanh(x); }
};
/// 1 / (1 + e^-x) in that order, as the CPU operator and ATen's scalar sigmoid evaluate it
struct UnSigmoid {
  static __device__ __forceinline__ float f(float x) { return 1.0f / (1.0f + dm_expf_cr(-x)); }
  static __device__ __forceinline__ double f(double x) { return 1.0 / (1.0 + dm_exp(-x)); }
};
struct UnSin {
  static __device__ __forceinline__ float f(float x) { return (float)dm_sin((double)x); }
  static __device__ __forceinline__ double f(double x) { return dm_sin(x); }
};
struct UnCos {
  static __device__ __forceinline__ float f(float x) { return (float)dm_cos((double)x); }
  static __device__ __forceinline__ double f(double x) { return dm_cos(x); }
};

// Issue 16's math: float32 evaluates the double function once and rounds (correctly rounded but for rare ties),
// float64 the double function (devmath.h). Rounding ops are exact; on int64 they leave the value unchanged.
#define DEV_FLOAT_UN(Name, fn) struct Name { \
  static __device__ __forceinline__ float f(float x) { return (float)fn((double)x); } \
  static __device__ __forceinline__ double f(double x) { return fn(x); } };
DEV_FLOAT_UN(UnTan, dm_tan)
// sinh/cosh: ±inf once e^|x| overflows in the element's type, as torch's vectorised (Sleef) kernel gives.
struct UnSinh {
  static __device__ __forceinline__ float f(float x) { return dm_fabsf(x) > 88.72283905206835f ? (x > 0 ? __builtin_inff() : -__builtin_inff()) : (float)dm_sinh((double)x); }
  static __device__ __forceinline__ double f(double x) { return dm_fabs(x) > 709.782712893384 ? dm_copysign(DM_INFD, x) : dm_sinh(x); }
};
struct UnCosh {
  static __device__ __forceinline__ float f(float x) { return dm_fabsf(x) > 88.72283905206835f ? __builtin_inff() : (float)dm_cosh((double)x); }
  static __device__ __forceinline__ double f(double x) { return dm_fabs(x) > 709.782712893384 ? DM_INFD : dm_cosh(x); }
};
DEV_FLOAT_UN(UnAsinh, dm_asinh)
DEV_FLOAT_UN(UnAcosh, dm_acosh)
DEV_FLOAT_UN(UnAtanh, dm_atanh)
DEV_FLOAT_UN(UnExp2, dm_exp2)
DEV_FLOAT_UN(UnExpm1, dm_expm1)
DEV_FLOAT_UN(UnLog2, dm_log2)
DEV_FLOAT_UN(UnLog10, dm_log10)
DEV_FLOAT_UN(UnLog1p, dm_log1p)
DEV_FLOAT_UN(UnErf, dm_erf)
DEV_FLOAT_UN(UnAtan, dm_atan)
DEV_FLOAT_UN(UnAsin, dm_asin)
DEV_FLOAT_UN(UnAcos, dm_acos)
DEV_FLOAT_UN(UnErfinv, dm_erfinv)
/// 1 / sqrt(x), both rounded, as the CPU operator and torch's kernel
struct UnRsqrt {
  static __device__ __forceinline__ float f(float x) { return 1.0f / dm_sqrtf(x); }
  static __device__ __forceinline__ double f(double x) { return 1.0 / __builtin_sqrt(x); }
};
struct UnReciprocal { template <class T> static __device__ __forceinline__ T f(T x) { return (T)1 / x; } };
struct UnFrac {
  static __device__ __forceinline__ float f(float x) { return x - __builtin_truncf(x); }
  static __device__ __forceinline__ double f(double x) { return x - __builtin_trunc(x); }
};
#define DEV_ROUND_UN(Name, ff, fd) struct Name { \
  static __device__ __forceinline__ float f(float x) { return ff(x); } \
  static __device__ __forceinline__ double f(double x) { return fd(x); } \
  template <class T> static __device__ __forceinline__ T f(T x) { return x; } };
DEV_ROUND_UN(UnFloor, __builtin_floorf, __builtin_floor)
DEV_ROUND_UN(UnCeil, __builtin_ceilf, __builtin_ceil)
DEV_ROUND_UN(UnRound, __builtin_rintf, __builtin_rint)   // round-half-even in the default rounding mode
DEV_ROUND_UN(UnTrunc, __builtin_truncf, __builtin_trunc)

template <class T, class Op>
static __device__ __forceinline__ void unary(T* o, const T* a, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<2> at = offsets_of<2>(s, i);
    o[at.at[0]] = Op::f(a[at.at[1]]);
  }
}
#define UNARY(name, T, Op) \
  extern "C" __global__ void un_##name(T* o, const T* a, Strided s, i64 n) { unary<T, Op>(o, a, s, n); }
#define UNARY2(op, Op) UNARY(op##_f32, float, Op) UNARY(op##_f64, double, Op)
#define UNARY3(op, Op) UNARY2(op, Op) UNARY(op##_i64, i64, Op)
UNARY3(neg, UnNeg)
UNARY3(abs, UnAbs)
UNARY3(relu, UnRelu)
UNARY3(sign, UnSign)
UNARY2(exp, UnExp)
UNARY2(log, UnLog)
UNARY2(sqrt, UnSqrt)
UNARY2(tanh, UnTanh)
UNARY2(sigmoid, UnSigmoid)
UNARY2(sin, UnSin)
UNARY2(cos, UnCos)
UNARY2(tan, UnTan)
UNARY2(sinh, UnSinh)
UNARY2(cosh, UnCosh)
UNARY2(asinh, UnAsinh)
UNARY2(acosh, UnAcosh)
UNARY2(atanh, UnAtanh)
UNARY2(exp2, UnExp2)
UNARY2(expm1, UnExpm1)
UNARY2(log2, UnLog2)
UNARY2(log10, UnLog10)
UNARY2(log1p, UnLog1p)
UNARY2(erf, UnErf)
UNARY2(atan, UnAtan)
UNARY2(asin, UnAsin)
UNARY2(acos, UnAcos)
UNARY2(erfinv, UnErfinv)
UNARY2(rsqrt, UnRsqrt)
UNARY2(reciprocal, UnReciprocal)
UNARY2(frac, UnFrac)
UNARY3(floor, UnFloor)
UNARY3(ceil, UnCeil)
UNARY3(round, UnRound)
UNARY3(trunc, UnTrunc)
#define UNARY_INT(sfx, T, op, Op) UNARY(op##_##sfx, T, Op)
#define UNARY_INTS(op, Op) FOR_SMALL_INTS(UNARY_INT, op, Op)
UNARY_INTS(neg, UnNeg)
UNARY_INTS(abs, UnAbs)
UNARY_INTS(relu, UnRelu)
UNARY_INTS(sign, UnSign)
UNARY_INTS(floor, UnFloor)
UNARY_INTS(ceil, UnCeil)
UNARY_INTS(round, UnRound)
UNARY_INTS(trunc, UnTrunc)

// where: operands o, cond, a, b. Selection moves bits, so one kernel per element size serves every dtype.
template <class T>
static __device__ __forceinline__ void where(T* o, const u8* c, const T* a, const T* b, const Strided& s, i64 n) {
  for (i64 i = grid_start(); i < n; i += grid_step()) {
    Offsets<4> at = offsets_of<4>(s, i);
    o[at.at[0]] = c[at.at[1]] ? a[at.at[2]] : b[at.at[3]];
  }
}
extern "C" __global__ void where_b1(u8* o, const u8* c, const u8* a, const u8* b, Strided s, i64 n) { where<u8>(o, c, a, b, s, n); }
extern "C" __global__ void where_b2(unsigned short* o, const u8* c, const unsigned short* a, const unsigned short* b, Strided s, i64 n) { where<unsigned short>(o, c, a, b, s, n); }
extern "C" __global__ void where_b4(unsigned* o, const u8* c, const unsigned* a, const unsigned* b, Strided s, i64 n) { where<unsigned>(o, c, a, b, s, n); }
extern "C" __global__ void where_b8(i64* o, const u8* c, const i64* a, const i64* b, Strided s, i64 n) { where<i64>(o, c, a, b, s, n); }
