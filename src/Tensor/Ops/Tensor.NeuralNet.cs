using Bridge.Backends;
using Bridge.Autograd;

using static Bridge.Torch;

namespace Bridge;

// Primitives that torch runs as dedicated kernels (softmax, log_softmax, mse_loss, nll_loss): a single
// node each with torch's backward formula, so gradients and grad_fn names match torch.
public sealed partial class Tensor
{
    /// <summary>e^(x - max) / Σ e^(x - max) along <paramref name="dim"/>; ∂ = y·(g - Σ g·y)</summary>
    public Tensor Softmax(int dim)
    {
        int d = ShapeMath.WrapDim(dim, Dim());
        var x = DType.IsFloatingPoint() ? this : To(DType.Float32);
        if (FusedSoftmaxApplies(x, d)) return FusedSoftmax(x, d, log: false);
        Tensor y;
        using (GradMode.Set(false))
        {
            var shifted = x - x.Max(d, keepDim: true).Values;
            var e = shifted.Exp();
            y = e * (1.0 / e.Sum(d, keepDim: true));
        }
        if (!Recording.Needed(x)) return y;
        var result = y.Detach();
        Recording.Record(y, "SoftmaxBackward0", [x], g => [result * (g - (g * result).Sum(d, keepDim: true))], y);
        result.GradFn = y.GradFn; // create_graph differentiates through the saved output (Tensor.Unary.cs)
        return y;
    }

    /// <summary>x - max - ln Σ e^(x - max) along <paramref name="dim"/>; ∂ = g - e^y·Σ g</summary>
    public Tensor LogSoftmax(int dim)
    {
        int d = ShapeMath.WrapDim(dim, Dim());
        var x = DType.IsFloatingPoint() ? this : To(DType.Float32);
        if (FusedSoftmaxApplies(x, d)) return FusedSoftmax(x, d, log: true);
        Tensor y;
        using (GradMode.Set(false))
        {
            var shifted = x - x.Max(d, keepDim: true).Values;
            y = shifted - shifted.Exp().Sum(d, keepDim: true).Log();
        }
        if (!Recording.Needed(x)) return y;
        var result = y.Detach();
        Recording.Record(y, "LogSoftmaxBackward0", [x], g => [g - result.Exp() * g.Sum(d, keepDim: true)], y);
        result.GradFn = y.GradFn;
        return y;
    }

    /// <summary>(input - target)² reduced by mean, sum or none; ∂input = (2/n)·(input - target)·g</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        CheckSameDevice(input, target);
        Tensor loss, diff;
        using (GradMode.Set(false))
        {
            diff = input - target;
            var squared = diff * diff;
            loss = reduction switch { Reduction.Mean => squared.Mean(), Reduction.Sum => squared.Sum(), _ => squared };
        }
        if (!Recording.Needed(input, target)) return loss;
        int n = ShapeMath.Numel(ShapeMath.Broadcast(input.ShapeArray, target.ShapeArray));
        double norm = reduction == Reduction.Mean ? 2.0 / n : 2.0;
        return Recording.Record(loss, "MseLossBackward0", [input, target], g =>
        {
            // ATen's mse_backward kernel: norm * (input - target) * grad, in that order.
            var grad = norm * (input - target) * g;
            return [input.RequiresGrad ? grad : null, target.RequiresGrad ? -grad : null];
        }, input, target);
    }

    /// <summary>-Σ logProbs[i, target[i]] / N (or summed / per sample); ∂ = -g at each target position</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (target.DType != DType.Int64) throw new ArgumentException($"expected scalar type Long but found {Pretty(target.DType)}");
        bool batched = logProbs.Dim() == 2;
        if (logProbs.Dim() != 1 && !batched) throw new ArgumentException($"nll_loss: expected 1 or 2 dimensions for input, got {logProbs.Dim()}");
        var input2 = batched ? logProbs : logProbs.Unsqueeze(0);
        var target1 = batched ? target : target.Reshape(1);
        int n = input2.ShapeArray[0], classes = input2.ShapeArray[1];
        if (target1.Dim() != 1 || target1.ShapeArray[0] != n)
            throw new ArgumentException($"Expected input batch_size ({n}) to match target batch_size ({(target1.Dim() == 0 ? 1 : target1.ShapeArray[0])}).");
        var classIndex = target1.ToArray<long>();
        foreach (long c in classIndex)
            if (c < 0 || c >= classes) throw new ArgumentOutOfRangeException(null, $"Target {c} is out of bounds.");
        Tensor picked;
        using (GradMode.Set(false))
        {
            picked = Allocate([n], input2.DType, input2.Device, zero: false);
            Backend.GatherRows(input2, classIndex, picked);
        }
        Tensor loss;
        using (GradMode.Set(false))
            loss = reduction switch { Reduction.Mean => -picked.Sum() / (double)n, Reduction.Sum => -picked.Sum(), _ => -picked };
        if (!Recording.Needed(logProbs)) return loss;
        var shape = logProbs.ShapeArray;
        return Recording.Record(loss, "NllLossBackward0", [logProbs], g =>
        {
            var perSample = reduction == Reduction.None ? -g : (reduction == Reduction.Mean ? -g / (double)n : -g).Expand(n);
            if (GradMode.IsEnabled) // create_graph: the same values through recorded ops
                return [(OneHotAlong(input2.ShapeArray, 1, target1.Unsqueeze(1), g.DType) * perSample.Unsqueeze(1)).Reshape(shape)];
            var grad = Zeros(input2.ShapeArray, g.DType, g.Device);
            grad.ScatterAlong(1, target1.Unsqueeze(1), perSample.Unsqueeze(1));
            return [grad.Reshape(shape)];
        }, target1); // the targets it reads: overwriting them before backward is torch's version error
    }

    /// <summary>nll_loss(log_softmax(logits, 1), target): cross-entropy with class indices</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean) =>
        NllLoss(logits.LogSoftmax(logits.Dim() == 1 ? 0 : 1), target, reduction);
}

/// <summary>How a loss reduces its per-element values (torch's <c>reduction=</c>).</summary>
public enum Reduction
{
    /// <summary>The per-element losses, unreduced, in the input's shape (torch's <c>'none'</c>).</summary>
    None,
    /// <summary>
    /// The mean over the elements (NLL and cross-entropy with class weights divide by the summed weights of the targets instead) (torch's <c>'mean'</c>, the
    /// default).
    /// </summary>
    Mean,
    /// <summary>The sum over the elements (torch's <c>'sum'</c>).</summary>
    Sum,

    /// <summary>The sum divided by the batch size (kl_div's "batchmean").</summary>
    BatchMean,
}
