namespace Bridge.Nn;

/// <summary>A criterion: <c>Forward(input, target)</c> (torch's _Loss); <see cref="Reduction"/> says how it reduces.</summary>
public abstract class Loss(Reduction reduction) : Module
{
    public Reduction Reduction { get; } = reduction;

    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>torch's <c>criterion(input, target)</c>.</summary>
    public Tensor Call(Tensor input, Tensor target) => Forward(input, target);
}

/// <summary>A criterion with a per-class (or per-element) weight, held as the buffer <c>weight</c> (torch's _WeightedLoss).</summary>
public abstract class WeightedLoss : Loss
{
    protected WeightedLoss(Tensor? weight, Reduction reduction) : base(reduction)
    {
        Weight = weight;
        RegisterBuffer("weight", () => Weight);
    }

    public Tensor? Weight { get; set; }
}

/// <summary>Mean (or summed, or per-element) squared error.</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    public double Beta { get; } = beta;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);
}

public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    public double Delta { get; } = delta;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>KL divergence of log-probabilities against probabilities (or log-probabilities with <c>logTarget</c>).</summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction)
{
    public bool LogTarget { get; } = logTarget;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KlDiv(input, target, Reduction, LogTarget);
}

/// <summary>Cross-entropy of logits against class indices or class probabilities.</summary>
public sealed class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    : WeightedLoss(weight, reduction)
{
    public CrossEntropyLoss(Reduction reduction) : this(null, -100, reduction) { }

    public long IgnoreIndex { get; } = ignoreIndex;
    public double LabelSmoothing { get; } = labelSmoothing;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}

/// <summary>Negative log-likelihood of log-probabilities at class indices.</summary>
public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    public long IgnoreIndex { get; } = ignoreIndex;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}

/// <summary>Binary cross-entropy of probabilities.</summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>Binary cross-entropy of logits, with an optional positive-class weight (buffer <c>pos_weight</c>).</summary>
public sealed class BCEWithLogitsLoss : WeightedLoss
{
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : base(weight, reduction)
    {
        PosWeight = posWeight;
        RegisterBuffer("pos_weight", () => PosWeight);
    }

    public Tensor? PosWeight { get; set; }
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

/// <summary>Criteria over two inputs and a ±1 target: <c>Forward(input1, input2, target)</c>.</summary>
public abstract class PairLoss(double margin, Reduction reduction) : Module
{
    public double Margin { get; } = margin;
    public Reduction Reduction { get; } = reduction;
    public abstract Tensor Forward(Tensor input1, Tensor input2, Tensor target);
    public Tensor Call(Tensor input1, Tensor input2, Tensor target) => Forward(input1, input2, target);
}

public sealed class CosineEmbeddingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : PairLoss(margin, reduction)
{
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.CosineEmbeddingLoss(input1, input2, target, Margin, Reduction);
}

public sealed class MarginRankingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : PairLoss(margin, reduction)
{
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.MarginRankingLoss(input1, input2, target, Margin, Reduction);
}
