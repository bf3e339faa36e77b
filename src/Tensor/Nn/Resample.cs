using Bridge.Autograd;
using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge.Nn;

/// <summary>
/// torch.nn.functional.unfold / fold (im2col and col2im as ops, each the other's gradient) and interpolate
/// (nearest, bilinear), with ATen's source-index rules.
/// </summary>
public static partial class Functional
{
    /// <summary>torch.nn.functional.unfold: [N, C, H, W] → [N, C·KH·KW, L], each column one window (zero padded).</summary>
    public static Tensor Unfold(Tensor input, int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null)
    {
        if (input.Dim() is not (3 or 4))
            throw new ArgumentException($"Input Error: Only 3D or 4D input Tensors are supported (got {input.Dim()}D)");
        bool batched = input.Dim() == 4;
        var x = batched ? input : input.Unsqueeze(0);
        var k = Pair(kernelSize, 1, "kernel_size");
        var d = Pair(dilation, 1, "dilation");
        var p = Pair(padding, 0, "padding");
        var s = Pair(stride, 1, "stride");
        var g = FoldGeometry(x.Size32(1), x.Size32(2), x.Size32(3), k, d, p, s);
        var y = Folding.Unfold(x, g);
        return batched ? y : y.Squeeze(0);
    }

    /// <summary>torch.nn.functional.fold: [N, C·KH·KW, L] → [N, C, outH, outW], summing overlapping windows.</summary>
    public static Tensor Fold(Tensor input, int[] outputSize, int[] kernelSize, int[]? dilation = null, int[]? padding = null, int[]? stride = null)
    {
        if (input.Dim() is not (2 or 3))
            throw new ArgumentException($"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {input.Dim()}D)");
        bool batched = input.Dim() == 3;
        var x = batched ? input : input.Unsqueeze(0);
        var o = Pair(outputSize, 1, "output_size");
        var k = Pair(kernelSize, 1, "kernel_size");
        var d = Pair(dilation, 1, "dilation");
        var p = Pair(padding, 0, "padding");
        var s = Pair(stride, 1, "stride");
        int rows = x.Size32(1);
        if (rows % (k.H * k.W) != 0)
            throw new ArgumentException($"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={rows} and kernel_size=({k.H}, {k.W})");
        var g = FoldGeometry(rows / (k.H * k.W), o.H, o.W, k, d, p, s);
        if (x.Size(2) != g.Cols)
            throw new ArgumentException($"Given output_size=({o.H}, {o.W}), kernel_size=({k.H}, {k.W}), dilation=({d.H}, {d.W}), padding=({p.H}, {p.W}), stride=({s.H}, {s.W}), expected size of input's dimension 2 to match the calculated number of sliding blocks {g.OutH} * {g.OutW} = {g.Cols}, but got input.size(2)={x.Size(2)}.");
        var y = Folding.Fold(x, g);
        return batched ? y : y.Squeeze(0);
    }

