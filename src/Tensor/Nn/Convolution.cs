using Bridge.Autograd;
using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// The convolution primitives behind conv1d/conv2d/conv_transpose2d: validation with torch's messages, then one
/// node each (<c>ConvolutionBackward0</c>) whose backward computes the input, weight and bias gradients with the
/// packed-GEMM kernels of the tensors' backend (<see cref="ConvKernels{T}"/> on the CPU, CudaNn on a GPU). 1-D convolutions run as 2-D ones over a height of 1.
/// </summary>
internal static class Convolution
{
    /// <summary>Conv over a batched [N, C, H, W] input with zero padding (ph, pw) on both sides.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        CheckDevices("conv2d", input, weight, bias);
        CheckCommon(input, weight, bias, "conv2d", stride, padding, dilation, groups);
        int n = input.Size32(0), c = input.Size32(1), h = input.Size32(2), w = input.Size32(3);
        int oc = weight.Size32(0), kh = weight.Size32(2), kw = weight.Size32(3);
        if (weight.Size(1) * groups != c)
            throw new ArgumentException($"Given groups={groups}, weight of size {ShapeMath.FormatList(weight.ShapeArray)}, expected input{ShapeMath.FormatList(input.ShapeArray)} to have {weight.Size(1) * groups} channels, but got {c} channels instead");
        if (oc % groups != 0)
            throw new ArgumentException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {ShapeMath.FormatList(weight.ShapeArray)} instead");
        CheckBias(weight, bias, oc);
        int paddedH = h + 2 * padding.H, paddedW = w + 2 * padding.W;
        int effKh = dilation.H * (kh - 1) + 1, effKw = dilation.W * (kw - 1) + 1;
        if (paddedH < effKh || paddedW < effKw)
            throw new ArgumentException($"Calculated padded input size per channel: ({paddedH} x {paddedW}). Kernel size: ({effKh} x {effKw}). Kernel size can't be greater than actual input size");
        var geometry = new ConvGeometry(c / groups, h, w, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W,
            ConvGeometry.OutputSize(h, kh, stride.H, padding.H, dilation.H), ConvGeometry.OutputSize(w, kw, stride.W, padding.W, dilation.W));

