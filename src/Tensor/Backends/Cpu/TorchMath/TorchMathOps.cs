namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>The bridge from the float unary operators to <see cref="TorchLoops"/>: float32 and (where ported) float64, AVX2+FMA only.</summary>
internal static class TorchMathOps
{
    /// <summary>Whether ops on <typeparamref name="T"/> run through the torch-exact kernels on this CPU (float64 only where the op's kernel has one).</summary>
    public static bool Applies<T>(bool hasDouble) => SleefFloat.IsSupported && (typeof(T) == typeof(float) || (typeof(T) == typeof(double) && hasDouble));

    /// <summary>Runs <typeparamref name="TKernel"/> over a contiguous span with torch's loop; false where it does not apply.</summary>
    public static bool TryRun<T, TKernel>(TorchLoop loop, ReadOnlySpan<T> x, Span<T> result) where T : unmanaged where TKernel : IVectorKernel
    {
        if (!Applies<T>(TKernel.HasDouble)) return false;
        TorchLoops.Run<T, TKernel>(loop, x, result);
        return true;
    }
}