    static ConvGeometry FoldGeometry(int channels, int h, int w, (int H, int W) k, (int H, int W) d, (int H, int W) p, (int H, int W) s)
    {
        if (k.H <= 0 || k.W <= 0) throw new ArgumentException($"kernel size should be greater than zero, but got kernel_height: {k.H} kernel_width: {k.W}");
        if (d.H <= 0 || d.W <= 0) throw new ArgumentException($"dilation should be greater than zero, but got dilation_height: {d.H} dilation_width: {d.W}");
        if (p.H < 0 || p.W < 0) throw new ArgumentException($"padding should be non-negative, but got pad_height: {p.H} pad_width: {p.W}");
        if (s.H <= 0 || s.W <= 0) throw new ArgumentException($"stride should be greater than zero, but got stride_height: {s.H} stride_width: {s.W}");
        int oh = ConvGeometry.OutputSize(h, k.H, s.H, p.H, d.H), ow = ConvGeometry.OutputSize(w, k.W, s.W, p.W, d.W);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"Given input with spatial size ({h}, {w}), kernel_size=({k.H}, {k.W}), dilation=({d.H}, {d.W}), padding=({p.H}, {p.W}), calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components must be at least one.");
        return new ConvGeometry(channels, h, w, k.H, k.W, s.H, s.W, p.H, p.W, d.H, d.W, oh, ow);
    }

    /// <summary>
    /// torch.nn.functional.interpolate for 3-D/4-D input: "nearest" (src = ⌊dst·scale⌋) or "bilinear"/"linear"
    /// (ATen's area_pixel_compute_source_index, honouring <paramref name="alignCorners"/>). Give either sizes or scale factors.
    /// </summary>
    public static Tensor Interpolate(Tensor input, int[]? size = null, double[]? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        int spatial = input.Dim() - 2;
        if (spatial is < 1 or > 2)
            throw new NotImplementedException($"Input Error: Only 3D and 4D input Tensors are supported by bridge (got {input.Dim()}D) for the modes: nearest | linear | bilinear (got {mode})");
        if (mode is not ("nearest" or "linear" or "bilinear"))
            throw new NotImplementedException($"interpolate: mode {mode} is not supported by bridge (nearest, linear, bilinear are)");
        if (mode == "nearest" && alignCorners is not null)
            throw new ArgumentException("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        if ((mode == "linear" && spatial != 1) || (mode == "bilinear" && spatial != 2))
            throw new NotImplementedException($"Got {input.Dim()}D input, but {mode} mode needs {(mode == "linear" ? 3 : 4)}D input");
        if ((size is null) == (scaleFactor is null)) throw new ArgumentException("either size or scale_factor should be defined");
        var sizes = new int[spatial];
        var scales = new double?[spatial];
        for (int d = 0; d < spatial; d++)
        {
            int inSize = input.Size32(2 + d);
            if (size is not null)
            {
                if (size.Length != 1 && size.Length != spatial)
                    throw new ArgumentException($"Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {ShapeMath.FormatList(input.ShapeArray[2..])} and output size of {ShapeMath.FormatList(size)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
                sizes[d] = size.Length == 1 ? size[0] : size[d];
            }
            else
            {
                if (scaleFactor!.Length != 1 && scaleFactor.Length != spatial)
                    throw new ArgumentException($"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of {ShapeMath.FormatList(input.ShapeArray[2..])} and scale_factor of shape {scaleFactor.Length}.");
                double f = scaleFactor.Length == 1 ? scaleFactor[0] : scaleFactor[d];
                sizes[d] = (int)Math.Floor(inSize * f);
                scales[d] = f;
            }
            if (sizes[d] <= 0) throw new ArgumentException($"Input and output sizes should be greater than 0, but got input size {ShapeMath.FormatList(input.ShapeArray[2..])} and output size {ShapeMath.FormatList(sizes)}");
        }
        var x = input;
        for (int d = 0; d < spatial; d++)
            x = mode == "nearest" ? NearestAlong(x, 2 + d, sizes[d], scales[d]) : LinearAlong(x, 2 + d, sizes[d], scales[d], alignCorners ?? false);
        return x;
    }

    /// <summary>ATen's nearest_idx: identity or i/2 for the exact sizes, else min(⌊i·scale⌋, in − 1) with a float scale.</summary>
    static Tensor NearestAlong(Tensor x, int dim, int outSize, double? scale)
    {
        int inSize = x.Size32(dim);
        if (outSize == inSize) return x;
        float s = scale is double given && given > 0 ? (float)(1.0 / given) : (float)inSize / outSize;
        var index = new int[outSize];
        for (int i = 0; i < outSize; i++) index[i] = outSize == 2 * inSize ? i >> 1 : Math.Min((int)MathF.Floor(i * s), inSize - 1);
        if (outSize % inSize == 0 && index.Select((v, i) => v == i / (outSize / inSize)).All(b => b))
        {
            // Each input row repeated f times: one expand and reshape instead of a gather.
            int f = outSize / inSize;
            int[] expanded = [.. x.ShapeArray[..(dim + 1)], f, .. x.ShapeArray[(dim + 1)..]];
            int[] result = (int[])x.ShapeArray.Clone();
            result[dim] = outSize;
            return x.Unsqueeze(dim + 1).Expand(expanded).Reshape(result);
        }
        return GatherAlong(x, dim, index);
    }

    /// <summary>Linear interpolation along one dim: x[i0]·λ0 + x[i1]·λ1 with ATen's source index and clamping.</summary>
    static Tensor LinearAlong(Tensor x, int dim, int outSize, double? scale, bool alignCorners)
    {
        int inSize = x.Size32(dim);
        double s = alignCorners ? (outSize > 1 ? (inSize - 1.0) / (outSize - 1.0) : 0.0)
            : scale is double given && given > 0 ? 1.0 / given : (double)inSize / outSize;
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var l0 = new double[outSize];
        var l1 = new double[outSize];
        for (int i = 0; i < outSize; i++)
        {
            // ATen's opmath: float arithmetic for float input, double for double.
            if (x.DType == DType.Float64) (i0[i], i1[i], l0[i], l1[i]) = LinearSource(s, i, inSize, alignCorners);
            else
            {
                var (a, b, c, d) = LinearSource((float)s, i, inSize, alignCorners);
                (i0[i], i1[i], l0[i], l1[i]) = (a, b, c, d);
            }
        }
        var shape = Enumerable.Repeat(1, x.Dim()).ToArray();
        shape[dim] = outSize;
        var w0 = Torch.Tensor(l0, x.DType).Reshape(shape).To(x.Device);
        var w1 = Torch.Tensor(l1, x.DType).Reshape(shape).To(x.Device);
        return GatherAlong(x, dim, i0) * w0 + GatherAlong(x, dim, i1) * w1;
    }

    /// <summary>area_pixel_compute_source_index and the two taps with their weights, in <typeparamref name="T"/>'s arithmetic.</summary>
    static (int I0, int I1, T L0, T L1) LinearSource<T>(T scale, int dst, int inSize, bool alignCorners) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        T src = alignCorners ? scale * T.CreateTruncating(dst) : T.Max(scale * (T.CreateTruncating(dst) + half) - half, T.Zero);
        int h0 = Math.Min(int.CreateTruncating(src), inSize - 1);
        T lambda = T.Min(T.Max(src - T.CreateTruncating(h0), T.Zero), T.One);
        return (h0, h0 + (h0 < inSize - 1 ? 1 : 0), T.One - lambda, lambda);
    }

    /// <summary>x[..., index[k], ...] along <paramref name="dim"/>, as narrows of consecutive runs joined by cat (differentiable on every device).</summary>
    static Tensor GatherAlong(Tensor x, int dim, int[] index)
    {
        var parts = new List<Tensor>();
        for (int k = 0; k < index.Length;)
        {
            int run = 1;
            while (k + run < index.Length && index[k + run] == index[k] + run) run++;
            parts.Add(x.Narrow(dim, index[k], run));
            k += run;
        }
        return parts.Count == 1 ? parts[0] : Tensor.Cat([.. parts], dim);
    }
}

