using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu;

/// <summary>
/// C (+)= A·B for float and double in the BLIS shape: B is packed into KC×NR column panels, A into MR×KC row
/// panels (both zero-padded, so the micro-kernel never handles tails), and an MR×NR register tile of C is
/// built with FMAs. Loops: jc (NC columns of C; all of B's k packed first, in L3) → rows split across threads → pc
/// (KC of the k dim) → ic (MC rows, A block in L2) → jr (one B micro-panel, kept in L1) → ir (one A micro-panel).
/// KC, MC and NC follow the cache sizes of the CPU it runs on (<see cref="CpuCaches"/>), never one machine's; the
/// register tile follows its vector width (AVX-512: 8×32 float / 8×16 double, AVX2: 6×16 / 6×8).
/// </summary>
internal static unsafe partial class PackedGemm<T> where T : unmanaged, INumber<T>
{
    /// <summary>Only float and double have an FMA kernel; the caller falls back to the reference loop otherwise.</summary>
    public static bool IsSupported => (typeof(T) == typeof(float) || typeof(T) == typeof(double))
        && (Use512 || (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported));

    /// <summary>Zen 4 runs a 512-bit FMA as two 256-bit halves at the same FLOP rate, but AVX-512's 32 registers hold a 6×2 tile with room to spare and halve the instruction count.</summary>
    static readonly bool Use512 = Vector512.IsHardwareAccelerated;

    /// <summary>Elements per vector.</summary>
    static readonly int W = Use512 ? Vector512<T>.Count : Vector256<T>.Count;

    /// <summary>Rows of the register tile. AVX-512: 8 rows × 2 vectors = 16 of its 32 registers as accumulators, so
    /// the power-of-two sizes models use leave no edge rows, and a transposed A packs with one vector move per k step
    /// (8 floats or 8 doubles in a row). AVX2: 6 rows × 2 = 12 of its 16 registers, plus 2 B vectors and a broadcast.
    /// The tile's shape never changes a result: each C element still sums its k products in order within a KC block.</summary>
    static readonly int MR = Use512 ? 8 : 6;

    static readonly int NR = 2 * W;

    /// <summary>k depth of a packed block, from the L1 data cache: one B micro-panel (KC×NR) fills about half of it, the
    /// rest holds the A micro-panel streaming past and the C tile (BLIS's analytical model).</summary>
    static readonly int KC = Blocking.Kc;

    /// <summary>Rows of A per block, from the L2 cache: an MC×KC block of A fills about half of it.</summary>
    static readonly int MC = Blocking.Mc;

    /// <summary>Columns of B per block (KC×NC of packed B in a quarter of the L3).</summary>
    static readonly int NC = Blocking.Nc;

    /// <summary>The cache blocking for this CPU and element type.</summary>
    static class Blocking
    {
        public static readonly int Kc, Mc, Nc;

        static Blocking()
        {
            var caches = CpuCaches.Current;
            int size = sizeof(T), nr = NR;
            Kc = Math.Clamp((int)(caches.L1Data / 2 / (nr * size)) / 16 * 16, 64, 512);
            Mc = Math.Clamp((int)(caches.L2 / 2 / ((long)Kc * size)) / MR * MR, 4 * MR, 1024 / MR * MR);
            Nc = Math.Clamp((int)(caches.L3 / 4 / ((long)Kc * size)) / nr * nr, 16 * nr, 16384);
        }
    }

    /// <summary>Below this many multiply-adds a second thread costs more to start than it saves.</summary>
    const long ParallelWork = 160L * 160 * 160;

