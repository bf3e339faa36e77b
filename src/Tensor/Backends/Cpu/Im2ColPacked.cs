using System.Numerics;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// im2col written straight into the GEMM's packed-B layout (<see cref="PackedGemm{T}.PackedBLayout"/>) instead of a
/// row-major column matrix that the GEMM then copies into that layout again: the convolution's forward product
/// W·col reads its columns once. Same values as <see cref="Im2Col{T}"/>'s Gather, only
/// placed where the packing would have put them, so the product is bit-identical.
/// </summary>
internal static unsafe class Im2ColPacked<T> where T : unmanaged, INumber<T>
{
    /// <summary>
    /// Writes im2col(x) (Rows × Cols of <paramref name="g"/>) as columns [<paramref name="col0"/>, col0 + Cols) of the
    /// packed B <paramref name="packed"/> (layout.K = Rows).
    /// </summary>
    public static void Gather(T* x, in ConvGeometry g, T* packed, in PackedGemm<T>.PackedBLayout layout, long col0) =>
        Gather(x, g, packed, layout, col0, 0, g.OutH);

    /// <summary>
    /// The columns of output rows [<paramref name="oy0"/>, <paramref name="oy1"/>) only, as columns
    /// [<paramref name="col0"/>, col0 + (oy1 − oy0)·OutW) of the packed B: a slice of a large image that fits the L2.
    /// </summary>
    public static void Gather(T* x, in ConvGeometry g, T* packed, in PackedGemm<T>.PackedBLayout layout, long col0, int oy0, int oy1)
    {
        int kh = g.KernelH, kw = g.KernelW, ow = g.OutW, h = g.Height, w = g.Width, sw = g.StrideW;
        int width = PackedGemm<T>.PackedBLayout.Width;
        for (int c = 0; c < g.Channels; c++)
        {
            T* plane = x + (long)c * h * w;
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    int r = (c * kh + i) * kw + j;
                    T* rowBase = packed + layout.RowBase(r);
                    long panelStride = layout.PanelStride(r);
                    int offset = j * g.DilationW - g.PadW;
                    var (lo, hi) = InBounds(offset, sw, w, ow);
                    for (int oy = oy0; oy < oy1; oy++)
                    {
                        long start = col0 + (long)(oy - oy0) * ow;
                        int iy = oy * g.StrideH - g.PadH + i * g.DilationH;
                        if ((uint)iy >= (uint)h)
                        {
                            Put(rowBase, panelStride, width, start, null, 0, ow);
                            continue;
                        }
                        T* src = plane + (long)iy * w + offset;
                        if (lo > 0) Put(rowBase, panelStride, width, start, null, 0, lo);
                        if (hi > lo) Put(rowBase, panelStride, width, start + lo, src + (long)lo * sw, sw, hi - lo);
                        if (hi < ow) Put(rowBase, panelStride, width, start + hi, null, 0, ow - hi);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Row-major im2col of positions [<paramref name="p0"/>, <paramref name="p1"/>) of one sample, rows [r0, r1) only:
    /// dst[r·stride + p − p0] = im2col(x)[r, p]. Feeds the weight gradient one k block of positions at a time.
    /// </summary>
    public static void GatherRange(T* x, in ConvGeometry g, T* dst, long stride, int p0, int p1, int r0, int r1)
    {
        int kh = g.KernelH, kw = g.KernelW, ow = g.OutW, h = g.Height, w = g.Width, sw = g.StrideW;
        for (int r = r0; r < r1; r++)
        {
            int c = r / (kh * kw), i = r / kw % kh, j = r % kw;
            T* plane = x + (long)c * h * w;
            T* row = dst + r * stride - p0; // row[p] for p in [p0, p1)
            int offset = j * g.DilationW - g.PadW;
            var (lo, hi) = InBounds(offset, sw, w, ow);
            for (int oy = p0 / ow; (long)oy * ow < p1; oy++)
            {
                int a = Math.Max(p0 - oy * ow, 0), b = Math.Min(p1 - oy * ow, ow);
                T* rr = row + (long)oy * ow;
                int iy = oy * g.StrideH - g.PadH + i * g.DilationH;
                int cl = Math.Max(a, lo), ch = Math.Min(b, hi);
                if ((uint)iy >= (uint)h || cl >= ch)
                {
                    new Span<T>(rr + a, b - a).Clear();
                    continue;
                }
                T* src = plane + (long)iy * w + offset;
                if (cl > a) new Span<T>(rr + a, cl - a).Clear();
                if (sw == 1) CopyRun(src + cl, rr + cl, ch - cl);
                else for (int ox = cl; ox < ch; ox++) rr[ox] = src[(long)ox * sw];
                if (b > ch) new Span<T>(rr + ch, b - ch).Clear();
            }
        }
    }

    /// <summary>d[0..n) = s[0..n): short runs by whole (overlapping) vectors, long ones by a span copy.</summary>
    static void CopyRun(T* s, T* d, int n)
    {
        if (n >= 64) new ReadOnlySpan<T>(s, n).CopyTo(new Span<T>(d, n));
        else CopyShort(s, d, n);
    }

    /// <summary>Zeroes the columns past layout.N in the last panel of every row (the padding the kernel multiplies).</summary>
    public static void ClearTail(T* packed, in PackedGemm<T>.PackedBLayout layout)
    {
        int width = PackedGemm<T>.PackedBLayout.Width, used = layout.N - (layout.Panels - 1) * width;
        if (used == width) return;
        for (int r = 0; r < layout.K; r++)
            new Span<T>(packed + layout.RowBase(r) + (layout.Panels - 1) * layout.PanelStride(r) + used, width - used).Clear();
    }

    /// <summary>
    /// Columns [column, column + count) of one packed row: src[t·stride] (zeros when src is null), cut at panel edges
    /// (within a panel a row's columns are adjacent; the next panel's part of the row is <paramref name="panelStride"/> on).
    /// </summary>
    static void Put(T* rowBase, long panelStride, int width, long column, T* src, int stride, int count)
    {
        // The panel width is a power of two (16 or 32): shifts and masks, not a 64-bit division per run.
        int shift = BitOperations.TrailingZeroCount(width);
        while (count > 0)
        {
            int within = (int)column & (width - 1), take = Math.Min(count, width - within);
            T* d = rowBase + (column >> shift) * panelStride + within;
            if (src == null) new Span<T>(d, take).Clear();
            else
            {
                if (stride == 1) CopyShort(src, d, take);
                else for (int t = 0; t < take; t++) d[t] = src[(long)t * stride];
                src += (long)take * stride;
            }
            column += take;
            count -= take;
        }
    }

    /// <summary>d[0..n) = s[0..n) for short n: whole vectors, the last one overlapping the one before it.</summary>
    static void CopyShort(T* s, T* d, int n)
    {
        int lanes = Vector256<T>.Count;
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || n < lanes)
        {
            for (int t = 0; t < n; t++) d[t] = s[t];
            return;
        }
        int x = 0;
        for (; x <= n - lanes; x += lanes) Vector256.Store(Vector256.Load(s + x), d + x);
        if (x < n) Vector256.Store(Vector256.Load(s + n - lanes), d + n - lanes);
    }

    /// <summary>The output columns [lo, hi) whose input column ox·stride + offset lies in [0, width) (as Im2Col's).</summary>
    static (int Lo, int Hi) InBounds(int offset, int stride, int width, int outWidth)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - offset <= 0 ? 0 : (width - offset + stride - 1) / stride;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }
}

/// <summary>
/// Which of the convolution's sliced paths run (each bit-identical to the im2col + GEMM path it replaces; tests set the
/// fields by reflection to compare the two). BRIDGE_CONV_SLICES lists the paths to run (forward, weight, input); the
/// default is the input gradient only: under this round's load the forward's packed slices and the weight gradient's
/// k-block slices measured no faster than the one big product (LeNet's conv2 slower), see bench/RESULTS.md.
/// </summary>
internal static class ConvPacking
{
    static readonly string s_paths = Environment.GetEnvironmentVariable("BRIDGE_CONV_SLICES") ?? "input";

    /// <summary>The forward's columns written packed (<see cref="Im2ColPacked{T}"/>), in L2 slices.</summary>
    internal static bool Forward = s_paths.Contains("forward", StringComparison.Ordinal);

    /// <summary>The weight gradient one k block of positions at a time.</summary>
    internal static bool Weight = s_paths.Contains("weight", StringComparison.Ordinal);

    /// <summary>The input gradient a few whole samples at a time.</summary>
    internal static bool Input = s_paths.Contains("input", StringComparison.Ordinal);
}
