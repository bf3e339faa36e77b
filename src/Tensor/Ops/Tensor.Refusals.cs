namespace Bridge;

// torch's refusals of arithmetic that has no meaning it would keep: subtraction with bool tensors and integers raised
// to negative integer powers. Checked once, in the Tensor layer, with torch's messages (RuntimeError in Python).
public sealed partial class Tensor
{
    /// <summary>torch's refusal of a - b when either is bool: xor for two bools, not for a mask.</summary>
    static NotSupportedException SubtractBool(Tensor a, Tensor b) => new(a.DType == DType.Bool && b.DType == DType.Bool
        ? "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
        : "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");

    /// <summary>
    /// x ^ an integer exponent (torch's <c>pow</c> with an integer scalar, Python's <c>x ** 2</c>): as
    /// <see cref="Pow(double)"/>, except that an integer or bool tensor raised to a negative integer is refused, as torch
    /// refuses it (the result would truncate to 0 or ±1). A float exponent (<c>x.Pow(-1.0)</c>) gives float32, as in torch.
    /// </summary>
    /// <exception cref="NotSupportedException">An integer or bool tensor and a negative exponent.</exception>
    public Tensor Pow(long exponent) => exponent < 0 && !DType.IsFloatingPoint()
        ? throw new NotSupportedException("Integers to negative integer powers are not allowed.")
        : Pow((double)exponent);
}
