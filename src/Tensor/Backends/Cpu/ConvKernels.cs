using System.Numerics;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// 2-D convolution as packed GEMM over im2col columns. Samples are taken in blocks of B whose column matrices sit
/// side by side (col is K × B·L, K = C/groups·KH·KW, L = OH·OW), so each group costs one GEMM per block however small
/// the images: y = W[g]·col (+ b); ∂col = W[g]ᵀ·∂y, then col2im; ∂W[g] += ∂y·colᵀ. Building and scattering the
/// columns is split across threads by sample; the GEMM splits itself. Layouts are contiguous NCHW, the weight
/// [OC, C/groups, KH, KW]; <c>g</c> describes one group's input planes (Channels = C/groups) and the output size.
/// </summary>
internal static unsafe partial class ConvKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>Column bytes per block: big enough that one GEMM covers many small images, small enough to stay in L3.</summary>
    const long BlockBytes = 8L << 20;

    /// <summary>y = conv(x, w) + bias (bias may be null); y is overwritten.</summary>
    public static void Forward(T* x, T* w, T* bias, T* y, int batch, int groups, int outChannels, ConvGeometry g)
    {
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
        if (l == 0) return;
        int block = BlockSize(batch, g);
        // Room for the packed columns too (k rounded up to whole k blocks, columns to whole panels).
        long colElements = Math.Max((long)k * block * l, k == 0 ? 0 : new PackedGemm<T>.PackedBLayout(k, block * l).Length);
        var scratch = Rent(colElements + (long)ocg * block * l);
        T* col = scratch, product = scratch + colElements;
        try
        {
            for (int s0 = 0; s0 < batch; s0 += block)
            {
                int nb = Math.Min(block, batch - s0);
                nint ld = (nint)nb * l;
                // A block whose product takes the packed kernel: columns written packed, in slices that stay in the L2.
                if (k > 0 && ConvPacking.Forward && Gemm.RunsPacked<T>(ocg, k, (int)ld))
                {
                    ForwardPacked(x, w, bias, y, s0, nb, groups, outChannels, g, col, product);
                    continue;
                }
                for (int gi = 0; gi < groups; gi++)
                {
                    GatherColumns(x, col, s0, nb, gi, groups, g, ld);
                    T* wg = w + (long)gi * ocg * k;
                    if (k == 0) new Span<T>(product, checked((int)(ocg * ld))).Clear();
                    else Gemm.Multiply(wg, k, 1, col, ld, 1, product, ocg, k, (int)ld, accumulate: false);
                    // product[o, j·L + p] → y[s0 + j, gi·OCg + o, p], plus the bias.
                    nint pp = (nint)product, py = (nint)y, pb = (nint)bias;
                    Parallel(nb, j =>
                    {
                        for (int o = 0; o < ocg; o++)
                        {
                            int channel = gi * ocg + o;
                            T* src = (T*)pp + o * ld + (long)j * l;
                            T* dst = (T*)py + ((long)(s0 + j) * outChannels + channel) * l;
                            new ReadOnlySpan<T>(src, l).CopyTo(new Span<T>(dst, l));
                            if (pb != 0) AddScalar(new Span<T>(dst, l), ((T*)pb)[channel]);
                        }
                    });
                }
            }
        }
        finally
        {
            Return(scratch);
        }
    }

    /// <summary>
    /// The input gradient ∂x (when <paramref name="gx"/> is not null; overwritten) and the weight gradient ∂W (when
    /// <paramref name="gw"/> is not null; overwritten) from ∂y, sharing the gathered ∂y of each block.
    /// </summary>
    public static void Backward(T* x, T* w, T* gy, T* gx, T* gw, int batch, int groups, int outChannels, ConvGeometry g)
    {
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
        if (gx is not null) new Span<T>(gx, checked((int)((long)batch * groups * g.Channels * g.PlaneSize))).Clear();
        if (gw is not null) new Span<T>(gw, checked(outChannels * k)).Clear();
        if (l == 0 || k == 0 || ocg == 0) return;
        int block = BlockSize(batch, g);
        var scratch = Rent((long)k * block * l + (long)ocg * block * l + (long)k * PackedGemm<T>.KBlockMax);
        T* col = scratch, gyBlock = scratch + (long)k * block * l, slice = gyBlock + (long)ocg * block * l;
        try
        {
            for (int s0 = 0; s0 < batch; s0 += block)
            {
                int nb = Math.Min(block, batch - s0);
                nint ld = (nint)nb * l;
                for (int gi = 0; gi < groups; gi++)
                {
                    // gy[s0 + j, gi·OCg + o, p] → gyBlock[o, j·L + p]
                    nint pg = (nint)gy, pgb = (nint)gyBlock;
                    Parallel(nb, j =>
                    {
                        for (int o = 0; o < ocg; o++)
                        {
                            T* src = (T*)pg + ((long)(s0 + j) * outChannels + gi * ocg + o) * l;
                            new ReadOnlySpan<T>(src, l).CopyTo(new Span<T>((T*)pgb + o * ld + (long)j * l, l));
                        }
                    });
                    T* wg = w + (long)gi * ocg * k;
                    if (gw is not null && ConvPacking.Weight && Gemm.RunsPacked<T>(ocg, (int)ld, k))
                        WeightGradientSliced(x, gyBlock, gw + (long)gi * ocg * k, slice, s0, nb, gi, groups, ocg, g, (int)ld);
                    else if (gw is not null)
                    {
                        GatherColumns(x, col, s0, nb, gi, groups, g, ld);
                        // colᵀ read in place: element (position p, row r) is col[r·ld + p].
                        Gemm.Multiply(gyBlock, ld, 1, col, 1, ld, gw + (long)gi * ocg * k, ocg, (int)ld, k, accumulate: true);
                    }
                    if (gx is not null && !(ConvPacking.Input && Gemm.RunsPacked<T>(k, ocg, (int)ld)
                        && InputGradientSliced(wg, gyBlock, gx, col, s0, nb, gi, groups, ocg, g, (int)ld)))
                    {
                        // Wᵀ read in place: element (row r, column o) is w[o·K + r].
                        Gemm.Multiply(wg, 1, k, gyBlock, ld, 1, col, k, ocg, (int)ld, accumulate: false);
                        nint pc = (nint)col, pgx = (nint)gx;
                        var geometry = g;
                        Parallel(nb, j => Im2Col<T>.Scatter((T*)pc + (long)j * l, geometry,
                            (T*)pgx + ((long)(s0 + j) * groups + gi) * geometry.Channels * geometry.PlaneSize, ld));
                    }
                }
            }
        }
        finally
        {
            Return(scratch);
        }
    }

    /// <summary>∂b[oc] = Σ over samples and positions of ∂y[n, oc, ·].</summary>
    public static void BackwardBias(T* gy, T* gb, int batch, int outChannels, int positions)
    {
        for (int oc = 0; oc < outChannels; oc++)
        {
            T total = T.Zero;
            for (int s = 0; s < batch; s++)
            {
                T* row = gy + ((long)s * outChannels + oc) * positions;
                for (int p = 0; p < positions; p++) total += row[p];
            }
            gb[oc] = total;
        }
    }

    /// <summary>col[r, j·L + p] = im2col(x[s0 + j, group gi])[r, p] for the block's samples, in parallel.</summary>
    static void GatherColumns(T* x, T* col, int s0, int nb, int gi, int groups, ConvGeometry g, nint ld)
    {
        nint px = (nint)x, pc = (nint)col;
        Parallel(nb, j => Im2Col<T>.Gather((T*)px + ((long)(s0 + j) * groups + gi) * g.Channels * g.PlaneSize, g, (T*)pc + (long)j * g.Cols, ld));
    }

    /// <summary>Samples per block: as many as fit <see cref="BlockBytes"/> of columns, at least one.</summary>
    static int BlockSize(int batch, in ConvGeometry g)
    {
        long perSample = Math.Max(1L, (long)g.Rows * g.Cols * sizeof(T));
        return (int)Math.Clamp(BlockBytes / perSample, 1, Math.Max(1, batch));
    }

    // The column and product buffers of the calling thread, kept between calls: a fresh multi-megabyte buffer
    // costs a page fault per 4 KiB on first touch, which for small images takes longer than the GEMM.
    [ThreadStatic] static nint _scratch;
    [ThreadStatic] static long _scratchBytes;
    [ThreadStatic] static bool _scratchInUse;

    /// <summary>Largest buffer kept per thread; bigger requests are allocated and freed per call.</summary>
    const long KeepBytes = 64L << 20;

    static T* Rent(long elements)
    {
        long bytes = Math.Max(64, elements * sizeof(T));
        if (bytes > KeepBytes || _scratchInUse) return (T*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        if (_scratchBytes < bytes)
        {
            NativeMemory.AlignedFree((void*)_scratch);
            _scratch = (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            _scratchBytes = bytes;
        }
        _scratchInUse = true;
        return (T*)_scratch;
    }

    static void Return(T* buffer)
    {
        if ((nint)buffer == _scratch) _scratchInUse = false;
        else NativeMemory.AlignedFree(buffer);
    }

    /// <summary>body(0..count-1) split into one contiguous range per thread.</summary>
    static void Parallel(int count, Action<int> body)
    {
        int chunks = Math.Min(CpuThreads.Count, count);
        if (chunks <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        int per = (count + chunks - 1) / chunks;
        CpuThreads.For(chunks, c =>
        {
            for (int i = c * per, end = Math.Min(count, (c + 1) * per); i < end; i++) body(i);
        });
    }

    static void AddScalar(Span<T> row, T b)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb = new Vector<T>(b);
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(row);
            for (int v = 0; v < vectors.Length; v++) vectors[v] += vb;
            k = vectors.Length * Vector<T>.Count;
        }
        for (; k < row.Length; k++) row[k] += b;
    }
}
