using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Comparisons and boolean logic: results are bool tensors and carry no gradient (torch's rule).
public sealed partial class Tensor
{
    // == builds a tensor, as in torch; object identity stays reference equality.
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    static Tensor Compare<TOp>(Tensor a, Tensor b) where TOp : ICompareOperator
    {
        CheckSameDevice(a, b);
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        a = a.To(dtype);
        b = b.To(dtype);
        var result = Allocate(ShapeMath.Broadcast(a.ShapeArray, b.ShapeArray), DType.Bool, a.Device);
        Backend.Compare<TOp>(a, b, result);
        return result;
    }

    // A null operand (an absent Grad, an optional tensor) compares by reference, so `if (x.Grad == null)` reads as in C#.
    public static Tensor operator ==(Tensor? a, Tensor? b) => a is null || b is null ? Truth(ReferenceEquals(a, b)) : Compare<EqualOperator>(a, b);
    public static Tensor operator !=(Tensor? a, Tensor? b) => a is null || b is null ? Truth(!ReferenceEquals(a, b)) : Compare<NotEqualOperator>(a, b);
    public static Tensor operator <(Tensor a, Tensor b) => Compare<LessOperator>(a, b);
    public static Tensor operator <=(Tensor a, Tensor b) => Compare<LessEqualOperator>(a, b);
    public static Tensor operator >(Tensor a, Tensor b) => Compare<GreaterOperator>(a, b);
    public static Tensor operator >=(Tensor a, Tensor b) => Compare<GreaterEqualOperator>(a, b);
    public static Tensor operator ==(Tensor a, double b) => a == Scalar(b, a);
    public static Tensor operator !=(Tensor a, double b) => a != Scalar(b, a);
    public static Tensor operator <(Tensor a, double b) => a < Scalar(b, a);
    public static Tensor operator <=(Tensor a, double b) => a <= Scalar(b, a);
    public static Tensor operator >(Tensor a, double b) => a > Scalar(b, a);
    public static Tensor operator >=(Tensor a, double b) => a >= Scalar(b, a);

    public Tensor Eq(Tensor other) => this == other;
    public Tensor Ne(Tensor other) => this != other;
    public Tensor Lt(Tensor other) => this < other;
    public Tensor Le(Tensor other) => this <= other;
    public Tensor Gt(Tensor other) => this > other;
    public Tensor Ge(Tensor other) => this >= other;

    /// <summary>a &amp; b: bitwise and (logical and of bool tensors), as torch's operator.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => BitwiseAnd(a, b);

    /// <summary>a | b: bitwise or (logical or of bool tensors).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => BitwiseOr(a, b);

    /// <summary>a ^ b: bitwise xor (logical xor of bool tensors).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => BitwiseXor(a, b);

    /// <summary>~a: bitwise not (logical not of a bool tensor).</summary>
    public static Tensor operator ~(Tensor a) => a.BitwiseNot();

    /// <summary>True when every element is nonzero.</summary>
    public bool All() => ToDoubleArray().All(v => v != 0);

    /// <summary>True when any element is nonzero.</summary>
    public bool Any() => ToDoubleArray().Any(v => v != 0);

    /// <summary>condition ? a : b elementwise; ∂a = where(c, g, 0), ∂b = where(c, 0, g)</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool) throw new ArgumentException($"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.DType.ShortName()}");
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        a = a.To(dtype);
        b = b.To(dtype);
        var shape = ShapeMath.Broadcast(ShapeMath.Broadcast(condition.ShapeArray, a.ShapeArray), b.ShapeArray);
        CheckSameDevice(condition, a);
        CheckSameDevice(condition, b);
        var result = Allocate(shape, dtype, a.Device);
        Backend.Where(condition, a, b, result);
        if (!Recording.Needed(a, b)) return result;
        return Recording.Record(result, "WhereBackward0", [a, b], g =>
        {
            var zero = ZerosLike(g);
            return [a.RequiresGrad ? Where(condition, g, zero) : null, b.RequiresGrad ? Where(condition, zero, g) : null];
        }, condition);
    }

    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, Scalar(b, a));
    public static Tensor Where(Tensor condition, double a, Tensor b) => Where(condition, Scalar(a, b), b);
}
