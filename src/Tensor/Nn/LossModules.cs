namespace Bridge.Nn;

/// <summary>A criterion: <c>Forward(input, target)</c> (torch's _Loss); <see cref="Reduction"/> says how it reduces.</summary>
public abstract class Loss(Reduction reduction) : Module
{
    /// <summary>
    /// How the per-element losses are combined: mean (default), sum, or none (the unreduced per-element tensor).
    /// </summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>
    /// The loss of <paramref name="input"/> against <paramref name="target"/>, reduced as <see cref="Reduction"/> says.
    /// </summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>torch's <c>criterion(input, target)</c>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);
}

/// <summary>A criterion with a per-class (or per-element) weight, held as the buffer <c>weight</c> (torch's _WeightedLoss).</summary>
public abstract class WeightedLoss : Loss
{
    /// <summary>Registers <paramref name="weight"/> as the buffer <c>weight</c> (null: unweighted).</summary>
    protected WeightedLoss(Tensor? weight, Reduction reduction) : base(reduction)
    {
        Weight = weight;
        RegisterBuffer("weight", () => Weight);
    }

    /// <summary>The weight buffer (per class for cross-entropy and NLL, per element for BCE), or null.</summary>
    public Tensor? Weight { get; set; }
}

/// <summary>Mean (or summed, or per-element) squared error.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Squared error (input - target)², reduced; input and target broadcast to a common shape.</summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Mean (or summed, or per-element) absolute error |input - target| (torch.nn.L1Loss).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Absolute error |input - target|, reduced.</summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>
/// torch.nn.SmoothL1Loss: 0.5·d²/beta where |d| &lt; beta, |d| - 0.5·beta elsewhere (d = input - target).
/// </summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss switches from quadratic to linear (torch's <c>beta</c>); 0 gives the L1 loss.</summary>
    public double Beta { get; } = beta;
    /// <summary>The smooth L1 loss of input against target, reduced.</summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>
/// torch.nn.HuberLoss: 0.5·d² where |d| &lt; delta, delta·(|d| - 0.5·delta) elsewhere (d = input - target).
/// </summary>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss switches from quadratic to linear (torch's <c>delta</c>).</summary>
    public double Delta { get; } = delta;
    /// <summary>The Huber loss of input against target, reduced.</summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>KL divergence of log-probabilities against probabilities (or log-probabilities with <c>logTarget</c>).</summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction)
{
    /// <summary>True when the target holds log-probabilities too.</summary>
    public bool LogTarget { get; } = logTarget;
    /// <summary>
    /// KL(target ‖ input) with <paramref name="input"/> as log-probabilities, reduced (Mean averages over every
    /// element, as torch's <c>'mean'</c>; <see cref="Reduction.BatchMean"/> gives the true KL per sample).
    /// </summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KlDiv(input, target, Reduction, LogTarget);
}

/// <summary>Cross-entropy of logits against class indices or class probabilities.</summary>
public sealed class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    : WeightedLoss(weight, reduction)
{
    /// <summary>Unweighted cross-entropy with ignore index -100 and the given <paramref name="reduction"/>.</summary>
    public CrossEntropyLoss(Reduction reduction) : this(null, -100, reduction) { }

