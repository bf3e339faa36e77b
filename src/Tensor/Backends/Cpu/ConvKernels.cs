using System.Numerics;
using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu;

/// <summary>
/// 2-D convolution as packed GEMM over im2col columns, per sample and group:
/// y[n, g] = W[g] · col(x[n, g]) (+ b); ∂x[n, g] = col2im(W[g]ᵀ · ∂y[n, g]); ∂W[g] = Σₙ ∂y[n, g] · col(x[n, g])ᵀ.
/// Samples are split across threads (each with its own column buffer); the GEMM itself may split further.
/// Layouts are contiguous NCHW; the weight is [OC, C/groups, KH, KW]. <paramref name="g"/> in every method
/// describes one group's input planes (Channels = C/groups) and the output size.
/// </summary>
internal static unsafe class ConvKernels<T> where T : unmanaged, INumber<T>
{
    /// <summary>y = conv(x, w) + bias (bias may be null); y is overwritten.</summary>
    public static void Forward(T* x, T* w, T* bias, T* y, int batch, int groups, int outChannels, ConvGeometry g)
    {
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        ForSamples(batch, g, (first, end, colBuffer) =>
        {
            int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
            var col = (T*)colBuffer;
            for (int s = first; s < end; s++)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    T* xs = (T*)px + ((long)s * groups + gi) * g.Channels * g.PlaneSize;
                    T* ys = (T*)py + ((long)s * outChannels + gi * ocg) * l;
                    T* source = xs;
                    if (!g.IsIdentity)
                    {
                        Im2Col<T>.Gather(xs, g, col);
                        source = col;
                    }
                    T* wg = (T*)pw + (long)gi * ocg * k;
                    if (k == 0) new Span<T>(ys, ocg * l).Clear();
                    else Gemm.Multiply(wg, k, 1, source, l, 1, ys, ocg, k, l, accumulate: false);
                }
                if (pb != 0)
                {
                    for (int oc = 0; oc < outChannels; oc++)
                    {
                        T b = ((T*)pb)[oc];
                        var row = new Span<T>((T*)py + ((long)s * outChannels + oc) * l, l);
                        AddScalar(row, b);
                    }
                }
            }
        });
    }

    /// <summary>∂x = Σ col2im(W[g]ᵀ · ∂y[n, g]); ∂x is overwritten.</summary>
    public static void BackwardInput(T* gy, T* w, T* gx, int batch, int groups, int outChannels, ConvGeometry g)
    {
        nint pgy = (nint)gy, pw = (nint)w, pgx = (nint)gx;
        new Span<T>(gx, checked((int)((long)batch * groups * g.Channels * g.PlaneSize))).Clear();
        ForSamples(batch, g, (first, end, colBuffer) =>
        {
            int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
            var col = (T*)colBuffer;
            for (int s = first; s < end; s++)
            {
                for (int gi = 0; gi < groups; gi++)
                {
                    T* gxs = (T*)pgx + ((long)s * groups + gi) * g.Channels * g.PlaneSize;
                    T* gys = (T*)pgy + ((long)s * outChannels + gi * ocg) * l;
                    T* wg = (T*)pw + (long)gi * ocg * k;
                    if (k == 0 || l == 0) continue;
                    if (ocg == 0) continue;
                    // Wᵀ read in place: element (row r, column oc) of Wᵀ is w[oc·K + r].
                    if (g.IsIdentity) Gemm.Multiply(wg, 1, k, gys, l, 1, gxs, k, ocg, l, accumulate: false);
                    else
                    {
                        Gemm.Multiply(wg, 1, k, gys, l, 1, col, k, ocg, l, accumulate: false);
                        Im2Col<T>.Scatter(col, g, gxs);
                    }
                }
            }
        });
    }

    /// <summary>∂W = Σₙ ∂y[n, g] · col(x[n, g])ᵀ; ∂W is overwritten. Threads sum into their own copies, added at the end.</summary>
    public static void BackwardWeight(T* x, T* gy, T* gw, int batch, int groups, int outChannels, ConvGeometry g)
    {
        nint px = (nint)x, pgy = (nint)gy, pgw = (nint)gw;
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols;
        int weightSize = checked(outChannels * k);
        new Span<T>(gw, weightSize).Clear();
        if (l == 0 || k == 0) return;
        int chunks = Chunks(batch);
        var partials = new nint[chunks];
        try
        {
            for (int c = 1; c < chunks; c++) partials[c] = (nint)NativeMemory.AllocZeroed((nuint)weightSize, (nuint)sizeof(T));
            partials[0] = pgw;
            ForSamples(batch, g, (first, end, colBuffer, chunk) =>
            {
                var col = (T*)colBuffer;
                T* target = (T*)partials[chunk];
                for (int s = first; s < end; s++)
                {
                    for (int gi = 0; gi < groups; gi++)
                    {
                        T* xs = (T*)px + ((long)s * groups + gi) * g.Channels * g.PlaneSize;
                        T* gys = (T*)pgy + ((long)s * outChannels + gi * ocg) * l;
                        T* source = xs;
                        if (!g.IsIdentity)
                        {
                            Im2Col<T>.Gather(xs, g, col);
                            source = col;
                        }
                        // colᵀ read in place: element (column position p, row r) is col[r·L + p].
                        Gemm.Multiply(gys, l, 1, source, 1, l, target + (long)gi * ocg * k, ocg, l, k, accumulate: true);
                    }
                }
            }, chunks);
            for (int c = 1; c < chunks; c++) Im2Col<T>.AddInPlace(gw, (T*)partials[c], weightSize);
        }
        finally
        {
            for (int c = 1; c < chunks; c++) NativeMemory.Free((void*)partials[c]);
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

    /// <summary>
    /// One chunk of samples per thread: per-sample GEMMs of small images are too small to split well, while whole
    /// samples split evenly; a single sample leaves the splitting to the GEMM itself.
    /// </summary>
    static int Chunks(int batch) => batch <= 1 ? 1 : Math.Min(CpuThreads.Count, batch);

    static void ForSamples(int batch, ConvGeometry g, Action<int, int, nint> body) =>
        ForSamples(batch, g, (first, end, col, _) => body(first, end, col), Chunks(batch));

    /// <summary>Runs body(first, end, column buffer, chunk) over contiguous sample ranges, one column buffer per chunk.</summary>
    static void ForSamples(int batch, ConvGeometry g, Action<int, int, nint, int> body, int chunks)
    {
        long colBytes = g.IsIdentity ? 0 : (long)g.Rows * g.Cols * sizeof(T);
        int per = (batch + chunks - 1) / Math.Max(chunks, 1);
        CpuThreads.For(chunks, c =>
        {
            int first = c * per, end = Math.Min(batch, first + per);
            if (first >= end) return;
            var col = colBytes == 0 ? null : NativeMemory.AlignedAlloc((nuint)colBytes, 64);
            try { body(first, end, (nint)col, c); }
            finally { if (col is not null) NativeMemory.AlignedFree(col); }
        });
    }
}
