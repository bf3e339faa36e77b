using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

using static Bridge.Torch;

namespace Bridge;

// Views (same storage, new shape/strides/offset) and the copies that fall back from them. Each view's
// backward maps the gradient back through the inverse view or scatters it into zeros of the input shape.
public sealed partial class Tensor
{
    Tensor MakeView(int[] shape, int[] strides, int offset, string name, Func<Tensor, Tensor> backward)
    {
        var view = AsViewOf(new Tensor(Storage, DType, shape, strides, offset));
        if (!Recording.Needed(this)) return view;
        return Recording.Record(view, name, [this], g => [backward(g)]);
    }

    /// <summary>The same data with a new shape; fails like torch when the strides cannot express it.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Tensor View(params int[] shape)
    {
        if (!Fits32) return View(ShapeMath.Widen(shape));
        var target = InferShape(shape);
        var strides = ViewStrides(target) ?? throw new InvalidOperationException(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use " + Spelling.Of(".Reshape(...)", ".reshape(...)") + " instead.");
        var input = ShapeArray;
        return MakeView(target, strides, Offset32, "ViewBackward0", g => g.Reshape(input));
    }

    /// <summary>A view when the strides allow, else a contiguous copy with the new shape.</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Tensor Reshape(params int[] shape)
    {
        if (!Fits32) return Reshape(ShapeMath.Widen(shape));
        var target = InferShape(shape);
        var input = ShapeArray;
        if (ViewStrides(target) is int[] strides)
            return MakeView(target, strides, Offset32, "ReshapeAliasBackward0", g => g.Reshape(input));
        var copy = Contiguous();
        var result = new Tensor(copy.Storage, DType, target, ShapeMath.ContiguousStrides(target), 0);
        if (!Recording.Needed(copy)) return result;
        return Recording.Record(result, "UnsafeViewBackward0", [copy], g => [g.Reshape(copy.ShapeArray)]);
    }

    /// <summary>View as a 1-D tensor from <paramref name="startDim"/> to <paramref name="endDim"/>.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Dim() == 0) return Reshape(1);
        int s = ShapeMath.WrapDim(startDim, Dim()), e = ShapeMath.WrapDim(endDim, Dim());
        if (s > e) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return this;
        if (!Fits32) return Flatten64(s, e);
        var shape = ShapeArray[..s].Append(ShapeArray[s..(e + 1)].Aggregate(1, (a, b) => a * b)).Concat(ShapeArray[(e + 1)..]).ToArray();
        return Reshape(shape);
    }

