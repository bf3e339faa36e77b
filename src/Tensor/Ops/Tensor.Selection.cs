using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// index_select / index_add / index_copy along one dim, masks (masked_fill, masked_select), nonzero and take:
// each is an IndexPlan read or write (Tensor.AdvancedIndexing.cs), so gradients follow from those two.
public sealed partial class Tensor
{
    /// <summary>The slices self.select(dim, i) for each i in <paramref name="index"/> (1-D int64), stacked along dim.</summary>
    public Tensor IndexSelect(int dim, Tensor index) => AdvancedIndex(AlongOneDim("index_select", dim, index));

    /// <summary>self.select(dim, index[i]) += alpha * source.select(dim, i), in place (repeats add up).</summary>
    public Tensor IndexAdd_(int dim, Tensor index, Tensor source, double alpha = 1)
    {
        var plan = AlongOneDim("index_add_", dim, index);
        return IndexPut_(plan, SourceAlong(dim, source, alpha), accumulate: true);
    }

    /// <summary>Out-of-place <see cref="IndexAdd_"/>.</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, double alpha = 1)
    {
        var plan = AlongOneDim("index_add", dim, index);
        return IndexPutCopy(plan, ToLayout(plan, SourceAlong(dim, source, alpha)), accumulate: true);
    }

    /// <summary>self.select(dim, index[i]) = source.select(dim, i), in place.</summary>
    public Tensor IndexCopy_(int dim, Tensor index, Tensor source) =>
        IndexPut_(AlongOneDim("index_copy_", dim, index), SourceAlong(dim, source, 1), accumulate: false);

    /// <summary>Out-of-place <see cref="IndexCopy_"/>.</summary>
    public Tensor IndexCopy(int dim, Tensor index, Tensor source)
    {
        var plan = AlongOneDim("index_copy", dim, index);
        return IndexPutCopy(plan, ToLayout(plan, SourceAlong(dim, source, 1)), accumulate: false);
    }

    /// <summary>Source checked against self's shape (index's length along dim), scaled by alpha.</summary>
    Tensor SourceAlong(int dim, Tensor source, double alpha)
    {
        int d = ShapeMath.WrapDim(dim, Math.Max(Dim(), 1));
        if (source.Dim() != Dim())
            throw new ArgumentException($"index_add_(): Source/destination tensor must have same slice shapes. Destination slice shape: {ShapeMath.FormatList(Shape64.Where((_, k) => k != d).ToArray())} at dimension {d} and source slice shape: {ShapeMath.FormatList(source.Shape64.Where((_, k) => k != d).ToArray())} at dimension 0.");
        return alpha == 1 ? source : source * alpha;
    }

    IndexPlan AlongOneDim(string op, int dim, Tensor index)
    {
        if (index.Dim() > 1) throw new ArgumentOutOfRangeException(null, $"{op}(): Index is supposed to be a vector");
        if (index.DType != DType.Int64) throw new ArgumentException($"{op}(): Expected dtype int64 for index");
        if (Dim() == 0) throw new NotSupportedException($"{op}() on 0-d tensors is not supported by bridge; reshape to 1-D first");
        int d = ShapeMath.WrapDim(dim, Dim());
        var positions = IndexPlan.Positions(index, Shape64[d], d, allowNegative: false);
        return IndexPlan.Direct(Shape64, [d], [positions], [positions.LongLength]);
    }

    /// <summary>self with <paramref name="value"/> where <paramref name="mask"/> (broadcast to self) is true; ∂self = g where the mask is false.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => MaskedFill(mask, Scalar(value, this).To(DType));