        Tensor x, wt, output;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            wt = weight.Contiguous();
            output = Tensor.Allocate([n, oc, geometry.OutH, geometry.OutW], input.DType, input.Device, zero: false);
            var b = bias?.Contiguous();
            Backend.ConvForward(x, wt, b, output, n, groups, oc, geometry);
        }
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Recording.Record(output, "ConvolutionBackward0", inputs, g =>
        {
            if (GradMode.IsEnabled) return Conv2dBackwardRecorded(input, weight, bias, g, geometry, groups); // create_graph
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad) gx = Tensor.Allocate(input.ShapeArray, input.DType, input.Device, zero: false);
            if (weight.RequiresGrad) gw = Tensor.Allocate(weight.ShapeArray, weight.DType, weight.Device, zero: false);
            if (gx is not null || gw is not null) Backend.ConvBackward(x, wt, gy, gx, gw, n, groups, oc, geometry);
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Allocate([oc], bias.DType, bias.Device, zero: false);
                Backend.ConvBackwardBias(gy, gb, n, oc, geometry.Cols);
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        }, x, wt, input, weight); // input and weight (the same objects when contiguous) for create_graph, as torch saves them
    }

    /// <summary>The adjoint of <see cref="Conv2d"/> (its input gradient) as a layer: weight [C_in, C_out/groups, KH, KW].</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) outputPadding, (int H, int W) dilation, int groups)
    {
        CheckDevices("conv_transpose2d", input, weight, bias);
        CheckCommon(input, weight, bias, "conv_transpose2d", stride, padding, dilation, groups);
        if (outputPadding.H < 0 || outputPadding.W < 0) throw new ArgumentException("negative output_padding is not supported");
        if ((outputPadding.H >= stride.H && outputPadding.H >= dilation.H) || (outputPadding.W >= stride.W && outputPadding.W >= dilation.W))
            throw new ArgumentException($"output padding must be smaller than either stride or dilation, but got output_padding_height: {outputPadding.H} output_padding_width: {outputPadding.W} stride_height: {stride.H} stride_width: {stride.W} dilation_height: {dilation.H} dilation_width: {dilation.W}");
        int n = input.Size32(0), cin = input.Size32(1), h = input.Size32(2), w = input.Size32(3);
        int kh = weight.Size32(2), kw = weight.Size32(3);
        if (weight.Size(0) != cin)
            throw new ArgumentException($"Given transposed=1, weight of size {ShapeMath.FormatList(weight.ShapeArray)}, expected input{ShapeMath.FormatList(input.ShapeArray)} to have {weight.Size(0)} channels, but got {cin} channels instead");
        if (cin % groups != 0)
            throw new ArgumentException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {ShapeMath.FormatList(weight.ShapeArray)} instead");
        int ocg = weight.Size32(1), oc = ocg * groups;
        CheckBias(weight, bias, oc);
        int oh = (h - 1) * stride.H - 2 * padding.H + dilation.H * (kh - 1) + outputPadding.H + 1;
        int ow = (w - 1) * stride.W - 2 * padding.W + dilation.W * (kw - 1) + outputPadding.W + 1;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"Given input size per channel: ({h} x {w}). Calculated output size per channel: ({oh} x {ow}). Output size is too small");
        // The forward conv whose input gradient this is: its input is our output, its output our input.
        var geometry = new ConvGeometry(ocg, oh, ow, kh, kw, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, h, w);

        Tensor x, wt, output;
        using (GradMode.Set(false))
        {
            x = input.Contiguous();
            wt = weight.Contiguous();
            output = Tensor.Allocate([n, oc, oh, ow], input.DType, input.Device, zero: false);
            Backend.ConvBackward(null, wt, x, output, null, n, groups, cin, geometry);
            if (bias is not null) output.Add_(bias.Reshape(oc, 1, 1));
        }
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Recording.Record(output, "ConvolutionBackward0", inputs, g =>
        {
            if (GradMode.IsEnabled) return ConvTranspose2dBackwardRecorded(input, weight, bias, g, geometry, groups); // create_graph
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Allocate(input.ShapeArray, input.DType, input.Device, zero: false);
                Backend.ConvForward(gy, wt, null, gx, n, groups, cin, geometry);
            }
            if (weight.RequiresGrad)
            {
                gw = Tensor.Allocate(weight.ShapeArray, weight.DType, weight.Device, zero: false);
                Backend.ConvBackward(gy, wt, x, null, gw, n, groups, cin, geometry);
            }
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Allocate([oc], bias.DType, bias.Device, zero: false);
                Backend.ConvBackwardBias(gy, gb, n, oc, oh * ow);
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        }, x, wt, input, weight); // input and weight (the same objects when contiguous) for create_graph, as torch saves them
    }

    /// <summary>
    /// conv2d's gradients from recorded ops (create_graph), per group: the weight gradient is gy·im2col(x)ᵀ summed over
    /// the batch, the input gradient col2im(Wᵀ·gy), the bias gradient gy summed over batch and positions. im2col and
    /// col2im are each other's recorded backward, so every order of derivative follows.
    /// </summary>
    static Tensor?[] Conv2dBackwardRecorded(Tensor input, Tensor weight, Tensor? bias, Tensor g, ConvGeometry geometry, int groups)
    {
        int n = input.Size32(0), cg = geometry.Channels, ocg = weight.Size32(0) / groups;
        var gx = new List<Tensor>();
        var gw = new List<Tensor>();
        for (int group = 0; group < groups; group++)
        {
            var gy = g.Narrow(1, group * ocg, ocg).Reshape(n, ocg, geometry.Cols);
            var w = weight.Narrow(0, group * ocg, ocg).Reshape(ocg, geometry.Rows);
            if (weight.RequiresGrad)
            {
                var cols = Folding.Unfold(input.Narrow(1, group * cg, cg), geometry);
                gw.Add(gy.MatMul(cols.Transpose(1, 2)).Sum(0).Reshape(ocg, cg, geometry.KernelH, geometry.KernelW));
            }
            if (input.RequiresGrad) gx.Add(Folding.Fold(w.T().MatMul(gy), geometry));
        }
        Tensor? Join(List<Tensor> parts) => parts.Count == 0 ? null : parts.Count == 1 ? parts[0] : Tensor.Cat([.. parts], 1);
        var gradInput = Join(gx);
        var gradWeight = gw.Count == 0 ? null : gw.Count == 1 ? gw[0] : Tensor.Cat([.. gw], 0);
        if (bias is null) return [gradInput, gradWeight];
        return [gradInput, gradWeight, bias.RequiresGrad ? g.Sum([0, 2, 3]) : null];
    }

    /// <summary>
    /// conv_transpose2d's gradients from recorded ops (create_graph), per group, with the forward it is the adjoint
    /// of: output = col2im(Wᵀ·x), so the input gradient is W·im2col(gy), the weight gradient x·im2col(gy)ᵀ summed over
    /// the batch, the bias gradient gy summed over batch and positions.
    /// </summary>
    static Tensor?[] ConvTranspose2dBackwardRecorded(Tensor input, Tensor weight, Tensor? bias, Tensor g, ConvGeometry geometry, int groups)
    {
        int n = input.Size32(0), cin = input.Size32(1), cg = cin / groups, ocg = geometry.Channels, positions = input.Size32(2) * input.Size32(3);
        var gx = new List<Tensor>();
        var gw = new List<Tensor>();
        for (int group = 0; group < groups; group++)
        {
            var cols = Folding.Unfold(g.Narrow(1, group * ocg, ocg), geometry); // [N, ocg·kh·kw, H·W]
            var w = weight.Narrow(0, group * cg, cg).Reshape(cg, geometry.Rows);
            if (input.RequiresGrad) gx.Add(w.MatMul(cols).Reshape(n, cg, input.Size32(2), input.Size32(3)));
            if (weight.RequiresGrad)
            {
                var x = input.Narrow(1, group * cg, cg).Reshape(n, cg, positions);
                gw.Add(x.MatMul(cols.Transpose(1, 2)).Sum(0).Reshape(cg, ocg, geometry.KernelH, geometry.KernelW));
            }
        }
        var gradInput = gx.Count == 0 ? null : gx.Count == 1 ? gx[0] : Tensor.Cat([.. gx], 1);
        var gradWeight = gw.Count == 0 ? null : gw.Count == 1 ? gw[0] : Tensor.Cat([.. gw], 0);
        if (bias is null) return [gradInput, gradWeight];
        return [gradInput, gradWeight, bias.RequiresGrad ? g.Sum([0, 2, 3]) : null];
    }

    static void CheckCommon(Tensor input, Tensor weight, Tensor? bias, string op, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        if (weight.Dim() != 4 || input.Dim() != 4)
            throw new ArgumentException($"Expected 4-dimensional input for 4-dimensional weight {ShapeMath.FormatList(weight.ShapeArray)}, but got {input.Dim()}-dimensional input of size {ShapeMath.FormatList(input.ShapeArray)} instead");
        if (input.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"slow_conv2d_cpu\" not implemented for '{Pretty(input.DType)}'");
        if (weight.DType != input.DType)
            throw new ArgumentException($"expected scalar type {Pretty(input.DType)} but found {Pretty(weight.DType)}");
        if (bias is not null && bias.DType != input.DType)
            throw new ArgumentException($"expected scalar type {Pretty(input.DType)} but found {Pretty(bias.DType)}");
        if (groups <= 0) throw new ArgumentException("non-positive groups is not supported");
        if (stride.H <= 0 || stride.W <= 0) throw new ArgumentException("non-positive stride is not supported");
        if (padding.H < 0 || padding.W < 0) throw new ArgumentException("negative padding is not supported");
        if (dilation.H <= 0 || dilation.W <= 0) throw new ArgumentException("dilation should be greater than zero");
    }

    static void CheckBias(Tensor weight, Tensor? bias, int outChannels)
    {
        if (bias is not null && (bias.Dim() != 1 || bias.Size(0) != outChannels))
            throw new ArgumentException($"Given weight of size {ShapeMath.FormatList(weight.ShapeArray)}, expected bias to be 1-dimensional with {outChannels} elements, but got bias of size {ShapeMath.FormatList(bias.ShapeArray)} instead");
    }

    /// <summary>Every tensor of the op on one device (torch's message otherwise); each backend then runs the op where its tensors are.</summary>
    internal static void CheckDevices(string op, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        foreach (var t in new[] { b, c })
            if (t is not null && t.Device != a.Device)
                throw new InvalidOperationException($"Expected all tensors to be on the same device, but found at least two devices, {a.Device} and {t.Device}! ({op})");
    }

    internal static string Pretty(DType d) => d.ScalarTypeName();
}
