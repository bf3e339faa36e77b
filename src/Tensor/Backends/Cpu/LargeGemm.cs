namespace Bridge.Backends.Cpu;

/// <summary>
/// C = A·B (or C += A·B) when an operand or the result is past what the int GEMM kernels address: the product is
/// cut into blocks of rows of C (and of columns, and of the inner dim when one row or column alone is too long), each
/// block's operands re-based so they fit. Column blocks of C are computed into a contiguous temporary and copied in
/// (the kernel wants a row-major C); inner-dim blocks accumulate, so only they change the summation order.
/// </summary>
internal static class LargeGemm
{
    /// <summary>The most elements one block of A, B or C holds. Internal and settable: tests lower it to compare blocked results with one pass.</summary>
    internal static long PieceElements = 1L << 28;

    /// <summary>True when the product must be cut: an operand does not fit the int kernels or is past a piece (three products of sizes).</summary>
    public static bool Needed(Tensor a, Tensor b, Tensor c)
    {
        if (!a.Fits32 || !b.Fits32 || !c.Fits32) return true;
        long m = c.Shape64[0], n = c.Shape64[1], k = a.Shape64[1];
        return m * k > PieceElements || k * n > PieceElements || m * n > PieceElements;
    }

    /// <summary>The CPU's blocked product: operand blocks that still do not fit the int kernels are made contiguous.</summary>
    public static void Multiply(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        InBlocks(a, b, c, accumulate, CopyKernels.Copy,
            (x, y, z, add) => Gemm.Multiply(x.Fits32 ? x : x.Contiguous(), y.Fits32 ? y : y.Contiguous(), z, add));

    /// <summary>
    /// The cutting shared by every device (a device backend passes its own copy and block product, so its blocks and
    /// summation order are the CPU's): <paramref name="multiplyBlock"/>(A block, B block, C block, accumulate) for each
    /// block, <paramref name="copy"/>(source, destination) for C blocks that go through a temporary.
    /// </summary>
    public static void InBlocks(Tensor a, Tensor b, Tensor c, bool accumulate, Action<Tensor, Tensor> copy, Action<Tensor, Tensor, Tensor, bool> multiplyBlock)
    {
        long m = c.Shape64[0], n = c.Shape64[1], k = a.Shape64[1];
        if (m == 0 || n == 0) return;
        // Inner blocks first: the longest run of k one block of A's rows or B's columns may hold.
        long kb = Math.Max(1, Math.Min(k, PieceElements));
        long nb = Math.Max(1, Math.Min(n, PieceElements / kb));
        long mb = Math.Max(1, Math.Min(m, Math.Min(PieceElements / kb, PieceElements / nb)));
        for (long i = 0; i < m; i += mb)
        {
            long rows = Math.Min(mb, m - i);
            for (long j = 0; j < n; j += nb)
            {
                long cols = Math.Min(nb, n - j);
                var target = LargeTensors.Along(LargeTensors.Along(c, 0, i, rows), 1, j, cols);
                // A block of whole rows of C is row-major already; a narrower block goes through a temporary.
                var block = cols == n ? target : Tensor.Allocate64([rows, cols], c.DType, c.Device, zero: false);
                if (!ReferenceEquals(block, target) && accumulate) copy(target, block);
                for (long p = 0; p < k; p += kb)
                {
                    long inner = Math.Min(kb, k - p);
                    var aBlock = LargeTensors.Along(LargeTensors.Along(a, 0, i, rows), 1, p, inner);
                    var bBlock = LargeTensors.Along(LargeTensors.Along(b, 0, p, inner), 1, j, cols);
                    multiplyBlock(aBlock, bBlock, block, accumulate || p > 0);
                }
                if (!ReferenceEquals(block, target)) copy(block, target);
            }
        }
    }
}
