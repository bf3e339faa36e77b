using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

// Operator structs in the System.Numerics.Tensors shape: each is the math of one op, for a scalar and,
// where the op has an exact vector form, for Vector256. The drivers in ElementwiseKernels do the loops.

/// <summary>An elementwise function of one number, valid for every numeric dtype.</summary>
internal interface IUnaryOperator
{
    /// <summary>The op's declared kernel name; other backends find their kernel by it.</summary>
    static abstract string Name { get; }

    static abstract T Invoke<T>(T x) where T : unmanaged, INumber<T>;

    /// <summary>Maps a span with a vector kernel where one exists; false leaves it to the scalar loop.</summary>
    static virtual bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, INumber<T> => false;
}

/// <summary>An elementwise function of one floating-point number; transcendental ones also map whole spans with TensorPrimitives.</summary>
internal interface IFloatUnaryOperator
{
    /// <summary>The op's declared kernel name; other backends find their kernel by it.</summary>
    static abstract string Name { get; }

    static abstract T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
    static virtual bool Transcendental => false;

    /// <summary>Maps a span with a vectorised kernel where one exists; false leaves it to the scalar loop.</summary>
    static virtual bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> => false;

    /// <summary>torch's loop for the op where TryInvoke reproduces it on float32 (TorchMath): it then splits threads itself.</summary>
    static virtual TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.None;

    /// <summary>Whether float64 runs through TorchMath too (its SLEEF float64 function is ported).</summary>
    static virtual bool TorchDouble => false;
}


/// <summary>An elementwise function of two numbers; <see cref="Vectorizable"/> ones also run on Vector256 and Vector512.</summary>
internal interface IBinaryOperator
{
    /// <summary>The op's declared kernel name; other backends find their kernel by it.</summary>
    static abstract string Name { get; }

    static abstract T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>;
    static virtual bool Vectorizable => false;
    static virtual Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => throw new NotSupportedException();
    static virtual Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => throw new NotSupportedException();
}

/// <summary>An elementwise predicate of two numbers.</summary>
internal interface ICompareOperator
{
    /// <summary>The op's declared kernel name; other backends find their kernel by it.</summary>
    static abstract string Name { get; }

    static abstract bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T>;
}

/// <summary>a + b</summary>
internal readonly struct AddOperator : IBinaryOperator
{
    public static string Name => "add";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a + b;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a + b;
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a + b;
}

/// <summary>a - b</summary>
internal readonly struct SubtractOperator : IBinaryOperator
{
    public static string Name => "sub";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a - b;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a - b;
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a - b;
}

/// <summary>a * b</summary>
internal readonly struct MultiplyOperator : IBinaryOperator
{
    public static string Name => "mul";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a * b;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a * b;
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a * b;
}

/// <summary>a / b (integer operands are promoted to float before they get here)</summary>
internal readonly struct DivideOperator : IBinaryOperator
{
    public static string Name => "div";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a / b;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a / b;
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a / b;
}

/// <summary>max(a, b), NaN-propagating like torch.maximum</summary>
internal readonly struct MaximumOperator : IBinaryOperator
{
    public static string Name => "max";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : (a > b ? a : b);
}

/// <summary>min(a, b), NaN-propagating like torch.minimum</summary>
internal readonly struct MinimumOperator : IBinaryOperator
{
    public static string Name => "min";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : (a < b ? a : b);
}

/// <summary>a ^ b, with torch's exact shortcuts for small integral exponents (x*x for 2, sqrt for 0.5...)</summary>
internal readonly struct PowOperator : IBinaryOperator
{
    public static string Name => "pow";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (b == T.One + T.One) return a * a;
        if (b == T.One) return a;
        if (typeof(T) == typeof(float)) return (T)(object)MathF.Pow((float)(object)a, (float)(object)b);
        if (typeof(T) == typeof(double)) return (T)(object)Math.Pow((double)(object)a, (double)(object)b);
        return IntegerPow(a, b);
    }

    // torch's integer pow: repeated squaring in the type itself, so results wrap as its multiplications do (uint8
    // 4^5 = 0); a negative exponent gives 1 for base 1, ±1 for base -1 and 0 otherwise (the truncated 1 / a^-b).
    static T IntegerPow<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (T.IsNegative(b))
        {
            if (a == T.One) return T.One;
            if (T.IsNegative(a) && a + T.One == T.Zero) return T.IsEvenInteger(b) ? T.One : a;
            return T.Zero;
        }
        T result = T.One, power = a;
        for (var e = b; e != T.Zero; e /= T.One + T.One)
        {
            if (T.IsOddInteger(e)) result = unchecked(result * power);
            power = unchecked(power * power);
        }
        return result;
    }
}

