using Bridge.Backends;
using Bridge.Autograd;
using Bridge.Backends.Cpu;
using Bridge.Ops;

using static Bridge.Torch;

namespace Bridge;

// The drivers behind the declared elementwise ops of one tensor (Ops/Declarations/Unary.cs holds each op's
// operator and derivative), and the unary ops composed from other ops.
public sealed partial class Tensor
{
    /// <summary>min(max(x, min), max); ∂ = g where min ≤ x ≤ max, else 0</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        var x = this;
        var result = x;
        using (GradMode.Set(false))
        {
            if (min is double lo) result = Where(result < lo, Full([], lo, DType, device: Device), result);
            if (max is double hi) result = Where(result > hi, Full([], hi, DType, device: Device), result);
            if (ReferenceEquals(result.Storage, Storage)) result = result.Clone();
        }
        if (!Recording.Needed(x)) return result;
        return Recording.Record(result, "ClampBackward1", [x], g =>
        {
            var keep = (min is double l ? x >= l : OnesLike(x).To(DType.Bool)) & (max is double h ? x <= h : OnesLike(x).To(DType.Bool));
            return [Where(keep, g, ZerosLike(g))];
        }, x);
    }

    /// <summary>Runs a floating-point operator (int64 and bool inputs become float32 first) and records its declared rule.</summary>
    internal static Tensor FloatUnary<TOp>(Tensor self, string? node, Func<Tensor, Tensor, Tensor, Tensor> backward, Saves saves)
        where TOp : IFloatUnaryOperator
    {
        var x = self.DType.IsFloatingPoint() ? self : self.To(DType.Float32);
        var result = AllocateShaped(x, x.DType);
        Backend.FloatUnary<TOp>(x, result);
        return RecordUnary(x, result, node, backward, saves);
    }

    /// <summary>Runs an operator valid for every numeric dtype (bool inputs become int64 first) and records its declared rule.</summary>
    internal static Tensor NumberUnary<TOp>(Tensor self, string? node, Func<Tensor, Tensor, Tensor, Tensor> backward, Saves saves)
        where TOp : IUnaryOperator
    {
        var x = self.DType == DType.Bool ? self.To(DType.Int64) : self;
        var result = AllocateShaped(x, x.DType);
        Backend.Unary<TOp>(x, result);
        return RecordUnary(x, result, node, backward, saves);
    }

    static Tensor RecordUnary(Tensor x, Tensor result, string? node, Func<Tensor, Tensor, Tensor, Tensor> backward, Saves saves)
    {
        if (node is null || !Recording.Needed(x)) return result;
        Tensor[] saved = saves switch { Saves.Input => [x], Saves.Result => [result], _ => [] };
        // The closure must not keep the result alive through the node it belongs to once released,
        // so it reads it from a detached alias.
        var y = result.Detach();
        Recording.Record(result, node, [x], g => [backward(g, x, y)], saved);
        // Under create_graph a formula reading the result differentiates through it: the alias carries this node as
        // its producer, as torch's unpacked saved output does (the cycle is the GC's to collect).
        y.GradFn = result.GradFn;
        return result;
    }

    /// <summary>a ∘ b for a backward formula: the fused operator over two tensors of one shape and dtype.</summary>
    internal static Tensor Fused<TOp>(Tensor a, Tensor b) where TOp : IBinaryOperator => Binary<TOp>(ref a, ref b);
}
