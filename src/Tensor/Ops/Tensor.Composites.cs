using Bridge.Autograd;

namespace Bridge;

// torch functions that are short compositions of existing ops: their gradients, dtypes and devices come from those
// ops, so each is written once here and needs no kernel of its own. Evaluation orders follow ATen's CPU kernels where
// it matters for rounding (addcmul is self + (value·t1)·t2, addcdiv self + (value·t1)/t2).
public sealed partial class Tensor
{
    /// <summary>self + value·t1·t2, broadcast (torch.addcmul).</summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, double value = 1) => this + value * tensor1 * tensor2;

    /// <summary>self + value·t1/t2, broadcast (torch.addcdiv); integer t1 and t2 are refused as torch refuses them.</summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, double value = 1)
    {
        if (!tensor1.DType.IsFloatingPoint() && !tensor2.DType.IsFloatingPoint())
            throw new InvalidOperationException("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform " +
                "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) " +
                "for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: " +
                "(input + value * tensor1 / tensor2), for all dtypes.");
        return this + value * tensor1 / tensor2;
    }

    /// <summary>max(self, min) elementwise (torch.clamp_min).</summary>
    public Tensor ClampMin(double min) => Clamp(min, null);

    /// <summary>min(self, max) elementwise (torch.clamp_max).</summary>
    public Tensor ClampMax(double max) => Clamp(null, max);

    /// <summary>self·log(other), 0 where self is 0 and other is not NaN (torch.xlogy).</summary>
    public Tensor Xlogy(Tensor other)
    {
        var product = this * other.Log();
        var zero = (this == 0.0) & ~other.IsNan();
        return Where(zero, Scalar(0, product), product);
    }

    /// <summary>sin(πx)/(πx), 1 at 0 (torch.sinc); the gradient at 0 is 0.</summary>
    public Tensor Sinc()
    {
        var x = DType.IsFloatingPoint() ? this : To(Torch.DefaultDType);
        var atZero = x == 0.0;
        var safe = Where(atZero, Scalar(1, x), x) * Math.PI;  // keeps 0/0 out of the unused branch's gradient
        return Where(atZero, Scalar(1, x), safe.Sin() / safe);
    }

    /// <summary>log(z/(1−z)) with z = self clamped to [eps, 1−eps] when eps is given (torch.logit).</summary>
    public Tensor Logit(double? eps = null)
    {
        var z = eps is double e ? Clamp(e, 1 - e) : this;
        return (z / (1 - z)).Log();
    }

    /// <summary>Whether each element's sign bit is set (torch.signbit): true for −0.0 and negative NaN too.</summary>
    public Tensor SignBit()
    {
        if (DType == DType.Bool) return Torch.ZerosLike(this, DType.Bool);
        if (!DType.IsFloatingPoint()) return this < 0.0;
        var bits = DType switch { DType.Float64 => DType.Int64, DType.Float32 => DType.Int32, _ => DType.Int16 };
        return new Tensor(Storage, bits, _shape, _strides, StorageOffset) < 0.0;  // the same bytes read as signed integers
    }

    /// <summary>|self| with the sign of other, −0.0 included (torch.copysign); integer inputs give floats.</summary>
    public Tensor Copysign(Tensor other)
    {
        var promoted = DTypes.PromoteTypes(DType, other.DType);
        var x = To(promoted.IsFloatingPoint() ? promoted : Torch.DefaultDType);
        var magnitude = x.Abs();
        return Where(other.SignBit(), -magnitude, magnitude);
    }

    /// <summary>0 where self &lt; 0, values where self == 0, 1 where self &gt; 0 (torch.heaviside); both of one dtype, as torch requires.</summary>
    public Tensor Heaviside(Tensor values)
    {
        if (values.DType != DType)
            throw new InvalidOperationException($"heaviside is not yet implemented for tensors with different dtypes");
        return Where(this == 0.0, values, (this > 0.0).To(DType));
    }

    /// <summary>self ** exponent computed in float64 (torch.float_power).</summary>
    public Tensor FloatPower(double exponent) => To(DType.Float64).Pow(exponent);

    /// <summary>self ** exponent computed in float64 (torch.float_power).</summary>
    public Tensor FloatPower(Tensor exponent) => To(DType.Float64).Pow(exponent.To(DType.Float64));

    /// <summary>The sum with NaNs counted as zero (torch.nansum), of all elements or over dims.</summary>
    public Tensor Nansum(int[]? dims = null, bool keepDim = false)
    {
        var x = DType.IsFloatingPoint() ? Where(IsNan(), Scalar(0, this), this) : this;
        return dims is null ? x.Sum() : x.Sum(dims, keepDim);
    }

