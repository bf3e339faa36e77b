using Bridge.Autograd;
using Bridge.Backends;

namespace Bridge;

// cat (and stack, which is cat of unsqueezed views) in 64-bit sizes: inputs or a result past int.MaxValue elements.
// Each input is copied into its slice of the result by the backend's copy, which splits large copies itself.
public sealed partial class Tensor
{
    /// <summary>True when an input does not fit the int path or the result would not (one sum of sizes).</summary>
    static bool CatNeeds64(Tensor[] tensors)
    {
        long total = 0;
        foreach (var t in tensors)
        {
            if (!t.Fits32) return true;
            total += t.Numel();
        }
        return total > int.MaxValue;
    }

    static Tensor Cat64(Tensor[] tensors, int dim)
    {
        var parts = tensors.Where(t => !(t.Dim() == 1 && t.Shape64[0] == 0)).ToArray();
        if (parts.Length == 0) return tensors[0].Clone();
        var first = parts[0];
        int d = ShapeMath.WrapDim(dim, first.Dim());
        var dtype = parts.Skip(1).Aggregate(first.DType, (acc, t) => DTypes.Promote(acc, false, t.DType, false));
        for (int i = 1; i < parts.Length; i++)
        {
            if (parts[i].Dim() != first.Dim())
                throw new ArgumentException($"Tensors must have same number of dimensions: got {first.Dim()} and {parts[i].Dim()}");
            for (int k = 0; k < first.Dim(); k++)
                if (k != d && parts[i].Shape64[k] != first.Shape64[k])
                    throw new ArgumentException($"Sizes of tensors must match except in dimension {d}. Expected size {first.Shape64[k]} but got size {parts[i].Shape64[k]} for tensor number {i} in the list.");
        }
        var shape = (long[])first.Shape64.Clone();
        shape[d] = parts.Sum(t => t.Shape64[d]);
        foreach (var t in parts) CheckSameDevice(first, t);
        var result = Allocate64(shape, dtype, first.Device, zero: false);
        var offsets = new long[parts.Length];
        long at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            offsets[i] = at;
            Backend.Copy(parts[i], result.Detach().Narrow(d, at, parts[i].Shape64[d]));
            at += parts[i].Shape64[d];
        }
        if (!GradMode.IsEnabled || !parts.Any(t => t.RequiresGrad)) return result;
        return Recording.Record(result, "CatBackward0", parts,
            g => parts.Select((t, i) => (Tensor?)g.Narrow(d, offsets[i], t.Shape64[d]).To(t.DType)).ToArray());
    }
}
