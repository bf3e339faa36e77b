namespace Bridge.Backends.Cpu;

/// <summary>
/// The CPU side of the nn entry points of <see cref="Backend"/>: picks the element type once and hands contiguous
/// tensors' memory to <see cref="ConvKernels{T}"/>, <see cref="Im2Col{T}"/>, <see cref="PoolKernels{T}"/> and
/// <see cref="GeluKernels"/>. Float32 and float64 only (the Tensor layer has refused the rest).
/// </summary>
internal static unsafe class NnKernels
{
    static T* P<T>(Tensor t) where T : unmanaged => (T*)t.Storage.Raw + t.StorageOffset;
    static T* POrNull<T>(Tensor? t) where T : unmanaged => t is null ? null : P<T>(t);

    /// <summary>y = conv(x, w) + bias over contiguous NCHW data (ConvKernels.Forward).</summary>
    public static void ConvForward(Tensor x, Tensor w, Tensor? bias, Tensor y, int batch, int groups, int outChannels, ConvGeometry g)
    {
        if (y.DType == DType.Float64) ConvKernels<double>.Forward(P<double>(x), P<double>(w), POrNull<double>(bias), P<double>(y), batch, groups, outChannels, g);
        else ConvKernels<float>.Forward(P<float>(x), P<float>(w), POrNull<float>(bias), P<float>(y), batch, groups, outChannels, g);
    }

    /// <summary>∂x and/or ∂W of a convolution from ∂y (ConvKernels.Backward); null outputs are skipped.</summary>
    public static void ConvBackward(Tensor? x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, int batch, int groups, int outChannels, ConvGeometry g)
    {
        if (w.DType == DType.Float64)
            ConvKernels<double>.Backward(POrNull<double>(x), P<double>(w), P<double>(gy), POrNull<double>(gx), POrNull<double>(gw), batch, groups, outChannels, g);
        else ConvKernels<float>.Backward(POrNull<float>(x), P<float>(w), P<float>(gy), POrNull<float>(gx), POrNull<float>(gw), batch, groups, outChannels, g);
    }

    /// <summary>∂b[oc] = Σ ∂y[n, oc, ·].</summary>
    public static void ConvBackwardBias(Tensor gy, Tensor gb, int batch, int outChannels, int positions)
    {
        if (gb.DType == DType.Float64) ConvKernels<double>.BackwardBias(P<double>(gy), P<double>(gb), batch, outChannels, positions);
        else ConvKernels<float>.BackwardBias(P<float>(gy), P<float>(gb), batch, outChannels, positions);
    }

    /// <summary>col[n] = im2col(x[n]) for every sample: x [N, C, H, W], col [N, Rows, Cols].</summary>
    public static void Unfold(Tensor x, Tensor col, ConvGeometry g)
    {
        for (int s = 0; s < x.Size(0); s++)
        {
            if (x.DType == DType.Float64) Im2Col<double>.Gather(P<double>(x) + (long)s * g.Channels * g.PlaneSize, g, P<double>(col) + (long)s * g.Rows * g.Cols);
            else Im2Col<float>.Gather(P<float>(x) + (long)s * g.Channels * g.PlaneSize, g, P<float>(col) + (long)s * g.Rows * g.Cols);
        }
    }

    /// <summary>x[n] = col2im(col[n]) for every sample (x is overwritten).</summary>
    public static void Fold(Tensor col, Tensor x, ConvGeometry g)
    {
        if (x.DType == DType.Float64) new Span<double>(P<double>(x), x.Numel32).Clear();
        else new Span<float>(P<float>(x), x.Numel32).Clear();
        for (int s = 0; s < x.Size(0); s++)
        {
            if (x.DType == DType.Float64) Im2Col<double>.Scatter(P<double>(col) + (long)s * g.Rows * g.Cols, g, P<double>(x) + (long)s * g.Channels * g.PlaneSize);
            else Im2Col<float>.Scatter(P<float>(col) + (long)s * g.Rows * g.Cols, g, P<float>(x) + (long)s * g.Channels * g.PlaneSize);
        }
    }