    /// <summary>The mean of the non-NaN elements (torch.nanmean), of all elements or over dims; NaN where all are NaN.</summary>
    public Tensor Nanmean(int[]? dims = null, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint())
            throw new InvalidOperationException($"nanmean(): expected input to have floating point dtype but got {DType.TorchName()}");
        var counted = (~IsNan()).To(DType);
        var count = dims is null ? counted.Sum() : counted.Sum(dims, keepDim);
        return Nansum(dims, keepDim) / count;
    }

    /// <summary>The n-th forward difference along dim, after prepending/appending (torch.diff); bool tensors give x[i+1] != x[i].</summary>
    public Tensor Diff(int n = 1, int dim = -1, Tensor? prepend = null, Tensor? append = null)
    {
        if (n < 0) throw new ArgumentException($"order must be non-negative but got {n}");
        if (Dim() == 0) throw new ArgumentException("diff expects input to be at least one-dimensional");
        dim = ShapeMath.WrapDim(dim, Dim());
        var x = prepend is null && append is null ? this : Cat([.. new[] { prepend, this, append }.OfType<Tensor>()], dim);
        for (int k = 0; k < n && x.Shape64[dim] > 0; k++)
        {
            long length = x.Shape64[dim] - 1;
            var later = x.Narrow(dim, 1, length);
            var earlier = x.Narrow(dim, 0, length);
            x = x.DType == DType.Bool ? later != earlier : later - earlier;
        }
        return x;
    }

    /// <summary>The inner product over the last dims (torch.inner); a 0-d operand multiplies.</summary>
    public Tensor Inner(Tensor other)
    {
        if (Dim() == 0 || other.Dim() == 0) return this * other;
        long a = Shape64[^1], b = other.Shape64[^1];
        if (a != b)
            throw new ArgumentException($"inner() the last dimension must match on both input tensors but got shapes {ShapeMath.FormatList(Shape64)} and {ShapeMath.FormatList(other.Shape64)}");
        return Tensordot(other, [Dim() - 1], [other.Dim() - 1]);
    }

    /// <summary>The dot product of two 1-D tensors (torch.vdot: for real tensors, dot).</summary>
    public Tensor Vdot(Tensor other) => Dot(other);

    /// <summary>The Kronecker product (torch.kron): result[i·m + j] = self[i]·other[j] in every dim.</summary>
    public Tensor Kron(Tensor other)
    {
        int rank = Math.Max(Dim(), other.Dim());
        long[] a = [.. Enumerable.Repeat(1L, rank - Dim()), .. Shape64], b = [.. Enumerable.Repeat(1L, rank - other.Dim()), .. other.Shape64];
        var spreadA = new long[2 * rank];
        var spreadB = new long[2 * rank];
        var result = new long[rank];
        for (int d = 0; d < rank; d++)
        {
            (spreadA[2 * d], spreadA[2 * d + 1]) = (a[d], 1);
            (spreadB[2 * d], spreadB[2 * d + 1]) = (1, b[d]);
            result[d] = a[d] * b[d];
        }
        return (Reshape(spreadA) * other.Reshape(spreadB)).Reshape(result);
    }

    /// <summary>beta·self + alpha·(mat·vec) (torch.addmv); with beta = 0 self is ignored, NaNs included.</summary>
    public Tensor Addmv(Tensor mat, Tensor vec, double beta = 1, double alpha = 1) => ScaledSum(mat.Mv(vec), beta, alpha);

    /// <summary>beta·self + alpha·outer(vec1, vec2) (torch.addr).</summary>
    public Tensor Addr(Tensor vec1, Tensor vec2, double beta = 1, double alpha = 1) => ScaledSum(vec1.Outer(vec2), beta, alpha);

    /// <summary>beta·self + alpha·Σ_b batch1[b]·batch2[b] (torch.addbmm).</summary>
    public Tensor Addbmm(Tensor batch1, Tensor batch2, double beta = 1, double alpha = 1) => ScaledSum(batch1.Bmm(batch2).Sum(0), beta, alpha);

    Tensor ScaledSum(Tensor product, double beta, double alpha)
    {
        var scaled = alpha == 1 ? product : alpha * product;
        if (beta == 0) return scaled + Torch.ZerosLike(this).Expand(scaled.Shape64);  // torch: beta = 0 ignores self
        return (beta == 1 ? this : beta * this) + scaled;
    }

    /// <summary>The cross product of 3-vectors along dim (torch.cross; without dim, the first dim of size 3, as torch 1.13 does).</summary>
    public Tensor Cross(Tensor other, int? dim = null)
    {
        var shape = ShapeMath.Broadcast(Shape64, other.Shape64);
        var a = Expand(shape);
        var b = other.Expand(shape);
        int d = dim is int given ? ShapeMath.WrapDim(given, shape.Length) : Array.IndexOf(shape, 3L);
        if (d < 0) throw new ArgumentException($"no dimension of size 3 in input: got shapes {ShapeMath.FormatList(Shape64)} and {ShapeMath.FormatList(other.Shape64)}");
        if (shape[d] != 3) throw new ArgumentException($"linalg.cross: inputs dimension {d} must have length 3. Got {Shape64[d]} and {other.Shape64[d]}");
        Tensor A(int i) => a.Select(d, i);
        Tensor B(int i) => b.Select(d, i);
        return Stack([A(1) * B(2) - A(2) * B(1), A(2) * B(0) - A(0) * B(2), A(0) * B(1) - A(1) * B(0)], d);
    }

    /// <summary>(amin, amax) in one call (torch.aminmax), of all elements or along dim.</summary>
    public (Tensor Min, Tensor Max) Aminmax(int? dim = null, bool keepDim = false)
    {
        if (dim is int d) return (Amin([d], keepDim), Amax([d], keepDim));
        var all = AllDims();
        return (Amin(all, keepDim), Amax(all, keepDim));
    }

    /// <summary>A copy of narrow(dim, start, length) (torch.narrow_copy).</summary>
    public Tensor NarrowCopy(int dim, long start, long length) => Narrow(dim, start, length).Clone();
}

