using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// The binary math of issue 16 (atan2, hypot, fmod, remainder, logaddexp, lerp) and the bitwise and logical ops:
// each forward beside its rule, as in Tensor.Arithmetic.cs. Integer operands of float-only ops become float32.
public sealed partial class Tensor
{
    /// <summary>tan⁻¹(a / b) by quadrant; ∂a = g·b / (a² + b²), ∂b = -g·a / (a² + b²)</summary>
    public static Tensor Atan2(Tensor a, Tensor b)
    {
        FloatOperands(ref a, ref b);
        var r = Binary<Atan2Operator>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, "Atan2Backward0", [a, b], g =>
        {
            var denominator = a * a + b * b;
            return [a.RequiresGrad ? g * b / denominator : null, b.RequiresGrad ? g * -a / denominator : null];
        }, a, b);
    }

    /// <summary>√(a² + b²); ∂a = g·a / r, ∂b = g·b / r</summary>
    public static Tensor Hypot(Tensor a, Tensor b)
    {
        if (!a.DType.IsFloatingPoint() || !b.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"hypot_cpu\" not implemented for '{ScalarTypeName((a.DType.IsFloatingPoint() ? b : a).DType)}'");
        var r = Binary<HypotOperator>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, "HypotBackward0", [a, b],
            g => [a.RequiresGrad ? g * a / r : null, b.RequiresGrad ? g * b / r : null], a, b, r);
    }

    /// <summary>a - trunc(a / b)·b (C's fmod); ∂a = g, ∂b = -g·trunc(a / b)</summary>
    public static Tensor Fmod(Tensor a, Tensor b) => Modulo<FmodOperator>(a, b, "FmodBackward1", floor: false);

    /// <summary>a - floor(a / b)·b (Python's %); ∂a = g, ∂b = -g·floor(a / b)</summary>
    public static Tensor Remainder(Tensor a, Tensor b) => Modulo<RemainderOperator>(a, b, "RemainderBackward1", floor: true);

    static Tensor Modulo<TOp>(Tensor a, Tensor b, string node, bool floor) where TOp : IBinaryOperator
    {
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        if (!dtype.IsFloatingPoint())
        {
            using (GradMode.Set(false))
                if ((b == 0.0).Any()) throw new DivideByZeroException("ZeroDivisionError");
        }
        var r = Binary<TOp>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, node, [a, b], g =>
        {
            var quotient = a / b;
            return [g, b.RequiresGrad ? -g * (floor ? quotient.Floor() : quotient.Trunc()) : null];
        }, a, b);
    }

    /// <summary>log(e^a + e^b); ∂a = g / (1 + e^(b - a)), ∂b = g / (1 + e^(a - b))</summary>
    public static Tensor LogAddExp(Tensor a, Tensor b)
    {
        if (!a.DType.IsFloatingPoint() && !b.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"logaddexp_cpu\" not implemented for '{ScalarTypeName(DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0))}'");
        var r = Binary<LogAddExpOperator>(ref a, ref b);
        if (!Recording.Needed(a, b)) return r;
        return Recording.Record(r, "LogaddexpBackward0", [a, b],
            g => [a.RequiresGrad ? g / ((b - a).Exp() + 1.0) : null, b.RequiresGrad ? g / ((a - b).Exp() + 1.0) : null], a, b);
    }

    /// <summary>
    /// start + weight·(end - start), evaluated as torch does (from the nearer end: weight &lt; 0.5 ? start + w·d : end - d·(1 - w));
    /// ∂start = g·(1 - weight), ∂end = g·weight, ∂weight = g·(end - start)
    /// </summary>
    public static Tensor Lerp(Tensor start, Tensor end, Tensor weight)
    {
        Tensor r;
        using (GradMode.Set(false))
        {
            var d = end - start;
            r = Where(weight.Abs() < 0.5, start + weight * d, end - d * (1.0 - weight));
        }
        if (!Recording.Needed(start, end) && !Recording.Needed(weight)) return r;
        return Recording.Record(r, "LerpBackward1", [start, end, weight], g =>
            [start.RequiresGrad ? g * (1.0 - weight) : null, end.RequiresGrad ? g * weight : null, weight.RequiresGrad ? g * (end - start) : null],
            start, end, weight);
    }

    /// <summary>Lerp with a scalar weight; ∂start = g·(1 - weight), ∂end = g·weight</summary>
    public static Tensor Lerp(Tensor start, Tensor end, double weight)
    {
        Tensor r;
        using (GradMode.Set(false))
        {
            var d = end - start;
            r = Math.Abs(weight) < 0.5 ? start + d * weight : end - d * (1.0 - weight);
        }
        if (!Recording.Needed(start, end)) return r;
        return Recording.Record(r, "LerpBackward0", [start, end], g => [start.RequiresGrad ? g * (1.0 - weight) : null, end.RequiresGrad ? g * weight : null]);
    }

    /// <summary>a &amp; b bit by bit (bool: logical and).</summary>
    public static Tensor BitwiseAnd(Tensor a, Tensor b) => Bitwise<BitwiseAndOperator>(a, b, "bitwise_and");

    /// <summary>a | b bit by bit (bool: logical or).</summary>
    public static Tensor BitwiseOr(Tensor a, Tensor b) => Bitwise<BitwiseOrOperator>(a, b, "bitwise_or");

    /// <summary>a ^ b bit by bit (bool: logical xor).</summary>
    public static Tensor BitwiseXor(Tensor a, Tensor b) => Bitwise<BitwiseXorOperator>(a, b, "bitwise_xor");

    /// <summary>~x bit by bit (two's complement -x - 1; bool: logical not).</summary>
    public Tensor BitwiseNot()
    {
        if (DType.IsFloatingPoint()) throw new InvalidOperationException($"\"bitwise_not_cpu\" not implemented for '{ScalarTypeName(DType)}'");
        using var _ = GradMode.Set(false);
        return DType == DType.Bool ? this == 0.0 : -this - 1.0;
    }

    static Tensor Bitwise<TOp>(Tensor a, Tensor b, string name) where TOp : IBinaryOperator
    {
        if (a.DType.IsFloatingPoint() || b.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"{name}_cpu\" not implemented for '{ScalarTypeName((a.DType.IsFloatingPoint() ? a : b).DType)}'");
        bool logical = a.DType == DType.Bool && b.DType == DType.Bool;
        var r = Binary<TOp>(ref a, ref b);
        return logical ? r.To(DType.Bool) : r;
    }

    /// <summary>a and b as truth values (nonzero is true), for any dtypes.</summary>
    public static Tensor LogicalAnd(Tensor a, Tensor b) => BitwiseAnd(a != 0.0, b != 0.0);

    /// <summary>a or b as truth values.</summary>
    public static Tensor LogicalOr(Tensor a, Tensor b) => BitwiseOr(a != 0.0, b != 0.0);

    /// <summary>a xor b as truth values.</summary>
    public static Tensor LogicalXor(Tensor a, Tensor b) => BitwiseXor(a != 0.0, b != 0.0);

    /// <summary>not x as a truth value.</summary>
    public Tensor LogicalNot() => this == 0.0;

    /// <summary>ATen's name of a dtype in "not implemented for" messages.</summary>
    internal static string ScalarTypeName(DType dtype) => dtype.ScalarTypeName();

    static void FloatOperands(ref Tensor a, ref Tensor b)
    {
        if (!a.DType.IsFloatingPoint() && !b.DType.IsFloatingPoint())
        {
            a = a.To(DefaultDType);
            b = b.To(DefaultDType);
        }
    }
}