    /// <summary>Max pooling with flat indices (PoolKernels.MaxForward).</summary>
    public static void MaxPool(Tensor x, Tensor y, Tensor indices, int planes, PoolGeometry g)
    {
        if (x.DType == DType.Float64) PoolKernels<double>.MaxForward(P<double>(x), P<double>(y), P<long>(indices), planes, g);
        else PoolKernels<float>.MaxForward(P<float>(x), P<float>(y), P<long>(indices), planes, g);
    }

    /// <summary>∂x of max pooling (PoolKernels.MaxBackward; ∂x overwritten).</summary>
    public static void MaxPoolBackward(Tensor gy, Tensor indices, Tensor gx, int planes, PoolGeometry g)
    {
        if (gx.DType == DType.Float64) PoolKernels<double>.MaxBackward(P<double>(gy), P<long>(indices), P<double>(gx), planes, g);
        else PoolKernels<float>.MaxBackward(P<float>(gy), P<long>(indices), P<float>(gx), planes, g);
    }

    /// <summary>Average pooling (PoolKernels.AvgForward).</summary>
    public static void AvgPool(Tensor x, Tensor y, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        if (x.DType == DType.Float64) PoolKernels<double>.AvgForward(P<double>(x), P<double>(y), planes, g, countIncludePad, divisorOverride);
        else PoolKernels<float>.AvgForward(P<float>(x), P<float>(y), planes, g, countIncludePad, divisorOverride);
    }

    /// <summary>∂x of average pooling (∂x overwritten).</summary>
    public static void AvgPoolBackward(Tensor gy, Tensor gx, int planes, PoolGeometry g, bool countIncludePad, int divisorOverride)
    {
        if (gx.DType == DType.Float64) PoolKernels<double>.AvgBackward(P<double>(gy), P<double>(gx), planes, g, countIncludePad, divisorOverride);
        else PoolKernels<float>.AvgBackward(P<float>(gy), P<float>(gx), planes, g, countIncludePad, divisorOverride);
    }

    /// <summary>Adaptive average pooling of [planes, h, w] to [planes, oh, ow].</summary>
    public static void AdaptiveAvgPool(Tensor x, Tensor y, int planes, int h, int w, int oh, int ow)
    {
        if (x.DType == DType.Float64) PoolKernels<double>.AdaptiveAvgForward(P<double>(x), P<double>(y), planes, h, w, oh, ow);
        else PoolKernels<float>.AdaptiveAvgForward(P<float>(x), P<float>(y), planes, h, w, oh, ow);
    }

    /// <summary>∂x of adaptive average pooling (∂x overwritten).</summary>
    public static void AdaptiveAvgPoolBackward(Tensor gy, Tensor gx, int planes, int h, int w, int oh, int ow)
    {
        if (gx.DType == DType.Float64) PoolKernels<double>.AdaptiveAvgBackward(P<double>(gy), P<double>(gx), planes, h, w, oh, ow);
        else PoolKernels<float>.AdaptiveAvgBackward(P<float>(gy), P<float>(gx), planes, h, w, oh, ow);
    }

    /// <summary>y = gelu(x), both contiguous.</summary>
    public static void Gelu(Tensor x, Tensor y, bool tanh)
    {
        if (ExactActivations.Supports(x))
        {
            ExactActivations.Forward(tanh ? Activation.GeluTanh : Activation.GeluOneDnn, x, y);
            return;
        }
        if (x.DType == DType.Float64) GeluKernels.Forward(x.ContiguousSpan<double>(), y.ContiguousSpan<double>(), tanh);
        else GeluKernels.Forward(x.ContiguousSpan<float>(), y.ContiguousSpan<float>(), tanh);
    }

    /// <summary>dx = ∂y · gelu'(x), all contiguous.</summary>
    public static void GeluBackward(Tensor gy, Tensor x, Tensor dx, bool tanh)
    {
        if (ExactActivations.Supports(x))
        {
            ExactActivations.Backward(tanh ? Activation.GeluTanh : Activation.GeluOneDnn, gy, x, dx);
            return;
        }
        if (x.DType == DType.Float64) GeluKernels.Backward(gy.ContiguousSpan<double>(), x.ContiguousSpan<double>(), dx.ContiguousSpan<double>(), tanh);
        else GeluKernels.Backward(gy.ContiguousSpan<float>(), x.ContiguousSpan<float>(), dx.ContiguousSpan<float>(), tanh);
    }
}
