using System.Globalization;
using Bridge.Random;

namespace Bridge.Nn;

/// <summary>
/// What Conv1d, Conv2d and ConvTranspose2d share (torch's _ConvNd): the hyper-parameters, the weight and bias
/// drawn as torch's reset_parameters draws them, padding modes, and the printout.
/// </summary>
public abstract class ConvNd : Module
{
    /// <summary>C_in, channels the input must have (dim 1, or dim 0 unbatched).</summary>
    public int InChannels { get; }
    /// <summary>C_out, channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>Kernel extent per spatial dim.</summary>
    public int[] KernelSize { get; }
    /// <summary>Step between kernel positions per spatial dim (for a transposed conv: the upsampling factor).</summary>
    public int[] Stride { get; }
    /// <summary>Per-dim zero padding; all zeros when <see cref="PaddingString"/> is set.</summary>
    public int[] Padding { get; }
    /// <summary>"same" or "valid" when the layer was built with a padding string, else null.</summary>
    public string? PaddingString { get; }
    /// <summary>Spacing between kernel taps per spatial dim (1: adjacent).</summary>
    public int[] Dilation { get; }
    /// <summary>
    /// Extra size added to one side of a transposed conv's output per spatial dim; zeros for ordinary convolutions.
    /// </summary>
    public int[] OutputPadding { get; }
    /// <summary>Channel groups: C_in and C_out split into this many independent convolutions.</summary>
    public int Groups { get; }
    /// <summary>"zeros", "reflect", "replicate" or "circular".</summary>
    public string PaddingMode { get; }
    /// <summary>
    /// Learnable kernel: [C_out, C_in/groups, *kernel] ([C_in, C_out/groups, *kernel] for a transposed conv), drawn
    /// kaiming_uniform_(a=√5) as torch does.
    /// </summary>
    public Tensor Weight { get; set; }
    /// <summary>Learnable bias [C_out], drawn U(-1/√fan_in, 1/√fan_in); null without bias.</summary>
    public Tensor? Bias { get; set; }

    private protected ConvNd(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, string? paddingString, int[] dilation,
        bool transposed, int[] outputPadding, int groups, bool bias, string paddingMode, DType dtype, Generator? generator)
    {
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups");
        if (paddingMode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException($"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{paddingMode}'");
        if (paddingString is not (null or "same" or "valid"))
            throw new ArgumentException($"Invalid padding string '{paddingString}', should be one of ['valid', 'same']");
        if (paddingString == "same" && stride.Any(s => s != 1))
            throw new ArgumentException("padding='same' is not supported for strided convolutions");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        PaddingString = paddingString;
        Dilation = dilation;
        OutputPadding = outputPadding;
        Groups = groups;
        PaddingMode = paddingMode;
        int[] shape = transposed ? [inChannels, outChannels / groups, .. kernelSize] : [outChannels, inChannels / groups, .. kernelSize];
        var w = Torch.Zeros(shape, dtype, Device.Cpu);
        var b = Torch.Zeros([outChannels], dtype, Device.Cpu);
        // reset_parameters: kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        // fan_in = weight.size(1) · receptive field (for a transposed conv that is out_channels/groups).
        int fanIn = shape[1] * kernelSize.Aggregate(1, (p, k) => p * k);
        var g = generator ?? Generator.Default;
        if (dtype == DType.Float64) Fill(w.ContiguousSpan<double>(), bias ? b.ContiguousSpan<double>() : [], fanIn, g);
        else Fill(w.ContiguousSpan<float>(), bias ? b.ContiguousSpan<float>() : [], fanIn, g);
        Weight = Parameter(w.To(Torch.DefaultDevice));
        Bias = bias ? Parameter(b.To(Torch.DefaultDevice)) : null;
        RegisterParameter("weight", () => Weight);
        RegisterParameter("bias", () => Bias);
    }

    static void Fill<T>(Span<T> weight, Span<T> bias, int fanIn, Generator g) where T : System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        if (weight.IsEmpty) return; // torch warns and draws nothing for a zero-element tensor
        double bound = LinearInit.KaimingUniformBound(fanIn, Math.Sqrt(5.0));
        g.FillUniform(weight, -bound, bound);
        if (!bias.IsEmpty && fanIn != 0)
        {
            double biasBound = 1 / Math.Sqrt(fanIn);
            g.FillUniform(bias, -biasBound, biasBound);
        }
    }

    /// <summary>torch's _reversed_padding_repeated_twice: F.pad's list for a non-zeros padding mode (last dim first).</summary>
    private protected int[] ReversedPadding()
    {
        var pad = new int[2 * KernelSize.Length];
        for (int d = 0; d < KernelSize.Length; d++)
        {
            int slot = 2 * (KernelSize.Length - 1 - d);
            if (PaddingString == "same")
            {
                int total = Dilation[d] * (KernelSize[d] - 1), left = total / 2;
                (pad[slot], pad[slot + 1]) = (left, total - left);
            }
            else (pad[slot], pad[slot + 1]) = (Padding[d], Padding[d]);
        }
        return pad;
    }