/// <summary>im2col / col2im over a batch as autograd primitives; each is the other's backward.</summary>
internal static class Folding
{
    public static Tensor Unfold(Tensor input, ConvGeometry g)
    {
        CheckFloat(input, "im2col");
        int n = input.Size32(0);
        Tensor x;
        using (GradMode.Set(false)) x = input.Contiguous();
        var output = Tensor.Allocate([n, g.Rows, g.Cols], input.DType, input.Device, zero: false);
        Backend.Unfold(x, output, g);
        return Recording.Record(output, "Im2ColBackward0", [input], gy => [Fold(gy, g)]);
    }

    public static Tensor Fold(Tensor input, ConvGeometry g)
    {
        CheckFloat(input, "col2im");
        int n = input.Size32(0);
        Tensor x;
        using (GradMode.Set(false)) x = input.Contiguous();
        var output = Tensor.Allocate([n, g.Channels, g.Height, g.Width], input.DType, input.Device, zero: false);
        Backend.Fold(x, output, g);
        return Recording.Record(output, "Col2ImBackward0", [input], gy => [Unfold(gy, g)]);
    }

    static void CheckFloat(Tensor t, string op)
    {
        if (t.DType is not (DType.Float32 or DType.Float64))
            throw new NotSupportedException($"\"{op}_out_cpu\" not implemented for '{Convolution.Pretty(t.DType)}'");
    }
}
