using Bridge.Autograd;
using Bridge.Backends;

namespace Bridge.Nn;

// torch.nn.functional's losses with torch's options. nll_loss is one recorded node over a row gather (as ATen's
// kernel); binary_cross_entropy(_with_logits) are nodes with ATen's backward formulas; the others are composed
// the way ATen composes them, so their gradients follow from the parts.
public static partial class Functional
{
    /// <summary>
    /// -w[t]·input[n, t] for each target t that is not <paramref name="ignoreIndex"/>, reduced (mean divides by
    /// the summed weights of the counted targets). Input (C), (N, C) or (N, C, d₁, …); target (), (N) or (N, d₁, …).
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        if (input.Dim() < 1) throw new ArgumentException($"Expected 1 or more dimensions (got {input.Dim()})");
        if (target.DType != DType.Int64) throw new ArgumentException($"expected scalar type Long but found {target.DType.ShortName().Replace("float", "Float", StringComparison.Ordinal).Replace("int", "Int", StringComparison.Ordinal)}");
        var shape = input.ShapeArray;
        int classes = input.Dim() == 1 ? shape[0] : shape[1];
        if (input.Dim() >= 2 && (target.Dim() == 0 ? 1 : target.ShapeArray[0]) != shape[0])
            throw new ArgumentException($"Expected input batch_size ({shape[0]}) to match target batch_size ({(target.Dim() == 0 ? 1 : target.ShapeArray[0])}).");
        int[] expectedTarget = input.Dim() == 1 ? [] : [shape[0], .. shape[2..]];
        if (input.Dim() > 2 && !target.ShapeArray.SequenceEqual(expectedTarget))
            throw new ArgumentException($"Expected target size [{string.Join(", ", expectedTarget)}], got [{string.Join(", ", target.ShapeArray)}]");
        if (input.Dim() == 1 && target.Dim() > 1) throw new ArgumentException($"0D or 1D target tensor expected, multi-target not supported");
        if (weight is not null && (weight.Dim() != 1 || weight.Numel() != classes))
            throw new ArgumentException($"weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: [{string.Join(", ", weight.ShapeArray)}]");