/// <summary>a ^ b for a scalar exponent b: torch's pow_tensor_scalar picks exact shortcuts by exponent (x*x*x
/// for 3, 1/x for -1, 1/(x*x) for -2, sqrt for 0.5, 1/sqrt for -0.5), which round differently from pow itself.</summary>
internal readonly struct PowScalarOperator : IBinaryOperator
{
    public static string Name => "pow";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        {
            if (b == T.CreateTruncating(3)) return a * a * a;
            if (b == -T.One) return T.One / a;
            if (b == T.CreateTruncating(-2)) return T.One / (a * a);
            if (typeof(T) == typeof(float) && (float)(object)b is 0.5f or -0.5f)
            {
                float root = MathF.Sqrt((float)(object)a);
                return (T)(object)((float)(object)b > 0 ? root : 1f / root);
            }
            if (typeof(T) == typeof(double) && (double)(object)b is 0.5 or -0.5)
            {
                double root = Math.Sqrt((double)(object)a);
                return (T)(object)((double)(object)b > 0 ? root : 1 / root);
            }
        }
        return PowOperator.Invoke(a, b);
    }
}

/// <summary>∂relu: b ≤ 0 ? 0 : a, for a = g and b = result (torch's threshold_backward; NaN results pass g)</summary>
internal readonly struct ReluBackwardOperator : IBinaryOperator
{
    public static string Name => "relu_backward";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => b <= T.Zero ? T.Zero : a;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> =>
        Vector256.ConditionalSelect(Vector256.LessThanOrEqual(b, Vector256<T>.Zero), Vector256<T>.Zero, a);
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(b, Vector512<T>.Zero), Vector512<T>.Zero, a);
}

/// <summary>∂sigmoid: (a·(1 - b))·b for a = g and b = result, rounded after each step as the three-op form is</summary>
internal readonly struct SigmoidBackwardOperator : IBinaryOperator
{
    public static string Name => "sigmoid_backward";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a * (T.One - b) * b;
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a * (Vector256<T>.One - b) * b;
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a * (Vector512<T>.One - b) * b;
}

/// <summary>∂tanh: a·(1 - b·b) for a = g and b = result, rounded after each step as the three-op form is</summary>
internal readonly struct TanhBackwardOperator : IBinaryOperator
{
    public static string Name => "tanh_backward";
    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a * (T.One - b * b);
    public static bool Vectorizable => true;
    public static Vector256<T> Invoke<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => a * (Vector256<T>.One - b * b);
    public static Vector512<T> Invoke<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, INumber<T> => a * (Vector512<T>.One - b * b);
}

internal readonly struct EqualOperator : ICompareOperator { public static string Name => "eq"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a == b; }
internal readonly struct NotEqualOperator : ICompareOperator { public static string Name => "ne"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a != b; }
internal readonly struct LessOperator : ICompareOperator { public static string Name => "lt"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a < b; }
internal readonly struct LessEqualOperator : ICompareOperator { public static string Name => "le"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a <= b; }
internal readonly struct GreaterOperator : ICompareOperator { public static string Name => "gt"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a > b; }
internal readonly struct GreaterEqualOperator : ICompareOperator { public static string Name => "ge"; public static bool Invoke<T>(T a, T b) where T : unmanaged, INumber<T> => a >= b; }

/// <summary>-x</summary>
internal readonly struct NegateOperator : IUnaryOperator { public static string Name => "neg"; public static T Invoke<T>(T x) where T : unmanaged, INumber<T> => -x; }

/// <summary>|x|</summary>
internal readonly struct AbsOperator : IUnaryOperator { public static string Name => "abs"; public static T Invoke<T>(T x) where T : unmanaged, INumber<T> => T.IsNegative(x) ? -x : x; }

