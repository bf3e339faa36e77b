using Bridge.Backends.Cpu.TorchMath;

namespace Bridge.Backends.Cpu;

/// <summary>The activations whose CPU kernels reproduce torch 1.13's bit for bit (see TorchMath/ActivationKernels.cs).</summary>
internal enum Activation
{
    /// <summary>x·Φ(x) by ATen's kernel (float64; float32 whose input is not contiguous).</summary>
    Gelu,
    /// <summary>x·Φ(x) as torch computes a contiguous input: oneDNN's kernel for float32 of more than one element, else ATen's.</summary>
    GeluOneDnn,
    /// <summary>GELU's tanh approximation.</summary>
    GeluTanh,
    /// <summary>x·σ(x).</summary>
    Silu,
    /// <summary>x·tanh(softplus(x)).</summary>
    Mish,
    /// <summary>log(1 + e^(βx))/β (x past the threshold); parameters β, threshold.</summary>
    Softplus,
    /// <summary>scale·x, or α·scale·(e^(input_scale·x) − 1) for x ≤ 0; parameters α, scale, input_scale.</summary>
    Elu,
    /// <summary>x·min(max(x + 3, 0), 6)/6.</summary>
    Hardswish,
    /// <summary>min(max(x + 3, 0), 6)/6.</summary>
    Hardsigmoid,
}

/// <summary>
/// Runs an <see cref="Activation"/> over contiguous float32/float64 tensors with torch's kernels and loops: oneDNN's
/// gelu_erf for the exact GELU on float32 (torch's path for a contiguous float32 input of more than one element),
/// ATen's cpu_kernel_vec kernels otherwise.
/// </summary>
internal static class ExactActivations
{
    const long GrainSize = 32768;
    const int GeluMinElementsForMultiThreading = 16384;

    /// <summary>Whether <paramref name="x"/> (contiguous, on the CPU) runs through these kernels on this machine.</summary>
    public static bool Supports(Tensor x) =>
        SleefFloat.IsSupported && x.DType is DType.Float32 or DType.Float64 && x.Numel() <= int.MaxValue;

    /// <summary>y = op(x); both contiguous, same shape and dtype; <paramref name="parameters"/> as the op's summary lists them.</summary>
    public static void Forward(Activation op, Tensor x, Tensor y, double[]? parameters = null)
    {
        if (x.DType == DType.Float32) Forward(op, x.ContiguousSpan<float>(), y.ContiguousSpan<float>(), parameters);
        else Forward(op, x.ContiguousSpan<double>(), y.ContiguousSpan<double>(), parameters);
    }

    /// <summary>∂x = op'(x)·∂y; all contiguous, same shape and dtype; <paramref name="parameters"/> as for the forward.</summary>
    public static void Backward(Activation op, Tensor gy, Tensor x, Tensor dx, double[]? parameters = null)
    {
        if (x.DType == DType.Float32) Backward(op, gy.ContiguousSpan<float>(), x.ContiguousSpan<float>(), dx.ContiguousSpan<float>(), parameters);
        else Backward(op, gy.ContiguousSpan<double>(), x.ContiguousSpan<double>(), dx.ContiguousSpan<double>(), parameters);
    }

    static void Forward<T>(Activation op, ReadOnlySpan<T> x, Span<T> y, double[]? p) where T : unmanaged
    {
        if (op == Activation.GeluOneDnn && typeof(T) == typeof(float) && x.Length > 1)
        {
            TorchLoops.OneDnnGelu(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), default,
                System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y), backward: false);
            return;
        }
        switch (op)
        {
            case Activation.Gelu or Activation.GeluOneDnn: TorchLoops.RunVectorized<T, GeluErfKernel>(x, y, GeluGrain(x.Length)); break;
            case Activation.GeluTanh: TorchLoops.RunVectorized<T, GeluTanhKernel>(x, y, GeluGrain(x.Length)); break;
            case Activation.Silu: TorchLoops.RunVectorized<T, SiluKernel>(x, y, GrainSize); break;
            case Activation.Mish: TorchLoops.RunVectorized<T, MishKernel>(x, y, GrainSize); break;
            case Activation.Softplus: TorchLoops.RunVectorized(new SoftplusKernel(p![0], p[1]), x, y, GrainSize); break;
            case Activation.Elu: TorchLoops.RunVectorized(new EluKernel(p![0], p[1], p[2]), x, y, GrainSize); break;
            case Activation.Hardswish: TorchLoops.RunVectorized<T, HardswishKernel>(x, y, GrainSize); break;
            case Activation.Hardsigmoid: TorchLoops.RunVectorized<T, HardsigmoidKernel>(x, y, GrainSize); break;
        }
    }

    static void Backward<T>(Activation op, ReadOnlySpan<T> gy, ReadOnlySpan<T> x, Span<T> dx, double[]? p) where T : unmanaged
    {
        if (op == Activation.GeluOneDnn && typeof(T) == typeof(float) && x.Length > 1)
        {
            TorchLoops.OneDnnGelu(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(gy),
                System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(dx), backward: true);
            return;
        }
        switch (op)
        {
            case Activation.Gelu or Activation.GeluOneDnn: TorchLoops.RunVectorized2<T, GeluErfBackwardKernel>(gy, x, dx, GrainSize); break;
            case Activation.GeluTanh: TorchLoops.RunVectorized2<T, GeluTanhBackwardKernel>(gy, x, dx, GrainSize); break;
            case Activation.Silu: TorchLoops.RunVectorized2<T, SiluBackwardKernel>(gy, x, dx, GrainSize); break;
            case Activation.Mish: TorchLoops.RunVectorized2<T, MishBackwardKernel>(gy, x, dx, GrainSize); break;
            case Activation.Softplus: TorchLoops.RunVectorized2(new SoftplusBackwardKernel(p![0], p[1]), gy, x, dx, GrainSize); break;
            case Activation.Elu: TorchLoops.RunVectorized2(new EluBackwardKernel(p![0], p[1], p[2]), gy, x, dx, GrainSize); break;
            case Activation.Hardswish: TorchLoops.RunVectorized2<T, HardswishBackwardKernel>(gy, x, dx, GrainSize); break;
            case Activation.Hardsigmoid: TorchLoops.RunVectorized2<T, HardsigmoidBackwardKernel>(gy, x, dx, GrainSize); break;
        }
    }

    // GeluKernelImpl splits anything past 16384 elements evenly between the threads.
    static long GeluGrain(int n) => n > GeluMinElementsForMultiThreading ? Math.Max(1, n / CpuThreads.Count) : GrainSize;
}
