using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Comparisons and boolean logic: results are bool tensors and carry no gradient (torch's rule).
public sealed partial class Tensor
{
    // == builds a tensor, as in torch; object identity stays reference equality.
    /// <summary>
    /// Reference equality: two Tensor objects are equal only when they are the same object (<c>==</c> compares values
    /// elementwise).
    /// </summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    /// <summary>A hash of the object's identity, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    static Tensor Compare<TOp>(Tensor a, Tensor b) where TOp : ICompareOperator
    {
        CheckSameDevice(a, b);
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        a = a.To(dtype);
        b = b.To(dtype);
        var result = AllocateBroadcast(a, b, DType.Bool);
        Backend.Compare<TOp>(a, b, result);
        return result;
    }

    // A null operand (an absent Grad, an optional tensor) compares by reference, so `if (x.Grad == null)` reads as in C#.
    /// <summary>
    /// Elementwise a == b as a bool tensor, broadcast (torch's <c>==</c>). With a null operand, a 0-d bool that is true
    /// when both are null, so <c>x.Grad == null</c> works in an <c>if</c>.
    /// </summary>
    public static Tensor operator ==(Tensor? a, Tensor? b) => a is null || b is null ? Truth(ReferenceEquals(a, b)) : Compare<EqualOperator>(a, b);
    /// <summary>
    /// Elementwise a != b as a bool tensor, broadcast. With a null operand, a 0-d bool that is true unless both are
    /// null, so <c>x.Grad != null</c> works in an <c>if</c>.
    /// </summary>
    public static Tensor operator !=(Tensor? a, Tensor? b) => a is null || b is null ? Truth(!ReferenceEquals(a, b)) : Compare<NotEqualOperator>(a, b);
    /// <summary>Elementwise a &lt; b as a bool tensor, broadcast and type-promoted.</summary>
    public static Tensor operator <(Tensor a, Tensor b) => Compare<LessOperator>(a, b);
    /// <summary>Elementwise a &lt;= b as a bool tensor, broadcast and type-promoted.</summary>
    public static Tensor operator <=(Tensor a, Tensor b) => Compare<LessEqualOperator>(a, b);
    /// <summary>Elementwise a &gt; b as a bool tensor, broadcast and type-promoted.</summary>
    public static Tensor operator >(Tensor a, Tensor b) => Compare<GreaterOperator>(a, b);
    /// <summary>Elementwise a &gt;= b as a bool tensor, broadcast and type-promoted.</summary>
    public static Tensor operator >=(Tensor a, Tensor b) => Compare<GreaterEqualOperator>(a, b);
    /// <summary>Elementwise a == b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator ==(Tensor a, double b) => a == Scalar(b, a);
    /// <summary>Elementwise a != b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator !=(Tensor a, double b) => a != Scalar(b, a);
    /// <summary>Elementwise a &lt; b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator <(Tensor a, double b) => a < Scalar(b, a);
    /// <summary>Elementwise a &lt;= b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator <=(Tensor a, double b) => a <= Scalar(b, a);
    /// <summary>Elementwise a &gt; b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator >(Tensor a, double b) => a > Scalar(b, a);
    /// <summary>Elementwise a &gt;= b against a scalar, as a bool tensor of a's shape.</summary>
    public static Tensor operator >=(Tensor a, double b) => a >= Scalar(b, a);

    /// <summary>this == other elementwise as a bool tensor, broadcast (torch.eq).</summary>
    public Tensor Eq(Tensor other) => this == other;
    /// <summary>this != other elementwise as a bool tensor, broadcast (torch.ne).</summary>
    public Tensor Ne(Tensor other) => this != other;
    /// <summary>this &lt; other elementwise as a bool tensor, broadcast (torch.lt).</summary>
    public Tensor Lt(Tensor other) => this < other;
    /// <summary>this &lt;= other elementwise as a bool tensor, broadcast (torch.le).</summary>
    public Tensor Le(Tensor other) => this <= other;
    /// <summary>this &gt; other elementwise as a bool tensor, broadcast (torch.gt).</summary>
    public Tensor Gt(Tensor other) => this > other;
    /// <summary>this &gt;= other elementwise as a bool tensor, broadcast (torch.ge).</summary>
    public Tensor Ge(Tensor other) => this >= other;

    /// <summary>a &amp; b: bitwise and (logical and of bool tensors), as torch's operator.</summary>
    public static Tensor operator &(Tensor a, Tensor b) => BitwiseAnd(a, b);

    /// <summary>a | b: bitwise or (logical or of bool tensors).</summary>
    public static Tensor operator |(Tensor a, Tensor b) => BitwiseOr(a, b);

    /// <summary>a ^ b: bitwise xor (logical xor of bool tensors).</summary>
    public static Tensor operator ^(Tensor a, Tensor b) => BitwiseXor(a, b);

    /// <summary>~a: bitwise not (logical not of a bool tensor).</summary>
    public static Tensor operator ~(Tensor a) => a.BitwiseNot();

    /// <summary>True when every element is nonzero (NaN counts as nonzero); true for an empty tensor.</summary>
    public bool All() => All(Array.Empty<int>()).ToBoolean(); // a reduction: any size, no host copy

    /// <summary>True when any element is nonzero (NaN counts as nonzero); false for an empty tensor.</summary>
    public bool Any() => Any(Array.Empty<int>()).ToBoolean();

    /// <summary>condition ? a : b elementwise; ∂a = where(c, g, 0), ∂b = where(c, 0, g)</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool) throw new ArgumentException($"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.DType.ShortName()}");
        var dtype = DTypes.Promote(a.DType, a.Dim() == 0, b.DType, b.Dim() == 0);
        a = a.To(dtype);
        b = b.To(dtype);
        var shape = ShapeMath.Broadcast(ShapeMath.Broadcast(condition.Shape64, a.Shape64), b.Shape64);
        CheckSameDevice(condition, a);
        CheckSameDevice(condition, b);
        var result = Allocate64(shape, dtype, a.Device, zero: false);
        Backend.Where(condition, a, b, result);
        if (!Recording.Needed(a, b)) return result;
        return Recording.Record(result, "WhereBackward0", [a, b], g =>
        {
            var zero = ZerosLike(g);
            return [a.RequiresGrad ? Where(condition, g, zero) : null, b.RequiresGrad ? Where(condition, zero, g) : null];
        }, condition);
    }

    /// <summary>
    /// Elements of <paramref name="a"/> where <paramref name="condition"/> is true, the scalar <paramref name="b"/>
    /// elsewhere (torch.where).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, Scalar(b, a));
    /// <summary>
    /// The scalar <paramref name="a"/> where <paramref name="condition"/> is true, elements of <paramref name="b"/>
    /// elsewhere (torch.where).
    /// </summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) => Where(condition, Scalar(a, b), b);
}