    public static void Multiply(T* a, nint ars, nint acs, T* b, nint brs, nint bcs, T* c, int m, int k, int n, bool accumulate)
    {
        int threads = (long)m * n * k < ParallelWork ? 1 : CpuThreads.Count;
        // Short, wide products (fewer rows than columns) split B's columns between threads, the rest A's rows: either
        // way each thread owns whole register tiles, so threads never write the same C element and every element is
        // the same sum whatever the thread count.
        bool byColumns = threads > 1 && m < n;
        if (!byColumns) threads = Math.Min(threads, (m + MR - 1) / MR);
        // Each thread owns a band of whole micro-panels of rows (all rows when splitting columns).
        int rowThreads = byColumns ? 1 : threads;
        int band = ((m + rowThreads - 1) / rowThreads + MR - 1) / MR * MR;
        if (!byColumns) threads = (m + band - 1) / band;
        // Equal k blocks (k = 512 with KC = 192 runs as 3 × 171, not 192 + 192 + 128): no short block at the end.
        int blocks = (k + KC - 1) / KC;
        int kcb = (k + blocks - 1) / blocks;
        // All of B's k extent is packed before any compute, so threads meet twice per nc columns (after packing,
        // after computing) rather than twice per k block. nc is capped so that buffer stays within the scratch each
        // thread keeps: a bigger one is mapped afresh per call and its page faults cost more than the extra meetings.
        long bytesPerColumn = (long)blocks * kcb * sizeof(T);
        int nc = Math.Min(Math.Min(NC, n), Math.Max(NR, (int)Math.Min(int.MaxValue, Scratch.KeepLimit / bytesPerColumn) / NR * NR));
        int panelsMax = (nc + NR - 1) / NR;
        // A small row-major B with whole panels is read in place: it stays in cache between the row tiles anyway, and
        // copying it would be a fifth of a 64×64×64 product's time.
        bool directB = Use512 && bcs == 1 && brs >= n && n % NR == 0 && (long)k * n * sizeof(T) <= DirectBBytes;
        if (directB) nc = n;
        var packedB = directB ? null : Scratch.Rent(ref _scratchB, bytesPerColumn * panelsMax * NR);
        try
        {
            for (int jc = 0; jc < n; jc += nc)
            {
                var product = new Product(a, ars, acs, b, brs, bcs, c, m, n, k, kcb, jc, Math.Min(nc, n - jc), packedB, band, accumulate);
                if (threads == 1)
                {
                    if (!directB) product.PackB(0, 1);
                    product.Rows(0);
                }
                else if (byColumns)
                {
                    int parts = Math.Min(threads, (Math.Min(nc, n - jc) + NR - 1) / NR);
                    CpuThreads.For(parts, t => product.Columns(t, parts));
                }
                else
                {
                    if (!directB) CpuThreads.For(threads, t => product.PackB(t, threads));
                    CpuThreads.For(threads, product.Rows);
                }
            }
        }
        finally
        {
            if (!directB) Scratch.Return(ref _scratchB, packedB);
        }
    }

    /// <summary>The largest row-major B read in place rather than packed: an eighth of the L2 (128 KiB of a 1 MiB one,
    /// a 64×128 float or 64×64 double B), where its rows stay cached from one row tile to the next.</summary>
    static readonly long DirectBBytes = CpuCaches.Current.L2 / 8;

    /// <summary>The largest transposed A read in place rather than packed: a quarter of the L2 (256 KiB of a 1 MiB one).</summary>
    static readonly long InPlaceTransposedBytes = CpuCaches.Current.L2 / 4;

    // Packing buffers kept per thread: small products would otherwise spend a tenth of their time in malloc.
    [ThreadStatic] static Scratch _scratchA;
    [ThreadStatic] static Scratch _scratchB;

    /// <summary>A 64-byte aligned buffer reused by one thread; requests above <see cref="KeepLimit"/> bytes are allocated and freed per call.</summary>
    struct Scratch
    {
        public const long KeepLimit = 4L << 20;
        nint _pointer;
        long _bytes;