/// <summary>x &lt; 0 ? 0 : x (torch's clamp_min: NaN and -0.0 are kept)</summary>
internal readonly struct ReluOperator : IUnaryOperator
{
    public static string Name => "relu";
    public static T Invoke<T>(T x) where T : unmanaged, INumber<T> => x < T.Zero ? T.Zero : x;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, INumber<T>
    {
        if (!Vector512.IsHardwareAccelerated || !Vector512<T>.IsSupported) return false;
        ref T rx = ref MemoryMarshal.GetReference(x), ro = ref MemoryMarshal.GetReference(result);
        int i = 0;
        for (; i <= x.Length - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
            Vector512.AndNot(v, Vector512.LessThan(v, Vector512<T>.Zero)).StoreUnsafe(ref ro, (nuint)i);
        }
        for (; i < x.Length; i++) result[i] = Invoke(x[i]);
        return true;
    }
}

/// <summary>sign(x) as -1, 0, 1</summary>
internal readonly struct SignOperator : IUnaryOperator { public static string Name => "sign"; public static T Invoke<T>(T x) where T : unmanaged, INumber<T> => T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x)); }

/// <summary>e^x</summary>
internal readonly struct ExpOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "exp";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.TorchMathOps.TryRun<T, TorchMath.ExpKernel>(TorchLoop, x, result)) return true;
        if (x.Length < VectorMath.MinLength) return false;
        if (typeof(T) == typeof(float) && VectorMath.IsSupported)
            VectorMath.Exp(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(result));
        else
            TensorPrimitives.Exp(x, result);
        return true;
    }
}

/// <summary>ln x</summary>
internal readonly struct LogOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "log";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.TorchMathOps.TryRun<T, TorchMath.LogKernel>(TorchLoop, x, result)) return true;
        if (x.Length < VectorMath.MinLength) return false;
        TensorPrimitives.Log(x, result);
        return true;
    }
}

/// <summary>√x</summary>
internal readonly struct SqrtOperator : IFloatUnaryOperator
{
    public static string Name => "sqrt";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public static bool Transcendental => false;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < VectorMath.MinLength) return false;
        TensorPrimitives.Sqrt(x, result);
        return true;
    }
}

/// <summary>tanh x</summary>
internal readonly struct TanhOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "tanh";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.TorchMathOps.TryRun<T, TorchMath.TanhKernel>(TorchLoop, x, result)) return true;
        if (x.Length < VectorMath.MinLength) return false;
        // TensorPrimitives.Tanh loses digits near 0 (tanh(1e-8) off by 1.6e-9 relative in double): scalar libm instead.
        if (typeof(T) != typeof(float) || !VectorMath.IsSupported) return false;
        VectorMath.Tanh(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(result));
        return true;
    }
}

/// <summary>1 / (1 + e^-x), evaluated in that order as ATen's scalar sigmoid does</summary>
internal readonly struct SigmoidOperator : IFloatUnaryOperator
{
    public static bool TorchDouble => true;
    public static string Name => "sigmoid";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vectorized;

    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.TorchMathOps.TryRun<T, TorchMath.SigmoidKernel>(TorchLoop, x, result)) return true;
        if (x.Length < VectorMath.MinLength) return false;
        // Double stays on the scalar 1 / (1 + libm exp): TensorPrimitives.Sigmoid differs from it by a few ulp,
        // and device kernels evaluate exactly that form, so every backend agrees.
        if (typeof(T) != typeof(float)) return false;
        if (VectorMath.IsSupported)
            VectorMath.Sigmoid(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(result));
        else
            TensorPrimitives.Sigmoid(x, result);
        return true;
    }
}

/// <summary>sin x (libm's, element by element)</summary>
internal readonly struct SinOperator : IFloatUnaryOperator
{
    public static string Name => "sin";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.SinKernel>(TorchLoop, x, result);
}

/// <summary>cos x (libm's, element by element)</summary>
internal readonly struct CosOperator : IFloatUnaryOperator
{
    public static string Name => "cos";
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
    public static bool Transcendental => true;
    public static TorchMath.TorchLoop TorchLoop => TorchMath.TorchLoop.Vml;
    public static bool TryInvoke<T>(ReadOnlySpan<T> x, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T> =>
        TorchMath.TorchMathOps.TryRun<T, TorchMath.CosKernel>(TorchLoop, x, result);
}
