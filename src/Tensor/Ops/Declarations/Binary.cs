using Bridge.Backends.Cpu;

namespace Bridge.Ops;

// Elementwise ops of two tensors (broadcast, promoted to a common dtype) and comparisons. Their rules read
// both inputs and which of them needs a gradient, so they are written beside the forward in
// Tensor.Arithmetic.cs / Tensor.Compare.cs; the entry states node and formula for the registry and the tests.
public static partial class Declarations
{
    /// <summary>
    /// torch's <c>add</c> (.NET <c>Add</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Add = Binary<AddOperator>("add", nameof(Add), [.. AllNumeric, DType.Bool], "Returns a + b, broadcast.",
        Gradient.InForward("AddBackward0", "self: grad; other: grad"), Tensor.Add);

    /// <summary>
    /// torch's <c>sub</c> (.NET <c>Sub</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Sub = Binary<SubtractOperator>("sub", nameof(Sub), AllNumeric, "Returns a - b, broadcast.",
        Gradient.InForward("SubBackward0", "self: grad; other: -grad"), Tensor.Sub,
        (a, b) => a.DType == DType.Bool && b.DType == DType.Bool
            ? "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead." : null);

    /// <summary>
    /// torch's <c>mul</c> (.NET <c>Mul</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Mul = Binary<MultiplyOperator>("mul", nameof(Mul), [.. AllNumeric, DType.Bool], "Returns a * b, broadcast.",
        Gradient.InForward("MulBackward0", "self: grad * other; other: grad * self"), Tensor.Mul);

    /// <summary>
    /// torch's <c>div</c> (.NET <c>Div</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Div = Binary<DivideOperator>("div", nameof(Div), [.. AllNumeric, DType.Bool], "Returns a / b, broadcast (true division: integers give float32).",
        Gradient.InForward("DivBackward0", "self: grad / other; other: -grad * self / other^2"), Tensor.Div);

    /// <summary>
    /// torch's <c>pow</c> (.NET <c>Pow</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Pow = Binary<PowOperator>("pow", nameof(Pow), AllNumeric, "Returns a raised to the power b, broadcast.",
        Gradient.InForward("PowBackward1", "self: grad * other * self^(other - 1); other: grad * result * log(self)"), (a, b) => a.Pow(b),
        (a, b) => a.DType == DType.Bool && b.DType == DType.Bool ? "\"pow\" not implemented for 'Bool'" : null);

    /// <summary>
    /// torch's <c>maximum</c> (.NET <c>Maximum</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Maximum = Binary<MaximumOperator>("maximum", nameof(Maximum), [.. AllNumeric, DType.Bool], "Returns the larger of a and b for each element (NaN propagates).",
        Gradient.InForward("MaximumBackward0", "self: grad * (self > other + (self == other) / 2); other: the rest"), Tensor.Maximum);

    /// <summary>
    /// torch's <c>minimum</c> (.NET <c>Minimum</c>), a broadcasting binary op: its dtypes, kernel, gradient and doc;
    /// <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Minimum = Binary<MinimumOperator>("minimum", nameof(Minimum), [.. AllNumeric, DType.Bool], "Returns the smaller of a and b for each element (NaN propagates).",
        Gradient.InForward("MinimumBackward0", "self: grad * (self < other + (self == other) / 2); other: the rest"), Tensor.Minimum);

    /// <summary>
    /// torch's <c>eq</c> (.NET <c>Eq</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Eq = Compare<EqualOperator>("eq", nameof(Eq), "Returns a == b as a bool tensor, broadcast.", (a, b) => a == b);
    /// <summary>
    /// torch's <c>ne</c> (.NET <c>Ne</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Ne = Compare<NotEqualOperator>("ne", nameof(Ne), "Returns a != b as a bool tensor, broadcast.", (a, b) => a != b);
    /// <summary>
    /// torch's <c>lt</c> (.NET <c>Lt</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Lt = Compare<LessOperator>("lt", nameof(Lt), "Returns a < b as a bool tensor, broadcast.", (a, b) => a < b);
    /// <summary>
    /// torch's <c>le</c> (.NET <c>Le</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Le = Compare<LessEqualOperator>("le", nameof(Le), "Returns a <= b as a bool tensor, broadcast.", (a, b) => a <= b);
    /// <summary>
    /// torch's <c>gt</c> (.NET <c>Gt</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Gt = Compare<GreaterOperator>("gt", nameof(Gt), "Returns a > b as a bool tensor, broadcast.", (a, b) => a > b);
    /// <summary>
    /// torch's <c>ge</c> (.NET <c>Ge</c>), a comparison: its dtypes, kernel, gradient and doc; <c>Apply</c> runs it.
    /// </summary>
    public static readonly BinaryOp Ge = Compare<GreaterEqualOperator>("ge", nameof(Ge), "Returns a >= b as a bool tensor, broadcast.", (a, b) => a >= b);

    /// <summary>
    /// A binary op; <paramref name="refuse"/> gives torch's message for operands torch refuses (float16 for
    /// <c>atan2_cpu</c>, two bools for sub), null where it computes them.
    /// </summary>
    static BinaryOp Binary<TOp>(string torch, string dotNet, DType[] dtypes, string doc, Gradient gradient, Func<Tensor, Tensor, Tensor> forward,
        Func<Tensor, Tensor, string?>? refuse = null) where TOp : IBinaryOperator =>
        Declare(new BinaryOp(torch, dotNet, OpFamily.Binary, dtypes, TOp.Name, gradient, doc, refuse is null ? forward : (a, b) =>
            refuse(a, b) is string message ? throw new NotSupportedException(message) : forward(a, b)));

    static BinaryOp Compare<TOp>(string torch, string dotNet, string doc, Func<Tensor, Tensor, Tensor> forward) where TOp : ICompareOperator =>
        Declare(new BinaryOp(torch, dotNet, OpFamily.Comparison, Any, TOp.Name, Gradient.NotDifferentiable("comparisons return bool"), doc, forward));
}
