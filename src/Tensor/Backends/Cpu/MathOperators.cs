using System.Numerics;

namespace Bridge.Backends.Cpu;

// The math operators of issue 16 (trigonometric, hyperbolic, exponential and logarithmic families, rounding,
// erf): one struct per op in the shape of Operators.cs. Float ops evaluate libm's function of the element's own
// type (MathF for float32, Math for float64), as torch's scalar CPU kernels do; where .NET lacks the function or
// computes it inexactly, LibM calls the C library's.

/// <summary>tan x</summary>
internal readonly struct TanOperator : IFloatUnaryOperator
{
    public static string Name => "tan";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tan(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.TanKernel>(TorchLoop, x, result);
}

/// <summary>sin⁻¹ x (NaN outside [-1, 1])</summary>
internal readonly struct AsinOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "asin";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asin(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.AsinKernel>(TorchLoop, x, result);
}

/// <summary>cos⁻¹ x (NaN outside [-1, 1])</summary>
internal readonly struct AcosOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "acos";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acos(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.AcosKernel>(TorchLoop, x, result);
}

/// <summary>tan⁻¹ x</summary>
internal readonly struct AtanOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "atan";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atan(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.AtanKernel>(TorchLoop, x, result);
}

/// <summary>sinh x; ±inf once e^|x| overflows, as torch's vectorised kernel (Sleef) gives, though sinh itself is finite a little beyond</summary>
internal readonly struct SinhOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "sinh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x) > ExpOverflow.Of<T>() ? T.CopySign(T.PositiveInfinity, x) : T.Sinh(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vectorized;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.SinhKernel>(TorchLoop, x, result);
}

/// <summary>cosh x; inf once e^|x| overflows, as torch's vectorised kernel gives</summary>
internal readonly struct CoshOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "cosh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x) > ExpOverflow.Of<T>() ? T.PositiveInfinity : T.Cosh(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vectorized;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.CoshKernel>(TorchLoop, x, result);
}

/// <summary>The largest x with e^x finite: ln(float.MaxValue) and ln(double.MaxValue).</summary>
internal static class ExpOverflow
{
    public static T Of<T>() where T : IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? T.CreateTruncating(88.72283905206835) : T.CreateTruncating(709.782712893384);
}

/// <summary>sinh⁻¹ x</summary>
internal readonly struct AsinhOperator : IFloatUnaryOperator
{
    public static string Name => "asinh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Asinh(x);
    public static bool Transcendental => true;
}

/// <summary>cosh⁻¹ x (NaN below 1)</summary>
internal readonly struct AcoshOperator : IFloatUnaryOperator
{
    public static string Name => "acosh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Acosh(x);
    public static bool Transcendental => true;
}

/// <summary>tanh⁻¹ x (±∞ at ±1, NaN outside)</summary>
internal readonly struct AtanhOperator : IFloatUnaryOperator
{
    public static string Name => "atanh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Atanh(x);
    public static bool Transcendental => true;
}

/// <summary>2^x</summary>
internal readonly struct Exp2Operator : IFloatUnaryOperator
{
    public static string Name => "exp2";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp2(x);
    public static bool Transcendental => true;
}

/// <summary>e^x - 1, exact near 0 (libm's expm1)</summary>
internal readonly struct Expm1Operator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "expm1";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(LibM.Expm1(double.CreateTruncating(x)));
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.Expm1Kernel>(TorchLoop, x, result);
}

/// <summary>log₂ x</summary>
internal readonly struct Log2Operator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "log2";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log2(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.Log2Kernel>(TorchLoop, x, result);
}

/// <summary>log₁₀ x</summary>
internal readonly struct Log10Operator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "log10";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log10(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.Log10Kernel>(TorchLoop, x, result);
}

/// <summary>ln(1 + x), exact near 0 (libm's log1p)</summary>
internal readonly struct Log1pOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "log1p";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(LibM.Log1p(double.CreateTruncating(x)));
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.Log1pKernel>(TorchLoop, x, result);
}

/// <summary>1 / √x, rounded twice as torch's CPU kernel (a division of the rounded square root)</summary>
internal readonly struct RsqrtOperator : IFloatUnaryOperator
{
    public static string Name => "rsqrt";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / T.Sqrt(x);
}

/// <summary>
/// rsqrt of a bfloat16 element widened to float32, as torch 1.13's CPU computes it: its vectorised bfloat16 kernel
/// is <c>1 / x.sqrt()</c>, which rounds the square root to bfloat16 before dividing (the result rounds again).
/// </summary>
internal readonly struct BFloat16RsqrtOperator : IFloatUnaryOperator
{
    public static string Name => "rsqrt";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.One / T.CreateTruncating((float)(BFloat16)float.CreateTruncating(T.Sqrt(x)));
}

/// <summary>1 / x</summary>
internal readonly struct ReciprocalOperator : IFloatUnaryOperator
{
    public static string Name => "reciprocal";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / x;
}

/// <summary>x - trunc(x) (NaN for ±∞)</summary>
internal readonly struct FracOperator : IFloatUnaryOperator
{
    public static string Name => "frac";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x - T.Truncate(x);
}

/// <summary>erf x = 2/√π ∫₀ˣ e^(-t²) dt (SLEEF's, as torch's vml kernel; libm's off AVX2)</summary>
internal readonly struct ErfOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "erf";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(LibM.Erf(double.CreateTruncating(x)));
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.ErfKernel>(TorchLoop, x, result);
}