    /// <summary>The input with its non-zeros padding applied (the conv then runs unpadded), or as it is for "zeros".</summary>
    private protected Tensor PaddedInput(Tensor input) => PaddingMode == "zeros" ? input : Functional.Pad(input, ReversedPadding(), PaddingMode);

    private protected bool PadsItself => PaddingMode != "zeros";

    static string Tuple(int[] v) => v.Length == 1 ? $"({v[0]},)" : "(" + string.Join(", ", v) + ")";

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Tuple(KernelSize)}, stride={Tuple(Stride)}";
        if (PaddingString is not null) s += $", padding={PaddingString}";
        else if (Padding.Any(p => p != 0)) s += $", padding={Tuple(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={Tuple(Dilation)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={Tuple(OutputPadding)}";
        if (Groups != 1) s += ", groups=" + Groups.ToString(CultureInfo.InvariantCulture);
        if (Bias is null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }

    private protected static int[] Repeat(int value, int dims) => Enumerable.Repeat(value, dims).ToArray();
}

/// <summary>torch.nn.Conv2d: a 2-D convolution over [N, C, H, W] (or [C, H, W]) with torch's default initialisation.</summary>
public sealed class Conv2d : ConvNd
{
    /// <summary>torch's <c>Conv2d</c> with square kernel, stride, padding and dilation.</summary>
    /// <param name="inChannels">C_in, channels of the input.</param>
    /// <param name="outChannels">C_out, channels of the output.</param>
    /// <param name="kernelSize">Kernel extent.</param>
    /// <param name="stride">Step between kernel positions.</param>
    /// <param name="padding">Zeros (or the padding mode's values) added on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups: in and out channels are split into this many independent convolutions; must
    /// divide both.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="paddingMode"><c>"zeros"</c>, <c>"reflect"</c>, <c>"replicate"</c> or <c>"circular"</c>.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">groups not positive or not dividing the channel counts, or an unknown
    /// padding mode.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, string paddingMode = "zeros", DType dtype = DType.Float32, Generator? generator = null)
        : this(inChannels, outChannels, [kernelSize, kernelSize], [stride, stride], [padding, padding], [dilation, dilation], groups, bias, paddingMode, dtype, generator) { }

    /// <summary>
    /// torch's <c>Conv2d</c> with per-dim (height, width) values; a one-element array applies to both dims.
    /// </summary>
    /// <param name="inChannels">C_in, channels of the input.</param>
    /// <param name="outChannels">C_out, channels of the output.</param>
    /// <param name="kernelSize">Kernel extent.</param>
    /// <param name="stride">Step between kernel positions.</param>
    /// <param name="padding">Zeros (or the padding mode's values) added on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups: in and out channels are split into this many independent convolutions; must
    /// divide both.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="paddingMode"><c>"zeros"</c>, <c>"reflect"</c>, <c>"replicate"</c> or <c>"circular"</c>.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">groups not positive or not dividing the channel counts, or an unknown
    /// padding mode.</exception>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1,
        bool bias = true, string paddingMode = "zeros", DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, Two(kernelSize), Two(stride ?? [1]), Two(padding ?? [0]), null, Two(dilation ?? [1]), false, [0, 0], groups, bias, paddingMode, dtype, generator) { }

    /// <summary>With <c>padding="same"</c> or <c>"valid"</c>.</summary>
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1,
        bool bias = true, string paddingMode = "zeros", DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, Two(kernelSize), Two(stride ?? [1]), [0, 0], padding, Two(dilation ?? [1]), false, [0, 0], groups, bias, paddingMode, dtype, generator) { }

    static int[] Two(int[] v) => v.Length == 1 ? [v[0], v[0]] : v.Length == 2 ? v : throw new ArgumentException($"expected 1 or 2 values, got {v.Length}");

    /// <summary>
    /// Convolves <paramref name="input"/> [N, C_in, H, W] (or [C_in, H, W]) to [N, C_out, H_out, W_out], H_out = ⌊(H +
    /// 2·padding - dilation·(kernel - 1) - 1) / stride⌋ + 1.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank or channel count does not fit the layer.</exception>
    public override Tensor Forward(Tensor input)
    {
        if (PadsItself) return Functional.Conv2d(PaddedInput(input), Weight, Bias, Stride, [0, 0], Dilation, Groups);
        return PaddingString is null
            ? Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups)
            : Functional.Conv2d(input, Weight, Bias, Stride, PaddingString, Dilation, Groups);
    }
}

