namespace Bridge.Backends.Cpu;

/// <summary>
/// The weight gradient ∂W[g] += ∂y·colᵀ one k block at a time: the product's depth is the block's positions, which the
/// packed GEMM sums in k blocks of <see cref="PackedGemm{T}.KBlock"/>(positions), each from zero and then added into
/// ∂W. Gathering and multiplying one such k block of columns at a time (a slice of at most KC positions, in the L2)
/// performs exactly those additions in that order, so ∂W is bit-identical to the one product over the whole block,
/// without writing the block's columns (up to 8 MiB) out to memory and reading them back twice.
/// </summary>
internal static unsafe partial class ConvKernels<T>
{
    /// <summary>
    /// gw (OCg × K) += gyBlock (OCg × ld, row stride ld) · col(samples [s0, s0 + nb) of group gi)ᵀ, where the one-product
    /// form would take the packed kernel; <paramref name="slice"/> holds K × KBlock(ld) elements.
    /// </summary>
    static void WeightGradientSliced(T* x, T* gyBlock, T* gw, T* slice, int s0, int nb, int gi, int groups, int ocg, ConvGeometry g, int ld)
    {
        int k = g.Rows, l = g.Cols, kcb = PackedGemm<T>.KBlock(ld);
        for (int pc = 0; pc < ld; pc += kcb)
        {
            int len = Math.Min(kcb, ld - pc);
            // slice[r, q] = col[r, pc + q]: the positions of this k block, across sample boundaries.
            nint px = (nint)x, ps = (nint)slice;
            int start = pc, parts = Math.Min(CpuThreads.Count, Math.Max(1, k / 8)), per = (k + parts - 1) / parts;
            var geometry = g;
            Parallel(parts, part =>
            {
                int r0 = part * per, r1 = Math.Min(k, r0 + per);
                for (int q = start; q < start + len;)
                {
                    int j = q / l, p0 = q % l, p1 = Math.Min(l, p0 + (start + len - q));
                    T* plane = (T*)px + ((long)(s0 + j) * groups + gi) * geometry.Channels * geometry.PlaneSize;
                    Im2ColPacked<T>.GatherRange(plane, geometry, (T*)ps + (q - start), len, p0, p1, r0, r1);
                    q += p1 - p0;
                }
            });
            // One k block: the packed kernel sums it from zero and adds it into gw, as the whole product did for this block.
            PackedGemm<T>.Multiply(gyBlock + pc, ld, 1, slice, 1, len, gw, ocg, len, k, accumulate: true);
        }
    }

    /// <summary>
    /// gx for samples [s0, s0 + nb) of group gi from col = W[g]ᵀ·∂y a few whole samples at a time (each slice in the L2,
    /// scattered before the next is computed), where the one-product form would take the packed kernel. Columns of a
    /// product are independent and col2im of one sample touches only that sample's planes, in the same order, so ∂x is
    /// bit-identical to the whole block's product and scatter. False (nothing done) when one sample's columns exceed a slice.
    /// </summary>
    static bool InputGradientSliced(T* wg, T* gyBlock, T* gx, T* col, int s0, int nb, int gi, int groups, int ocg, ConvGeometry g, int ld)
    {
        int k = g.Rows, l = g.Cols;
        long perSample = (long)k * l * sizeof(T);
        if (perSample > SliceBytes) return false;
        int samples = (int)Math.Clamp(SliceBytes / perSample, 1, nb);
        for (int j0 = 0; j0 < nb; j0 += samples)
        {
            int ns = Math.Min(samples, nb - j0), cols = ns * l;
            // Wᵀ read in place: element (row r, column o) is w[o·K + r].
            PackedGemm<T>.Multiply(wg, 1, k, gyBlock + (long)j0 * l, ld, 1, col, k, ocg, cols, accumulate: false);
            nint pc = (nint)col, pgx = (nint)gx;
            int first = s0 + j0;
            var geometry = g;
            Parallel(ns, j => Im2Col<T>.Scatter((T*)pc + (long)j * l, geometry,
                (T*)pgx + ((long)(first + j) * groups + gi) * geometry.Channels * geometry.PlaneSize, cols));
        }
        return true;
    }
}