        public static T* Rent(ref Scratch s, long bytes)
        {
            if (bytes > KeepLimit) return (T*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            if (s._bytes < bytes)
            {
                NativeMemory.AlignedFree((void*)s._pointer);
                s._pointer = (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
                s._bytes = bytes;
            }
            return (T*)s._pointer;
        }

        public static void Return(ref Scratch s, T* pointer)
        {
            if ((nint)pointer != s._pointer) NativeMemory.AlignedFree(pointer);
        }
    }

    /// <summary>The product for NC columns of C starting at jc; a class so worker threads can share it.</summary>
    sealed class Product(T* a, nint ars, nint acs, T* b, nint brs, nint bcs, T* c, int m, int n, int k, int kcb, int jc, int nc, T* packedB, int band, bool accumulate)
    {
        readonly int _panels = (nc + NR - 1) / NR;

        /// <summary>Elements between consecutive k rows of a B panel: NR when packed, B's row stride when read in place.</summary>
        readonly nint _ldb = packedB == null ? brs : NR;

        /// <summary>Panel q of k block pc: kc rows of NR, B[pc.., jc + q·NR ..]; packed (zero past n), or B itself when
        /// it is read in place (no packed buffer).</summary>
        T* PanelB(int pc, int q) => packedB == null
            ? b + pc * brs + jc + q * NR
            : packedB + (long)(pc / kcb) * kcb * _panels * NR + (long)q * Math.Min(kcb, k - pc) * NR;

        /// <summary>Packs every k block of the panels q ≡ <paramref name="part"/> (mod <paramref name="parts"/>).</summary>
        public void PackB(int part, int parts) => PackPanels(part, _panels, parts);

        /// <summary>Packs every k block of the panels <paramref name="first"/>, first + step, … below <paramref name="end"/>.</summary>
        void PackPanels(int first, int end, int step)
        {
            int nr = NR;
            for (int pc = 0; pc < k; pc += kcb)
            {
                int kc = Math.Min(kcb, k - pc);
                for (int q = first; q < end; q += step)
                {
                    T* dst = PanelB(pc, q);
                    int j0 = jc + q * nr, cols = Math.Min(nr, jc + nc - j0);
                    T* src = b + pc * brs + j0 * bcs;
                    if (bcs == 1 && cols == nr)
                    {
                        if (Use512)
                        {
                            // Two vector moves per row inline: a Memmove call per 128 bytes cost more than the copy.
                            int w = Vector512<T>.Count;
                            for (int p = 0; p < kc; p++)
                            {
                                T* s = src + p * brs, d = dst + p * nr;
                                Vector512.Load(s).Store(d);
                                Vector512.Load(s + w).Store(d + w);
                            }
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++)
                                new ReadOnlySpan<T>(src + p * brs, nr).CopyTo(new Span<T>(dst + p * nr, nr));
                        }
                        continue;
                    }
                    if (brs == 1 && cols == nr && Use512)
                    {
                        // Transposed B (nn.Linear's weight.T()): NR columns, each contiguous in k, become kc packed
                        // rows by 8×8 (float) or 4×4 (double) register transposes: a gather per 8 elements cost up to
                        // a fifth of an 'nt' product's time.
                        TransposePanel(src, bcs, dst, kc);
                        continue;
                    }
                    if (cols < nr) new Span<T>(dst, kc * nr).Clear();
                    // Transposed B (brs == 1) reads each column contiguously.
                    for (int j = 0; j < cols; j++)
                    {
                        T* s = src + j * bcs;
                        for (int p = 0; p < kc; p++) dst[p * nr + j] = s[p * brs];
                    }
                }
            }
        }

        /// <summary>dst[p·NR + j] = src[p + j·stride] for p &lt; kc, j &lt; NR: register transposes of 8×8 floats or 4×4
        /// doubles (loads along k, stores along j), the k tail element by element. A pure copy: no rounding.</summary>
        static void TransposePanel(T* src, nint stride, T* dst, int kc)
        {
            int nr = NR, blk = typeof(T) == typeof(float) ? 8 : 4, p = 0;
            for (; p <= kc - blk; p += blk)
                for (int j = 0; j < nr; j += blk)
                {
                    if (typeof(T) == typeof(float)) Transpose8x8((float*)src + p + j * stride, stride, (float*)dst + p * nr + j, nr);
                    else Transpose4x4((double*)src + p + j * stride, stride, (double*)dst + p * nr + j, nr);
                }
            for (; p < kc; p++)
                for (int j = 0; j < nr; j++) dst[p * nr + j] = src[p + j * stride];
        }

        /// <summary>d[r·ld + i] = s[i·stride + r] for an 8×8 block of floats (unpack, shuffle, 128-bit lane swap).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transpose8x8(float* s, nint stride, float* d, nint ld)
        {
            var r0 = Vector256.Load(s); var r1 = Vector256.Load(s + stride);
            var r2 = Vector256.Load(s + 2 * stride); var r3 = Vector256.Load(s + 3 * stride);
            var r4 = Vector256.Load(s + 4 * stride); var r5 = Vector256.Load(s + 5 * stride);
            var r6 = Vector256.Load(s + 6 * stride); var r7 = Vector256.Load(s + 7 * stride);
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
            Avx.Permute2x128(u0, u4, 0x20).Store(d);
            Avx.Permute2x128(u1, u5, 0x20).Store(d + ld);
            Avx.Permute2x128(u2, u6, 0x20).Store(d + 2 * ld);
            Avx.Permute2x128(u3, u7, 0x20).Store(d + 3 * ld);
            Avx.Permute2x128(u0, u4, 0x31).Store(d + 4 * ld);
            Avx.Permute2x128(u1, u5, 0x31).Store(d + 5 * ld);
            Avx.Permute2x128(u2, u6, 0x31).Store(d + 6 * ld);
            Avx.Permute2x128(u3, u7, 0x31).Store(d + 7 * ld);
        }

        /// <summary>d[r·ld + i] = s[i·stride + r] for a 4×4 block of doubles.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Transpose4x4(double* s, nint stride, double* d, nint ld)
        {
            var r0 = Vector256.Load(s); var r1 = Vector256.Load(s + stride);
            var r2 = Vector256.Load(s + 2 * stride); var r3 = Vector256.Load(s + 3 * stride);
            Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            Avx.Permute2x128(t0, t2, 0x20).Store(d);
            Avx.Permute2x128(t1, t3, 0x20).Store(d + ld);
            Avx.Permute2x128(t0, t2, 0x31).Store(d + 2 * ld);
            Avx.Permute2x128(t1, t3, 0x31).Store(d + 3 * ld);
        }

        /// <summary>Rows [t·band, (t+1)·band) of C, every k block, on worker <paramref name="t"/>.</summary>
        public void Rows(int t) => Block(t * band, Math.Min(m, t * band + band), 0, _panels);

        /// <summary>
        /// Part <paramref name="t"/> of <paramref name="parts"/> of the B panels (whole NR-column panels, so every C tile
        /// is the same tile as in <see cref="Rows"/>: the same sums), packed by this thread and then multiplied by every
        /// row of A. For short, wide products (m ≪ n: a batch through nn.Linear or an LSTM's gates) this reads each
        /// part of B on one core only, where row bands would stream all of B through both, and needs no meeting
        /// between packing and computing.
        /// </summary>
        public void Columns(int t, int parts)
        {
            int q0 = (int)((long)t * _panels / parts), q1 = (int)((long)(t + 1) * _panels / parts);
            if (q0 >= q1) return;
            if (packedB != null) PackPanels(q0, q1, 1);
            Block(0, m, q0, q1);
        }

        /// <summary>Rows [r0, r1) of C in the B panels [q0, q1), every k block.</summary>
        void Block(int r0, int r1, int q0, int q1)
        {
            if (r0 >= r1) return;
            // Row-major A is read in place by the AVX-512 kernel (six row streams, each sequential), so only a partial
            // last panel needs packing: that saves a transposing pass over A, most of the overhead of small products.
            // In place, its rows sit at a stride that maps them onto few L2 sets when it is a multiple of a large power
            // of two (4 KiB for 1024 floats): the block is cut to the rows those sets hold, or A is packed after all.
            int mcBlock = MC;
            bool direct = Use512 && acs == 1;
            if (direct)
            {
                int rowsHeld = DirectRows(ars * sizeof(T));
                direct = rowsHeld >= 4 * MR;
                if (direct) mcBlock = rowsHeld;
            }
            // Transposed A (Aᵀ·B: nn.Linear's weight gradient) holds each k step's MR rows side by side, which is the
            // packed layout with a stride: a small one is read in place, its lines staying cached across the B panels.
            bool inPlaceT = Use512 && !direct && ars == 1 && (long)m * k * sizeof(T) <= InPlaceTransposedBytes;
            int mcMax = Math.Min(mcBlock, r1 - r0);
            T* packedA = Scratch.Rent(ref _scratchA, (long)((mcMax + MR - 1) / MR) * MR * kcb * sizeof(T));
            T* edge = stackalloc T[MR * 2 * 64 / sizeof(T)];
            try
            {
                for (int pc = 0; pc < k; pc += kcb)
                {
                    int kc = Math.Min(kcb, k - pc);
                    bool overwrite = pc == 0 && !accumulate;
                    for (int ic = r0; ic < r1; ic += mcBlock)
                    {
                        int mc = Math.Min(mcBlock, r1 - ic);
                        if (!direct && !inPlaceT) PackA(packedA, ic, mc, pc, kc);
                        else if (mc % MR != 0) PackA(packedA, ic + mc / MR * MR, mc % MR, pc, kc, panelOffset: mc / MR * MR);
                        for (int q = q0; q < q1; q++)
                        {
                            int j0 = jc + q * NR, cols = Math.Min(NR, n - j0);
                            T* bp = PanelB(pc, q);
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int rows = Math.Min(MR, mc - ir);
                                T* ap = packedA + (nint)ir * kc;
                                T* cp = c + (nint)(ic + ir) * n + j0;
                                if (direct && rows == MR)
                                {
                                    T* ar = a + (ic + ir) * ars + pc;
                                    if (cols == NR)
                                    {
                                        KernelDirect512(kc, ar, ars, bp, _ldb, cp, n, overwrite);
                                        continue;
                                    }
                                    KernelDirect512(kc, ar, ars, bp, _ldb, edge, NR, overwrite: true);
                                    CopyEdge(edge, cp, rows, cols, overwrite);
                                    continue;
                                }
                                nint lda = MR;
                                if (inPlaceT && rows == MR)
                                {
                                    ap = a + (ic + ir) + pc * acs;
                                    lda = acs;
                                }
                                if (rows == MR && cols == NR)
                                {
                                    Kernel(kc, ap, lda, bp, _ldb, cp, n, overwrite);
                                    continue;
                                }
                                // A partial tile is computed whole into scratch, then only its valid part lands in C.
                                Kernel(kc, ap, lda, bp, _ldb, edge, NR, overwrite: true);
                                CopyEdge(edge, cp, rows, cols, overwrite);
                            }
                        }
                    }
                }
            }
            finally
            {
                Scratch.Return(ref _scratchA, packedA);
            }
        }

