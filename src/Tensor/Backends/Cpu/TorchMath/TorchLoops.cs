// torch 1.13's two CPU loop shapes for float unary ops, reproduced so that every element meets the same function
// torch applies to it (aten/src/ATen/native/cpu/UnaryOpsKernel.cpp, vml.h and Loops.h in ATen, BSD-3-Clause):
//  - "vml" ops (sin, exp, log, tanh, ...: IMPLEMENT_FLOAT/COMPLEX_KERNEL): TensorIterator::for_each with grain 2048
//    splits [0, n) between threads, and each chunk goes through vec::map: the vector function on 8 lanes at a time,
//    the last partial vector zero-padded, so no element meets libm.
//  - cpu_kernel_vec ops (sinh, cosh, ...): at::parallel_for with grain 32768, and in each chunk vectorized_loop runs
//    16 elements (two vectors) per step; the remaining 0..15 elements go through the scalar function (glibc's).
// Chunks start where torch's OpenMP split puts them: nt = min(threads, ceil(n / grain)), chunk = ceil(n / nt).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>A float32 function as torch evaluates it: SLEEF's vector form, and the scalar form of its loop tails.</summary>
internal interface IVectorKernel
{
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract float Scalar(float x);
}

/// <summary>Which of torch's loops runs an op (see the file header).</summary>
internal enum TorchLoop
{
    /// <summary>Not reproduced: the op keeps its own kernels.</summary>
    None,
    /// <summary>vec::map over grain-2048 chunks: every element through the vector function.</summary>
    Vml,
    /// <summary>vectorized_loop over grain-32768 chunks: 16-element steps, the rest through the scalar function.</summary>
    Vectorized,
}

/// <summary>Drivers that apply an <see cref="IVectorKernel"/> over a contiguous span with torch's chunking and tails.</summary>
internal static unsafe class TorchLoops
{
    public const int VmlGrain = 2048, ParallelGrain = 32768;

    /// <summary>Maps <paramref name="x"/> into <paramref name="result"/> (same length, contiguous) with torch's loop <paramref name="loop"/>.</summary>
    public static void Run<TKernel>(TorchLoop loop, ReadOnlySpan<float> x, Span<float> result) where TKernel : IVectorKernel
    {
        int n = x.Length;
        int grain = loop == TorchLoop.Vml ? VmlGrain : ParallelGrain;
        int threads = n < grain ? 1 : (int)Math.Min(CpuThreads.Count, ((long)n + grain - 1) / grain);
        fixed (float* px = x, po = result)
        {
            if (threads <= 1)
            {
                Chunk<TKernel>(loop, px, po, n);
                return;
            }
            int chunk = (n + threads - 1) / threads;
            nint ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) Chunk<TKernel>(loop, (float*)ix + start, (float*)io + start, count);
            });
        }
    }

    static void Chunk<TKernel>(TorchLoop loop, float* x, float* result, int n) where TKernel : IVectorKernel
    {
        if (loop == TorchLoop.Vml) Map<TKernel>(x, result, n);
        else BodyAndTail<TKernel>(x, result, n);
    }

    /// <summary>vec::map: 8 lanes at a time, the last partial vector padded with zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TKernel>(float* x, float* result, int n) where TKernel : IVectorKernel
    {
        int i = 0;
        for (; i <= n - 8; i += 8) TKernel.Invoke(Vector256.Load(x + i)).Store(result + i);
        if (i < n)
        {
            float* buffer = stackalloc float[8];
            Vector256<float>.Zero.Store(buffer);
            for (int j = 0; j < n - i; j++) buffer[j] = x[i + j];
            TKernel.Invoke(Vector256.Load(buffer)).Store(buffer);
            for (int j = 0; j < n - i; j++) result[i + j] = buffer[j];
        }
    }

    /// <summary>vectorized_loop: two vectors per step, then the scalar function on what is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BodyAndTail<TKernel>(float* x, float* result, int n) where TKernel : IVectorKernel
    {
        int i = 0;
        for (; i <= n - 16; i += 16)
        {
            var a = TKernel.Invoke(Vector256.Load(x + i));
            var b = TKernel.Invoke(Vector256.Load(x + i + 8));
            a.Store(result + i);
            b.Store(result + i + 8);
        }
        for (; i < n; i++) result[i] = TKernel.Scalar(x[i]);
    }
}
