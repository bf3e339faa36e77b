namespace Bridge.Backends.Cpu;

/// <summary>
/// The convolution forward with its columns written straight into the GEMM's packed-B layout
/// (<see cref="Im2ColPacked{T}"/>), a slice of columns at a time: the slice (a few small images, or a band of output
/// rows of a large one) is packed, multiplied and copied out while it is still in the L2, instead of a block of up to
/// 8 MiB written as im2col, copied again by the GEMM's packing and read a third time by the kernel. Each output
/// element is the same k-ordered sum in the same k blocks as the per-block GEMM (a product's columns are independent
/// of how many there are), so the result is bit-identical to the im2col + GEMM path.
/// </summary>
internal static unsafe partial class ConvKernels<T>
{
    /// <summary>Bytes of packed columns per slice: half the L2, leaving room for the weight and the product.</summary>
    static readonly long SliceBytes = Math.Max(64L << 10, CpuCaches.Current.L2 / 2);

    /// <summary>y for samples [s0, s0 + nb) of a block whose product takes the packed kernel; <paramref name="col"/> and
    /// <paramref name="product"/> are scratch at least as large as that block's.</summary>
    static void ForwardPacked(T* x, T* w, T* bias, T* y, int s0, int nb, int groups, int outChannels, ConvGeometry g, T* col, T* product)
    {
        int ocg = outChannels / groups, k = g.Rows, l = g.Cols, ow = g.OutW, oh = g.OutH;
        long perRow = Math.Max(1L, (long)k * ow * sizeof(T)), perSample = perRow * oh;
        // Whole samples per slice when one fits; else bands of output rows of one sample.
        int samples = (int)Math.Clamp(SliceBytes / perSample, 1, nb);
        int rowsPerSlice = perSample <= SliceBytes ? oh : (int)Math.Clamp(SliceBytes / perRow, 1, oh);
        for (int j0 = 0; j0 < nb; j0 += samples)
        {
            int ns = Math.Min(samples, nb - j0);
            for (int oy0 = 0; oy0 < oh; oy0 += rowsPerSlice)
            {
                int rows = Math.Min(rowsPerSlice, oh - oy0), span = rows * ow, cols = ns * span;
                var layout = new PackedGemm<T>.PackedBLayout(k, cols);
                for (int gi = 0; gi < groups; gi++)
                {
                    nint px = (nint)x, pc = (nint)col;
                    int first = s0 + j0, group = gi, top = oy0, bottom = oy0 + rows;
                    var geometry = g;
                    Parallel(ns, j => Im2ColPacked<T>.Gather((T*)px + ((long)(first + j) * groups + group) * geometry.Channels * geometry.PlaneSize,
                        geometry, (T*)pc, layout, (long)j * span, top, bottom));
                    Im2ColPacked<T>.ClearTail(col, layout);
                    PackedGemm<T>.MultiplyPackedB(w + (long)gi * ocg * k, k, 1, col, product, ocg, k, cols, accumulate: false);
                    // product[o, j·span + q] → y[first + j, gi·OCg + o, oy0·OW + q], plus the bias.
                    nint pp = (nint)product, py = (nint)y, pb = (nint)bias;
                    Parallel(ns, j =>
                    {
                        for (int o = 0; o < ocg; o++)
                        {
                            int channel = group * ocg + o;
                            T* src = (T*)pp + (long)o * cols + (long)j * span;
                            T* dst = (T*)py + ((long)(first + j) * outChannels + channel) * l + (long)top * ow;
                            new ReadOnlySpan<T>(src, span).CopyTo(new Span<T>(dst, span));
                            if (pb != 0) AddScalar(new Span<T>(dst, span), ((T*)pb)[channel]);
                        }
                    });
                }
            }
        }
    }
}
