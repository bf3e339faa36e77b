namespace Bridge;

// Truth of a tensor, as Python's bool(tensor): a one-element tensor is true when nonzero; more elements are
// ambiguous. With `operator true` a comparison reads naturally in a condition: `if (x.Grad == null)`, `if (a == b)`.
public sealed partial class Tensor
{
    /// <summary>
    /// Lets a one-element tensor stand in a condition (<c>if (x &gt; 0)</c>, <c>if (x.Grad == null)</c>): true when its
    /// element is nonzero.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor has zero or more than one element.</exception>
    public static bool operator true(Tensor t) => t.ToBoolean();
    /// <summary>
    /// The negation of <c>operator true</c>, for <c>&amp;&amp;</c> and <c>||</c> on one-element tensors.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor has zero or more than one element.</exception>
    public static bool operator false(Tensor t) => !t.ToBoolean();

    /// <summary>The truth of a one-element tensor (nonzero); throws for any other number of elements, as torch does.</summary>
    public bool ToBoolean()
    {
        if (Numel() != 1)
            throw new InvalidOperationException($"Boolean value of Tensor with {(Numel() == 0 ? "no values" : "more than one value")} is ambiguous");
        return Item() != 0;
    }

    static Tensor Truth(bool value) => Torch.Full([], value ? 1 : 0, DType.Bool, device: Device.Cpu);
}
