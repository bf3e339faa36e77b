using System.Numerics;

namespace Bridge.Backends.Cpu;

/// <summary>One pooling window sweep over planes of Height×Width: kernel, stride, padding, dilation and the output size.</summary>
internal readonly record struct PoolGeometry(int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadH, int PadW, int DilationH, int DilationW, int OutH, int OutW)
{
    /// <summary>
    /// ATen's pooling_output_shape: ⌊(size + 2·pad − dilation·(kernel − 1) − 1 (+ stride − 1 with ceil_mode)) / stride⌋ + 1,
    /// less one when ceil_mode would start the last window inside the right padding.
    /// </summary>
    public static int OutputSize(int size, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        long numerator = size + 2L * pad - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long output = (long)Math.Floor((double)numerator / stride) + 1;
        if (ceilMode && (output - 1) * stride >= size + pad) output--;
        return (int)output;
    }
}

/// <summary>
/// Max, average and adaptive-average pooling over contiguous [planes, H, W] data, written as ATen's CPU kernels
/// loop (same window bounds, same NaN rule, same divisors), planes split across threads.
/// </summary>
internal static unsafe class PoolKernels<T> where T : unmanaged, INumber<T>, IFloatingPointIeee754<T>
{
    /// <summary>Planes per thread chunk worth starting a thread for.</summary>
    const long ParallelWork = 1 << 15;

    static void ForPlanes(int planes, long workPerPlane, Action<int, int> body)
    {
        int chunks = planes * workPerPlane < ParallelWork ? 1 : Math.Min(CpuThreads.Count, planes);
        int per = (planes + chunks - 1) / Math.Max(chunks, 1);
        CpuThreads.For(chunks, c => body(c * per, Math.Min(planes, (c + 1) * per)));
    }

