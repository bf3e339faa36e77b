using Bridge.Autograd;
using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.functional's pooling: max (with indices), average and adaptive average, over [N, C, H, W] or [C, H, W]
/// (1-D forms run over a height of 1). One node each, with ATen's kernels' window rules (see <see cref="PoolKernels{T}"/>).
/// </summary>
public static partial class Functional
{
    /// <summary>torch.nn.functional.max_pool2d; <paramref name="stride"/> defaults to the kernel size.</summary>
    public static Tensor MaxPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false) =>
        MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    /// <summary>max_pool2d(..., return_indices=True): the maxima and their flat positions h·W + w within each plane.</summary>
    public static (Tensor Output, Tensor Indices) MaxPool2dWithIndices(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, bool ceilMode = false)
    {
        var k = Pair(kernelSize, 1, "kernel_size");
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, 1, "stride");
        return Pooling.Max(input, k, s, Pair(padding, 0, "padding"), Pair(dilation, 1, "dilation"), ceilMode);
    }

    /// <summary>torch.nn.functional.max_pool1d over [N, C, L] or [C, L].</summary>
    public static Tensor MaxPool1d(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) =>
        MaxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Output;

    /// <summary>max_pool1d(..., return_indices=True).</summary>
    public static (Tensor Output, Tensor Indices) MaxPool1dWithIndices(Tensor input, int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
    {
        if (input.Dim() is not (2 or 3))
            throw new ArgumentException($"max_pool1d() Expected 2D or 3D input tensor, but got {ShapeMath.FormatList(input.ShapeArray)}");
        var (output, indices) = Pooling.Max(input.Unsqueeze(-2), (1, kernelSize), (1, stride ?? kernelSize), (0, padding), (1, dilation), ceilMode);
        return (output.Squeeze(-2), indices.Squeeze(-2));
    }

    /// <summary>torch.nn.functional.avg_pool2d; <paramref name="divisorOverride"/> 0 means none.</summary>
    public static Tensor AvgPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int divisorOverride = 0)
    {
        var k = Pair(kernelSize, 1, "kernel_size");
        var s = stride is null || stride.Length == 0 ? k : Pair(stride, 1, "stride");
        return Pooling.Avg(input, k, s, Pair(padding, 0, "padding"), ceilMode, countIncludePad, divisorOverride);
    }

    /// <summary>torch.nn.functional.adaptive_avg_pool2d: output [.., outH, outW]; a null size keeps the input's.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, int?[] outputSize) => Pooling.AdaptiveAvg(input, outputSize);

    /// <summary>adaptive_avg_pool2d to outputSize × outputSize (or [h, w]).</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, params int[] outputSize) =>
        Pooling.AdaptiveAvg(input, outputSize.Length == 1 ? [outputSize[0], outputSize[0]] : outputSize.Select(v => (int?)v).ToArray());
}

internal static class Pooling
{
    public static (Tensor Output, Tensor Indices) Max(Tensor input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, bool ceilMode)
    {
        if (input.Dim() is not (3 or 4) || input.Numel() == 0 && input.Dim() == 3)
            throw new ArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        if (!input.DType.IsFloatingPoint() || input.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"max_pool2d\" not implemented for '{Convolution.Pretty(input.DType)}'");
        if (kernel.H <= 0 || kernel.W <= 0)
            throw new ArgumentException($"kernel size should be greater than zero, but got kH: {kernel.H} kW: {kernel.W}");
        if (stride.H <= 0 || stride.W <= 0) throw new ArgumentException("stride should not be zero");
        if (dilation.H <= 0 || dilation.W <= 0)
            throw new ArgumentException($"dilation should be greater than zero, but got dilationH: {dilation.H} dilationW: {dilation.W}");
        CheckPad(padding, kernel);
        var g = Geometry(input, kernel, stride, padding, dilation, ceilMode);
        var (x, planes, outShape) = Planes(input, g);
        Tensor output = Tensor.Allocate(outShape, input.DType, input.Device, zero: false), indices = Tensor.Allocate(outShape, DType.Int64, input.Device, zero: false);
        Backend.MaxPool(x, output, indices, planes, g);
        var result = Recording.Record(output, "MaxPool2DWithIndicesBackward0", [input], gy =>
        {
            if (GradMode.IsEnabled) // create_graph: the same scatter, recorded (linear in gy; zero in the input)
                return [Torch.Zeros([planes, g.Height * g.Width], gy.DType, gy.Device)
                    .ScatterAdd(1, indices.Reshape(planes, -1), gy.Reshape(planes, -1)).Reshape(input.ShapeArray)];
            var gyc = gy.Contiguous();
            var gx = Tensor.Allocate(input.ShapeArray, input.DType, input.Device, zero: false);
            Backend.MaxPoolBackward(gyc, indices, gx, planes, g);
            return [gx];
        }, indices);
        return (result, indices);
    }

