using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Matrix products. mm, mv, dot, bmm and addmm are primitives with their own backward; matmul composes
// them with exactly torch's 1-D/2-D/batched rules, so results and grad_fn names match.
public sealed partial class Tensor
{
    /// <summary>Matrix product of two 2-D tensors; ∂a = g·bᵀ, ∂b = aᵀ·g</summary>
    public Tensor Mm(Tensor other)
    {
        CheckMatrices("mm", this, other);
        return MatrixProduct(this, other, null, "MmBackward0");
    }

    /// <summary>bias + a·b with the bias broadcast to the product (nn.Linear's op); ∂bias = g</summary>
    public static Tensor Addmm(Tensor bias, Tensor a, Tensor b)
    {
        CheckMatrices("addmm", a, b);
        return MatrixProduct(a, b, bias, "AddmmBackward0");
    }

    static void CheckMatrices(string op, Tensor a, Tensor b)
    {
        CheckSameDevice(a, b);
        if (a.Dim() != 2) throw new ArgumentException($"self must be a matrix");
        if (b.Dim() != 2) throw new ArgumentException($"mat2 must be a matrix");
        if (a.Shape64[1] != b.Shape64[0])
            throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({a.Shape64[0]}x{a.Shape64[1]} and {b.Shape64[0]}x{b.Shape64[1]})");
        if (a.DType != b.DType)
            throw new ArgumentException($"expected scalar type {Pretty(a.DType)} but found {Pretty(b.DType)}");
    }

    static string Pretty(DType d) => d.ScalarTypeName();

    static Tensor MatrixProduct(Tensor a, Tensor b, Tensor? bias, string name)
    {
        long m = a.Shape64[0], n = b.Shape64[1];
        var result = Allocate64([m, n], a.DType, a.Device, zero: false);
        // Transposed operands (every backward matmul) are read through their strides, never copied.
        // Half types: torch's own CPU gemm adds beta·C and the float32 dot product before rounding once, whichever path.
        if (bias is not null && !a.DType.IsHalf() && BiasAddedLast(a, b, n))
        {
            Backend.Gemm(a, b, result, accumulate: false);
            using (GradMode.Set(false)) result.Add_(bias.To(a.DType));
        }
        else
        {
            // The bias is the starting value of each accumulation, as in BLAS gemm with beta = 1.
            if (bias is not null) Backend.Copy(bias.To(a.DType), result);
            Backend.Gemm(a, b, result, accumulate: bias is not null);
        }
        if (!Recording.Needed(a, b) && !(bias is not null && Recording.Needed(bias))) return result;
        // torch's input order (addmm(self, mat1, mat2): the bias first), so next_functions read as torch's.
        var inputs = bias is null ? new[] { a, b } : [bias, a, b];
        return Recording.Record(result, name, inputs, g =>
        {
            // A transposed operand (nn.Linear's weight.T()) gets its gradient computed transposed, (gᵀ·a)ᵀ, as
            // torch does: the same dot products in the same order, landing contiguous in the weight's own layout
            // instead of needing a strided copy. Likewise for a.
            var ga = !a.RequiresGrad ? null : IsTransposed(a) ? b.Mm(g.T()).T() : g.Mm(b.T());
            var gb = !b.RequiresGrad ? null : IsTransposed(b) ? g.T().Mm(a).T() : a.T().Mm(g);
            return bias is null ? [ga, gb] : [g, ga, gb];
        }, Saved(b.RequiresGrad ? a : null, a.RequiresGrad ? b : null));
    }

