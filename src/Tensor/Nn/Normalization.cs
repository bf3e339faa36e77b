using Bridge.Autograd;

namespace Bridge.Nn;

/// <summary>
/// Batch and group normalisation and channel dropout, composed from the differentiable tensor ops (so their
/// gradients follow from the tape and they run on every device those ops run on).
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.batch_norm over [N, C, *]: in training, normalises with the batch's per-channel mean and biased
    /// variance and (when given) moves running_mean/running_var towards them by <paramref name="momentum"/>, the
    /// variance unbiased by n/(n-1) as torch does; in eval, normalises with the running statistics.
    /// y = (x − mean) / √(var + eps) · weight + bias.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Dim() < 2) throw new ArgumentException($"batch_norm: expected at least 2-D input, got {ShapeMath.FormatList(input.ShapeArray)}");
        int channels = input.Size32(1);
        int[] dims = [0, .. Enumerable.Range(2, input.Dim() - 2)];
        var shape = ChannelShape(input);
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t is not null && t.Numel() != channels)
                throw new ArgumentException($"{name} should contain {channels} elements not {t.Numel()}");
        Tensor mean, variance;
        if (training)
        {
            int perChannel = input.Numel32 / Math.Max(1, channels);
            if (perChannel <= 1)
                throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {ShapeMath.FormatList(input.ShapeArray)}");
            if (FusedBatchNormApplies(input, runningMean, runningVar, weight, bias))
                return FusedBatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
            mean = input.Mean(dims, keepDim: true);
            var centred = input - mean;
            variance = (centred * centred).Mean(dims, keepDim: true);
            using (GradMode.Set(false))
            {
                if (runningMean is not null)
                    runningMean.Copy_(mean.Detach().Reshape(channels) * momentum + runningMean * (1 - momentum));
                if (runningVar is not null)
                    runningVar.Copy_(variance.Detach().Reshape(channels) * (momentum * perChannel / (perChannel - 1)) + runningVar * (1 - momentum));
            }
            var normalised = centred / (variance + eps).Sqrt();
            return Affine(normalised, weight, bias, shape);
        }
        if (runningMean is null) throw new ArgumentException("running_mean must be defined in evaluation mode");
        if (runningVar is null) throw new ArgumentException("running_var must be defined in evaluation mode");
        if (FusedBatchNormApplies(input, runningMean, runningVar, weight, bias))
            return FusedBatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
        mean = runningMean.Reshape(shape);
        variance = runningVar.Reshape(shape);
        return Affine((input - mean) / (variance + eps).Sqrt(), weight, bias, shape);
    }

    /// <summary>torch.nn.functional.group_norm: statistics per sample over each group of C/numGroups channels and all positions.</summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (input.Dim() < 2) throw new ArgumentException($"Expected at least 2 dimensions for input tensor but received {input.Dim()}");
        int n = input.Size32(0), channels = input.Size32(1);
        if (numGroups <= 0 || channels % numGroups != 0)
            throw new ArgumentException($"Expected number of channels in input to be divisible by num_groups, but got input of shape {ShapeMath.FormatList(input.ShapeArray)} and num_groups={numGroups}");
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Dim() != 1 || t.Numel() != channels))
                throw new ArgumentException($"Expected {name} to be a vector of size equal to the number of channels in input, but got {name} of shape {ShapeMath.FormatList(t.ShapeArray)} and input of shape {ShapeMath.FormatList(input.ShapeArray)}");
        var grouped = input.Reshape(n, numGroups, -1);
        var mean = grouped.Mean(2, keepDim: true);
        var centred = grouped - mean;
        var variance = (centred * centred).Mean(2, keepDim: true);
        var normalised = (centred / (variance + eps).Sqrt()).Reshape(input.ShapeArray);
        return Affine(normalised, weight, bias, ChannelShape(input));
    }

    /// <summary>
    /// torch.nn.functional.dropout2d (ATen's feature_dropout): zeroes whole channels, one Bernoulli(1 − p) draw per
    /// [n, c] (a 3-D input is read as [N, C, L], as torch 1.13 does), survivors scaled by 1/(1 − p).
    /// </summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
        if (input.Dim() < 2) throw new ArgumentException("Feature dropout requires at least 2 dimensions in the input");
        if (!training || p == 0) return input;
        if (p == 1) return input * 0.0;
        int[] noiseShape = [input.Size32(0), input.Size32(1), .. Enumerable.Repeat(1, input.Dim() - 2)];
        var noise = Torch.Zeros(noiseShape, input.DType, input.Device).Bernoulli_(1 - p);
        noise.Div_(1 - p);
        return input * noise;
    }

    /// <summary>[1, C, 1, ...]: a per-channel vector broadcast against [N, C, *].</summary>
    static int[] ChannelShape(Tensor input)
    {
        var shape = Enumerable.Repeat(1, input.Dim()).ToArray();
        shape[1] = input.Size32(1);
        return shape;
    }

    static Tensor Affine(Tensor normalised, Tensor? weight, Tensor? bias, int[] shape)
    {
        var y = weight is null ? normalised : normalised * weight.Reshape(shape);
        return bias is null ? y : y + bias.Reshape(shape);
    }
}