    /// <summary>Swaps two dims.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = ShapeMath.WrapDim(dim0, Dim()), b = ShapeMath.WrapDim(dim1, Dim());
        return Transpose64(a, b);
    }

    /// <summary>Transpose of a matrix (a 0-d or 1-D tensor is returned as is).</summary>
    public Tensor T()
    {
        if (Dim() > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but self is {Dim()}D");
        return T64();
    }

    /// <summary>Reorders dims: result dim i is input dim <paramref name="dims"/>[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Dim())
            throw new ArgumentException($"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {Dim()} is not equal to len(dims) = {dims.Length}");
        var order = dims.Select(d => ShapeMath.WrapDim(d, Dim())).ToArray();
        if (order.Distinct().Count() != order.Length) throw new ArgumentException("permute(): duplicate dims are not allowed.");
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return Permute64(order, inverse);
    }

    /// <summary>Removes every dim of size 1.</summary>
    public Tensor Squeeze() => Squeeze64();

    /// <summary>Removes <paramref name="dim"/> if it has size 1.</summary>
    public Tensor Squeeze(int dim) => SqueezeDim(dim, "SqueezeBackward1");

    Tensor SqueezeDim(int dim, string name)
    {
        return SqueezeDim64(ShapeMath.WrapDim(dim, Dim()), name);
    }

    /// <summary>A copy of <paramref name="values"/> without element <paramref name="index"/>.</summary>
    static int[] Without(int[] values, int index)
    {
        var result = new int[values.Length - 1];
        values.AsSpan(0, index).CopyTo(result);
        values.AsSpan(index + 1).CopyTo(result.AsSpan(index));
        return result;
    }

    /// <summary>Inserts a dim of size 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        return Unsqueeze64(ShapeMath.WrapDim(dim, Dim() + 1));
    }

    /// <summary>Broadcast view to <paramref name="shape"/> (-1 keeps a dim); ∂ = g summed back</summary>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(1)]
    public Tensor Expand(params int[] shape)
    {
        if (!Fits32 || !ShapeMath.NumelFitsInt32(shape)) return Expand(ShapeMath.Widen(shape));
        var target = (int[])shape.Clone();
        int lead = target.Length - Dim();
        for (int i = 0; i < target.Length; i++)
            if (target[i] == -1)
            {
                if (i < lead) throw new ArgumentException($"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
                target[i] = ShapeArray[i - lead];
            }
        var strides = ShapeMath.BroadcastStrides(ShapeArray, StridesArray, target);
        var input = ShapeArray;
        return MakeView(target, strides, Offset32, "ExpandBackward0", g => Engine.SumToShape(g, input));
    }

    /// <summary>
    /// A view broadcast to <paramref name="other"/>'s shape (torch's <c>expand_as</c>); see <see cref="Expand(int[])"/>.
    /// </summary>
    public Tensor ExpandAs(Tensor other) => other.Fits32 ? Expand(other.ShapeArray) : Expand(other.Shape64);

    /// <summary>This tensor if already contiguous, else a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous() ? this : Clone();

    /// <summary>A copy in new contiguous memory; ∂ = g</summary>
    public Tensor Clone()
    {
        var copy = AllocateShaped(this, DType);
        Backend.Copy(this, copy);
        if (!Recording.Needed(this)) return copy;
        return Recording.Record(copy, "CloneBackward0", [this], g => [g]);
    }

    /// <summary>Converts to <paramref name="dtype"/> (this tensor itself when it already has it); ∂ converts back</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var copy = AllocateShaped(this, dtype);
        Backend.Copy(this, copy);
        if (!Recording.Needed(this) || !dtype.IsFloatingPoint()) return copy;
        var from = DType;
        return Recording.Record(copy, "ToCopyBackward0", [this], g => [g.To(from)]);
    }

    /// <summary>A float32 copy (this tensor itself when already float32).</summary>
    public Tensor Float() => To(DType.Float32);
    /// <summary>A float64 copy (this tensor itself when already float64).</summary>
    public Tensor Double() => To(DType.Float64);
    /// <summary>An int64 copy, truncating toward zero (this tensor itself when already int64).</summary>
    public Tensor Long() => To(DType.Int64);
    /// <summary>A bool copy, true where nonzero (this tensor itself when already bool).</summary>
    public Tensor Bool() => To(DType.Bool);

    /// <summary>torch's <c>.half()</c>: a float16 copy (this tensor when already float16).</summary>
    public Tensor Half() => To(DType.Float16);

    /// <summary>torch's <c>.bfloat16()</c>: a bfloat16 copy (this tensor when already bfloat16).</summary>
    public Tensor BFloat16() => To(DType.BFloat16);

    /// <summary>torch's <c>.int()</c>: an int32 copy, floats truncated toward zero.</summary>
    public Tensor Int() => To(DType.Int32);

    /// <summary>torch's <c>.short()</c>: an int16 copy.</summary>
    public Tensor Short() => To(DType.Int16);

    /// <summary>torch's <c>.char()</c>: an int8 copy.</summary>
    public Tensor Char() => To(DType.Int8);

    /// <summary>torch's <c>.byte()</c>: a uint8 copy.</summary>
    public Tensor Byte() => To(DType.UInt8);

    /// <summary>x[index] along <paramref name="dim"/>, removing that dim (negative index counts from the end).</summary>
    public Tensor Select(int dim, int index)
    {
        if (Dim() == 0) throw new ArgumentOutOfRangeException(null, Spelling.Of("invalid index of a 0-dim tensor. Use tensor.Item() or tensor.Item<T>() to convert a 0-dim tensor to a number", "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"));
        if (!Fits32) return Select(dim, (long)index);
        int d = ShapeMath.WrapDim(dim, Dim());
        int size = ShapeArray[d];
        if (index < -size || index >= size)
            throw new ArgumentOutOfRangeException(null, $"index {index} is out of bounds for dimension {d} with size {size}");
        int i = index < 0 ? index + size : index;
        var input = ShapeArray;
        return MakeView(Without(ShapeArray, d), Without(StridesArray, d),
            Offset32 + i * StridesArray[d], "SelectBackward0", g => ScatterIntoZeros(input, g, z => z.Select(d, i)));
    }

    /// <summary>x[start:end:step] along <paramref name="dim"/> with Python's clamping of out-of-range bounds.</summary>
    public Tensor Slice(int dim, int? start, int? end, int step = 1)
    {
        if (step <= 0) throw new ArgumentException("slice step must be positive");
        if (!Fits32) return Slice(dim, start, end, (long)step);
        int d = ShapeMath.WrapDim(dim, Dim());
        int size = ShapeArray[d];
        int s = Math.Clamp(start is int a ? (a < 0 ? a + size : a) : 0, 0, size);
        int e = Math.Clamp(end is int b ? (b < 0 ? b + size : b) : size, s, size);
        var shape = (int[])ShapeArray.Clone();
        var strides = (int[])StridesArray.Clone();
        shape[d] = (e - s + step - 1) / step;
        strides[d] *= step;
        var input = ShapeArray;
        return MakeView(shape, strides, Offset32 + s * StridesArray[d], "SliceBackward0", g => ScatterIntoZeros(input, g, z => z.Slice(d, s, e, step)));
    }

    /// <summary>narrow(dim, start, length)</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        // torch refuses what Slice would clamp: a narrow past the end is a bug in the caller, not an empty view
        if (!Fits32) return Narrow(dim, (long)start, (long)length);
        int d = ShapeMath.WrapDim(dim, Dim()), size = ShapeArray[d];
        if (start < -size || start > size) throw new ArgumentException($"Narrow: start ({start}) out of range for dimension {dim} of size {size}");
        if (start < 0) start += size;
        if (length < 0 || start + (long)length > size)
            throw new ArgumentException($"Narrow: start ({start}) + length ({length}) exceeds dimension size ({size})");
        return Slice(d, start, start + length);
    }

    /// <summary>g written into zeros of <paramref name="shape"/> at <paramref name="select"/>; recorded (its adjoint is the select) for create_graph.</summary>
    static Tensor ScatterIntoZeros(int[] shape, Tensor g, Func<Tensor, Tensor> select)
    {
        var z = Zeros(shape, g.DType, g.Device);
        using (GradMode.Set(false)) Backend.Copy(g, select(z));
        if (!Recording.Needed(g)) return z;
        return Recording.Record(z, "SliceBackwardBackward0", [g], gg => [select(gg)]);
    }

    /// <summary>Concatenates along <paramref name="dim"/>; ∂ = the matching slice of g for each input</summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        if (tensors.Length == 0) throw new ArgumentException("torch.cat(): expected a non-empty list of Tensors");
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i].Dim() == 0) throw new ArgumentException($"zero-dimensional tensor (at position {i}) cannot be concatenated");
        if (CatNeeds64(tensors)) return Cat64(tensors, dim);
        var parts = tensors.Where(t => !(t.Dim() == 1 && t.ShapeArray[0] == 0)).ToArray();
        if (parts.Length == 0) return tensors[0].Clone();
        var first = parts[0];
        int d = ShapeMath.WrapDim(dim, first.Dim());
        var dtype = parts.Skip(1).Aggregate(first.DType, (acc, t) => DTypes.Promote(acc, false, t.DType, false));
        for (int i = 1; i < parts.Length; i++)
        {
            if (parts[i].Dim() != first.Dim())
                throw new ArgumentException($"Tensors must have same number of dimensions: got {first.Dim()} and {parts[i].Dim()}");
            for (int k = 0; k < first.Dim(); k++)
                if (k != d && parts[i].ShapeArray[k] != first.ShapeArray[k])
                    throw new ArgumentException($"Sizes of tensors must match except in dimension {d}. Expected size {first.ShapeArray[k]} but got size {parts[i].ShapeArray[k]} for tensor number {i} in the list.");
        }
        var shape = (int[])first.ShapeArray.Clone();
        shape[d] = parts.Sum(t => t.ShapeArray[d]);
        foreach (var t in parts) CheckSameDevice(first, t);
        var result = Allocate(shape, dtype, first.Device);
        var offsets = new int[parts.Length];
        int at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            offsets[i] = at;
            Backend.Copy(parts[i], result.Detach().Narrow(d, at, parts[i].ShapeArray[d]));
            at += parts[i].ShapeArray[d];
        }
        if (!GradMode.IsEnabled || !parts.Any(t => t.RequiresGrad)) return result;
        return Recording.Record(result, "CatBackward0", parts,
            g => parts.Select((t, i) => (Tensor?)g.Narrow(d, offsets[i], t.ShapeArray[d]).To(t.DType)).ToArray());
    }

    /// <summary>Joins equal-shaped tensors along a new dim; ∂ = g selected at each position</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        if (tensors.Length == 0) throw new ArgumentException("stack expects a non-empty TensorList");
        for (int i = 1; i < tensors.Length; i++)
            if (!tensors[i].Shape64.AsSpan().SequenceEqual(tensors[0].Shape64))
                throw new ArgumentException($"stack expects each tensor to be equal size, but got {ShapeMath.FormatList(tensors[0].Shape64)} at entry 0 and {ShapeMath.FormatList(tensors[i].Shape64)} at entry {i}");
        int d = ShapeMath.WrapDim(dim, tensors[0].Dim() + 1);
        Tensor result;
        using (GradMode.Set(false)) result = Cat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
        if (!GradMode.IsEnabled || !tensors.Any(t => t.RequiresGrad)) return result;
        return Recording.Record(result, "StackBackward0", tensors, g => tensors.Select((_, i) => (Tensor?)g.Select(d, i)).ToArray());
    }

    /// <summary>Resizes in place (torch's resize_): keeps the storage's leading elements, grows it if needed.</summary>
    public Tensor Resize_(params int[] shape)
    {
        if (RequiresGrad) throw new InvalidOperationException("cannot resize variables that require grad");
        foreach (int s in shape)
            if (s < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {s}: {ShapeMath.FormatList(shape)}");
        long needed = ((long)StorageOffset + ShapeMath.Numel(shape)) * DType.ElementSize();
        Storage.Grow(needed);
        SetLayout(shape, ShapeMath.ContiguousStrides(shape));
        BumpVersion();
        return this;
    }

    /// <summary>Resolves one -1 and checks the element count, with torch's messages.</summary>
    int[] InferShape(int[] shape)
    {
        int numel = Numel32;
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
            else known *= shape[i];
        }
        var result = (int[])shape.Clone();
        if (infer >= 0)
        {
            if (known == 0 || numel % known != 0) throw new ArgumentException($"shape '{ShapeMath.FormatList(shape)}' is invalid for input of size {numel}");
            result[infer] = (int)(numel / known);
        }
        else if (known != numel) throw new ArgumentException($"shape '{ShapeMath.FormatList(shape)}' is invalid for input of size {numel}");
        return result;
    }

    /// <summary>Strides giving <paramref name="target"/> over the same memory, or null (ATen's computeStride).</summary>
    int[]? ViewStrides(int[] target)
    {
        var oldShape = ShapeArray;
        var oldStrides = StridesArray;
        if (oldShape.Length == 0) return Enumerable.Repeat(1, target.Length).ToArray();
        if (Numel() == 0) return ShapeMath.ContiguousStrides(target);
        var strides = new int[target.Length];
        int viewD = target.Length - 1;
        long chunkBase = oldStrides[^1], tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.Length - 1; d >= 0; d--)
        {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1))
                {
                    strides[viewD] = (int)(viewNumel * chunkBase);
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