    /// <summary>
    /// Whether torch 1.13's CPU addmm adds the bias after the dot products instead of starting from it. Its
    /// addmm_impl_cpu_ picks the BLAS call from the strides (the fresh result is column-major only when it has one
    /// column; otherwise the operands swap and it computes the transpose), and reference BLAS gemm with op(A) = Aᵀ
    /// sums each dot product from zero and adds beta·C last, while op(A) = A adds the products onto C in order.
    /// nn.Linear (weight.T()) takes the first path, addmm of two contiguous matrices the second; the roundings differ.
    /// </summary>
    internal static bool BiasAddedLast(Tensor a, Tensor b, long n)
    {
        bool swapped = n != 1;
        var first = swapped ? b : a;                                  // torch's m1 after the swap
        long rows = swapped ? n : a.Shape64[0], k = a.Shape64[1]; // its m and k
        // torch's m1_strides[transpose_c ? 1 : 0] and m1_strides[transpose_c ? 0 : 1]
        long rowStride = first.Strides64[swapped ? 1 : 0], colStride = first.Strides64[swapped ? 0 : 1];
        if (rowStride == 1 && colStride >= Math.Max(1, rows)) return false;
        if (colStride == 1 && rowStride >= Math.Max(1, k)) return true;
        return !swapped; // torch copies an operand it cannot read in place contiguous, then transposes it this way
    }

    /// <summary>A column-major matrix (the transpose of a contiguous one).</summary>
    static bool IsTransposed(Tensor m) => m.StridesArray[0] == 1 && m.StridesArray[1] != 1 && m.ShapeArray[0] > 1 && m.ShapeArray[1] > 1;

    /// <summary>Matrix · vector; ∂m = g ⊗ v, ∂v = mᵀ·g</summary>
    public Tensor Mv(Tensor vector)
    {
        if (Dim() != 2 || vector.Dim() != 1) throw new ArgumentException($"vector + matrix @ vector expected, got {Dim()}, {vector.Dim()}");
        if (ShapeArray[1] != vector.ShapeArray[0])
            throw new ArgumentException($"size mismatch, got input ({ShapeArray[0]}), mat ({ShapeArray[0]}x{ShapeArray[1]}), vec ({vector.ShapeArray[0]})");
        Tensor result;
        using (GradMode.Set(false)) result = Mm(vector.Unsqueeze(1)).Squeeze(1);
        var matrix = this;
        if (!Recording.Needed(matrix, vector)) return result;
        return Recording.Record(result, "MvBackward0", [matrix, vector],
            g => [matrix.RequiresGrad ? g.Unsqueeze(1).Mm(vector.Unsqueeze(0)) : null, vector.RequiresGrad ? matrix.T().Mv(g) : null],
            Saved(vector.RequiresGrad ? matrix : null, matrix.RequiresGrad ? vector : null));
    }

    /// <summary>Inner product of two 1-D tensors; ∂a = g·b, ∂b = g·a</summary>
    public Tensor Dot(Tensor other)
    {
        if (Dim() != 1 || other.Dim() != 1)
            throw new ArgumentException($"1D tensors expected, but got {Dim()}D and {other.Dim()}D tensors");
        if (ShapeArray[0] != other.ShapeArray[0])
            throw new ArgumentException($"inconsistent tensor size, expected tensor [{ShapeArray[0]}] and src [{other.ShapeArray[0]}] to have the same number of elements, but got {ShapeArray[0]} and {other.ShapeArray[0]} elements respectively");
        Tensor result;
        using (GradMode.Set(false)) result = Unsqueeze(0).Mm(other.Unsqueeze(1)).Reshape();
        var a = this;
        if (!Recording.Needed(a, other)) return result;
        return Recording.Record(result, "DotBackward0", [a, other],
            g => [a.RequiresGrad ? g * other : null, other.RequiresGrad ? g * a : null],
            Saved(other.RequiresGrad ? a : null, a.RequiresGrad ? other : null));
    }

