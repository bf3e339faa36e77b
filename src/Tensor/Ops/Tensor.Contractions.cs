using static Bridge.Torch;

namespace Bridge;

// Contractions composed from bmm/mm: einsum (pairwise, left to right, each pair one batched matrix product),
// tensordot, baddbmm and addmm with beta/alpha. Gradients follow from permute/reshape/bmm.
public sealed partial class Tensor
{
    /// <summary>beta·input + alpha·(batch1 @ batch2) for 3-D batches.</summary>
    public static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1)
    {
        if (batch1.Dim() != 3) throw new ArgumentException("batch1 must be a 3D tensor");
        if (batch2.Dim() != 3) throw new ArgumentException("batch2 must be a 3D tensor");
        var product = batch1.Bmm(batch2);
        if (alpha != 1) product = product * alpha;
        // torch ignores input when beta is 0 (NaN and inf in it do not propagate)
        if (beta == 0) return product + ZerosLike(input).Expand(product.ShapeArray) * 0.0;
        return (beta == 1 ? input : input * beta) + product;
    }

    /// <summary>beta·input + alpha·(mat1 @ mat2).</summary>
    public static Tensor Addmm(Tensor input, Tensor mat1, Tensor mat2, double beta, double alpha)
    {
        if (beta == 1 && alpha == 1) return Addmm(input, mat1, mat2);
        var product = mat1.Mm(mat2);
        if (alpha != 1) product = product * alpha;
        if (beta == 0) return product + ZerosLike(input).Expand(product.ShapeArray) * 0.0;
        return input * beta + product;
    }

    /// <summary>Sums products over dims <paramref name="dimsA"/> of this and <paramref name="dimsB"/> of other (paired in order).</summary>
    public Tensor Tensordot(Tensor other, int[] dimsA, int[] dimsB)
    {
        if (dimsA.Length != dimsB.Length) throw new ArgumentException("both dimension lists should have same length");
        var ca = dimsA.Select(d => ShapeMath.WrapDim(d, Dim())).ToArray();
        var cb = dimsB.Select(d => ShapeMath.WrapDim(d, other.Dim())).ToArray();
        for (int i = 0; i < ca.Length; i++)
            if (ShapeArray[ca[i]] != other.ShapeArray[cb[i]])
                throw new ArgumentException($"contracted dimensions need to match, but first has size {ShapeArray[ca[i]]} in dim {ca[i]} and second has size {other.ShapeArray[cb[i]]} in dim {cb[i]}");
        var freeA = Enumerable.Range(0, Dim()).Where(d => !ca.Contains(d)).ToArray();
        var freeB = Enumerable.Range(0, other.Dim()).Where(d => !cb.Contains(d)).ToArray();
        int k = ca.Select(d => ShapeArray[d]).Aggregate(1, (x, y) => x * y);
        int m = freeA.Select(d => ShapeArray[d]).Aggregate(1, (x, y) => x * y);
        int n = freeB.Select(d => other.ShapeArray[d]).Aggregate(1, (x, y) => x * y);
        var a = Permute(freeA.Concat(ca).ToArray()).Reshape(m, k);
        var b = other.Permute(cb.Concat(freeB).ToArray()).Reshape(k, n);
        return a.Mm(b).Reshape(freeA.Select(d => ShapeArray[d]).Concat(freeB.Select(d => other.ShapeArray[d])).ToArray());
    }

    /// <summary>Contracts the last <paramref name="dims"/> dims of this with the first ones of other.</summary>
    public Tensor Tensordot(Tensor other, int dims = 2)
    {
        if (dims < 0) throw new ArgumentException($"tensordot expects dims >= 0, but got dims={dims}");
        return Tensordot(other, Enumerable.Range(Dim() - dims, dims).ToArray(), Enumerable.Range(0, dims).ToArray());
    }
}

public static partial class Torch
{
    /// <summary>
    /// beta·input + alpha·(batch1 @ batch2) for batches [B, n, m] and [B, m, p], input broadcast to [B, n, p]
    /// (torch.baddbmm).
    /// </summary>
    public static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1) => Bridge.Tensor.Baddbmm(input, batch1, batch2, beta, alpha);
    /// <summary>
    /// Contracts the last <paramref name="dims"/> dims of <paramref name="a"/> with the first <paramref name="dims"/>
    /// of <paramref name="b"/> (torch.tensordot(a, b, dims)).
    /// </summary>
    public static Tensor Tensordot(Tensor a, Tensor b, int dims = 2) => a.Tensordot(b, dims);
    /// <summary>
    /// Sums products over dims <paramref name="dimsA"/> of <paramref name="a"/> and <paramref name="dimsB"/> of
    /// <paramref name="b"/>, paired in order (torch.tensordot(a, b, (dimsA, dimsB))).
    /// </summary>
    public static Tensor Tensordot(Tensor a, Tensor b, int[] dimsA, int[] dimsB) => a.Tensordot(b, dimsA, dimsB);

    /// <summary>
    /// Einstein summation (torch.einsum): "ij,jk->ik", batch letters, "..." for broadcast dims, repeated letters
    /// in one operand for diagonals, implicit output (letters used once, in alphabetical order) when "->" is absent.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => Bridge.Ops.Einsum.Evaluate(equation, operands);
}
