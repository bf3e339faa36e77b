using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>
/// Reductions over tensors past <see cref="int.MaxValue"/> elements on the GPU. The elementwise kernels index in
/// 64 bits and take any size; the reduction kernels replay the CPU's summation order (SumPlan, cascade sums),
/// which depends on how the CPU cuts a large tensor into pieces. So a large reduction is cut exactly as
/// <see cref="LargeTensors.Reduce"/> cuts it (the same dims, halves and line pieces), each piece re-based onto a
/// device alias that starts at its first element, and the partial results of a long line folded by the CPU's own
/// <see cref="LargeReductions"/> on the host: the result is bit-identical to the CPU's.
/// </summary>
internal static unsafe class CudaLarge
{
    /// <summary>True when a reduction kernel cannot take these tensors directly (32-bit rows, columns and plans).</summary>
    public static bool Needed(Tensor view, Tensor a) => !view.Fits32 || !a.Fits32;
    /// <summary>True when a reduction kernel cannot take these tensors directly (32-bit rows, columns and plans).</summary>
    public static bool Needed(Tensor view, Tensor a, Tensor b) => !view.Fits32 || !a.Fits32 || !b.Fits32;

    /// <summary>
    /// <paramref name="kernel"/>(view piece, result pieces) over the last dim of <paramref name="view"/>, cut as the CPU
    /// cuts it; a line longer than <see cref="LargeTensors.ChunkElements"/> is reduced piece by piece into 0-d partials
    /// that <paramref name="combine"/> (a <see cref="LargeReductions"/> fold) folds on the host.
    /// </summary>
    public static void Reduce(Tensor view, Tensor[] results, Action<Tensor, Tensor[]> kernel, Action<Tensor[], (Tensor[] Partial, long Start)[]> combine)
    {
        if (view.Numel() == 0 || view.Fits32 && results.All(r => r.Fits32))
        {
            kernel(view, results);
            return;
        }
        if (view.Dim() > 1 && view.Numel() / view.Shape64[^1] > 1)
        {
            int cut = LargeTensors.FarthestDim([view, .. results], view.Dim() - 1);
            long size = view.Shape64[cut], half = size / 2;
            foreach (var (start, n) in new[] { (0L, half), (half, size - half) })
                Reduce(Along(view, cut, start, n), results.Select(x => Along(x, cut, start, n)).ToArray(), kernel, combine);
            return;
        }
        if (view.Dim() > 1)
        {
            Reduce(Alias(view, [view.Shape64[^1]], [view.Strides64[^1]], view.StorageOffset),
                results.Select(x => Alias(x, [], [], x.StorageOffset)).ToArray(), kernel, combine);
            return;
        }
        long length = view.Shape64[0];
        var partials = new List<(Tensor[], long)>();
        for (long start = 0; start < length; start += LargeTensors.ChunkElements)
        {
            long n = Math.Min(LargeTensors.ChunkElements, length - start);
            var piece = Alias(view, [n], view.Strides64, view.StorageOffset + start * view.Strides64[0]);
            var partial = results.Select(r => Tensor.Allocate(ReadOnlySpan<int>.Empty, r.DType, r.Device, zero: false)).ToArray();
            kernel(piece, partial);
            partials.Add((partial.Select(CudaCopy.Staged).ToArray(), start));   // a few scalars read back: the fold runs on the host
        }
        var folded = results.Select(r => Tensor.Allocate(ReadOnlySpan<int>.Empty, r.DType)).ToArray();
        combine(folded, [.. partials]);
        for (int i = 0; i < results.Length; i++) CudaCopy.Copy(folded[i], results[i]);
    }

    /// <summary>Indices [<paramref name="start"/>, <paramref name="start"/> + <paramref name="n"/>) of dim <paramref name="dim"/>.</summary>
    static Tensor Along(Tensor x, int dim, long start, long n)
    {
        var shape = (long[])x.Shape64.Clone();
        shape[dim] = n;
        return Alias(x, shape, x.Strides64, x.StorageOffset + start * x.Strides64[dim]);
    }

    /// <summary>
    /// The layout over x's device memory, re-based onto an alias of its storage that starts at its first element when
    /// the offsets would not fit an int (LargeTensors.Alias for device memory); the alias keeps x's storage alive.
    /// </summary>
    internal static Tensor Alias(Tensor x, long[] shape, long[] strides, long offset)
    {
        if (ShapeMath.Fits32(shape, strides, offset) || ShapeMath.Numel(shape) == 0)
            return Tensor.FromStorage(x.Storage, x.DType, shape, strides, offset);
        long extent = 1;
        for (int d = 0; d < shape.Length; d++) extent += (shape[d] - 1) * strides[d];
        int size = x.DType.ElementSize();
        var owner = x.Storage;
        var alias = Storage.Wrap((IntPtr)((byte*)owner.Pointer + offset * size), extent * size, release: () => GC.KeepAlive(owner), owner.Writable, owner.Device);
        return Tensor.FromStorage(alias, x.DType, shape, strides, 0);
    }

    /// <summary>
    /// C = A·B (or C += A·B) past what one GEMM call addresses (cuBLAS and the tiled kernel take int sizes): cut into
    /// the blocks <see cref="LargeGemm"/> uses on the CPU (rows of C, then columns, then the inner dim, each block at
    /// most <see cref="LargeGemm.PieceElements"/> elements); inner blocks accumulate. Operand blocks are made
    /// contiguous on the device; a block narrower than C's rows goes through a temporary.
    /// </summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        long m = c.Shape64[0], n = c.Shape64[1], k = a.Shape64[1];
        if (m == 0 || n == 0) return;
        long piece = LargeGemm.PieceElements;
        long kb = Math.Max(1, Math.Min(k, piece));
        long nb = Math.Max(1, Math.Min(n, piece / kb));
        long mb = Math.Max(1, Math.Min(m, Math.Min(piece / kb, piece / nb)));
        for (long i = 0; i < m; i += mb)
        {
            long rows = Math.Min(mb, m - i);
            for (long j = 0; j < n; j += nb)
            {
                long cols = Math.Min(nb, n - j);
                var target = c.Narrow(0, i, rows).Narrow(1, j, cols);
                var block = cols == n ? target : Tensor.Allocate64([rows, cols], c.DType, c.Device, zero: false);
                if (!ReferenceEquals(block, target) && accumulate) CudaCopy.Copy(target, block);
                for (long p = 0; p < k; p += kb)
                {
                    long inner = Math.Min(kb, k - p);
                    var aBlock = a.Narrow(0, i, rows).Narrow(1, p, inner).Contiguous();
                    var bBlock = b.Narrow(0, p, inner).Narrow(1, j, cols).Contiguous();
                    CudaReduce.Gemm(aBlock, bBlock, block, (int)rows, (int)inner, (int)cols, accumulate || p > 0);
                    GC.KeepAlive(aBlock);   // temporaries' blocks must not return to the cache before the launch is queued
                    GC.KeepAlive(bBlock);
                }
                if (!ReferenceEquals(block, target)) CudaCopy.Copy(block, target);
            }
        }
    }
}
