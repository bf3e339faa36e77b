// torch 1.13's pow with a scalar exponent on float tensors (aten/src/ATen/native/cpu/PowKernel.cpp): 0.5, -0.5, -1,
// 2, 3 and -2 take shortcuts (Tensor.PowShortcut, on every device); on the CPU any other exponent
// runs cpu_kernel_vec with Sleef_powf8_u10(x, (float)e) on 16-element steps and (float)pow((double)x, e) on the
// rest of each thread's chunk (the scalar lambda takes the exponent as a double).
using Bridge.Autograd;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>x ^ e for a float32 CPU tensor x and a number e, as torch computes it; null where the generic pow applies.</summary>
internal static unsafe class TorchPow
{
    /// <summary>Sleef's powf for a float32 CPU tensor without autograd (Backend.TryPowScalar routes here); null for other dtypes or without AVX2.</summary>
    public static Tensor? TryScalarExponent(Tensor x, double exponent)
    {
        if (x.DType != DType.Float32 || !SleefFloat.IsSupported) return null;
        using (GradMode.Set(false))
        {
            var xs = x.Contiguous();
            var result = Tensor.Allocate(x.ShapeArray, DType.Float32, Device.Cpu, zero: false);
            Run(xs.ContiguousSpan<float>(), result.ContiguousSpan<float>(), exponent);
            return result;
        }
    }

    static void Run(ReadOnlySpan<float> x, Span<float> result, double exponent)
    {
        int n = x.Length;
        int threads = n < TorchLoops.ParallelGrain ? 1 : (int)Math.Min(CpuThreads.Count, ((long)n + TorchLoops.ParallelGrain - 1) / TorchLoops.ParallelGrain);
        int chunk = threads <= 1 ? n : (n + threads - 1) / threads;
        fixed (float* px = x, po = result)
        {
            nint ix = (nint)px, io = (nint)po;
            CpuThreads.For(Math.Max(threads, 1), t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) BodyAndTail((float*)ix + start, (float*)io + start, count, exponent);
            });
        }
    }

    static void BodyAndTail(float* x, float* result, int n, double exponent)
    {
        var e = Vector256.Create((float)exponent);
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var a = SleefFloat.Pow(Vector256.Load(x + i), e);
            var b = SleefFloat.Pow(Vector256.Load(x + i + 8), e);
            a.Store(result + i);
            b.Store(result + i + 8);
        }
        for (; i < n; i++) result[i] = (float)Math.Pow(x[i], exponent);
    }
}
