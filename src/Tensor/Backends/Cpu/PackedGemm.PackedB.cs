using System.Numerics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The entry points for a caller-packed B: pack it once (<see cref="PackB"/>), or write it in the packed layout
/// directly (<see cref="PackedBLayout"/>: im2col does), then multiply any number of A against it
/// (<see cref="MultiplyPackedB"/>). The packed layout is the one <see cref="Multiply"/> builds per call (k blocks of
/// the same equal depth, NR-column panels, zero past n), and the product runs the same row loop and micro-kernels,
/// so every C element sums the same products in the same order: results are bit-identical to <see cref="Multiply"/>
/// with the unpacked B. Whether a product takes the packed kernel at all (size, BRIDGE_GEMM_ORDER) stays the
/// caller's question for <see cref="Gemm.RunsPacked{T}"/>.
/// </summary>
internal static unsafe partial class PackedGemm<T> where T : unmanaged, INumber<T>
{
    /// <summary>The k depth of each packed block for a product of depth <paramref name="k"/>: the equal split of
    /// <see cref="Multiply"/> (k = 512 with KC = 192 runs as 3 × 171).</summary>
    internal static int KBlock(int k)
    {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>The deepest k block any product packs (<see cref="KBlock"/> never exceeds it).</summary>
    internal static int KBlockMax => KC;

    /// <summary>Where element (p, j) of a packed k×n B lives: k blocks of <see cref="Kcb"/> rows, each a run of NR-wide
    /// column panels holding that block's rows one after another.</summary>
    internal readonly struct PackedBLayout
    {
        /// <summary>The layout of a k×n B.</summary>
        public PackedBLayout(int k, int n)
        {
            K = k;
            N = n;
            Kcb = KBlock(k);
            Panels = (n + NR - 1) / NR;
            Length = (long)((k + Kcb - 1) / Kcb) * Kcb * Panels * NR;
        }

        /// <summary>Rows (the product's depth) and columns of B.</summary>
        public int K { get; }

        /// <summary>Columns of B.</summary>
        public int N { get; }

        /// <summary>Rows per k block.</summary>
        public int Kcb { get; }

        /// <summary>Column panels of <see cref="Width"/> columns (the last one zero-padded).</summary>
        public int Panels { get; }

        /// <summary>Elements of the packed buffer.</summary>
        public long Length { get; }

        /// <summary>Columns per panel (the register tile's width).</summary>
        public static int Width => NR;

        /// <summary>Offset of element (p, 0).</summary>
        public long RowBase(int p) => (long)(p / Kcb) * Kcb * Panels * NR + (long)(p % Kcb) * NR;

        /// <summary>Elements between the same row of two consecutive panels, for row <paramref name="p"/>'s k block.</summary>
        public long PanelStride(int p) => (long)Math.Min(Kcb, K - p / Kcb * Kcb) * NR;

        /// <summary>Offset of element (p, j).</summary>
        public long Offset(int p, int j) => RowBase(p) + j / NR * PanelStride(p) + j % NR;
    }

    /// <summary>Packs the k×n B (element (p, j) at b[p·brs + j·bcs]) into <paramref name="packed"/>
    /// (<see cref="PackedBLayout.Length"/> elements, 64-byte aligned): the copy <see cref="Multiply"/> makes per call.</summary>
    internal static void PackB(T* b, nint brs, nint bcs, int k, int n, T* packed) =>
        new Product(null, 0, 0, b, brs, bcs, null, 0, n, k, KBlock(k), 0, n, packed, 0, false).PackB(0, 1);

    /// <summary>C[m×n] (+)= A[m×k]·B with B packed by <see cref="PackB"/> (or written in <see cref="PackedBLayout"/>);
    /// C contiguous. The row split across threads and the row loop are <see cref="Multiply"/>'s.</summary>
    internal static void MultiplyPackedB(T* a, nint ars, nint acs, T* packedB, T* c, int m, int k, int n, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        int threads = (long)m * n * k < ParallelWork ? 1 : Math.Min(CpuThreads.Count, (m + MR - 1) / MR);
        int band = ((m + threads - 1) / threads + MR - 1) / MR * MR;
        threads = (m + band - 1) / band;
        var product = new Product(a, ars, acs, null, 0, 0, c, m, n, k, KBlock(k), 0, n, packedB, band, accumulate);
        if (threads == 1) product.Rows(0);
        else CpuThreads.For(threads, product.Rows);
    }
}