/// <summary>torch.nn.Conv1d: a 1-D convolution over [N, C, L] (or [C, L]).</summary>
public sealed class Conv1d : ConvNd
{
    /// <summary>torch's <c>Conv1d</c>.</summary>
    /// <param name="inChannels">C_in, channels of the input.</param>
    /// <param name="outChannels">C_out, channels of the output.</param>
    /// <param name="kernelSize">Kernel extent.</param>
    /// <param name="stride">Step between kernel positions.</param>
    /// <param name="padding">Zeros (or the padding mode's values) added on each side.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="groups">Channel groups: in and out channels are split into this many independent convolutions; must
    /// divide both.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="paddingMode"><c>"zeros"</c>, <c>"reflect"</c>, <c>"replicate"</c> or <c>"circular"</c>.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">groups not positive or not dividing the channel counts, or an unknown
    /// padding mode.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1,
        bool bias = true, string paddingMode = "zeros", DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], false, [0], groups, bias, paddingMode, dtype, generator) { }

    /// <summary>With <c>padding="same"</c> or <c>"valid"</c>.</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1, int groups = 1,
        bool bias = true, string paddingMode = "zeros", DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize], [stride], [0], padding, [dilation], false, [0], groups, bias, paddingMode, dtype, generator) { }

    /// <summary>
    /// Convolves <paramref name="input"/> [N, C_in, L] (or [C_in, L]) to [N, C_out, L_out], L_out = ⌊(L + 2·padding -
    /// dilation·(kernel - 1) - 1) / stride⌋ + 1.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank or channel count does not fit the layer.</exception>
    public override Tensor Forward(Tensor input)
    {
        if (PadsItself) return Functional.Conv1d(PaddedInput(input), Weight, Bias, Stride, [0], Dilation, Groups);
        return PaddingString is null
            ? Functional.Conv1d(input, Weight, Bias, Stride, Padding, Dilation, Groups)
            : Functional.Conv1d(input, Weight, Bias, Stride, PaddingString, Dilation, Groups);
    }
}

/// <summary>torch.nn.ConvTranspose2d: the gradient of a Conv2d as a layer (upsampling), weight [C_in, C_out/groups, KH, KW].</summary>
public sealed class ConvTranspose2d : ConvNd
{
    /// <summary>
    /// torch's <c>ConvTranspose2d</c> with square kernel, stride, padding, output padding and dilation.
    /// </summary>
    /// <param name="inChannels">C_in, channels of the input.</param>
    /// <param name="outChannels">C_out, channels of the output.</param>
    /// <param name="kernelSize">Kernel extent.</param>
    /// <param name="stride">Upsampling step.</param>
    /// <param name="padding">dilation·(kernel - 1) - padding zeros are added to each side of the input.</param>
    /// <param name="outputPadding">Extra size added to one side of the output (to pick among the sizes a strided Conv2d
    /// maps to the same shape).</param>
    /// <param name="groups">Channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">groups not positive or not dividing the channel counts.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1,
        bool bias = true, int dilation = 1, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, [kernelSize, kernelSize], [stride, stride], [padding, padding], null, [dilation, dilation], true,
            [outputPadding, outputPadding], groups, bias, "zeros", dtype, generator)
    {
    }

    /// <summary>torch's <c>ConvTranspose2d</c> with per-dim (height, width) values.</summary>
    /// <param name="inChannels">C_in, channels of the input.</param>
    /// <param name="outChannels">C_out, channels of the output.</param>
    /// <param name="kernelSize">Kernel extent.</param>
    /// <param name="stride">Upsampling step.</param>
    /// <param name="padding">dilation·(kernel - 1) - padding zeros are added to each side of the input.</param>
    /// <param name="outputPadding">Extra size added to one side of the output (to pick among the sizes a strided Conv2d
    /// maps to the same shape).</param>
    /// <param name="groups">Channel groups; must divide both channel counts.</param>
    /// <param name="bias">Whether to add a learnable bias per output channel.</param>
    /// <param name="dilation">Spacing between kernel taps.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="generator">Where the initial weights are drawn from; default the global generator.</param>
    /// <exception cref="ArgumentException">groups not positive or not dividing the channel counts.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType dtype = DType.Float32, Generator? generator = null)
        : base(inChannels, outChannels, kernelSize, stride ?? [1, 1], padding ?? [0, 0], null, dilation ?? [1, 1], true, outputPadding ?? [0, 0],
            groups, bias, "zeros", dtype, generator)
    {
    }

    /// <summary>
    /// Upsamples <paramref name="input"/> [N, C_in, H, W] (or [C_in, H, W]) to [N, C_out, H_out, W_out], H_out = (H -
    /// 1)·stride - 2·padding + dilation·(kernel - 1) + outputPadding + 1.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank or channel count does not fit the layer.</exception>
    public override Tensor Forward(Tensor input) =>
        Functional.ConvTranspose2d(input, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
