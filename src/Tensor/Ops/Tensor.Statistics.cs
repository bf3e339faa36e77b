using Bridge.Autograd;
using Bridge.Backends;

using static Bridge.Torch;

namespace Bridge;

// Reductions composed from the declared ops (so they run, and differentiate, wherever those do): variance and
// standard deviation, logsumexp, norms, any/all along dims; amax/amin share the max/min kernel.
public sealed partial class Tensor
{
    /// <summary>Σ(x - mean)² / (N - correction) over <paramref name="dims"/> (all dims when null); correction 1 is the unbiased estimate.</summary>
    public Tensor Var(int[]? dims = null, double correction = 1, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint()) throw new InvalidOperationException($"std and var only support floating point and complex dtypes, got {DType.TorchName()}");
        var all = dims is null || dims.Length == 0;
        var over = all ? AllDims() : dims!;
        int count = Dim() == 0 ? 1 : NormalizeDims(over).Aggregate(1, (n, d) => n * ShapeArray[d]);
        var centred = this - (Dim() == 0 ? this : Mean(over, keepDim: true));
        var squares = centred * centred;
        var sum = Dim() == 0 ? squares : squares.Sum(over, keepDim);
        // N - correction ≤ 0 gives inf or NaN, as torch does (with a warning there).
        return sum / Math.Max(count - correction, 0);
    }

    /// <summary>√Var.</summary>
    public Tensor Std(int[]? dims = null, double correction = 1, bool keepDim = false) => Var(dims, correction, keepDim).Sqrt();

    /// <summary>log Σ e^x over <paramref name="dims"/>, computed around the largest element so it never overflows.</summary>
    public Tensor Logsumexp(int[] dims, bool keepDim = false)
    {
        var x = DType.IsFloatingPoint() ? this : To(DefaultDType);
        if (x.Numel() == 0) return x.Exp().Sum(dims, keepDim).Log();
        Tensor shift;
        using (GradMode.Set(false))
        {
            shift = x.Dim() == 0 ? x.Detach() : x.Amax(dims, keepDim: true);
            shift = Where(shift.Abs() == double.PositiveInfinity, ZerosLike(shift), shift);   // ±inf: torch shifts by 0
        }
        var sum = (x - shift).Exp();
        sum = x.Dim() == 0 ? sum : sum.Sum(dims, keepDim: true);
        var result = sum.Log() + shift;
        if (keepDim || x.Dim() == 0) return result;
        foreach (int d in x.NormalizeDims(dims.Length == 0 ? x.AllDims() : dims).Reverse()) result = result.Squeeze(d);
        return result;
    }

    /// <summary>Largest element over <paramref name="dims"/>; ∂ shared evenly among the elements equal to it</summary>
    public Tensor Amax(int[] dims, bool keepDim = false) => Extremes(dims, keepDim, max: true);

    /// <summary>Smallest element over <paramref name="dims"/>; ∂ shared evenly among the elements equal to it</summary>
    public Tensor Amin(int[] dims, bool keepDim = false) => Extremes(dims, keepDim, max: false);

    Tensor Extremes(int[] dims, bool keepDim, bool max)
    {
        if (!Fits32) return Extremes64(dims, keepDim, max);
        var over = dims.Length == 0 ? AllDims() : dims;
        var x = DType == DType.Bool ? To(DType.Int64) : this;
        var (view, outShape, keptShape) = x.ReductionView(over);
        if (view.Numel() == 0 && view.ShapeArray[^1] == 0)
            throw new ArgumentOutOfRangeException(null, $"{(max ? "amax" : "amin")}(): Expected reduction dim to have non-zero size.");
        var values = Allocate(outShape, x.DType, x.Device);
        var indices = Allocate(outShape, DType.Int64, x.Device);
        Backend.Extreme(view, values, indices, max);
        var result = keepDim ? values.Reshape(keptShape) : values;
        if (DType == DType.Bool) result = result.To(DType.Bool);
        if (!Recording.Needed(x)) return result;
        var input = x;
        var kept = values.Reshape(keptShape);
        return Recording.Record(result, max ? "AmaxBackward0" : "AminBackward0", [input], g =>
        {
            var mask = (input == kept).To(g.DType);
            var count = input.Dim() == 0 ? mask : mask.Sum(over, keepDim: true);
            return [mask * (g.Reshape(keptShape) / count)];
        }, input, result);
    }

    /// <summary>Whether any element over <paramref name="dims"/> is nonzero (a bool tensor).</summary>
    public Tensor Any(int[] dims, bool keepDim = false) => Fits32 ? CountNonzero(dims, keepDim) > 0.0 : Truth64(dims, keepDim, all: false);

    /// <summary>Whether every element over <paramref name="dims"/> is nonzero (a bool tensor).</summary>
    public Tensor All(int[] dims, bool keepDim = false)
    {
        if (!Fits32) return Truth64(dims, keepDim, all: true);
        var over = dims.Length == 0 ? AllDims() : dims;
        int count = Dim() == 0 ? 1 : NormalizeDims(over).Aggregate(1, (n, d) => n * ShapeArray[d]);
        return CountNonzero(dims, keepDim) == count;
    }

    Tensor CountNonzero(int[] dims, bool keepDim)
    {
        using var _ = GradMode.Set(false);
        var nonzero = (this != 0.0).To(DType.Int64);
        if (Dim() == 0) return nonzero;
        return dims.Length == 0 ? nonzero.Sum() : nonzero.Sum(dims, keepDim);
    }

    /// <summary>
    /// The vector p-norm over <paramref name="dims"/> (all when null): p = 2 √Σx², 1 Σ|x|, ∞ max|x|, -∞ min|x|,
    /// 0 the count of nonzeros, else (Σ|x|^p)^(1/p). Composed from differentiable ops.
    /// </summary>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint()) throw new InvalidOperationException($"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {DType.ShortName()[..1].ToUpperInvariant()}{DType.ShortName()[1..]}");
        var over = dims is null || dims.Length == 0 ? AllDims() : dims;
        if (p == 2 && TorchOrderNorm2(over, keepDim) is { } exact) return exact;
        var a = Abs();
        Tensor Reduce(Tensor t) => Dim() == 0 ? t : t.Sum(over, keepDim);
        if (double.IsPositiveInfinity(p)) return Dim() == 0 ? a : a.Amax(over, keepDim);
        if (double.IsNegativeInfinity(p)) return Dim() == 0 ? a : a.Amin(over, keepDim);
        if (p == 0)
        {
            // A count: its gradient is zero, but like torch the result still belongs to the graph.
            var count = Reduce((this != 0.0).To(DType));
            if (!Recording.Needed(this)) return count;
            var input = this;
            return Recording.Record(count, "NormBackward1", [input], g => [ZerosLike(input)]);
        }
        if (p == 1) return Reduce(a);
        if (p == 2) return Reduce(this * this).Sqrt();
        return Reduce(a.Pow(p)).Pow(1.0 / p);
    }
}
