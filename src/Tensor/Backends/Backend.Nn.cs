using Bridge.Backends.Cpu;
using Bridge.Backends.Cuda;
using Bridge.Compile;

namespace Bridge.Backends;

/// <summary>
/// The nn entry points of the dispatch seam: convolution (as im2col + GEMM), unfold/fold, pooling and GELU. Operands
/// are contiguous, of one floating dtype, on the output's device; outputs are allocated by the caller and overwritten.
/// </summary>
internal static partial class Backend
{
    /// <summary>y = conv(x, w) + bias; x [N, groups·C, H, W], w [OC, C, KH, KW], y [N, OC, OH, OW].</summary>
    public static void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, int batch, int groups, int outChannels, ConvGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => ConvForward(x, w, bias, y, batch, groups, outChannels, g), x, w, bias, y)) return;
        if (y.Device.IsCuda) CudaNn.ConvForward(x, w, bias, y, batch, groups, outChannels, g);
        else NnKernels.ConvForward(x, w, bias, y, batch, groups, outChannels, g);
    }

    /// <summary>∂x (when <paramref name="gx"/> is given) and ∂W (when <paramref name="gw"/> is given) of <see cref="ConvForward"/> from ∂y.</summary>
    public static void ConvBackward(Tensor? x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, int batch, int groups, int outChannels, ConvGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => ConvBackward(x, w, gy, gx, gw, batch, groups, outChannels, g), x, w, gy, gx, gw)) return;
        if (gy.Device.IsCuda) CudaNn.ConvBackward(x, w, gy, gx, gw, batch, groups, outChannels, g);
        else NnKernels.ConvBackward(x, w, gy, gx, gw, batch, groups, outChannels, g);
    }

    /// <summary>∂b[oc] = Σ over samples and positions of ∂y[n, oc, ·].</summary>
    public static void ConvBackwardBias(Tensor gy, Tensor gb, int batch, int outChannels, int positions)
    {
        if (StepTrace.Recording && StepTrace.Record(() => ConvBackwardBias(gy, gb, batch, outChannels, positions), gy, gb)) return;
        if (gb.Device.IsCuda) CudaNn.ConvBackwardBias(gy, gb, batch, outChannels, positions);
        else NnKernels.ConvBackwardBias(gy, gb, batch, outChannels, positions);
    }

    /// <summary>col[n] = im2col(x[n]): x [N, C, H, W], col [N, C·KH·KW, OH·OW].</summary>
    public static void Unfold(Tensor x, Tensor col, ConvGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Unfold(x, col, g), x, col)) return;
        if (col.Device.IsCuda) CudaNn.Unfold(x, col, g);
        else NnKernels.Unfold(x, col, g);
    }

    /// <summary>x[n] = col2im(col[n]), overlapping entries summed (the adjoint of <see cref="Unfold"/>).</summary>
    public static void Fold(Tensor col, Tensor x, ConvGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Fold(col, x, g), col, x)) return;
        if (x.Device.IsCuda) CudaNn.Fold(col, x, g);
        else NnKernels.Fold(col, x, g);
    }

    /// <summary>Max pooling of [planes, H, W] with each maximum's flat index h·W + w.</summary>
    public static void MaxPool(Tensor x, Tensor y, Tensor indices, int planes, PoolGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => MaxPool(x, y, indices, planes, g), x, y, indices)) return;
        if (y.Device.IsCuda) CudaNn.MaxPool(x, y, indices, planes, g);
        else NnKernels.MaxPool(x, y, indices, planes, g);
    }

    /// <summary>∂x[index] = Σ ∂y of the outputs that picked it.</summary>
    public static void MaxPoolBackward(Tensor gy, Tensor indices, Tensor gx, int planes, PoolGeometry g)
    {
        if (StepTrace.Recording && StepTrace.Record(() => MaxPoolBackward(gy, indices, gx, planes, g), gy, indices, gx)) return;
        if (gx.Device.IsCuda) CudaNn.MaxPoolBackward(gy, indices, gx, planes, g);
        else NnKernels.MaxPoolBackward(gy, indices, gx, planes, g);
    }

    /// <summary>Average pooling with torch's divisor rules.</summary>
    public static void AvgPool(Tensor x, Tensor y, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        if (StepTrace.Recording && StepTrace.Record(() => AvgPool(x, y, planes, g, countIncludePad, divisorOverride), x, y)) return;
        if (y.Device.IsCuda) CudaNn.AvgPool(x, y, planes, g, countIncludePad, divisorOverride);
        else NnKernels.AvgPool(x, y, planes, g, countIncludePad, divisorOverride);
    }

    /// <summary>∂x of average pooling: each window's ∂y / divisor, summed where windows overlap.</summary>
    public static void AvgPoolBackward(Tensor gy, Tensor gx, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        if (StepTrace.Recording && StepTrace.Record(() => AvgPoolBackward(gy, gx, planes, g, countIncludePad, divisorOverride), gy, gx)) return;
        if (gx.Device.IsCuda) CudaNn.AvgPoolBackward(gy, gx, planes, g, countIncludePad, divisorOverride);
        else NnKernels.AvgPoolBackward(gy, gx, planes, g, countIncludePad, divisorOverride);
    }

    /// <summary>Adaptive average pooling of [planes, h, w] to [planes, oh, ow].</summary>
    public static void AdaptiveAvgPool(Tensor x, Tensor y, int planes, int h, int w, int oh, int ow)
    {
        if (StepTrace.Recording && StepTrace.Record(() => AdaptiveAvgPool(x, y, planes, h, w, oh, ow), x, y)) return;
        if (y.Device.IsCuda) CudaNn.AdaptiveAvgPool(x, y, planes, h, w, oh, ow);
        else NnKernels.AdaptiveAvgPool(x, y, planes, h, w, oh, ow);
    }

    /// <summary>∂x of adaptive average pooling.</summary>
    public static void AdaptiveAvgPoolBackward(Tensor gy, Tensor gx, int planes, int h, int w, int oh, int ow)
    {
        if (StepTrace.Recording && StepTrace.Record(() => AdaptiveAvgPoolBackward(gy, gx, planes, h, w, oh, ow), gy, gx)) return;
        if (gx.Device.IsCuda) CudaNn.AdaptiveAvgPoolBackward(gy, gx, planes, h, w, oh, ow);
        else NnKernels.AdaptiveAvgPoolBackward(gy, gx, planes, h, w, oh, ow);
    }

    /// <summary>y = gelu(x) (exact, or the tanh approximation).</summary>
    public static void Gelu(Tensor x, Tensor y, bool tanh)
    {
        if (StepTrace.Recording && StepTrace.Record(() => Gelu(x, y, tanh), x, y)) return;
        if (y.Device.IsCuda) CudaNn.Gelu(x, y, tanh);
        else NnKernels.Gelu(x, y, tanh);
    }

    /// <summary>dx = ∂y · gelu'(x).</summary>
    public static void GeluBackward(Tensor gy, Tensor x, Tensor dx, bool tanh)
    {
        if (StepTrace.Recording && StepTrace.Record(() => GeluBackward(gy, x, dx, tanh), gy, x, dx)) return;
        if (dx.Device.IsCuda) CudaNn.GeluBackward(gy, x, dx, tanh);
        else NnKernels.GeluBackward(gy, x, dx, tanh);
    }
}
