namespace Bridge.Nn;

/// <summary>torch.nn.MaxPool2d; the stride defaults to the kernel size. <see cref="ForwardWithIndices"/> is return_indices=True.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Functional.MaxPool2dWithIndices(input, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>torch.nn.MaxPool1d over [N, C, L] or [C, L].</summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Functional.MaxPool1dWithIndices(input, kernelSize, stride ?? kernelSize, padding, dilation, ceilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>torch.nn.AvgPool2d; <paramref name="divisorOverride"/> 0 means none.</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int divisorOverride = 0) : Module
{
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad, divisorOverride);

    protected override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>torch.nn.AdaptiveAvgPool2d: averages adaptive windows down to a fixed [outH, outW].</summary>
public sealed class AdaptiveAvgPool2d(params int[] outputSize) : Module
{
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);

    protected override string ExtraRepr() => "output_size=" + (outputSize.Length == 1 ? $"{outputSize[0]}" : $"({string.Join(", ", outputSize)})");
}
