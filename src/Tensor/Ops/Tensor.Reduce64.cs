using Bridge.Backends.Cpu;

namespace Bridge;

// Whole-tensor reductions of tensors past int.MaxValue elements: the flattened tensor is reduced piece by piece (each
// piece re-based so the int kernels apply) and the partial results folded here. Not recorded for autograd. Each
// piece's temporaries (an int64 copy of a uint8 piece is 512 MiB) are disposed with the piece, so they never pile up
// in an enclosing dispose scope (the C ABI's call scope).
public sealed partial class Tensor
{
    // Integer pieces widen to int64 before summing, so a piece stays small: 2^26 elements = 512 MiB as int64.
    const long ReducePiece = 1L << 26;

    IEnumerable<(Tensor Piece, long Start)> Pieces()
    {
        var flat = Contiguous().Reshape(-1L);
        long n = flat.Numel();
        for (long start = 0; start < n; start += ReducePiece)
            yield return (LargeTensors.Piece(flat, start, Math.Min(ReducePiece, n - start)), start);
    }

    /// <summary>sum() (or mean()) of a tensor too large for the int kernels: floats in double across pieces, integers in int64.</summary>
    Tensor SumLarge(bool mean)
    {
        if (mean && !DType.IsFloatingPoint())
            throw new ArgumentException($"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {DType.ShortName()}");
        if (DType.IsFloatingPoint())
        {
            double total = 0;
            foreach (var (piece, _) in Pieces())
                using (Torch.NewDisposeScope()) total += piece.Sum().Item();
            return Torch.Full(Array.Empty<int>(), mean ? total / Numel() : total, DType, device: Device);
        }
        long sum = 0;
        foreach (var (piece, _) in Pieces())
            using (Torch.NewDisposeScope()) sum = unchecked(sum + piece.Sum().Item<long>());
        var result = Allocate(ReadOnlySpan<int>.Empty, DType.Int64, Device.Cpu);  // written through a host pointer
        result.Ref<long>(0) = sum;
        return result.To(Device);
    }

    /// <summary>max()/min() with the flat index of the first extreme (NaN wins) of a tensor too large for the int kernels.</summary>
    (Tensor Values, Tensor Indices) ExtremeLarge(bool max)
    {
        Tensor? best = null;
        long bestIndex = -1;
        double bestValue = 0;
        foreach (var (piece, start) in Pieces())
        {
            using var scope = Torch.NewDisposeScope();
            var (values, indices) = piece.Dim() == 0 ? (piece, Torch.Full(Array.Empty<int>(), 0, DType.Int64)) : max ? piece.Max(0) : piece.Min(0);
            double v = values.Item();
            bool better = best is null || !double.IsNaN(bestValue) && (double.IsNaN(v) || (max ? v > bestValue : v < bestValue));
            if (!better) continue;
            best = scope.MoveToOuter(values.Clone());
            bestValue = v;
            bestIndex = start + indices.Item<long>();
        }
        var index = Allocate(ReadOnlySpan<int>.Empty, DType.Int64);
        index.Ref<long>(0) = bestIndex;
        return (best!, index.To(Device));
    }
}
