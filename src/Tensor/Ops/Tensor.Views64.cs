using System.Runtime.CompilerServices;
using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// The view ops in 64-bit sizes, strides and offsets: what reshapes, slices and indexes tensors past int.MaxValue
// elements. The int forms (Tensor.Movement.cs) stay the fast path for everything that fits; they hand tensors that
// do not fit to these.
public sealed partial class Tensor
{
    Tensor MakeView64(long[] shape, long[] strides, long offset, string name, Func<Tensor, Tensor> backward)
    {
        var view = AsViewOf(new Tensor(Storage, DType, shape, strides, offset));
        if (!Recording.Needed(this)) return view;
        return Recording.Record(view, name, [this], g => [backward(g)]);
    }

    /// <summary>The same data with a new 64-bit shape (one size may be -1); fails like torch when the strides cannot express it.</summary>
    public Tensor View(params long[] shape)
    {
        if (Fits32 && ShapeMath.AllFitInt32(shape)) return View(ShapeMath.Narrow(shape));
        var target = InferShape64(shape);
        var strides = ViewStrides64(target) ?? throw new InvalidOperationException(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use " + Spelling.Of(".Reshape(...)", ".reshape(...)") + " instead.");
        var input = Shape64;
        return MakeView64(target, strides, StorageOffset, "ViewBackward0", g => g.Reshape(input));
    }

    /// <summary>A view with the new 64-bit shape when the strides allow, else a contiguous copy.</summary>
    public Tensor Reshape(params long[] shape)
    {
        if (Fits32 && ShapeMath.AllFitInt32(shape)) return Reshape(ShapeMath.Narrow(shape));
        var target = InferShape64(shape);
        var input = Shape64;
        if (ViewStrides64(target) is long[] strides)
            return MakeView64(target, strides, StorageOffset, "ReshapeAliasBackward0", g => g.Reshape(input));
        var copy = Contiguous();
        var result = new Tensor(copy.Storage, DType, target, ShapeMath.ContiguousStrides(target), 0);
        if (!Recording.Needed(copy)) return result;
        return Recording.Record(result, "UnsafeViewBackward0", [copy], g => [g.Reshape(input)]);
    }

    /// <summary>Broadcast view to the 64-bit <paramref name="shape"/> (-1 keeps a dim).</summary>
    public Tensor Expand(params long[] shape)
    {
        if (Fits32 && ShapeMath.AllFitInt32(shape) && ShapeMath.NumelFitsInt32(ShapeMath.Narrow(shape))) return Expand(ShapeMath.Narrow(shape));
        var target = (long[])shape.Clone();
        int lead = target.Length - Dim();
        for (int i = 0; i < target.Length; i++)
            if (target[i] == -1)
            {
                if (i < lead) throw new ArgumentException($"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
                target[i] = _shape[i - lead];
            }
        ShapeMath.Numel(target); // torch's overflow error
        var strides = ShapeMath.BroadcastStrides(_shape, _strides, target);
        var input = Shape64;
        return MakeView64(target, strides, StorageOffset, "ExpandBackward0", g => Autograd.Engine.SumToShape(g, ShapeMath.Narrow(input)));
    }

    /// <summary>x[index] along <paramref name="dim"/> with a 64-bit index, removing that dim (negative counts from the end).</summary>
    [OverloadResolutionPriority(-1)]
    public Tensor Select(int dim, long index)
    {
        if (Fits32) return Select(dim, checked((int)Math.Clamp(index, int.MinValue, int.MaxValue)));
        int d = ShapeMath.WrapDim(dim, Dim());
        long size = _shape[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(null, $"index {index} is out of bounds for dimension {d} with size {size}");
        long i = index < 0 ? index + size : index;
        var input = Shape64;
        return MakeView64(Without64(_shape, d), Without64(_strides, d), StorageOffset + i * _strides[d], "SelectBackward0",
            g => ScatterIntoZeros64(input, g, z => z.Select(d, i)));
    }

    /// <summary>x[start:end:step] along <paramref name="dim"/> with 64-bit bounds and Python's clamping.</summary>
    [OverloadResolutionPriority(-1)]
    public Tensor Slice(int dim, long? start, long? end, long step = 1)
    {
        if (step <= 0) throw new ArgumentException("slice step must be positive");
        int d = ShapeMath.WrapDim(dim, Dim());
        long size = _shape[d];
        long s = Math.Clamp(start is long a ? (a < 0 ? a + size : a) : 0, 0, size);
        long e = Math.Clamp(end is long b ? (b < 0 ? b + size : b) : size, s, size);
        if (Fits32 && step <= int.MaxValue) return Slice(d, (int)s, (int)e, (int)step);
        var shape = (long[])_shape.Clone();
        var strides = (long[])_strides.Clone();
        shape[d] = (e - s + step - 1) / step;
        strides[d] *= step;
        var input = Shape64;
        return MakeView64(shape, strides, StorageOffset + s * _strides[d], "SliceBackward0", g => ScatterIntoZeros64(input, g, z => z.Slice(d, s, e, step)));
    }

    /// <summary>narrow(dim, start, length) with 64-bit bounds.</summary>
    [OverloadResolutionPriority(-1)]
    public Tensor Narrow(int dim, long start, long length)
    {
        int d = ShapeMath.WrapDim(dim, Dim());
        long size = _shape[d];
        if (start < -size || start > size) throw new ArgumentException($"Narrow: start ({start}) out of range for dimension {dim} of size {size}");
        if (start < 0) start += size;
        if (length < 0 || start + length > size)
            throw new ArgumentException($"Narrow: start ({start}) + length ({length}) exceeds dimension size ({size})");
        return Slice(d, start, start + length);
    }

    /// <summary>A 1-D view of a tensor too large for the int path (see <see cref="Flatten(int, int)"/>).</summary>
    Tensor Flatten64(int s, int e)
    {
        long merged = 1;
        for (int i = s; i <= e; i++) merged = checked(merged * _shape[i]);
        return Reshape([.. _shape[..s], merged, .. _shape[(e + 1)..]]);
    }

    /// <summary>An uninitialised contiguous tensor of <paramref name="x"/>'s shape, of any size.</summary>
    static Tensor AllocateShaped(Tensor x, DType dtype) =>
        x.Fits32 ? Allocate(x.ShapeArray, dtype, x.Device, zero: false) : Allocate64(x.Shape64, dtype, x.Device, zero: false);

    /// <summary>A zeroed tensor of the broadcast shape of <paramref name="a"/> and <paramref name="b"/>, of any size.</summary>
    static Tensor AllocateBroadcast(Tensor a, Tensor b, DType dtype) =>
        a.Fits32 && b.Fits32 ? Allocate(ShapeMath.Broadcast(a.ShapeArray, b.ShapeArray), dtype, a.Device)
            : Allocate64(ShapeMath.Broadcast(a.Shape64, b.Shape64), dtype, a.Device);

    static long[] Without64(long[] values, int index) => [.. values[..index], .. values[(index + 1)..]];

    static Tensor ScatterIntoZeros64(long[] shape, Tensor g, Func<Tensor, Tensor> select)
    {
        var z = Zeros(shape, g.DType, g.Device);
        using (GradMode.Set(false)) Backends.Backend.Copy(g, select(z));
        if (!Recording.Needed(g)) return z;
        return Recording.Record(z, "SliceBackwardBackward0", [g], gg => [select(gg)]);
    }

    long[] InferShape64(long[] shape)
    {
        long numel = Numel();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (shape[i] < 0) throw new ArgumentException($"invalid shape dimension {shape[i]}");
            else if (known <= numel) known = known == 0 || shape[i] <= long.MaxValue / known ? known * shape[i] : long.MaxValue;
        }
        var result = (long[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0) throw new ArgumentException($"shape '{ShapeMath.FormatList(shape)}' is invalid for input of size {numel}");
            result[infer] = numel / known;
        }
        else if (known != numel) throw new ArgumentException($"shape '{ShapeMath.FormatList(shape)}' is invalid for input of size {numel}");
        return result;
    }

    // ATen's computeStride, in 64 bits.
    long[]? ViewStrides64(long[] target)
    {
        var oldShape = _shape;
        var oldStrides = _strides;
        if (oldShape.Length == 0) return Enumerable.Repeat(1L, target.Length).ToArray();
        if (Numel() == 0) return ShapeMath.ContiguousStrides(target);
        var strides = new long[target.Length];
        int viewD = target.Length - 1;
        long chunkBase = oldStrides[^1], tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.Length - 1; d >= 0; d--)
        {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1))
                {
                    strides[viewD] = viewNumel * chunkBase;
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0)
                {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? strides : null;
    }
}
