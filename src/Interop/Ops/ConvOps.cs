using Bridge.Nn;

namespace Bridge.Interop;

// Convolutions, pooling, normalisation and resampling (torch.nn.functional and the layers' initial draws).
static partial class OpTable
{
    static void RegisterConv()
    {
        // (kind, in_channels, out_channels, kernel_size, groups, bias, dtype) -> [weight, bias]: torch's reset_parameters draws.
        Add("conv_init", a =>
        {
            int cin = a.Int(1), cout = a.Int(2), groups = a.Int(4);
            int[] kernel = a.Ints(3);
            bool bias = a.Bool(5);
            var dtype = a.DType(6);
            ConvNd layer = a.String(0) switch
            {
                "conv1d" => new Conv1d(cin, cout, kernel[0], groups: groups, bias: bias, dtype: dtype),
                "conv2d" => new Conv2d(cin, cout, kernel, groups: groups, bias: bias, dtype: dtype),
                "conv_transpose2d" => new ConvTranspose2d(cin, cout, kernel, groups: groups, bias: bias, dtype: dtype),
                var other => throw new ArgumentException($"conv_init: unknown kind {other}"),
            };
            return Results.Tensors(layer.Weight, layer.Bias);
        });
        Add("conv2d", a => T(Functional.Conv2d(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Ints(3), a.Ints(4), a.Ints(5), a.Int(6))));
        Add("conv2d_padding_str", a => T(Functional.Conv2d(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Ints(3), a.String(4), a.Ints(5), a.Int(6))));
        Add("conv1d", a => T(Functional.Conv1d(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Ints(3), a.Ints(4), a.Ints(5), a.Int(6))));
        Add("conv1d_padding_str", a => T(Functional.Conv1d(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Ints(3), a.String(4), a.Ints(5), a.Int(6))));
        Add("conv_transpose2d", a => T(Functional.ConvTranspose2d(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2), a.Ints(3), a.Ints(4), a.Ints(5), a.Int(6), a.Ints(7))));
        Add("pad", a => T(Functional.Pad(a.Tensor(0), a.Ints(1), a.String(2), a.Double(3))));

        // (input, kernel, stride, padding, dilation, ceil_mode) -> [output, indices]
        Add("max_pool2d_with_indices", a =>
        {
            var (output, indices) = Functional.MaxPool2dWithIndices(a.Tensor(0), a.Ints(1), a.Ints(2), a.Ints(3), a.Ints(4), a.Bool(5));
            return Results.Tensors(output, indices);
        });
        Add("max_pool1d_with_indices", a =>
        {
            var (output, indices) = Functional.MaxPool1dWithIndices(a.Tensor(0), a.Int(1), a.Int(2), a.Int(3), a.Int(4), a.Bool(5));
            return Results.Tensors(output, indices);
        });
        Add("avg_pool2d", a => T(Functional.AvgPool2d(a.Tensor(0), a.Ints(1), a.Ints(2), a.Ints(3), a.Bool(4), a.Bool(5), a.IsNone(6) ? 0 : a.Int(6))));
        Add("adaptive_avg_pool2d", a =>
        {
            var sizes = a.Longs(1);
            return T(Functional.AdaptiveAvgPool2d(a.Tensor(0), [.. sizes.ToArray().Select(v => v < 0 ? (int?)null : checked((int)v))]));
        });
        Add("batch_norm", a => T(Functional.BatchNorm(a.Tensor(0), a.OptionalTensor(1), a.OptionalTensor(2), a.OptionalTensor(3), a.OptionalTensor(4),
            a.Bool(5), a.Double(6), a.Double(7))));
        Add("group_norm", a => T(Functional.GroupNorm(a.Tensor(0), a.Int(1), a.OptionalTensor(2), a.OptionalTensor(3), a.Double(4))));
        Add("dropout2d", a => T(Functional.Dropout2d(a.Tensor(0), a.Double(1), a.Bool(2))));
        Add("unfold", a => T(Functional.Unfold(a.Tensor(0), a.Ints(1), a.Ints(2), a.Ints(3), a.Ints(4))));
        Add("fold", a => T(Functional.Fold(a.Tensor(0), a.Ints(1), a.Ints(2), a.Ints(3), a.Ints(4), a.Ints(5))));
        // (input, size ints or None, scale_factor floats or None, mode, align_corners or None)
        Add("interpolate", a => T(Functional.Interpolate(a.Tensor(0), a.IsNone(1) ? null : a.Ints(1), a.IsNone(2) ? null : a.Doubles(2).ToArray(),
            a.String(3), a.IsNone(4) ? null : a.Bool(4))));
    }
}