    /// <summary>Batched matrix product of 3-D tensors; ∂a = g·bᵀ, ∂b = aᵀ·g per batch</summary>
    public Tensor Bmm(Tensor other)
    {
        if (Dim() != 3 || other.Dim() != 3) throw new ArgumentException($"batch1 and batch2 must be 3D tensors, got {Dim()}D and {other.Dim()}D");
        if (ShapeArray[0] != other.ShapeArray[0] || ShapeArray[2] != other.ShapeArray[1])
            throw new ArgumentException($"Expected size for first two dimensions of batch2 tensor to be: [{ShapeArray[0]}, {ShapeArray[2]}] but got: [{other.ShapeArray[0]}, {other.ShapeArray[1]}].");
        Tensor result;
        using (GradMode.Set(false))
        {
            if (DType == other.DType && Device == other.Device)
            {
                // One [B, n, p] result, each batch's product written into its slice (no per-batch results to stack).
                result = Allocate([ShapeArray[0], ShapeArray[1], other.ShapeArray[2]], DType, Device, zero: false);
                Backend.BatchedGemm(this, other, result);
            }
            else result = Stack(Enumerable.Range(0, ShapeArray[0]).Select(i => Select(0, i).Mm(other.Select(0, i))).ToArray());
        }
        var a = this;
        if (!Recording.Needed(a, other)) return result;
        return Recording.Record(result, "BmmBackward0", [a, other],
            g => [a.RequiresGrad ? g.Bmm(other.Transpose(1, 2)) : null, other.RequiresGrad ? a.Transpose(1, 2).Bmm(g) : null],
            Saved(other.RequiresGrad ? a : null, a.RequiresGrad ? other : null));
    }

    /// <summary>torch.matmul: dot, mv, mm, or a broadcast batched product, chosen by the operands' ranks.</summary>
    public Tensor MatMul(Tensor other)
    {
        int da = Dim(), db = other.Dim();
        if (da == 0 || db == 0) throw new ArgumentException($"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D");
        if (da == 1 && db == 1) return Dot(other);
        if (da == 2 && db == 1) return Mv(other);
        if (da == 1 && db == 2) return Unsqueeze(0).Mm(other).SqueezeDim(0, "SqueezeBackward3");
        if (da == 2 && db == 2) return Mm(other);
        if (da >= 3 && db <= 2)
        {
            // Fold the batch into the rows: one mm, then restore the batch dims.
            int k = ShapeArray[^1];
            var rows = Reshape(-1, k);
            var product = db == 1 ? rows.Mv(other) : rows.Mm(other);
            var outShape = db == 1 ? ShapeArray[..^1] : [.. ShapeArray[..^1], other.ShapeArray[1]];
            return product.UnsafeView(outShape);
        }
        var left = da == 1 ? Unsqueeze(0) : this;
        var right = db == 1 ? other.Unsqueeze(1) : other;
        var batch = ShapeMath.Broadcast(left.ShapeArray[..^2], right.ShapeArray[..^2]);
        int n = left.ShapeArray[^2], kk = left.ShapeArray[^1], p = right.ShapeArray[^1];
        if (right.ShapeArray[^2] != kk)
            throw new ArgumentException($"Expected size for first two dimensions of batch2 tensor to be: [{batch.Aggregate(1, (x, y) => x * y)}, {kk}] but got: [{batch.Aggregate(1, (x, y) => x * y)}, {right.ShapeArray[^2]}].");
        var l3 = left.Expand([.. batch, n, kk]).Reshape(-1, n, kk);
        var r3 = right.Expand([.. batch, kk, p]).Reshape(-1, kk, p);
        var shape = new List<int>(batch);
        if (da > 1) shape.Add(n);
        if (db > 1) shape.Add(p);
        return l3.Bmm(r3).UnsafeView(shape.ToArray());
    }

    /// <summary>Reshape of a fresh contiguous result, recorded as torch's _unsafe_view.</summary>
    Tensor UnsafeView(int[] shape)
    {
        var view = new Tensor(Storage, DType, InferShape(shape), ShapeMath.ContiguousStrides(InferShape(shape)), Offset32);
        if (!Recording.Needed(this)) return view;
        var input = ShapeArray;
        return Recording.Record(view, "UnsafeViewBackward0", [this], g => [g.Reshape(input)]);
    }
}
