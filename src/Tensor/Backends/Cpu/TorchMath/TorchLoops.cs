// torch 1.13's two CPU loop shapes for float unary ops, reproduced so that every element meets the same function
// torch applies to it (aten/src/ATen/native/cpu/UnaryOpsKernel.cpp, vml.h and Loops.h in ATen, BSD-3-Clause):
//  - "vml" ops (sin, exp, log, tanh, ...: IMPLEMENT_FLOAT/COMPLEX_KERNEL): TensorIterator::for_each with grain 2048
//    splits [0, n) between threads, and each chunk goes through vec::map: the vector function on 8 float (4 double) lanes at a time,
//    the last partial vector zero-padded, so no element meets libm.
//  - cpu_kernel_vec ops (sinh, cosh, ...): at::parallel_for with grain 32768, and in each chunk vectorized_loop runs
//    two vectors (16 floats, 8 doubles) per step; the remaining elements go through the scalar function (glibc's).
// Chunks start where torch's OpenMP split puts them: nt = min(threads, ceil(n / grain)), chunk = ceil(n / nt).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>A function as torch evaluates it: SLEEF's vector form, and the scalar form of its loop tails.</summary>
internal interface IVectorKernel
{
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract float Scalar(float x);

    /// <summary>Whether the float64 forms below are ported (otherwise float64 keeps the op's own kernels).</summary>
    static virtual bool HasDouble => false;
    static virtual Vector256<double> Invoke(Vector256<double> x) => throw new NotSupportedException("no float64 kernel");
    static virtual double Scalar(double x) => throw new NotSupportedException("no float64 kernel");
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
internal static unsafe partial class TorchLoops
{
    public const int VmlGrain = 2048, ParallelGrain = 32768;

    /// <summary>Maps <paramref name="x"/> into <paramref name="result"/> (same length, contiguous) with torch's loop <paramref name="loop"/>.</summary>
    public static void Run<T, TKernel>(TorchLoop loop, ReadOnlySpan<T> x, Span<T> result) where T : unmanaged where TKernel : IVectorKernel
    {
        int n = x.Length;
        int grain = loop == TorchLoop.Vml ? VmlGrain : ParallelGrain;
        int threads = n < grain ? 1 : (int)Math.Min(CpuThreads.Count, ((long)n + grain - 1) / grain);
        fixed (T* px = x, po = result)
        {
            if (threads <= 1)
            {
                Chunk<T, TKernel>(loop, px, po, n);
                return;
            }
            int chunk = (n + threads - 1) / threads;
            nint ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) Chunk<T, TKernel>(loop, (T*)ix + start, (T*)io + start, count);
            });
        }
    }

    static void Chunk<T, TKernel>(TorchLoop loop, T* x, T* result, int n) where T : unmanaged where TKernel : IVectorKernel
    {
        if (loop == TorchLoop.Vml) Map<T, TKernel>(x, result, n);
        else BodyAndTail<T, TKernel>(x, result, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Apply<T, TKernel>(Vector256<T> v) where T : unmanaged where TKernel : IVectorKernel =>
        typeof(T) == typeof(float) ? TKernel.Invoke(v.AsSingle()).As<float, T>() : TKernel.Invoke(v.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Scalar<T, TKernel>(T x) where T : unmanaged where TKernel : IVectorKernel =>
        typeof(T) == typeof(float) ? (T)(object)TKernel.Scalar((float)(object)x) : (T)(object)TKernel.Scalar((double)(object)x);

    /// <summary>vec::map: one vector (8 floats, 4 doubles) at a time, the last partial vector padded with zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TKernel>(T* x, T* result, int n) where T : unmanaged where TKernel : IVectorKernel
    {
        int lanes = Vector256<T>.Count, i = 0;
        for (; i <= n - lanes; i += lanes) Apply<T, TKernel>(Vector256.Load(x + i)).Store(result + i);
        if (i < n)
        {
            T* buffer = stackalloc T[lanes];
            Vector256<T>.Zero.Store(buffer);
            for (int j = 0; j < n - i; j++) buffer[j] = x[i + j];
            Apply<T, TKernel>(Vector256.Load(buffer)).Store(buffer);
            for (int j = 0; j < n - i; j++) result[i + j] = buffer[j];
        }
    }

    /// <summary>vectorized_loop: two vectors per step, then the scalar function on what is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BodyAndTail<T, TKernel>(T* x, T* result, int n) where T : unmanaged where TKernel : IVectorKernel
    {
        int lanes = Vector256<T>.Count, i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes)
        {
            var a = Apply<T, TKernel>(Vector256.Load(x + i));
            var b = Apply<T, TKernel>(Vector256.Load(x + i + lanes));
            a.Store(result + i);
            b.Store(result + i + lanes);
        }
        for (; i < n; i++) result[i] = Scalar<T, TKernel>(x[i]);
    }
}