/// <summary>erf⁻¹ x (ATen's calc_erfinv: a rational guess and two Newton steps, rounded as torch's CPU kernel rounds them)</summary>
internal readonly struct ErfinvOperator : IFloatUnaryOperator
{
    public static string Name => "erfinv";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(double)
            ? T.CreateTruncating(TorchMath.TorchErfinv.Erfinv(double.CreateTruncating(x)))
            : T.CreateTruncating(TorchMath.TorchErfinv.Erfinv(float.CreateTruncating(x))); // half types through float, as ATen
    public static bool Transcendental => true;
}

/// <summary>⌊x⌋ (integers unchanged)</summary>
internal readonly struct FloorOperator : IUnaryOperator
{
    public static string Name => "floor";
    public static T Invoke<T>(T x) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? (T)(object)Math.Floor((double)(object)x) : typeof(T) == typeof(float) ? (T)(object)MathF.Floor((float)(object)x) : x;
}

/// <summary>⌈x⌉ (integers unchanged)</summary>
internal readonly struct CeilOperator : IUnaryOperator
{
    public static string Name => "ceil";
    public static T Invoke<T>(T x) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? (T)(object)Math.Ceiling((double)(object)x) : typeof(T) == typeof(float) ? (T)(object)MathF.Ceiling((float)(object)x) : x;
}

/// <summary>x rounded to the nearest integer, halves to even (integers unchanged)</summary>
internal readonly struct RoundOperator : IUnaryOperator
{
    public static string Name => "round";
    public static T Invoke<T>(T x) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? (T)(object)Math.Round((double)(object)x) : typeof(T) == typeof(float) ? (T)(object)MathF.Round((float)(object)x) : x;
}

/// <summary>x rounded toward 0 (integers unchanged)</summary>
internal readonly struct TruncOperator : IUnaryOperator
{
    public static string Name => "trunc";
    public static T Invoke<T>(T x) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(double) ? (T)(object)Math.Truncate((double)(object)x) : typeof(T) == typeof(float) ? (T)(object)MathF.Truncate((float)(object)x) : x;
}

/// <summary>tan⁻¹(a / b) in the quadrant of (b, a)</summary>
internal readonly struct Atan2Operator : IBinaryOperator
{
    public static string Name => "atan2";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(float) ? (T)(object)MathF.Atan2((float)(object)a, (float)(object)b) : T.CreateTruncating(Math.Atan2(double.CreateTruncating(a), double.CreateTruncating(b)));
}

/// <summary>√(a² + b²) without overflow or underflow in between</summary>
internal readonly struct HypotOperator : IBinaryOperator
{
    public static string Name => "hypot";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(float) ? (T)(object)float.Hypot((float)(object)a, (float)(object)b) : T.CreateTruncating(double.Hypot(double.CreateTruncating(a), double.CreateTruncating(b)));
}

/// <summary>a - trunc(a / b)·b, exactly (C's fmod; the sign of a)</summary>
internal readonly struct FmodOperator : IBinaryOperator
{
    public static string Name => "fmod";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a % b;
}

/// <summary>a - floor(a / b)·b, exactly (Python's %; the sign of b)</summary>
internal readonly struct RemainderOperator : IBinaryOperator
{
    public static string Name => "remainder";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        var r = a % b;
        return r != T.Zero && (r < T.Zero) != (b < T.Zero) ? r + b : r;
    }
}

/// <summary>log(e^a + e^b) = max + log1p(e^-|a - b|), torch's form (equal infinities return themselves)</summary>
internal readonly struct LogAddExpOperator : IBinaryOperator
{
    public static string Name => "logaddexp";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        double x = double.CreateTruncating(a), y = double.CreateTruncating(b);
        if (double.IsInfinity(x) && x == y) return a;
        if (typeof(T) == typeof(float))
        {
            float fx = (float)x, fy = (float)y, m = fx < fy ? fy : fx;
            return (T)(object)(m + (float)LibM.Log1p(MathF.Exp(-MathF.Abs(fx - fy))));
        }
        double mm = x < y ? y : x;
        return T.CreateTruncating(mm + LibM.Log1p(Math.Exp(-Math.Abs(x - y))));
    }
}

/// <summary>Which element types the bitwise operators take.</summary>
internal static class Bits
{
    /// <summary>True for the integer element types; widening to int64 and truncating back keeps every bit of them.</summary>
    public static bool Integer<T>() => typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(byte);
}

/// <summary>a &amp; b, bit by bit (the integer types; bool runs as int64)</summary>
internal readonly struct BitwiseAndOperator : IBinaryOperator
{
    public static string Name => "bitwise_and";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => Bits.Integer<T>() ? T.CreateTruncating(long.CreateTruncating(a) & long.CreateTruncating(b)) : throw new NotSupportedException("bitwise ops take integer operands");
}

/// <summary>a | b, bit by bit</summary>
internal readonly struct BitwiseOrOperator : IBinaryOperator
{
    public static string Name => "bitwise_or";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => Bits.Integer<T>() ? T.CreateTruncating(long.CreateTruncating(a) | long.CreateTruncating(b)) : throw new NotSupportedException("bitwise ops take integer operands");
}

/// <summary>a ^ b, bit by bit</summary>
internal readonly struct BitwiseXorOperator : IBinaryOperator
{
    public static string Name => "bitwise_xor";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => Bits.Integer<T>() ? T.CreateTruncating(long.CreateTruncating(a) ^ long.CreateTruncating(b)) : throw new NotSupportedException("bitwise ops take integer operands");
}
