using Bridge.Backends.Cpu;

namespace Bridge;

// The mask ops of tensors past int.MaxValue elements. The index kernels address memory in 64 bits, but a selection's
// positions live in arrays (IndexPlan.Idx), so a mask is walked in pieces of at most IndexPiece elements: nonzero
// collects each piece's positions, masked_select (and x[mask] over every dim) concatenates each piece's selection,
// and x[mask] = scalar is masked_fill_, which is elementwise. A mask of any size works; only an integer index of more
// positions than an array holds refuses (IndexPlan.Positions).
public sealed partial class Tensor
{
    /// <summary>
    /// The most mask elements one piece of nonzero/masked_select holds. Internal and settable so that tests can lower it
    /// and compare the piecewise results with one pass.
    /// </summary>
    internal static long IndexPiece = 1L << 26;

    /// <summary>Positions [start, start + n) of a 1-D tensor as a view (recorded, so gradients flow through pieces).</summary>
    static IEnumerable<(long Start, long Length)> IndexPieces(long numel)
    {
        for (long start = 0; start < numel; start += IndexPiece) yield return (start, Math.Min(IndexPiece, numel - start));
    }

    /// <summary>nonzero() of a tensor past the int kernels: each piece's flat positions, unravelled into [n, dim].</summary>
    Tensor Nonzero64()
    {
        var flat = Detach().Contiguous().Reshape(-1L);
        var found = new List<(long[] Positions, long Start)>();
        long total = 0;
        foreach (var (start, n) in IndexPieces(flat.Numel()))
        {
            using var scope = Torch.NewDisposeScope(); // a piece's bool copy goes with it
            var positions = LargeTensors.Piece(flat, start, n).Nonzero().ToArray<long>();
            found.Add((positions, start));
            total += positions.LongLength;
        }
        var result = Allocate64([total, Dim()], DType.Int64, zero: false);
        ref long output = ref result.Ref<long>(0);
        long o = 0;
        foreach (var (positions, start) in found)
            foreach (long p in positions)
            {
                long rest = start + p;
                for (int d = Dim() - 1; d >= 0; d--)
                {
                    System.Runtime.CompilerServices.Unsafe.Add(ref output, (nint)(o + d)) = rest % _shape[d];
                    rest /= _shape[d];
                }
                o += Dim();
            }
        return Device == Device.Cpu ? result : result.To(Device.ToString());
    }

    /// <summary>masked_select of operands past the int kernels: both broadcast and flattened, selected piece by piece, concatenated.</summary>
    Tensor MaskedSelect64(Tensor mask)
    {
        var shape = ShapeMath.Broadcast(Shape64, mask.Shape64);
        var values = Expand(shape).Reshape(-1L);
        var flatMask = mask.Expand(shape).Reshape(-1L);
        var parts = IndexPieces(values.Numel())
            .Select(p => values.Narrow(0, p.Start, p.Length).AdvancedIndex(IndexPlan.Build(values.Narrow(0, p.Start, p.Length), [flatMask.Narrow(0, p.Start, p.Length)])))
            .ToArray();
        return parts.Length == 0 ? AdvancedIndex(IndexPlan.Build(values, [flatMask])) : parts.Length == 1 ? parts[0] : Cat(parts);
    }

    /// <summary>True when <paramref name="indices"/> is one mask over every dim of this tensor and either is past the int kernels.</summary>
    bool IsLargeWholeMask(TensorIndex[] indices, out Tensor mask)
    {
        mask = null!;
        if (indices.Length != 1 || !indices[0].IsAdvanced || indices[0].Indices is not { } t) return false;
        if (t.DType is not (DType.Bool or DType.UInt8) || (Fits32 && t.Fits32) || !t.Shape64.AsSpan().SequenceEqual(Shape64)) return false;
        mask = t.DType == DType.Bool ? t : t.To(DType.Bool);
        return Dim() > 0;
    }
}
