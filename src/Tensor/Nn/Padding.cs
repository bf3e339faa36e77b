namespace Bridge.Nn;

/// <summary>
/// torch.nn.functional.pad, composed from narrow, expand and cat (so it is differentiable and runs on every
/// device the tensor ops run on). <c>pad</c> lists (left, right) pairs from the last dim backwards, as torch's.
/// </summary>
public static partial class Functional
{
    /// <summary>Pads the last len(pad)/2 dims: "constant" (with <paramref name="value"/>; negative pads crop), "reflect", "replicate" or "circular".</summary>
    public static Tensor Pad(Tensor input, int[] pad, string mode = "constant", double value = 0)
    {
        if (pad.Length % 2 != 0) throw new ArgumentException("Padding length must be divisible by 2");
        if (pad.Length / 2 > input.Dim()) throw new ArgumentException("Padding length too large");
        if (mode is not ("constant" or "reflect" or "replicate" or "circular"))
            throw new NotImplementedException($"Unrecognised padding mode {mode}");
        if (mode != "constant" && value != 0)
            throw new ArgumentException($"Padding mode \"{mode}\" doesn't take in value argument");
        if (mode != "constant")
        {
            // torch 1.13 pads the spatial dims of a 3-D, 4-D or 5-D (batched) input only.
            if (input.Dim() is < 3 or > 5)
                throw new NotImplementedException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
            if (pad.Length != 2 * (input.Dim() - 2))
                throw new ArgumentException($"{input.Dim()}D tensors expect {2 * (input.Dim() - 2)} values for padding");
        }
        var x = input;
        for (int p = 0; p < pad.Length / 2; p++)
        {
            int dim = input.Dim() - 1 - p, before = pad[2 * p], after = pad[2 * p + 1];
            if (before == 0 && after == 0) continue;
            x = mode switch
            {
                "constant" => PadConstant(x, dim, before, after, value),
                "reflect" => PadReflect(x, dim, before, after, input.Dim()),
                "replicate" => PadReplicate(x, dim, before, after),
                _ => PadCircular(x, dim, before, after),
            };
        }
        return x;
    }

    static Tensor PadConstant(Tensor x, int dim, int before, int after, double value)
    {
        int size = x.Size32(dim);
        if (size + before + after < 0 || (before < 0 && -before > size) || (after < 0 && -after > size))
            throw new ArgumentException($"The input size {size}, plus negative padding {before} and {after} resulted in a negative output size, which is invalid. Check dimension {dim} of your input.");
        if (before < 0) { x = x.Narrow(dim, -before, x.Size32(dim) + before); before = 0; }
        if (after < 0) { x = x.Narrow(dim, 0, x.Size32(dim) + after); after = 0; }
        var parts = new List<Tensor>(3);
        if (before > 0) parts.Add(Block(x, dim, before, value));
        parts.Add(x);
        if (after > 0) parts.Add(Block(x, dim, after, value));
        return parts.Count == 1 ? x : Tensor.Cat([.. parts], dim);
    }

    static Tensor Block(Tensor like, int dim, int length, double value)
    {
        var shape = (int[])like.ShapeArray.Clone();
        shape[dim] = length;
        return Torch.Full(shape, value, like.DType, device: like.Device);
    }

    static Tensor PadReflect(Tensor x, int dim, int before, int after, int inputDims)
    {
        int size = x.Size32(dim);
        if (before < 0 || after < 0) throw new ArgumentException("negative padding is not supported for reflect padding");
        if (before >= size || after >= size)
            throw new ArgumentException($"Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ({before}, {after}) at dimension {dim} of input {inputDims}");
        var parts = new List<Tensor>(before + after + 1);
        for (int i = before; i >= 1; i--) parts.Add(x.Narrow(dim, i, 1));
        parts.Add(x);
        for (int i = 1; i <= after; i++) parts.Add(x.Narrow(dim, size - 1 - i, 1));
        return Tensor.Cat([.. parts], dim);
    }

    static Tensor PadReplicate(Tensor x, int dim, int before, int after)
    {
        int size = x.Size32(dim);
        if (before < 0 || after < 0) throw new ArgumentException("negative padding is not supported for replicate padding");
        if (size == 0) throw new ArgumentException($"Expected a non-empty dimension {dim} to replicate, got size 0");
        var parts = new List<Tensor>(3);
        if (before > 0) parts.Add(Repeat(x.Narrow(dim, 0, 1), dim, before));
        parts.Add(x);
        if (after > 0) parts.Add(Repeat(x.Narrow(dim, size - 1, 1), dim, after));
        return Tensor.Cat([.. parts], dim);
    }

    static Tensor Repeat(Tensor slice, int dim, int count)
    {
        var shape = (int[])slice.ShapeArray.Clone();
        shape[dim] = count;
        return slice.Expand(shape);
    }

    static Tensor PadCircular(Tensor x, int dim, int before, int after)
    {
        int size = x.Size32(dim);
        if (before > size || after > size)
            throw new ArgumentException("Padding value causes wrapping around more than once.");
        if (before < 0) { x = x.Narrow(dim, -before, size + before); size += before; before = 0; }
        if (after < 0) { x = x.Narrow(dim, 0, size + after); size += after; after = 0; }
        var parts = new List<Tensor>(3);
        if (before > 0) parts.Add(x.Narrow(dim, size - before, before));
        parts.Add(x);
        if (after > 0) parts.Add(x.Narrow(dim, 0, after));
        return parts.Count == 1 ? x : Tensor.Cat([.. parts], dim);
    }
}
