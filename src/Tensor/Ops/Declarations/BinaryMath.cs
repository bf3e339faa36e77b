using Bridge.Backends.Cpu;

namespace Bridge.Ops;

// The binary math of issue 16, and the bitwise and logical ops. Rules are written beside each forward in
// Tensor.BinaryMath.cs; the entries state node and formula for the registry and the tests.
public static partial class Declarations
{
    static DType[] Integral => [DType.Int64, DType.Bool, .. NewIntegers];

    /// <summary>
    /// torch's <c>atan2</c> (.NET <c>Atan2</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Atan2 = Binary<Atan2Operator>("atan2", nameof(Atan2), Promoting(float16: false), "Returns the angle of the point (other, self): atan(self / other) by quadrant.",
        Gradient.InForward("Atan2Backward0", "self: grad * other / (self^2 + other^2); other: grad * -self / (self^2 + other^2)"), Tensor.Atan2, RefusesOnCpu("atan2_cpu", DType.Float16));

    /// <summary>
    /// torch's <c>hypot</c> (.NET <c>Hypot</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Hypot = Binary<HypotOperator>("hypot", nameof(Hypot), [.. Floating, DType.BFloat16], "Returns sqrt(a^2 + b^2) without overflow in between.",
        Gradient.InForward("HypotBackward0", "self: grad * self / result; other: grad * other / result"), Tensor.Hypot, RefusesOnCpu("hypot_cpu", DType.Float16));

    /// <summary>
    /// torch's <c>fmod</c> (.NET <c>Fmod</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Fmod = Binary<FmodOperator>("fmod", nameof(Fmod), AllNumeric, "Returns a - trunc(a / b) * b, the remainder with the sign of a (C's fmod).",
        Gradient.InForward("FmodBackward1", "self: grad; other: -grad * self.div(other, rounding_mode=\"trunc\")"), Tensor.Fmod, Refuses("fmod_cpu", DType.Bool));

    /// <summary>
    /// torch's <c>remainder</c> (.NET <c>Remainder</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Remainder = Binary<RemainderOperator>("remainder", nameof(Remainder), AllNumeric, "Returns a - floor(a / b) * b, the remainder with the sign of b (Python's %).",
        Gradient.InForward("RemainderBackward1", "self: grad; other: -grad * self.div(other, rounding_mode=\"floor\")"), Tensor.Remainder, Refuses("remainder_cpu", DType.Bool));

    /// <summary>
    /// torch's <c>logaddexp</c> (.NET <c>LogAddExp</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp LogAddExp = Binary<LogAddExpOperator>("logaddexp", nameof(LogAddExp), [.. Floating, DType.BFloat16], "Returns log(e^a + e^b), computed without overflow.",
        Gradient.InForward("LogaddexpBackward0", "self: grad / (1 + exp(other - self)); other: grad / (1 + exp(self - other))"), Tensor.LogAddExp, RefusesOnCpu("logaddexp_cpu", DType.Float16));

    /// <summary>
    /// torch's <c>bitwise_and</c> (.NET <c>BitwiseAnd</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp BitwiseAnd = Binary<BitwiseAndOperator>("bitwise_and", nameof(BitwiseAnd), Integral, "Returns a & b bit by bit (logical and for bool).",
        Gradient.NotDifferentiable("integer and bool results"), Tensor.BitwiseAnd);

    /// <summary>
    /// torch's <c>bitwise_or</c> (.NET <c>BitwiseOr</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp BitwiseOr = Binary<BitwiseOrOperator>("bitwise_or", nameof(BitwiseOr), Integral, "Returns a | b bit by bit (logical or for bool).",
        Gradient.NotDifferentiable("integer and bool results"), Tensor.BitwiseOr);

    /// <summary>
    /// torch's <c>bitwise_xor</c> (.NET <c>BitwiseXor</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp BitwiseXor = Binary<BitwiseXorOperator>("bitwise_xor", nameof(BitwiseXor), Integral, "Returns a ^ b bit by bit (logical xor for bool).",
        Gradient.NotDifferentiable("integer and bool results"), Tensor.BitwiseXor);

    /// <summary>
    /// torch's <c>logical_and</c> (.NET <c>LogicalAnd</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp LogicalAnd = Logical("logical_and", nameof(LogicalAnd), "Returns whether both a and b are nonzero, as bool.", Tensor.LogicalAnd);
    /// <summary>
    /// torch's <c>logical_or</c> (.NET <c>LogicalOr</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp LogicalOr = Logical("logical_or", nameof(LogicalOr), "Returns whether a or b is nonzero, as bool.", Tensor.LogicalOr);
    /// <summary>
    /// torch's <c>logical_xor</c> (.NET <c>LogicalXor</c>), a broadcasting binary op: its dtypes, kernel, gradient and
    /// doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp LogicalXor = Logical("logical_xor", nameof(LogicalXor), "Returns whether exactly one of a and b is nonzero, as bool.", Tensor.LogicalXor);

    /// <summary>A truth-value op composed from comparisons and bitwise ops (no kernel of its own, no gradient).</summary>
    static BinaryOp Logical(string torch, string dotNet, string doc, Func<Tensor, Tensor, Tensor> forward) =>
        Declare(new BinaryOp(torch, dotNet, OpFamily.Comparison, Any, kernel: null, Gradient.NotDifferentiable("returns bool"), doc, forward));
}
