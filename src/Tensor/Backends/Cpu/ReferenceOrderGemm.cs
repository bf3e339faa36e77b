using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// C (+)= A·B for float and double with the rounding of netlib's reference BLAS, at packed-kernel speed: every C[i, j]
/// starts from C (or +0) and adds its k products strictly in k order, each product and each sum rounded on its own
/// (a multiply then an add, never an FMA): c = c + a[i,p]·b[p,j]. That is <see cref="Gemm"/>'s scalar reference
/// loop element for element, bit for bit. Vector lanes are independent columns, so the order within each element is
/// untouched by vectorising; k blocks continue one chain (the tile is loaded from C, not summed separately and
/// added), and threads own whole rows, so the result is the same at any block size and any thread count.
/// Layout as <see cref="PackedGemm{T}"/>: KC×NR panels of B (row-major B read in place when small), MR×NR register
/// tiles, A read in place when row-major or transposed, packed otherwise. On CPUs with separate add pipes (AMD Zen)
/// the multiply and the add issue side by side, so the extra instruction costs little throughput.
/// </summary>
internal static unsafe class ReferenceOrderGemm<T> where T : unmanaged, INumber<T>
{
    /// <summary>float and double with 256- or 512-bit vectors; other types keep the scalar loop.</summary>
    public static bool IsSupported => (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        && (Use512 || Vector256.IsHardwareAccelerated);

    internal static readonly bool Use512 = Vector512.IsHardwareAccelerated;

    /// <summary>Rows of the register tile: 8 (AVX-512, 16 of 32 registers hold C) or 6 (AVX2, 12 of 16).</summary>
    internal static readonly int MR = Use512 ? 8 : 6;

    /// <summary>Columns of the register tile: two vectors.</summary>
    internal static readonly int NR = 2 * (Use512 ? Vector512<T>.Count : Vector256<T>.Count);

    static readonly int KC, MC, NC;

    /// <summary>The largest row-major B read in place: an eighth of the L2, where its rows stay cached between row tiles.</summary>
    static readonly long DirectBBytes = CpuCaches.Current.L2 / 8;

    /// <summary>Below this many multiply-adds a second thread costs more to start than it saves.</summary>
    const long ParallelWork = 160L * 160 * 160;

    static ReferenceOrderGemm()
    {
        // BLIS's analytical blocking, from this CPU's caches: a KC×NR panel of B in half the L1, an MC×KC block of A in
        // half the L2, KC×NC of packed B in a quarter of the L3. Blocking never changes a result here.
        var caches = CpuCaches.Current;
        int size = sizeof(T);
        KC = Math.Clamp((int)(caches.L1Data / 2 / (NR * size)) / 16 * 16, 64, 512);
        MC = Math.Clamp((int)(caches.L2 / 2 / ((long)KC * size)) / MR * MR, 4 * MR, 1024 / MR * MR);
        NC = Math.Clamp((int)(caches.L3 / 4 / ((long)KC * size)) / NR * NR, 16 * NR, 16384);
    }

    /// <summary>C[m×n] (+)= A[m×k]·B[k×n] (element strides for A and B, C contiguous row-major), k ≥ 1.</summary>
    public static void Multiply(T* a, nint ars, nint acs, T* b, nint brs, nint bcs, T* c, int m, int k, int n, bool accumulate)
    {
        int threads = (long)m * n * k < ParallelWork ? 1 : Math.Min(CpuThreads.Count, (m + MR - 1) / MR);
        int band = ((m + threads - 1) / threads + MR - 1) / MR * MR;
        threads = (m + band - 1) / band;
        int blocks = (k + KC - 1) / KC;
        int kcb = (k + blocks - 1) / blocks;
        bool directB = bcs == 1 && (long)k * n * sizeof(T) <= DirectBBytes;
        int nc = directB ? n : Math.Min(NC, n);
        int panels = (nc + NR - 1) / NR;
        // Direct B still packs a partial last panel (zero-padded), so its buffer holds one panel, not all.
        long bufferElements = (long)kcb * NR * (directB ? 1 : panels);
        T* packedB = Scratch.Rent(ref _scratchB, bufferElements * sizeof(T));
        try
        {
            for (int jc = 0; jc < n; jc += nc)
            {
                int cols = Math.Min(nc, n - jc);
                for (int pc = 0; pc < k; pc += kcb)
                {
                    var block = new Block(a, ars, acs, b, brs, bcs, c, m, n, pc, Math.Min(kcb, k - pc), jc, cols,
                        packedB, directB, band, overwrite: pc == 0 && !accumulate);
                    block.PackB();
                    if (threads == 1) block.Rows(0);
                    else CpuThreads.For(threads, block.Rows);
                }
            }
        }
        finally
        {
            Scratch.Return(ref _scratchB, packedB);
        }
    }

    [ThreadStatic] static Scratch _scratchA;
    [ThreadStatic] static Scratch _scratchB;

    /// <summary>A 64-byte aligned buffer kept per thread (small products would otherwise spend a tenth of their time in
    /// malloc); requests above <see cref="KeepLimit"/> bytes are allocated and freed per call.</summary>
    struct Scratch
    {
        const long KeepLimit = 4L << 20;
        nint _pointer;
        long _bytes;

        public static T* Rent(ref Scratch s, long bytes)
        {
            if (bytes > KeepLimit) return (T*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            if (s._bytes < bytes)
            {
                NativeMemory.AlignedFree((void*)s._pointer);
                s._pointer = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 64);
                s._bytes = bytes;
            }
            return (T*)s._pointer;
        }

        public static void Return(ref Scratch s, T* pointer)
        {
            if ((nint)pointer != s._pointer) NativeMemory.AlignedFree(pointer);
        }
    }

    /// <summary>One k block [pc, pc + kc) of the columns [jc, jc + nc): B's panels, then the row bands (a class so
    /// worker threads share it). <paramref name="overwrite"/>: C starts from +0 (the first block of a plain product).</summary>
    sealed class Block(T* a, nint ars, nint acs, T* b, nint brs, nint bcs, T* c, int m, int n, int pc, int kc, int jc, int nc,
        T* packedB, bool directB, int band, bool overwrite)
    {
        readonly int _panels = (nc + NR - 1) / NR;

        /// <summary>Panel q: kc rows of NR columns and the distance between its rows (B itself when read in place).</summary>
        (nint Pointer, nint Ldb) PanelB(int q)
        {
            int j0 = jc + q * NR;
            if (directB && j0 + NR <= jc + nc) return ((nint)(b + pc * brs + j0), brs);
            return ((nint)(packedB + (directB ? 0 : (long)q * kc * NR)), NR);
        }

        public void PackB()
        {
            for (int q = 0; q < _panels; q++)
            {
                int j0 = jc + q * NR, cols = Math.Min(NR, jc + nc - j0);
                if (directB && cols == NR) continue;
                T* dst = (T*)PanelB(q).Pointer;
                T* src = b + pc * brs + j0 * bcs;
                if (bcs == 1 && cols == NR)
                {
                    for (int p = 0; p < kc; p++)
                        new ReadOnlySpan<T>(src + p * brs, NR).CopyTo(new Span<T>(dst + p * NR, NR));
                    continue;
                }
                if (cols < NR) new Span<T>(dst, kc * NR).Clear();
                if (brs == 1 && cols == NR)
                {
                    ReferenceOrderPacking.TransposePanel(src, bcs, dst, kc, NR);
                    continue;
                }
                // Each column read along k: contiguous for a transposed B (nn.Linear's weight.T()).
                for (int j = 0; j < cols; j++)
                {
                    T* s = src + j * bcs;
                    for (int p = 0; p < kc; p++) dst[p * NR + j] = s[p * brs];
                }
            }
        }

        /// <summary>Rows [t·band, (t+1)·band) of C for this block, on worker <paramref name="t"/>.</summary>
        public void Rows(int t)
        {
            int r0 = t * band, r1 = Math.Min(m, r0 + band);
            if (r0 >= r1) return;
            // Row-major A is read in place by the AVX-512 kernel (MR row streams); transposed A (Aᵀ·B, a weight
            // gradient) already holds each k step's rows side by side, the packed layout with a stride. Only a partial
            // last tile, or A of any other strides, is packed.
            bool direct = Use512 && acs == 1;
            bool inPlaceT = !direct && ars == 1;
            int mc = Math.Min(MC, r1 - r0);
            T* packedA = Scratch.Rent(ref _scratchA, (long)((mc + MR - 1) / MR) * MR * kc * sizeof(T));
            T* edge = stackalloc T[MR * NR];
            try
            {
                for (int ic = r0; ic < r1; ic += MC)
                {
                    int rowsBlock = Math.Min(MC, r1 - ic);
                    int whole = direct || inPlaceT ? rowsBlock / MR * MR : 0;
                    if (whole < rowsBlock) PackA(packedA, ic + whole, rowsBlock - whole);
                    for (int q = 0; q < _panels; q++)
                    {
                        var (bp, ldb) = PanelB(q);
                        int j0 = jc + q * NR, cols = Math.Min(NR, jc + nc - j0);
                        for (int ir = 0; ir < rowsBlock; ir += MR)
                        {
                            int rows = Math.Min(MR, rowsBlock - ir);
                            T* cp = c + (nint)(ic + ir) * n + j0;
                            bool full = rows == MR && cols == NR;
                            T* target = full ? cp : edge;
                            nint ldc = full ? n : NR;
                            if (!full && !overwrite) CopyTile(cp, n, edge, NR, rows, cols);
                            if (ir < whole && direct)
                                ReferenceOrderKernels<T>.Direct(kc, a + (ic + ir) * ars + pc, ars, (T*)bp, ldb, target, ldc, overwrite);
                            else if (ir < whole)
                                ReferenceOrderKernels<T>.Packed(kc, a + (ic + ir) + pc * acs, acs, (T*)bp, ldb, target, ldc, overwrite);
                            else
                                ReferenceOrderKernels<T>.Packed(kc, packedA + (nint)(ir - whole) * kc, MR, (T*)bp, ldb, target, ldc, overwrite);
                            if (!full) CopyTile(edge, NR, cp, n, rows, cols);
                        }
                    }
                }
            }
            finally
            {
                Scratch.Return(ref _scratchA, packedA);
            }
        }

        static void CopyTile(T* src, nint lds, T* dst, nint ldd, int rows, int cols)
        {
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<T>(src + i * lds, cols).CopyTo(new Span<T>(dst + i * ldd, cols));
        }

        /// <summary>Packs rows [row0, row0 + rows) × [pc, pc + kc) of A as MR-row panels (p·MR + i), zero past the last row.</summary>
        void PackA(T* dst, int row0, int rows)
        {
            for (int ir = 0; ir < rows; ir += MR)
            {
                T* panel = dst + (nint)ir * kc;
                int r = Math.Min(MR, rows - ir);
                if (r < MR) new Span<T>(panel, kc * MR).Clear();
                T* src = a + (row0 + ir) * ars + pc * acs;
                for (int i = 0; i < r; i++)
                {
                    T* s = src + i * ars;
                    for (int p = 0; p < kc; p++) panel[p * MR + i] = s[p * acs];
                }
            }
        }
    }
}
