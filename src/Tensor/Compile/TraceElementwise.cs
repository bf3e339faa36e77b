using Bridge.Backends;
using Bridge.Backends.Cpu;

namespace Bridge.Compile;

/// <summary>
/// The dispatch seam's recording of elementwise kernels: each is recorded with its fusible form when it has one
/// (<see cref="FusibleOp"/>; the replay then runs it inside a <see cref="FusedChain{T}"/>, so the specialised
/// single-kernel replay is not built), else with the single-kernel replay of <see cref="ReplayKernels"/> or the eager
/// kernel itself. Each method runs the kernel once now and returns true (the caller returns).
/// </summary>
internal static class TraceElementwise
{
    static bool Fused(FusibleOp? op) => op is not null && StepProgram.Fusion;

    /// <summary>Records result = TOp(a, b).</summary>
    public static bool Binary<TOp>(Tensor a, Tensor b, Tensor result) where TOp : IBinaryOperator
    {
        var op = FusibleOp.Binary<TOp>(a, b, result);
        Action eager = () => Backend.Binary<TOp>(a, b, result);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.Binary<TOp>(a, b, result) ?? eager, a, b, result);
    }

    /// <summary>Records result = TOp(x) for any numeric dtype.</summary>
    public static bool Unary<TOp>(Tensor x, Tensor result) where TOp : IUnaryOperator
    {
        var op = FusibleOp.Unary<TOp>(x, result);
        Action eager = () => Backend.Unary<TOp>(x, result);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.Unary<TOp>(x, result) ?? eager, x, result);
    }

    /// <summary>Records result = TOp(x) for a floating-point dtype.</summary>
    public static bool FloatUnary<TOp>(Tensor x, Tensor result) where TOp : IFloatUnaryOperator
    {
        var op = FusibleOp.FloatUnary<TOp>(x, result);
        Action eager = () => Backend.FloatUnary<TOp>(x, result);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.FloatUnary<TOp>(x, result) ?? eager, x, result);
    }

    /// <summary>Records dst = src.</summary>
    public static bool Copy(Tensor src, Tensor dst)
    {
        var op = FusibleOp.Copy(src, dst);
        Action eager = () => Backend.Copy(src, dst);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.Copy(src, dst) ?? eager, src, dst);
    }

    /// <summary>Records one element of t set to value.</summary>
    public static bool Write(Tensor t, long offset, double value)
    {
        var op = FusibleOp.Write(t, offset, value);
        Action eager = () => Backend.Write(t, offset, value);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.Write(t, offset, value) ?? eager, t);
    }

    /// <summary>Records every element of t set to value.</summary>
    public static bool Fill(Tensor t, double value)
    {
        var op = FusibleOp.Fill(t, value);
        Action eager = () => Backend.Fill(t, value);
        return StepTrace.RecordFusible(op, Fused(op) ? eager : ReplayKernels.Fill(t, value) ?? eager, t);
    }
}
