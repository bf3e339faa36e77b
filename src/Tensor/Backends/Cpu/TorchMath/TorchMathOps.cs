using System.Runtime.InteropServices;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>The bridge from the float unary operators to <see cref="TorchLoops"/>: float32 only, AVX2+FMA only.</summary>
internal static class TorchMathOps
{
    /// <summary>Whether ops on <typeparamref name="T"/> run through the torch-exact kernels on this CPU.</summary>
    public static bool Applies<T>() => typeof(T) == typeof(float) && SleefFloat.IsSupported;

    /// <summary>Runs <typeparamref name="TKernel"/> over a contiguous span with torch's loop; false where it does not apply.</summary>
    public static bool TryRun<T, TKernel>(TorchLoop loop, ReadOnlySpan<T> x, Span<T> result) where T : unmanaged where TKernel : IVectorKernel
    {
        if (!Applies<T>()) return false;
        TorchLoops.Run<TKernel>(loop, MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(result));
        return true;
    }
}
