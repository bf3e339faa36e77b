namespace Bridge.Nn;

/// <summary>torch.nn.MaxPool2d; the stride defaults to the kernel size. <see cref="ForwardWithIndices"/> is return_indices=True.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    /// <summary>
    /// Max over each window of <paramref name="input"/> [N, C, H, W] (or [C, H, W]); H_out = ⌊(H + 2·padding -
    /// dilation·(kernel - 1) - 1) / stride⌋ + 1 (rounded up with ceilMode).
    /// </summary>
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    /// <summary>
    /// The max-pooled output and, for each output element, the flat index (within its H·W plane) of the element it came
    /// from (torch's return_indices=True).
    /// </summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Functional.MaxPool2dWithIndices(input, [kernelSize], [stride ?? kernelSize], [padding], [dilation], ceilMode);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>torch.nn.MaxPool1d over [N, C, L] or [C, L].</summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false) : Module
{
    /// <summary>
    /// Max over each window of <paramref name="input"/> [N, C, L] (or [C, L]); L_out = ⌊(L + 2·padding -
    /// dilation·(kernel - 1) - 1) / stride⌋ + 1 (rounded up with ceilMode).
    /// </summary>
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    /// <summary>
    /// The max-pooled output and, for each output element, the index along L of the element it came from (torch's
    /// return_indices=True).
    /// </summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        Functional.MaxPool1dWithIndices(input, kernelSize, stride ?? kernelSize, padding, dilation, ceilMode);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}, dilation={dilation}, ceil_mode={(ceilMode ? "True" : "False")}";
}

/// <summary>torch.nn.AvgPool2d; <paramref name="divisorOverride"/> 0 means none.</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int divisorOverride = 0) : Module
{
    /// <summary>
    /// Mean over each window of <paramref name="input"/> [N, C, H, W] (or [C, H, W]); padding counts as zeros in the
    /// mean unless countIncludePad is false.
    /// </summary>
    public override Tensor Forward(Tensor input) =>
        Functional.AvgPool2d(input, [kernelSize], [stride ?? kernelSize], [padding], ceilMode, countIncludePad, divisorOverride);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={kernelSize}, stride={stride ?? kernelSize}, padding={padding}";
}

/// <summary>torch.nn.AdaptiveAvgPool2d: averages adaptive windows down to a fixed [outH, outW].</summary>
public sealed class AdaptiveAvgPool2d(params int[] outputSize) : Module
{
    /// <summary>
    /// Averages <paramref name="input"/> [N, C, H, W] (or [C, H, W]) over windows chosen so that the output is [N, C,
    /// outH, outW] for any input size (one size given: square).
    /// </summary>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, outputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr() => "output_size=" + (outputSize.Length == 1 ? $"{outputSize[0]}" : $"({string.Join(", ", outputSize)})");
}