    /// <summary>self with the 0-d <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        CheckMask("masked_fill", mask);
        if (value.Dim() != 0)
            throw new ArgumentException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim()} dimension(s).");
        var result = Bridge.Tensor.Where(mask, value.To(DType), this);
        return result.Shape64.AsSpan().SequenceEqual(Shape64) ? result : throw new ArgumentException(
            $"The size of tensor a ({ShapeMath.FormatList(mask.Shape64)}) must match the size of tensor b ({ShapeMath.FormatList(Shape64)})");
    }

    /// <summary>In-place <see cref="MaskedFill(Tensor, double)"/>.</summary>
    public Tensor MaskedFill_(Tensor mask, double value) => MaskedFill_(mask, Scalar(value, this).To(DType));

    /// <summary>
    /// In place: the 0-d <paramref name="value"/> where <paramref name="mask"/> (bool, broadcast to this shape) is
    /// true; returns this.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not 0-d, or the mask does not broadcast to this
    /// tensor's shape.</exception>
    public Tensor MaskedFill_(Tensor mask, Tensor value) => InPlace(value, (self, v) => self.MaskedFill(mask, v));

    /// <summary>The elements where <paramref name="mask"/> is true (both broadcast), as a 1-D tensor.</summary>
    public Tensor MaskedSelect(Tensor mask)
    {
        CheckMask("masked_select", mask);
        if (!Fits32 || !mask.Fits32) return MaskedSelect64(mask);
        var shape = ShapeMath.Broadcast(ShapeArray, mask.ShapeArray);
        return Expand(shape)[mask.Expand(shape)];
    }

    static void CheckMask(string op, Tensor mask)
    {
        if (mask.DType != DType.Bool) throw new ArgumentException($"{op}: expected BoolTensor for mask");
    }

    /// <summary>The row-major positions of the nonzero elements, an int64 tensor of shape [n, dim].</summary>
    public Tensor Nonzero()
    {
        if (!Fits32) return Nonzero64();
        var positions = IndexKernels.Nonzero(Backends.Backend.HostReadable(this), out int count);
        var result = Allocate([count, Dim()], DType.Int64, zero: false);
        positions.CopyTo(result.ContiguousSpan<long>());
        return Device == Device.Cpu ? result : result.To(Device.ToString());
    }

    /// <summary>torch's nonzero(as_tuple=True) and where(condition): one int64 index tensor per dim.</summary>
    public Tensor[] NonzeroTuple()
    {
        if (Dim() == 0) return [Nonzero().Reshape(-1)];
        var nz = Nonzero();
        return Enumerable.Range(0, Dim()).Select(d => nz.Select(1, d).Contiguous()).ToArray();
    }

    /// <summary>self.flatten()[index]: the elements at row-major positions (negatives count from the end), in index's shape.</summary>
    public Tensor Take(Tensor index)
    {
        if (index.DType != DType.Int64) throw new ArgumentException("take(): Expected a long tensor for index, but got " + index.DType.ShortName());
        var flat = Reshape(-1);
        if (flat.Numel() == 0 && index.Numel() > 0) throw new ArgumentOutOfRangeException(null, "take(): tried to take from an empty tensor");
        return flat.AdvancedIndex(IndexPlan.Build(flat, [index]));
    }
}

public static partial class Torch
{
    /// <summary>torch.where(condition): the positions where condition is nonzero, one int64 tensor per dim.</summary>
    public static Tensor[] Where(Tensor condition) => condition.NonzeroTuple();

    /// <summary>
    /// Values of <paramref name="input"/> at <paramref name="index"/> (int64, same rank) along <paramref name="dim"/>:
    /// out[i][j] = input[index[i][j]][j] for dim 0 (torch.gather).
    /// </summary>
    public static Tensor Gather(Tensor input, int dim, Tensor index) => input.Gather(dim, index);
    /// <summary>
    /// The slices of <paramref name="input"/> at the int64 positions <paramref name="index"/> (1-d) along <paramref
    /// name="dim"/>, as a copy (torch.index_select).
    /// </summary>
    public static Tensor IndexSelect(Tensor input, int dim, Tensor index) => input.IndexSelect(dim, index);
    /// <summary>
    /// The elements of <paramref name="input"/> where the bool <paramref name="mask"/> is true (both broadcast), as a
    /// 1-d tensor (torch.masked_select).
    /// </summary>
    public static Tensor MaskedSelect(Tensor input, Tensor mask) => input.MaskedSelect(mask);
    /// <summary>The indices of the nonzero elements as an int64 tensor [count, Dim()] (torch.nonzero).</summary>
    public static Tensor Nonzero(Tensor input) => input.Nonzero();
    /// <summary>
    /// Elements of <paramref name="input"/> treated as 1-d, at the int64 <paramref name="index"/>; the result has the
    /// index's shape (torch.take).
    /// </summary>
    public static Tensor Take(Tensor input, Tensor index) => input.Take(index);
}