public static partial class Torch
{
    /// <summary>torch.addcmul: input + value·t1·t2.</summary>
    public static Tensor Addcmul(Tensor input, Tensor tensor1, Tensor tensor2, double value = 1) => input.Addcmul(tensor1, tensor2, value);

    /// <summary>torch.addcdiv: input + value·t1/t2.</summary>
    public static Tensor Addcdiv(Tensor input, Tensor tensor1, Tensor tensor2, double value = 1) => input.Addcdiv(tensor1, tensor2, value);

    /// <summary>torch.xlogy: x·log(y), 0 where x is 0.</summary>
    public static Tensor Xlogy(Tensor x, Tensor y) => x.Xlogy(y);

    /// <summary>torch.vstack: 1-D tensors become rows, then cat along dim 0.</summary>
    public static Tensor Vstack(Tensor[] tensors) => Bridge.Tensor.Cat([.. tensors.Select(t => AtLeast(t, 2))], 0);

    /// <summary>torch.hstack: cat along dim 1 (dim 0 for 1-D tensors).</summary>
    public static Tensor Hstack(Tensor[] tensors)
    {
        var atLeast1 = tensors.Select(t => AtLeast(t, 1)).ToArray();
        return Bridge.Tensor.Cat(atLeast1, atLeast1.Length > 0 && atLeast1[0].Dim() == 1 ? 0 : 1);
    }

    /// <summary>torch.dstack: tensors made at least 3-D (a row becomes [1, n, 1]), then cat along dim 2.</summary>
    public static Tensor Dstack(Tensor[] tensors) => Bridge.Tensor.Cat([.. tensors.Select(t => AtLeast(t, 3))], 2);

    /// <summary>torch.column_stack: 0-D and 1-D tensors become columns, then cat along dim 1.</summary>
    public static Tensor ColumnStack(Tensor[] tensors) =>
        Bridge.Tensor.Cat([.. tensors.Select(t => t.Dim() <= 1 ? t.Reshape(t.Numel(), 1) : t)], 1);

    /// <summary>torch.atleast_1d/2d/3d's shapes: a 0-D tensor becomes [1]/[1,1]/[1,1,1], a 1-D one [n]/[1,n]/[1,n,1], a 2-D one [a,b,1] in 3-D.</summary>
    static Tensor AtLeast(Tensor t, int rank) => (t.Dim(), rank) switch
    {
        ( >= 3, _) => t,
        (2, <= 2) => t,
        (2, 3) => t.Unsqueeze(2),
        (1, 1) => t,
        (1, 2) => t.Unsqueeze(0),
        (1, 3) => t.Unsqueeze(0).Unsqueeze(2),
        _ => t.Reshape([.. Enumerable.Repeat(1L, rank)]),
    };

    /// <summary>torch.kron: the Kronecker product.</summary>
    public static Tensor Kron(Tensor a, Tensor b) => a.Kron(b);

    /// <summary>torch.inner: the inner product over the last dims.</summary>
    public static Tensor Inner(Tensor a, Tensor b) => a.Inner(b);

    /// <summary>torch.cross: the cross product of 3-vectors along dim.</summary>
    public static Tensor Cross(Tensor a, Tensor b, int? dim = null) => a.Cross(b, dim);
}
