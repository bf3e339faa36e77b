namespace Bridge.Nn;

/// <summary>torch.nn.functional's convolutions. Sizes given as one number apply to every spatial dim, as torch's ints do.</summary>
public static partial class Functional
{
    /// <summary>torch.nn.functional.conv2d: input [N, C, H, W] or unbatched [C, H, W], weight [OC, C/groups, KH, KW], zero padding.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1) =>
        Batched(input, 4, "conv2d", x => Convolution.Conv2d(x, weight, bias, Pair(stride, 1, "stride"), Pair(padding, 0, "padding"), Pair(dilation, 1, "dilation"), groups));

    /// <summary>conv2d with <c>padding="valid"</c> (none) or <c>"same"</c> (output as large as the input; stride 1 only).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, string padding, int[]? dilation = null, int groups = 1)
    {
        var d = Pair(dilation, 1, "dilation");
        var s = Pair(stride, 1, "stride");
        if (padding == "valid") return Conv2d(input, weight, bias, stride, [0, 0], dilation, groups);
        if (padding != "same") throw new ArgumentException($"Invalid padding string: '{padding}'");
        if (s != (1, 1)) throw new ArgumentException("padding='same' is not supported for strided convolutions");
        if (weight.Dim() != 4) throw new ArgumentException($"conv2d: expected a 4-D weight, got {ShapeMath.FormatList(weight.ShapeArray)}");
        var (padH, extraH) = SamePadding(weight.Size32(2), d.H);
        var (padW, extraW) = SamePadding(weight.Size32(3), d.W);
        // ATen pads the extra element of an odd total on the bottom/right, then convolves with the symmetric part.
        var x = extraH == 0 && extraW == 0 ? input : Pad(input, [0, extraW, 0, extraH]);
        return Conv2d(x, weight, bias, stride, [padH, padW], dilation, groups);
    }

    /// <summary>torch.nn.functional.conv1d: input [N, C, L] or [C, L], weight [OC, C/groups, K]; runs as conv2d over a height of 1.</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
    {
        if (weight.Dim() != 3) throw new ArgumentException($"Expected 3-dimensional weight for conv1d, but got weight of size {ShapeMath.FormatList(weight.ShapeArray)}");
        return Batched(input, 3, "conv1d", x => Convolution.Conv2d(x.Unsqueeze(2), weight.Unsqueeze(2), bias,
            (1, Single(stride, 1, "stride")), (0, Single(padding, 0, "padding")), (1, Single(dilation, 1, "dilation")), groups).Squeeze(2));
    }

    /// <summary>conv1d with <c>padding="valid"</c> or <c>"same"</c>.</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, string padding, int[]? dilation = null, int groups = 1)
    {
        int d = Single(dilation, 1, "dilation");
        if (padding == "valid") return Conv1d(input, weight, bias, stride, [0], dilation, groups);
        if (padding != "same") throw new ArgumentException($"Invalid padding string: '{padding}'");
        if (Single(stride, 1, "stride") != 1) throw new ArgumentException("padding='same' is not supported for strided convolutions");
        if (weight.Dim() != 3) throw new ArgumentException($"Expected 3-dimensional weight for conv1d, but got weight of size {ShapeMath.FormatList(weight.ShapeArray)}");
        var (pad, extra) = SamePadding(weight.Size32(2), d);
        var x = extra == 0 ? input : Pad(input, [0, extra]);
        return Conv1d(x, weight, bias, stride, [pad], dilation, groups);
    }

    /// <summary>torch.nn.functional.conv_transpose2d: weight [C_in, C_out/groups, KH, KW]; the gradient of conv2d with respect to its input.</summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? outputPadding = null, int groups = 1, int[]? dilation = null) =>
        Batched(input, 4, "conv_transpose2d", x => Convolution.ConvTranspose2d(x, weight, bias, Pair(stride, 1, "stride"), Pair(padding, 0, "padding"),
            Pair(outputPadding, 0, "output_padding"), Pair(dilation, 1, "dilation"), groups));

    /// <summary>Runs <paramref name="op"/> on a batched input, adding and removing the batch dim for an unbatched one.</summary>
    static Tensor Batched(Tensor input, int batchedDims, string op, Func<Tensor, Tensor> run)
    {
        if (input.Dim() == batchedDims) return run(input);
        if (input.Dim() == batchedDims - 1) return run(input.Unsqueeze(0)).Squeeze(0);
        throw new ArgumentException($"Expected {batchedDims - 1}D (unbatched) or {batchedDims}D (batched) input to {op}, but got input of size: {ShapeMath.FormatList(input.ShapeArray)}");
    }

    /// <summary>Total padding dilation·(k − 1): the symmetric half, and the one extra element an odd total puts at the end.</summary>
    static (int Symmetric, int Extra) SamePadding(int kernel, int dilation)
    {
        int total = dilation * (kernel - 1);
        int left = total / 2;
        return (left, total - 2 * left);
    }

    internal static (int H, int W) Pair(int[]? values, int fallback, string name) => values switch
    {
        null => (fallback, fallback),
        [int v] => (v, v),
        [int h, int w] => (h, w),
        _ => throw new ArgumentException($"expected {name} to be a single integer value or a list of 2 values to match the convolution dimensions, but got {name}={ShapeMath.FormatList(values)}"),
    };

    internal static int Single(int[]? values, int fallback, string name) => values switch
    {
        null => fallback,
        [int v] => v,
        _ => throw new ArgumentException($"expected {name} to be a single integer value or a list of 1 values to match the convolution dimensions, but got {name}={ShapeMath.FormatList(values)}"),
    };
}