    /// <summary>
    /// Target class index whose positions add nothing to the loss or the mean's count (default -100).
    /// </summary>
    public long IgnoreIndex { get; } = ignoreIndex;
    /// <summary>
    /// Label smoothing ε in [0, 1]: the target mixes (1 - ε) of itself with ε spread uniformly over the classes.
    /// </summary>
    public double LabelSmoothing { get; } = labelSmoothing;
    /// <summary>
    /// Cross-entropy of logits <paramref name="input"/> [N, C] (or [N, C, d1, ...], or [C]) against <paramref
    /// name="target"/>: int64 class indices [N] ([N, d1, ...]) or class probabilities shaped like the input.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or dtypes that do not fit, or a class index out of range.</exception>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}

/// <summary>Negative log-likelihood of log-probabilities at class indices.</summary>
public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    /// <summary>
    /// Target class index whose positions add nothing to the loss or the mean's count (default -100).
    /// </summary>
    public long IgnoreIndex { get; } = ignoreIndex;
    /// <summary>
    /// Negative log-likelihood of log-probabilities <paramref name="input"/> [N, C] (or [N, C, d1, ...]) at int64 class
    /// indices <paramref name="target"/> [N] ([N, d1, ...]).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or dtypes that do not fit, or a class index out of range.</exception>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>Binary cross-entropy of probabilities.</summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    /// <summary>
    /// Binary cross-entropy of probabilities <paramref name="input"/> in [0, 1] against <paramref name="target"/> of
    /// the same shape (log terms clamped at -100, as torch).
    /// </summary>
    /// <exception cref="ArgumentException">The target's shape differs from the input's.</exception>
    /// <exception cref="InvalidOperationException">An input element is outside [0, 1].</exception>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>Binary cross-entropy of logits, with an optional positive-class weight (buffer <c>pos_weight</c>).</summary>
public sealed class BCEWithLogitsLoss : WeightedLoss
{
    /// <summary>torch's <c>BCEWithLogitsLoss(weight, reduction, pos_weight)</c>.</summary>
    /// <param name="weight">Per-element weight, broadcast against the input.</param>
    /// <param name="reduction">How the per-element losses are combined.</param>
    /// <param name="posWeight">Weight of positive examples per class (broadcast over the last dim), or null.</param>
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : base(weight, reduction)
    {
        PosWeight = posWeight;
        RegisterBuffer("pos_weight", () => PosWeight);
    }

    /// <summary>Weight of positive examples, per class (buffer <c>pos_weight</c>), or null.</summary>
    public Tensor? PosWeight { get; set; }
    /// <summary>
    /// Binary cross-entropy of logits <paramref name="input"/> against <paramref name="target"/> of the same shape,
    /// computed stably from the logits.
    /// </summary>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

/// <summary>Criteria over two inputs and a ±1 target: <c>Forward(input1, input2, target)</c>.</summary>
public abstract class PairLoss(double margin, Reduction reduction) : Module
{
    /// <summary>The margin of the loss (torch's <c>margin</c>).</summary>
    public double Margin { get; } = margin;
    /// <summary>How the per-element losses are combined: mean (default), sum, or none.</summary>
    public Reduction Reduction { get; } = reduction;
    /// <summary>
    /// The loss of the pair (<paramref name="input1"/>, <paramref name="input2"/>) against <paramref name="target"/> of
    /// ±1.
    /// </summary>
    public abstract Tensor Forward(Tensor input1, Tensor input2, Tensor target);
    /// <summary>torch's <c>criterion(input1, input2, target)</c>.</summary>
    public Tensor Call(Tensor input1, Tensor input2, Tensor target) => Forward(input1, input2, target);
}

/// <summary>
/// torch.nn.CosineEmbeddingLoss: 1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.
/// </summary>
public sealed class CosineEmbeddingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : PairLoss(margin, reduction)
{
    /// <summary>
    /// The loss over rows of <paramref name="input1"/> and <paramref name="input2"/> [N, D] (or [D]) against <paramref
    /// name="target"/> [N] of ±1, reduced.
    /// </summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.CosineEmbeddingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>
/// torch.nn.MarginRankingLoss: max(0, -target·(x1 - x2) + margin), target ±1 saying which input should rank higher.
/// </summary>
public sealed class MarginRankingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : PairLoss(margin, reduction)
{
    /// <summary>
    /// The ranking loss of <paramref name="input1"/> and <paramref name="input2"/> against <paramref name="target"/>
    /// (all broadcast), reduced.
    /// </summary>
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.MarginRankingLoss(input1, input2, target, Margin, Reduction);
}
