using Bridge.Backends;

namespace Bridge;

public sealed partial class Tensor
{
    /// <summary>
    /// Sums this tensor over <paramref name="dims"/> into a new contiguous tensor the way torch 1.13's TensorIterator
    /// walks it: the reduced dims sorted by stride and coalesced where their strides chain. One group is one strided
    /// row per output; with more, each output accumulates the sums along the smallest-stride group, the others
    /// stepped in order (the first of them fastest), which is torch's order too.
    /// </summary>
    Tensor SumInTorchOrder(int[] dims, out int[] keptShape)
    {
        if (Dim() == 0)
        {
            keptShape = [];
            var scalar = Allocate([], DType, Device);
            Backend.Sum(Reshape(1).Detach(), scalar);
            return scalar;
        }
        var reduced = NormalizeDims(dims);
        var kept = Enumerable.Range(0, Dim()).Where(d => !reduced.Contains(d)).ToArray();
        int[] outShape = [.. kept.Select(d => ShapeArray[d])];
        keptShape = [.. ShapeArray.Select((s, d) => reduced.Contains(d) ? 1 : s)];
        int[] keptStrides = [.. kept.Select(d => StridesArray[d])];
        var groups = ReducedGroups(reduced);
        var result = Allocate(outShape, DType, Device);
        var (n0, s0) = groups[0];
        if (groups.Count == 1)
        {
            Backend.Sum(new Tensor(Storage, DType, [.. outShape, n0], [.. keptStrides, s0], StorageOffset), result);
            return result;
        }
        // Several groups: torch's 2-d loop has no kept dim, so rows are never summed as columns.
        var partial = Allocate(outShape, DType, Device);
        var index = new int[groups.Count];
        for (bool first = true; ; first = false)
        {
            int offset = Offset32;
            for (int g = 1; g < groups.Count; g++) offset += index[g] * groups[g].Stride;
            var slice = new Tensor(Storage, DType, [.. outShape, n0], [.. keptStrides, s0], offset);
            Backend.Sum(slice, first ? result : partial, rowsOnly: true);
            if (!first) result += partial; // neither records: both are fresh, detached buffers
            int k = 1;
            while (k < groups.Count && ++index[k] == groups[k].Size) index[k++] = 0;
            if (k == groups.Count) return result;
        }
    }

    /// <summary>The reduced dims (size 1 dropped) sorted by stride, adjacent ones merged where the strides chain.</summary>
    List<(int Size, int Stride)> ReducedGroups(int[] reduced)
    {
        var groups = new List<(int Size, int Stride)>();
        foreach (int d in reduced.Where(d => ShapeArray[d] != 1).OrderBy(d => StridesArray[d]))
        {
            if (groups.Count > 0 && StridesArray[d] == groups[^1].Size * groups[^1].Stride)
                groups[^1] = (groups[^1].Size * ShapeArray[d], groups[^1].Stride);
            else groups.Add((ShapeArray[d], StridesArray[d]));
        }
        if (groups.Count == 0) groups.Add((1, 1));
        return groups;
    }
}
