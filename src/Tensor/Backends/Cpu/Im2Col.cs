using System.Numerics;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// The shape of one convolution window sweep over a [Channels, Height, Width] plane stack: kernel, stride,
/// zero padding and dilation per spatial dim, and the output size they give. Its column matrix has
/// <see cref="Rows"/> = Channels·KernelH·KernelW rows (channel-major, as torch's weight) and
/// <see cref="Cols"/> = OutH·OutW columns.
/// </summary>
internal readonly record struct ConvGeometry(
    int Channels, int Height, int Width,
    int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW,
    int OutH, int OutW)
{
    public int Rows => Channels * KernelH * KernelW;
    public int Cols => OutH * OutW;
    public int PlaneSize => Height * Width;

    /// <summary>A 1×1 window with unit stride and no padding reads the input itself as its column matrix.</summary>
    public bool IsIdentity => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0
        && OutH == Height && OutW == Width;

    /// <summary>⌊(size + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1, torch's output size (may be ≤ 0 for a bad geometry).</summary>
    public static int OutputSize(int size, int kernel, int stride, int pad, int dilation) =>
        (int)Math.Floor((size + 2.0 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/// <summary>
/// im2col and col2im: col[(c·KH + i)·KW + j, oy·OW + ox] = x[c, oy·SH − PH + i·DH, ox·SW − PW + j·DW] (zero outside).
/// Each column row is filled as runs: the zero border and the in-bounds middle, which is a plain copy at unit stride.
/// </summary>
internal static unsafe class Im2Col<T> where T : unmanaged, INumber<T>
{
    /// <summary>Fills <paramref name="col"/> (Rows × Cols, contiguous) from the planes at <paramref name="x"/>.</summary>
    public static void Gather(T* x, in ConvGeometry g, T* col) => Gather(x, g, col, (long)g.OutH * g.OutW);

    /// <summary>Fills a Rows × Cols block whose rows are <paramref name="cols"/> elements apart (one sample's columns of a batch's matrix).</summary>
    public static void Gather(T* x, in ConvGeometry g, T* col, long cols)
    {
        int kh = g.KernelH, kw = g.KernelW, oh = g.OutH, ow = g.OutW, h = g.Height, w = g.Width, sw = g.StrideW;
        for (int c = 0; c < g.Channels; c++)
        {
            T* plane = x + (long)c * h * w;
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    T* row = col + ((long)(c * kh + i) * kw + j) * cols;
                    int offset = j * g.DilationW - g.PadW;
                    var (lo, hi) = InBounds(offset, sw, w, ow);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        T* r = row + (long)oy * ow;
                        int iy = oy * g.StrideH - g.PadH + i * g.DilationH;
                        if ((uint)iy >= (uint)h)
                        {
                            new Span<T>(r, ow).Clear();
                            continue;
                        }
                        T* src = plane + (long)iy * w + offset;
                        if (lo > 0) new Span<T>(r, lo).Clear();
                        // Rows of small images are a few elements: a plain loop beats a span copy's call overhead there.
                        if (sw == 1 && hi - lo >= 32) new ReadOnlySpan<T>(src + lo, hi - lo).CopyTo(new Span<T>(r + lo, hi - lo));
                        else if (sw == 1) CopyShort(src, r, lo, hi);
                        else for (int ox = lo; ox < hi; ox++) r[ox] = src[(long)ox * sw];
                        if (hi < ow) new Span<T>(r + hi, ow - hi).Clear();
                    }
                }
            }
        }
    }

    /// <summary>
    /// r[lo..hi) = src[lo..hi) for the short rows of small images (LeNet's 28 and 10): whole vectors, the last one
    /// overlapping the one before it, instead of an element at a time.
    /// </summary>
    static void CopyShort(T* src, T* r, int lo, int hi)
    {
        int width = Vector256<T>.Count;
        if (!Vector256.IsHardwareAccelerated || !Vector256<T>.IsSupported || hi - lo < width)
        {
            for (int ox = lo; ox < hi; ox++) r[ox] = src[ox];
            return;
        }
        int x = lo;
        for (; x <= hi - width; x += width) Vector256.Store(Vector256.Load(src + x), r + x);
        if (x < hi) Vector256.Store(Vector256.Load(src + hi - width), r + hi - width);
    }

    /// <summary>Adds each column entry back into its input position: x += col2im(col) (x is not cleared).</summary>
    public static void Scatter(T* col, in ConvGeometry g, T* x) => Scatter(col, g, x, (long)g.OutH * g.OutW);

    /// <summary>col2im of a Rows × Cols block whose rows are <paramref name="cols"/> elements apart.</summary>
    public static void Scatter(T* col, in ConvGeometry g, T* x, long cols)
    {
        int kh = g.KernelH, kw = g.KernelW, oh = g.OutH, ow = g.OutW, h = g.Height, w = g.Width, sw = g.StrideW;
        for (int c = 0; c < g.Channels; c++)
        {
            T* plane = x + (long)c * h * w;
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++)
                {
                    T* row = col + ((long)(c * kh + i) * kw + j) * cols;
                    int offset = j * g.DilationW - g.PadW;
                    var (lo, hi) = InBounds(offset, sw, w, ow);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        int iy = oy * g.StrideH - g.PadH + i * g.DilationH;
                        if ((uint)iy >= (uint)h) continue;
                        T* r = row + (long)oy * ow;
                        T* dst = plane + (long)iy * w + offset;
                        if (sw == 1) AddInPlace(dst + lo, r + lo, hi - lo);
                        else for (int ox = lo; ox < hi; ox++) dst[(long)ox * sw] += r[ox];
                    }
                }
            }
        }
    }

    /// <summary>dst[0..n) += src[0..n), a vector at a time.</summary>
    internal static void AddInPlace(T* dst, T* src, int n)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
            for (; k <= n - Vector<T>.Count; k += Vector<T>.Count)
                (Vector.Load(dst + k) + Vector.Load(src + k)).Store(dst + k);
        for (; k < n; k++) dst[k] += src[k];
    }

    /// <summary>The output columns [lo, hi) whose input column ox·stride + offset lies in [0, width).</summary>
    static (int Lo, int Hi) InBounds(int offset, int stride, int width, int outWidth)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - offset <= 0 ? 0 : (width - offset + stride - 1) / stride;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }
}