        /// <summary>How many rows of A, read in place at <paramref name="rowBytes"/> apart, stay in L2 together: rows whose
        /// addresses differ by a multiple of the L2's set period (size / ways, taken as size / 8) share sets, so at most
        /// L2 / (2 · gcd(stride, period)) rows fit in half of it. A multiple of <see cref="MR"/>.</summary>
        static int DirectRows(long rowBytes)
        {
            long period = Math.Max(4096, CpuCaches.Current.L2 / 8);
            long g = period, r = Math.Abs(rowBytes);
            while (r != 0) (g, r) = (r, g % r);
            return (int)Math.Min(MC, CpuCaches.Current.L2 / (2 * Math.Max(g, 64))) / MR * MR;
        }

        /// <summary>Adds (or stores) the valid rows × cols of a scratch tile into C.</summary>
        void CopyEdge(T* edge, T* cp, int rows, int cols, bool overwrite)
        {
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    cp[(nint)i * n + j] = overwrite ? edge[i * NR + j] : cp[(nint)i * n + j] + edge[i * NR + j];
        }

        /// <summary>Packs rows [ic, ic + mc) × [pc, pc + kc) of A as MR-row panels, each kc columns of MR, zero past the last row.</summary>
        void PackA(T* dst, int ic, int mc, int pc, int kc, int panelOffset = 0)
        {
            for (int ir = 0; ir < mc; ir += MR)
            {
                T* panel = dst + (nint)(ir + panelOffset) * kc;
                int rows = Math.Min(MR, mc - ir);
                if (rows < MR) new Span<T>(panel, kc * MR).Clear();
                T* src = a + (ic + ir) * ars + pc * acs;
                if (acs == 1)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        T* s = src + i * ars;
                        for (int p = 0; p < kc; p++) panel[p * MR + i] = s[p];
                    }
                }
                else if (ars == 1 && rows == MR)
                {
                    // Transposed A (Aᵀ·B, nn.Linear's weight gradient): each k step's MR rows are contiguous.
                    if (MR == 8)
                        for (int p = 0; p < kc; p++) CopyEight(src + p * acs, panel + p * 8);
                    else
                        for (int p = 0; p < kc; p++) CopySix(src + p * acs, panel + p * MR);
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        T* s = src + p * acs;
                        for (int i = 0; i < rows; i++) panel[p * MR + i] = s[i * ars];
                    }
                }
            }
        }

        /// <summary>d[0..8) = s[0..8) in one vector move (256-bit floats, 512-bit doubles).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void CopyEight(T* s, T* d)
        {
            if (typeof(T) == typeof(float)) Vector256.Load((float*)s).Store((float*)d);
            else Vector512.Load((double*)s).Store((double*)d);
        }

        /// <summary>d[0..6) = s[0..6) in two vector moves (4 + 2 floats, or 4 + 2 doubles), never past either end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void CopySix(T* s, T* d)
        {
            if (typeof(T) == typeof(float))
            {
                Vector128.Load((float*)s).Store((float*)d);
                *(long*)((float*)d + 4) = *(long*)((float*)s + 4);
            }
            else
            {
                Vector256.Load((double*)s).Store((double*)d);
                Vector128.Load((double*)s + 4).Store((double*)d + 4);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Kernel(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        if (Use512) Kernel512(kc, a, lda, b, ldb, c, ldc, overwrite);
        else Kernel256(kc, a, lda, b, ldb, c, ldc, overwrite);
    }

    /// <summary>c[0..8, 0..2W] (+)= Σ_p a[p·lda + i] · b[p·ldb + j], 16 zmm accumulators (lda = 8 when A is packed).</summary>
    // Kernels go straight to optimised code: a tier-0 SIMD loop runs an order of magnitude slower for its first calls.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel512(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        PrefetchTile(c, ldc);
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        int w = Vector512<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var x = Vector512.Create(a[0]);
            c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Fma(x, b0, c60); c61 = Fma(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Fma(x, b0, c70); c71 = Fma(x, b1, c71);
            a += lda;
            b += ldb;
        }
        Store(c, c00, c01, overwrite); c += ldc;
        Store(c, c10, c11, overwrite); c += ldc;
        Store(c, c20, c21, overwrite); c += ldc;
        Store(c, c30, c31, overwrite); c += ldc;
        Store(c, c40, c41, overwrite); c += ldc;
        Store(c, c50, c51, overwrite); c += ldc;
        Store(c, c60, c61, overwrite); c += ldc;
        Store(c, c70, c71, overwrite);
    }

    /// <summary>Kernel512 reading A in place: row i of the tile at a + i·lda, consecutive k at consecutive addresses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void KernelDirect512(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        PrefetchTile(c, ldc);
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;
        int w = Vector512<T>.Count;
        T* a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var x = Vector512.Create(a0[p]);
            c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector512.Create(a1[p]);
            c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector512.Create(a2[p]);
            c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector512.Create(a3[p]);
            c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector512.Create(a4[p]);
            c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector512.Create(a5[p]);
            c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            x = Vector512.Create(a6[p]);
            c60 = Fma(x, b0, c60); c61 = Fma(x, b1, c61);
            x = Vector512.Create(a7[p]);
            c70 = Fma(x, b0, c70); c71 = Fma(x, b1, c71);
            b += ldb;
        }
        Store(c, c00, c01, overwrite); c += ldc;
        Store(c, c10, c11, overwrite); c += ldc;
        Store(c, c20, c21, overwrite); c += ldc;
        Store(c, c30, c31, overwrite); c += ldc;
        Store(c, c40, c41, overwrite); c += ldc;
        Store(c, c50, c51, overwrite); c += ldc;
        Store(c, c60, c61, overwrite); c += ldc;
        Store(c, c70, c71, overwrite);
    }

    /// <summary>The same tile with ymm registers, for CPUs without AVX-512 (12 accumulators fit AVX2's 16 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Kernel256(int kc, T* a, nint lda, T* b, nint ldb, T* c, nint ldc, bool overwrite)
    {
        PrefetchTile(c, ldc);
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int w = Vector256<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            var x = Vector256.Create(a[0]);
            c00 = Fma(x, b0, c00); c01 = Fma(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Fma(x, b0, c10); c11 = Fma(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Fma(x, b0, c20); c21 = Fma(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Fma(x, b0, c30); c31 = Fma(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Fma(x, b0, c40); c41 = Fma(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Fma(x, b0, c50); c51 = Fma(x, b1, c51);
            a += lda;
            b += ldb;
        }
        Store(c, c00, c01, overwrite); c += ldc;
        Store(c, c10, c11, overwrite); c += ldc;
        Store(c, c20, c21, overwrite); c += ldc;
        Store(c, c30, c31, overwrite); c += ldc;
        Store(c, c40, c41, overwrite); c += ldc;
        Store(c, c50, c51, overwrite);
    }

    /// <summary>Asks for the C tile's lines (MR rows of NR elements) before the k loop, so that adding the finished tile
    /// into C at the end does not wait on a cache miss per row: C is read once per KC block, too rarely to stay in L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PrefetchTile(T* c, nint ldc)
    {
        if (!Sse.IsSupported) return;
        int last = NR * sizeof(T) - 1;
        for (int i = 0; i < MR; i++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0((byte*)c + last);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(T* c, Vector512<T> v0, Vector512<T> v1, bool overwrite)
    {
        T* c1 = c + Vector512<T>.Count;
        if (overwrite)
        {
            v0.Store(c);
            v1.Store(c1);
        }
        else
        {
            (Vector512.Load(c) + v0).Store(c);
            (Vector512.Load(c1) + v1).Store(c1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(T* c, Vector256<T> v0, Vector256<T> v1, bool overwrite)
    {
        T* c1 = c + Vector256<T>.Count;
        if (overwrite)
        {
            v0.Store(c);
            v1.Store(c1);
        }
        else
        {
            (Vector256.Load(c) + v0).Store(c);
            (Vector256.Load(c1) + v1).Store(c1);
        }
    }

    /// <summary>x·y + acc in one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> acc) => typeof(T) == typeof(float)
        ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
        : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    /// <summary>x·y + acc in one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> acc) => typeof(T) == typeof(float)
        ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
        : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
}