    public static Tensor Avg(Tensor input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, bool ceilMode, bool countIncludePad, int divisorOverride)
    {
        if (input.Dim() is not (3 or 4))
            throw new ArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        if (input.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"avg_pool2d\" not implemented for '{Convolution.Pretty(input.DType)}'");
        if (kernel.H <= 0 || kernel.W <= 0)
            throw new ArgumentException($"kernel size should be greater than zero, but got kH: {kernel.H} kW: {kernel.W}");
        if (stride.H <= 0 || stride.W <= 0) throw new ArgumentException("stride should not be zero");
        if (divisorOverride < 0) throw new ArgumentException("divisor must be not zero");
        CheckPad(padding, kernel);
        var g = Geometry(input, kernel, stride, padding, (1, 1), ceilMode);
        var (x, planes, outShape) = Planes(input, g);
        var output = Tensor.Allocate(outShape, input.DType, input.Device, zero: false);
        Backend.AvgPool(x, output, planes, g, countIncludePad, divisorOverride);
        return Recording.Record(output, "AvgPool2DBackward0", [input], gy =>
        {
            var gyc = gy.Contiguous();
            var gx = Tensor.Allocate(input.ShapeArray, input.DType, input.Device, zero: false);
            Backend.AvgPoolBackward(gyc, gx, planes, g, countIncludePad, divisorOverride);
            if (!GradMode.IsEnabled) return [gx];
            // create_graph: the gradient is linear in gy, and the adjoint of this backward is the pooling itself.
            return [Recording.Record(gx, "AvgPool2DBackwardBackward0", [gy], gg => [Avg(gg, kernel, stride, padding, ceilMode, countIncludePad, divisorOverride)])];
        });
    }

    public static Tensor AdaptiveAvg(Tensor input, int?[] outputSize)
    {
        if (input.Dim() is not (3 or 4))
            throw new ArgumentException($"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {ShapeMath.FormatList(input.ShapeArray)}");
        if (outputSize.Length != 2) throw new ArgumentException("adaptive_avg_pool2d: output_size must be 2");
        if (input.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"adaptive_avg_pool2d\" not implemented for '{Convolution.Pretty(input.DType)}'");
        int h = input.Size32(-2), w = input.Size32(-1);
        for (int d = input.Dim() - 3; d < input.Dim() - 2; d++)
            if (input.Size(d) == 0)
                throw new ArgumentException($"adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {ShapeMath.FormatList(input.ShapeArray)} with dimension {d} being empty");
        int oh = outputSize[0] ?? h, ow = outputSize[1] ?? w;
        if (oh < 0 || ow < 0) throw new ArgumentException($"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {{{oh}, {ow}}}");
        Tensor x;
        using (GradMode.Set(false)) x = input.Contiguous();
        int planes = ShapeMath.Numel(input.ShapeArray.AsSpan(0, input.Dim() - 2));
        int[] outShape = [.. input.ShapeArray[..^2], oh, ow];
        var output = Tensor.Allocate(outShape, input.DType, input.Device, zero: false);
        Backend.AdaptiveAvgPool(x, output, planes, h, w, oh, ow);
        return Recording.Record(output, "AdaptiveAvgPool2DBackward0", [input], gy =>
        {
            var gyc = gy.Contiguous();
            var gx = Tensor.Allocate(input.ShapeArray, input.DType, input.Device, zero: false);
            Backend.AdaptiveAvgPoolBackward(gyc, gx, planes, h, w, oh, ow);
            if (!GradMode.IsEnabled) return [gx];
            // create_graph: the gradient is linear in gy, and the adjoint of this backward is the pooling itself.
            return [Recording.Record(gx, "AdaptiveAvgPool2DBackwardBackward0", [gy], gg => [AdaptiveAvg(gg, outputSize)])];
        });
    }

    static void CheckPad((int H, int W) padding, (int H, int W) kernel)
    {
        if (padding.H < 0 || padding.W < 0) throw new ArgumentException("pad must be non-negative");
        if (padding.H > kernel.H / 2 || padding.W > kernel.W / 2)
        {
            bool h = padding.H > kernel.H / 2;
            throw new ArgumentException($"pad should be at most half of kernel size, but got pad={(h ? padding.H : padding.W)} and kernel_size={(h ? kernel.H : kernel.W)}");
        }
    }

    static PoolGeometry Geometry(Tensor input, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, bool ceilMode)
    {
        int h = input.Size32(-2), w = input.Size32(-1);
        int oh = PoolGeometry.OutputSize(h, kernel.H, padding.H, stride.H, dilation.H, ceilMode);
        int ow = PoolGeometry.OutputSize(w, kernel.W, padding.W, stride.W, dilation.W, ceilMode);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"Given input size: ({input.Size(-3)}x{h}x{w}). Calculated output size: ({input.Size(-3)}x{oh}x{ow}). Output size is too small");
        return new PoolGeometry(h, w, kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, oh, ow);
    }

    static (Tensor X, int Planes, int[] OutShape) Planes(Tensor input, PoolGeometry g)
    {
        Tensor x;
        using (GradMode.Set(false)) x = input.Contiguous();
        int planes = ShapeMath.Numel(input.ShapeArray.AsSpan(0, input.Dim() - 2));
        return (x, planes, [.. input.ShapeArray[..^2], g.OutH, g.OutW]);
    }
}
