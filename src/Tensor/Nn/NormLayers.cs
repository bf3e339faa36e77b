using System.Globalization;

namespace Bridge.Nn;

/// <summary>
/// torch's _BatchNorm: affine weight (ones) and bias (zeros); running_mean (zeros), running_var (ones) and
/// num_batches_tracked when tracking statistics. A null momentum averages cumulatively (factor 1/num_batches_tracked).
/// </summary>
public abstract class BatchNormBase : Module
{
    /// <summary>C, the number of channels (dim 1 of the input).</summary>
    public int NumFeatures { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>
    /// Weight of the new batch in the running averages (0.1 by default); null for a cumulative average.
    /// </summary>
    public double? Momentum { get; }
    /// <summary>Whether the layer has a learnable per-channel weight and bias.</summary>
    public bool Affine { get; }
    /// <summary>
    /// Whether running mean and variance are kept (and used in eval mode); without them eval mode uses batch
    /// statistics.
    /// </summary>
    public bool TrackRunningStats { get; }
    /// <summary>Per-channel scale γ [C], starting at ones; null without affine.</summary>
    public Tensor? Weight { get; set; }
    /// <summary>Per-channel shift β [C], starting at zeros; null without affine.</summary>
    public Tensor? Bias { get; set; }
    /// <summary>Running mean [C] (buffer <c>running_mean</c>); null without tracking.</summary>
    public Tensor? RunningMean { get; set; }
    /// <summary>Running unbiased variance [C] (buffer <c>running_var</c>); null without tracking.</summary>
    public Tensor? RunningVar { get; set; }
    /// <summary>
    /// Training batches seen, a 0-d int64 buffer (<c>num_batches_tracked</c>); null without tracking.
    /// </summary>
    public Tensor? NumBatchesTracked { get; set; }

    private protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType dtype)
    {
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = Parameter(Torch.Ones([numFeatures], dtype, Torch.DefaultDevice));
            Bias = Parameter(Torch.Zeros([numFeatures], dtype, Torch.DefaultDevice));
        }
        RegisterParameter("weight", () => Weight);
        RegisterParameter("bias", () => Bias);
        if (trackRunningStats)
        {
            RunningMean = Torch.Zeros([numFeatures], dtype, Torch.DefaultDevice);
            RunningVar = Torch.Ones([numFeatures], dtype, Torch.DefaultDevice);
            NumBatchesTracked = Torch.Zeros([], DType.Int64, Torch.DefaultDevice);
        }
    }

    /// <summary>Throws torch's ValueError text when the input's rank is wrong for this layer.</summary>
    private protected abstract void CheckInputDim(Tensor input);

    /// <summary>
    /// Normalises each channel of <paramref name="input"/>: with batch statistics in training (updating the running
    /// ones), with the running statistics in eval mode.
    /// </summary>
    /// <exception cref="ArgumentException">The input's rank does not fit the layer (torch's message).</exception>
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is not null)
        {
            using (Torch.NoGrad()) NumBatchesTracked.Add_(1);
            factor = Momentum ?? 1.0 / NumBatchesTracked.Item();
        }
        bool useBatchStats = Training || (RunningMean is null && RunningVar is null);
        bool passStats = !Training || TrackRunningStats;
        return Functional.BatchNorm(input, passStats ? RunningMean : null, passStats ? RunningVar : null, Weight, Bias, useBatchStats, factor, Eps);
    }

    /// <summary>Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0.</summary>
    public void ResetRunningStats()
    {
        using (Torch.NoGrad())
        {
            RunningMean?.Zero_();
            RunningVar?.Fill_(1);
            NumBatchesTracked?.Zero_();
        }
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        string.Create(CultureInfo.InvariantCulture, $"{NumFeatures}, eps={Python(Eps)}, momentum={(Momentum is double m ? Python(m) : "None")}, affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")}");

    /// <summary>A float as Python's repr writes it (1e-05, 0.1).</summary>
    internal static string Python(double v)
    {
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            var parts = s.Split('E');
            int exp = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return $"{parts[0]}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return s.Contains('.') ? s : s + ".0";
    }
}

/// <summary>torch.nn.BatchNorm1d over [N, C] or [N, C, L].</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() is not (2 or 3)) throw new ArgumentException($"expected 2D or 3D input (got {input.Dim()}D input)");
    }
}

/// <summary>torch.nn.BatchNorm2d over [N, C, H, W].</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    private protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim() != 4) throw new ArgumentException($"expected 4D input (got {input.Dim()}D input)");
    }
}

/// <summary>torch.nn.GroupNorm: per-sample statistics over groups of channels; affine weight ones, bias zeros.</summary>
public sealed class GroupNorm : Module
{
    /// <summary>How many groups the channels are split into.</summary>
    public int NumGroups { get; }
    /// <summary>C, the number of channels (dim 1 of the input); divisible by <see cref="NumGroups"/>.</summary>
    public int NumChannels { get; }
    /// <summary>Added to the variance before the square root.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer has a learnable per-channel weight and bias.</summary>
    public bool Affine { get; }
    /// <summary>Per-channel scale [C], starting at ones; null without affine.</summary>
    public Tensor? Weight { get; set; }
    /// <summary>Per-channel shift [C], starting at zeros; null without affine.</summary>
    public Tensor? Bias { get; set; }

    /// <summary>torch's <c>GroupNorm(num_groups, num_channels, eps, affine)</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="numChannels"/> is not divisible by a positive <paramref
    /// name="numGroups"/>.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups <= 0 || numChannels % numGroups != 0) throw new ArgumentException("num_channels must be divisible by num_groups");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        Affine = affine;
        if (affine)
        {
            Weight = Parameter(Torch.Ones([numChannels], dtype, Torch.DefaultDevice));
            Bias = Parameter(Torch.Zeros([numChannels], dtype, Torch.DefaultDevice));
        }
        RegisterParameter("weight", () => Weight);
        RegisterParameter("bias", () => Bias);
    }

    /// <summary>
    /// Normalises <paramref name="input"/> [N, C, *] per sample over each group of C / NumGroups channels (and all
    /// positions), then applies the affine transform.
    /// </summary>
    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={BatchNormBase.Python(Eps)}, affine={(Affine ? "True" : "False")}";
}

/// <summary>torch.nn.Dropout2d: zeroes whole channels in training (see <see cref="Functional.Dropout2d"/>).</summary>
public sealed class Dropout2d(double p = 0.5) : Module
{
    /// <summary>
    /// In training, zeroes each channel of <paramref name="input"/> ([N, C, H, W] or [C, H, W]) with probability p and
    /// scales the rest by 1/(1-p); in eval mode returns it unchanged.
    /// </summary>
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, p, Training);
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={BatchNormBase.Python(p)}, inplace=False";
}