    /// <summary>y = max over each window, idx = its flat position h·W + w in the plane (a NaN wins, the first maximum wins ties).</summary>
    public static void MaxForward(T* x, T* y, long* indices, int planes, PoolGeometry g)
    {
        nint px = (nint)x, py = (nint)y, pi = (nint)indices;
        if (g is { PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 })
        {
            ForPlanes(planes, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (first, end) => MaxForwardUnpadded((T*)px, (T*)py, (long*)pi, first, end, g));
            return;
        }
        ForPlanes(planes, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* plane = (T*)px + (long)p * g.Height * g.Width;
                T* output = (T*)py + (long)p * g.OutH * g.OutW;
                long* index = (long*)pi + (long)p * g.OutH * g.OutW;
                for (int oy = 0; oy < g.OutH; oy++)
                {
                    int ih0 = oy * g.StrideH - g.PadH;
                    int ih1 = Math.Min(ih0 + (g.KernelH - 1) * g.DilationH + 1, g.Height);
                    while (ih0 < 0) ih0 += g.DilationH;
                    for (int ox = 0; ox < g.OutW; ox++)
                    {
                        int iw0 = ox * g.StrideW - g.PadW;
                        int iw1 = Math.Min(iw0 + (g.KernelW - 1) * g.DilationW + 1, g.Width);
                        while (iw0 < 0) iw0 += g.DilationW;
                        long maxIndex = (long)ih0 * g.Width + iw0;
                        T maxValue = T.NegativeInfinity;
                        for (int ih = ih0; ih < ih1; ih += g.DilationH)
                        {
                            for (int iw = iw0; iw < iw1; iw += g.DilationW)
                            {
                                long at = (long)ih * g.Width + iw;
                                T v = plane[at];
                                if (v > maxValue || T.IsNaN(v))
                                {
                                    maxValue = v;
                                    maxIndex = at;
                                }
                            }
                        }
                        output[oy * g.OutW + ox] = maxValue;
                        index[oy * g.OutW + ox] = maxIndex;
                    }
                }
            }
        });
    }

    /// <summary>
    /// <see cref="MaxForward"/> without padding or dilation (every window inside the plane; LeNet's 2×2 pools), with the
    /// geometry in locals: the same windows visited in the same order with the same comparisons, so the same maxima
    /// and indices.
    /// </summary>
    static void MaxForwardUnpadded(T* x, T* y, long* indices, int first, int end, PoolGeometry g)
    {
        int h = g.Height, w = g.Width, kh = g.KernelH, kw = g.KernelW, sh = g.StrideH, sw = g.StrideW, oh = g.OutH, ow = g.OutW;
        for (int p = first; p < end; p++)
        {
            T* plane = x + (long)p * h * w;
            T* output = y + (long)p * oh * ow;
            long* index = indices + (long)p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int ih0 = oy * sh, ih1 = Math.Min(ih0 + kh, h);
                for (int ox = 0; ox < ow; ox++)
                {
                    int iw0 = ox * sw, iw1 = Math.Min(iw0 + kw, w);
                    long maxIndex = (long)ih0 * w + iw0;
                    T maxValue = T.NegativeInfinity;
                    for (int ih = ih0; ih < ih1; ih++)
                    {
                        T* row = plane + (long)ih * w;
                        for (int iw = iw0; iw < iw1; iw++)
                        {
                            T v = row[iw];
                            if (v > maxValue || T.IsNaN(v))
                            {
                                maxValue = v;
                                maxIndex = (long)ih * w + iw;
                            }
                        }
                    }
                    output[oy * ow + ox] = maxValue;
                    index[oy * ow + ox] = maxIndex;
                }
            }
        }
    }

    /// <summary>∂x[idx] += ∂y for every output position; ∂x is overwritten.</summary>
    public static void MaxBackward(T* gy, long* indices, T* gx, int planes, PoolGeometry g)
    {
        nint pgy = (nint)gy, pi = (nint)indices, pgx = (nint)gx;
        ForPlanes(planes, (long)g.OutH * g.OutW + (long)g.Height * g.Width, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* gplane = (T*)pgx + (long)p * g.Height * g.Width;
                new Span<T>(gplane, g.Height * g.Width).Clear();
                T* go = (T*)pgy + (long)p * g.OutH * g.OutW;
                long* index = (long*)pi + (long)p * g.OutH * g.OutW;
                for (int o = 0; o < g.OutH * g.OutW; o++)
                    if (index[o] >= 0) gplane[index[o]] += go[o];
            }
        });
    }

    /// <summary>
    /// The window [ih0, ih1)×[iw0, iw1) clipped to the input and its divisor: divisor_override, else the window
    /// area counted over the padded input (count_include_pad) or over the input only.
    /// </summary>
    static bool AvgWindow(in PoolGeometry g, int oy, int ox, bool countIncludePad, int divisorOverride,
        out int ih0, out int ih1, out int iw0, out int iw1, out T divisor)
    {
        ih0 = oy * g.StrideH - g.PadH;
        iw0 = ox * g.StrideW - g.PadW;
        ih1 = Math.Min(ih0 + g.KernelH, g.Height + g.PadH);
        iw1 = Math.Min(iw0 + g.KernelW, g.Width + g.PadW);
        int poolSize = (ih1 - ih0) * (iw1 - iw0);
        ih0 = Math.Max(ih0, 0);
        iw0 = Math.Max(iw0, 0);
        ih1 = Math.Min(ih1, g.Height);
        iw1 = Math.Min(iw1, g.Width);
        divisor = T.CreateTruncating(divisorOverride != 0 ? divisorOverride : countIncludePad ? poolSize : (ih1 - ih0) * (iw1 - iw0));
        return ih0 < ih1 && iw0 < iw1;
    }

    /// <summary>y = Σ window / divisor (0 for a window wholly in the padding).</summary>
    public static void AvgForward(T* x, T* y, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        nint px = (nint)x, py = (nint)y;
        ForPlanes(planes, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* plane = (T*)px + (long)p * g.Height * g.Width;
                T* output = (T*)py + (long)p * g.OutH * g.OutW;
                for (int oy = 0; oy < g.OutH; oy++)
                {
                    for (int ox = 0; ox < g.OutW; ox++)
                    {
                        if (!AvgWindow(g, oy, ox, countIncludePad, divisorOverride, out int ih0, out int ih1, out int iw0, out int iw1, out T divisor))
                        {
                            output[oy * g.OutW + ox] = T.Zero;
                            continue;
                        }
                        T sum = T.Zero;
                        for (int ih = ih0; ih < ih1; ih++)
                            for (int iw = iw0; iw < iw1; iw++) sum += plane[(long)ih * g.Width + iw];
                        output[oy * g.OutW + ox] = sum / divisor;
                    }
                }
            }
        });
    }

    /// <summary>∂x[window] += ∂y / divisor; ∂x is overwritten.</summary>
    public static void AvgBackward(T* gy, T* gx, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        nint pgy = (nint)gy, pgx = (nint)gx;
        ForPlanes(planes, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* gplane = (T*)pgx + (long)p * g.Height * g.Width;
                new Span<T>(gplane, g.Height * g.Width).Clear();
                T* go = (T*)pgy + (long)p * g.OutH * g.OutW;
                for (int oy = 0; oy < g.OutH; oy++)
                {
                    for (int ox = 0; ox < g.OutW; ox++)
                    {
                        if (!AvgWindow(g, oy, ox, countIncludePad, divisorOverride, out int ih0, out int ih1, out int iw0, out int iw1, out T divisor))
                            continue;
                        T share = go[oy * g.OutW + ox] / divisor;
                        for (int ih = ih0; ih < ih1; ih++)
                            for (int iw = iw0; iw < iw1; iw++) gplane[(long)ih * g.Width + iw] += share;
                    }
                }
            }
        });
    }

    /// <summary>Adaptive window of output o over an input of n: [⌊o·n/out⌋, ⌈(o+1)·n/out⌉).</summary>
    static (int Start, int End) AdaptiveRange(int o, int size, int outSize) =>
        ((int)((long)o * size / outSize), (int)(((long)(o + 1) * size + outSize - 1) / outSize));

    /// <summary>y[oy, ox] = mean of the adaptive window.</summary>
    public static void AdaptiveAvgForward(T* x, T* y, int planes, int h, int w, int oh, int ow)
    {
        nint px = (nint)x, py = (nint)y;
        ForPlanes(planes, (long)h * w + (long)oh * ow, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* plane = (T*)px + (long)p * h * w;
                T* output = (T*)py + (long)p * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                {
                    var (h0, h1) = AdaptiveRange(oy, h, oh);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        var (w0, w1) = AdaptiveRange(ox, w, ow);
                        T sum = T.Zero;
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) sum += plane[(long)ih * w + iw];
                        output[oy * ow + ox] = sum / T.CreateTruncating((h1 - h0) * (w1 - w0));
                    }
                }
            }
        });
    }

    /// <summary>∂x[window] += ∂y / window size; ∂x is overwritten.</summary>
    public static void AdaptiveAvgBackward(T* gy, T* gx, int planes, int h, int w, int oh, int ow)
    {
        nint pgy = (nint)gy, pgx = (nint)gx;
        ForPlanes(planes, (long)h * w + (long)oh * ow, (first, end) =>
        {
            for (int p = first; p < end; p++)
            {
                T* gplane = (T*)pgx + (long)p * h * w;
                new Span<T>(gplane, h * w).Clear();
                T* go = (T*)pgy + (long)p * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                {
                    var (h0, h1) = AdaptiveRange(oy, h, oh);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        var (w0, w1) = AdaptiveRange(ox, w, ow);
                        T share = go[oy * ow + ox] / T.CreateTruncating((h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) gplane[(long)ih * w + iw] += share;
                    }
                }
            }
        });
    }
}
