using System.Numerics;
using Bridge.Autograd;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// The convolution primitives behind conv1d/conv2d/conv_transpose2d: validation with torch's messages, then one
/// node each (<c>ConvolutionBackward0</c>) whose backward computes the input, weight and bias gradients with the
/// packed-GEMM kernels in <see cref="ConvKernels{T}"/>. 1-D convolutions run as 2-D ones over a height of 1.
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>Conv over a batched [N, C, H, W] input with zero padding (ph, pw) on both sides.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups)
    {
        if (OffHost("conv2d", input, weight, bias) is Device device)
            return Conv2d(input.Cpu(), weight.Cpu(), bias?.Cpu(), stride, padding, dilation, groups).To(device);
        CheckCommon(input, weight, bias, "conv2d", stride, padding, dilation, groups);
        int n = input.Size(0), c = input.Size(1), h = input.Size(2), w = input.Size(3);
        int oc = weight.Size(0), kh = weight.Size(2), kw = weight.Size(3);
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
            output = Tensor.Allocate([n, oc, geometry.OutH, geometry.OutW], input.DType, zero: false);
            var b = bias?.Contiguous();
            Dispatch(input.DType, new ForwardCall(x, wt, b, output, n, groups, oc, geometry));
        }
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Recording.Record(output, "ConvolutionBackward0", inputs, g =>
        {
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad) gx = Tensor.Allocate(input.ShapeArray, input.DType, zero: false);
            if (weight.RequiresGrad) gw = Tensor.Allocate(weight.ShapeArray, weight.DType, zero: false);
            if (gx is not null || gw is not null) Dispatch(input.DType, new BackwardCall(x, wt, gy, gx, gw, n, groups, oc, geometry));
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Allocate([oc], bias.DType, zero: false);
                Dispatch(input.DType, new BackwardBiasCall(gy, gb, n, oc, geometry.Cols));
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        }, x, wt);
    }

    /// <summary>The adjoint of <see cref="Conv2d"/> (its input gradient) as a layer: weight [C_in, C_out/groups, KH, KW].</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias, (int H, int W) stride, (int H, int W) padding,
        (int H, int W) outputPadding, (int H, int W) dilation, int groups)
    {
        if (OffHost("conv_transpose2d", input, weight, bias) is Device device)
            return ConvTranspose2d(input.Cpu(), weight.Cpu(), bias?.Cpu(), stride, padding, outputPadding, dilation, groups).To(device);
        CheckCommon(input, weight, bias, "conv_transpose2d", stride, padding, dilation, groups);
        if (outputPadding.H < 0 || outputPadding.W < 0) throw new ArgumentException("negative output_padding is not supported");
        if ((outputPadding.H >= stride.H && outputPadding.H >= dilation.H) || (outputPadding.W >= stride.W && outputPadding.W >= dilation.W))
            throw new ArgumentException($"output padding must be smaller than either stride or dilation, but got output_padding_height: {outputPadding.H} output_padding_width: {outputPadding.W} stride_height: {stride.H} stride_width: {stride.W} dilation_height: {dilation.H} dilation_width: {dilation.W}");
        int n = input.Size(0), cin = input.Size(1), h = input.Size(2), w = input.Size(3);
        int kh = weight.Size(2), kw = weight.Size(3);
        if (weight.Size(0) != cin)
            throw new ArgumentException($"Given transposed=1, weight of size {ShapeMath.FormatList(weight.ShapeArray)}, expected input{ShapeMath.FormatList(input.ShapeArray)} to have {weight.Size(0)} channels, but got {cin} channels instead");
        if (cin % groups != 0)
            throw new ArgumentException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {ShapeMath.FormatList(weight.ShapeArray)} instead");
        int ocg = weight.Size(1), oc = ocg * groups;
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
            output = Tensor.Allocate([n, oc, oh, ow], input.DType, zero: false);
            Dispatch(input.DType, new BackwardCall(null, wt, x, output, null, n, groups, cin, geometry));
            if (bias is not null) output.Add_(bias.Reshape(oc, 1, 1));
        }
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Recording.Record(output, "ConvolutionBackward0", inputs, g =>
        {
            var gy = g.Contiguous();
            Tensor? gx = null, gw = null, gb = null;
            if (input.RequiresGrad)
            {
                gx = Tensor.Allocate(input.ShapeArray, input.DType, zero: false);
                Dispatch(input.DType, new ForwardCall(gy, wt, null, gx, n, groups, cin, geometry));
            }
            if (weight.RequiresGrad)
            {
                gw = Tensor.Allocate(weight.ShapeArray, weight.DType, zero: false);
                Dispatch(input.DType, new BackwardCall(gy, wt, x, null, gw, n, groups, cin, geometry));
            }
            if (bias is { RequiresGrad: true })
            {
                gb = Tensor.Allocate([oc], bias.DType, zero: false);
                Dispatch(input.DType, new BackwardBiasCall(gy, gb, n, oc, oh * ow));
            }
            return bias is null ? [gx, gw] : [gx, gw, gb];
        }, x, wt);
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

    /// <summary>
    /// The device of the op's tensors when it is not the CPU (null on the CPU). These ops have CPU kernels only, so
    /// device tensors run through the host: the inputs are copied over (recorded, so gradients flow back to the
    /// device) and the result is copied back. Correct on every device; a CUDA kernel would make it fast.
    /// </summary>
    internal static Device? OffHost(string op, Tensor a, Tensor? b = null, Tensor? c = null)
    {
        foreach (var t in new[] { b, c })
            if (t is not null && t.Device != a.Device)
                throw new InvalidOperationException($"Expected all tensors to be on the same device, but found at least two devices, {a.Device} and {t.Device}! ({op})");
        return a.Device == Device.Cpu ? null : a.Device;
    }

    internal static string Pretty(DType d) => d.ScalarTypeName();

    interface IKernelCall
    {
        void Run<T>() where T : unmanaged, INumber<T>;
    }

    static void Dispatch<TCall>(DType dtype, TCall call) where TCall : IKernelCall
    {
        if (dtype == DType.Float64) call.Run<double>();
        else call.Run<float>();
    }

    static T* P<T>(Tensor t) where T : unmanaged => (T*)t.Storage.Raw + t.StorageOffset;

    readonly struct ForwardCall(Tensor x, Tensor w, Tensor? b, Tensor y, int n, int groups, int oc, ConvGeometry g) : IKernelCall
    {
        public void Run<T>() where T : unmanaged, INumber<T> =>
            ConvKernels<T>.Forward(P<T>(x), P<T>(w), b is null ? null : P<T>(b), P<T>(y), n, groups, oc, g);
    }

    readonly struct BackwardCall(Tensor? x, Tensor w, Tensor gy, Tensor? gx, Tensor? gw, int n, int groups, int oc, ConvGeometry g) : IKernelCall
    {
        public void Run<T>() where T : unmanaged, INumber<T> => ConvKernels<T>.Backward(x is null ? null : P<T>(x), P<T>(w), P<T>(gy),
            gx is null ? null : P<T>(gx), gw is null ? null : P<T>(gw), n, groups, oc, g);
    }

    readonly struct BackwardBiasCall(Tensor gy, Tensor gb, int n, int oc, int positions) : IKernelCall
    {
        public void Run<T>() where T : unmanaged, INumber<T> => ConvKernels<T>.BackwardBias(P<T>(gy), P<T>(gb), n, oc, positions);
    }
}