        var rows = ClassesLast(input, classes).Contiguous();
        var cls = target.Reshape(-1).ToArray<long>();
        var w = weight?.To(DType.Float64).ToArray<double>();
        int m = cls.Length;
        var rowWeight = new double[m];
        var safe = new long[m];
        var keep = new bool[m];
        double total = 0;
        for (int i = 0; i < m; i++)
        {
            long c = cls[i];
            if (c == ignoreIndex) continue;
            if (c < 0 || c >= classes) throw new ArgumentOutOfRangeException(null, $"Target {c} is out of bounds.");
            safe[i] = c;
            keep[i] = true;
            rowWeight[i] = w is null ? 1 : w[c];
            total += rowWeight[i];
        }
        var device = input.Device;
        var rw = Torch.Tensor(rowWeight, input.DType).To(device);
        var kept = Torch.Tensor(keep).To(device);
        Tensor loss;
        using (Torch.NoGrad())
        {
            var picked = Tensor.Allocate([m], rows.DType, device, zero: false);
            Backend.GatherRows(rows, safe, picked);
            var perRow = Tensor.Where(kept, -picked * rw, 0.0);
            loss = NllReducedAsTorch(picked, keep, safe, w, reduction, input.Dim()) ?? reduction switch
            {
                Reduction.None => perRow.Reshape(target.ShapeArray),
                Reduction.Sum => perRow.Sum(),
                _ => perRow.Sum() / total,
            };
        }
        if (!Recording.Needed(input)) return loss;
        return Recording.Record(loss, "NllLossBackward0", [input], g =>
        {
            var perRow = reduction switch { Reduction.None => g.Reshape(m), Reduction.Sum => g.Reshape(1).Expand(m), _ => (g / total).Reshape(1).Expand(m) };
            var grad = Torch.Zeros([m, classes], g.DType, g.Device);
            var at = Torch.Tensor(safe).To(g.Device).Unsqueeze(1);
            if (GradMode.IsEnabled) grad = grad.ScatterAdd(1, at, (-perRow * rw).Unsqueeze(1)); // create_graph: recorded
            else grad.ScatterAlong(1, at, (-perRow * rw).Unsqueeze(1));
            return [FromClassesLast(grad, shape)];
        }, rw, target); // the target is saved as torch saves it: editing it in place before backward is caught
    }

    /// <summary>
    /// Cross-entropy of logits: with class indices, nll_loss(log_softmax(input, 1)) mixed with the uniform-target loss
    /// by <paramref name="labelSmoothing"/>; with class probabilities (a float target shaped like the input),
    /// -Σ target·log_softmax(input) over classes.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        CheckReduction(reduction);
        if (labelSmoothing < 0 || labelSmoothing > 1) throw new ArgumentException($"label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        int classDim = input.Dim() == 1 ? 0 : 1;
        if (input.Dim() < 1) throw new ArgumentException($"Expected 1 or more dimensions (got {input.Dim()})");
        int classes = input.ShapeArray[classDim];
        var logp = input.LogSoftmax(classDim);
        if (target.DType.IsFloatingPoint())
        {
            if (!target.ShapeArray.SequenceEqual(input.ShapeArray))
                throw new ArgumentException($"Expected input and target to have the same shape when the target holds class probabilities, got input [{string.Join(", ", input.ShapeArray)}] and target [{string.Join(", ", target.ShapeArray)}]");
            if (labelSmoothing > 0) target = target * (1 - labelSmoothing) + labelSmoothing / classes;
            var product = logp * target;
            if (weight is not null) product = product * ClassBroadcast(weight, input.Dim(), classDim);
            return reduction switch
            {
                Reduction.None => -product.Sum(classDim),
                Reduction.Sum => -product.Sum(),
                _ => -product.Sum() / (input.Numel() / (double)classes),
            };
        }
        var nll = NllLoss(logp, target, weight, ignoreIndex, reduction);
        if (labelSmoothing <= 0) return nll;

        var ignored = target == (double)ignoreIndex;
        var smooth = weight is null ? -logp.Sum(classDim) : -(logp * ClassBroadcast(weight, input.Dim(), classDim)).Sum(classDim);
        smooth = Tensor.Where(ignored, 0.0, smooth);
        smooth = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => smooth.Sum(),
            _ => smooth.Sum() / SmoothingDenominator(target, weight, ignoreIndex),
        };
        return nll * (1 - labelSmoothing) + smooth * (labelSmoothing / classes);
    }

    // Mean of the smoothing term: the summed weights of the counted targets (their count without weights).
    static double SmoothingDenominator(Tensor target, Tensor? weight, long ignoreIndex)
    {
        var cls = target.Reshape(-1).ToArray<long>();
        var w = weight?.To(DType.Float64).ToArray<double>();
        double total = 0;
        foreach (long c in cls)
            if (c != ignoreIndex) total += w is null ? 1 : w[c];
        return total;
    }

    /// <summary>-w·(t·max(ln x, -100) + (1 - t)·max(ln(1 - x), -100)) for probabilities x ∈ [0, 1].</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        if (!target.ShapeArray.SequenceEqual(input.ShapeArray))
            throw new ArgumentException($"Using a target size ({Size(target)}) that is different to the input size ({Size(input)}) is deprecated. Please ensure they have the same size.");
        Tensor loss;
        using (Torch.NoGrad())
        {
            if ((input < 0.0 | input > 1.0).Any()) throw new InvalidOperationException("all elements of input should be between 0 and 1");
            var perElement = (target - 1.0) * Log1p(-input).Clamp(min: -100) - target * input.Log().Clamp(min: -100);
            if (weight is not null) perElement = perElement * weight;
            loss = Reduce(perElement, reduction);
        }
        if (!GradMode.IsEnabled || !(input.RequiresGrad || target.RequiresGrad)) return loss;
        int n = input.Numel32;
        return Recording.Record(loss, "BinaryCrossEntropyBackward0", [input, target], g =>
        {
            var scale = reduction == Reduction.Mean ? g / (double)n : g;
            var gradInput = scale * (input - target) / ((1.0 - input) * input).Clamp(min: 1e-12);
            var gradTarget = scale * (Log1p(-input).Clamp(min: -100) - input.Log().Clamp(min: -100));
            if (weight is not null) { gradInput = gradInput * weight; gradTarget = gradTarget * weight; }
            return [input.RequiresGrad ? gradInput : null, target.RequiresGrad ? gradTarget : null];
        }, Saved(input, target, weight, null));
    }

    /// <summary>
    /// BCE of logits, stably: (1 - t)·x + l·(ln(e^-m + e^(-x-m)) + m) with m = max(-x, 0) and l = 1 + (pos_weight - 1)·t,
    /// times weight; ∂x = ((pos_weight·t + 1 - t)·σ(x) - pos_weight·t)·g·w.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        CheckReduction(reduction);
        if (!target.ShapeArray.SequenceEqual(input.ShapeArray))
            throw new ArgumentException($"Target size ({Size(target)}) must be the same as input size ({Size(input)})");
        Tensor loss;
        using (Torch.NoGrad())
        {
            var maxVal = (-input).Clamp(min: 0);
            var softTerm = ((-maxVal).Exp() + (-input - maxVal).Exp()).Log() + maxVal;
            var perElement = posWeight is null
                ? (1.0 - target) * input + softTerm
                : (1.0 - target) * input + ((posWeight - 1.0) * target + 1.0) * softTerm;
            if (weight is not null) perElement = perElement * weight;
            loss = Reduce(perElement, reduction);
        }
        if (!GradMode.IsEnabled || !(input.RequiresGrad || target.RequiresGrad)) return loss;
        int n = input.Numel32;
        return Recording.Record(loss, "BinaryCrossEntropyWithLogitsBackward0", [input, target], g =>
        {
            var scale = reduction == Reduction.Mean ? g / (double)n : g;
            var sig = input.Sigmoid();
            Tensor gradInput, gradTarget;
            if (posWeight is null)
            {
                gradInput = (sig - target) * scale;
                gradTarget = -input * scale;
            }
            else
            {
                var t = posWeight * target;
                gradInput = ((t + 1.0 - target) * sig - t) * scale;
                // -x + (pos_weight - 1)·softplus(-x), the stable form of ln(1 - σ) - pos_weight·ln σ
                var maxVal = (-input).Clamp(min: 0);
                var softplusNeg = ((-maxVal).Exp() + (-input - maxVal).Exp()).Log() + maxVal;
                gradTarget = (-input + (posWeight - 1.0) * softplusNeg) * scale;
            }
            if (weight is not null) { gradInput = gradInput * weight; gradTarget = gradTarget * weight; }
            return [input.RequiresGrad ? gradInput : null, target.RequiresGrad ? gradTarget : null];
        }, Saved(input, target, weight, posWeight));
    }

    /// <summary>|input - target|, reduced.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        return Reduce((input - target).Abs(), reduction);
    }

    /// <summary>(input - target)², reduced (the engine's mse_loss node).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        return Tensor.MseLoss(input, target, reduction);
    }

    /// <summary>0.5·d²/β where d = |input - target| &lt; β, else d - 0.5·β; plain L1 when β = 0.</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        CheckReduction(reduction);
        if (beta < 0) throw new ArgumentException("smooth_l1_loss does not support negative values for beta.");
        if (beta == 0) return L1Loss(input, target, reduction);
        var d = (input - target).Abs();
        return Reduce(Tensor.Where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction);
    }

    /// <summary>0.5·d² where d = |input - target| &lt; δ, else δ·(d - 0.5·δ).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        CheckReduction(reduction);
        if (delta <= 0) throw new ArgumentException("huber_loss does not support non-positive values for delta.");
        var d = (input - target).Abs();
        return Reduce(Tensor.Where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta), reduction);
    }

    /// <summary>
    /// KL divergence with log-probabilities as input: t·(ln t - input) (0 where t = 0), or e^t·(t - input) with
    /// <paramref name="logTarget"/>; <see cref="Reduction.BatchMean"/> divides the sum by the batch size.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        var perElement = logTarget
            ? target.Exp() * (target - input)
            : Tensor.Where(target == 0.0, 0.0, target * Tensor.Where(target == 0.0, 1.0, target).Log()) - target * input;
        return reduction switch
        {
            Reduction.BatchMean => input.Dim() == 0 ? perElement.Sum() : perElement.Sum() / (double)input.ShapeArray[0],
            _ => Reduce(perElement, reduction),
        };
    }

    /// <summary>1 - cos(x₁, x₂) where y = 1, max(0, cos(x₁, x₂) - margin) where y = -1.</summary>
    public static Tensor CosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        if (input1.Dim() != input2.Dim() || input1.Dim() is not (1 or 2))
            throw new ArgumentException($"1D target tensor expects 1D or 2D input tensors, but found inputs with sizes [{string.Join(", ", input1.ShapeArray)}] and [{string.Join(", ", input2.ShapeArray)}].");
        int dim = input1.Dim() == 2 ? 1 : 0;
        const double Epsilon = 1e-12;
        var prod = (input1 * input2).Sum(dim);
        var mag1 = (input1 * input1).Sum(dim) + Epsilon;
        var mag2 = (input2 * input2).Sum(dim) + Epsilon;
        var cos = prod / (mag1 * mag2).Sqrt();
        var zeros = Torch.ZerosLike(cos);
        var pos = Tensor.Where(target == 1.0, 1.0 - cos, zeros);
        var neg = Tensor.Where(target == -1.0, (cos - margin).Clamp(min: 0), zeros);
        return Reduce(pos + neg, reduction);
    }

    /// <summary>max(0, -y·(x₁ - x₂) + margin).</summary>
    public static Tensor MarginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        CheckReduction(reduction);
        return Reduce((-target * (input1 - input2) + margin).Clamp(min: 0), reduction);
    }

    // What a backward closure reads, so the tape keeps it alive past the call's dispose scope.
    static Tensor[] Saved(params Tensor?[] tensors) => [.. tensors.OfType<Tensor>()];

    internal static Tensor Reduce(Tensor perElement, Reduction reduction) => reduction switch
    {
        Reduction.None => perElement,
        Reduction.Sum => perElement.Sum(),
        Reduction.Mean => perElement.Mean(),
        _ => throw new ArgumentException($"{reduction} is not a valid value for reduction"),
    };

    static void CheckReduction(Reduction reduction)
    {
        if (reduction is not (Reduction.None or Reduction.Mean or Reduction.Sum))
            throw new ArgumentException($"{reduction.ToString().ToLowerInvariant()} is not a valid value for reduction");
    }

    static string Size(Tensor t) => $"torch.Size([{string.Join(", ", t.ShapeArray)}])";

    /// <summary>(N, C, d…) → (N·d…, C) rows, (C) → (1, C).</summary>
    static Tensor ClassesLast(Tensor input, int classes) => input.Dim() switch
    {
        1 => input.Unsqueeze(0),
        2 => input,
        _ => input.Permute([0, .. Enumerable.Range(2, input.Dim() - 2), 1]).Reshape(-1, classes),
    };

    static Tensor FromClassesLast(Tensor rows, int[] shape)
    {
        if (shape.Length <= 2) return rows.Reshape(shape);
        int[] lastShape = [shape[0], .. shape[2..], shape[1]];
        int[] back = [0, shape.Length - 1, .. Enumerable.Range(1, shape.Length - 2)];
        return rows.Reshape(lastShape).Permute(back);
    }

    static Tensor ClassBroadcast(Tensor weight, int dims, int classDim)
    {
        var shape = Enumerable.Repeat(1, dims).ToArray();
        shape[classDim] = weight.Numel32;
        return weight.Reshape(shape);
    }
}
