// cpu_kernel_vec's loops for the activations (aten/src/ATen/native/cpu/Loops.h): at::parallel_for over [0, n) with
// the op's grain, and in each chunk vectorized_loop's two vectors per step with the scalar lambda on the rest. The
// backward kernels take two inputs (∂y, x) and run the same loop. oneDNN's GELU is elementwise with independent
// lanes, so only its per-lane math matters (OneDnnGelu).
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu.TorchMath;

internal static unsafe partial class TorchLoops
{
    /// <summary>The chunks torch's OpenMP parallel_for cuts [0, n) into for <paramref name="grain"/>: (count, size).</summary>
    static (int Threads, int Chunk) Split(int n, long grain)
    {
        int threads = n < grain ? 1 : (int)Math.Min(CpuThreads.Count, (n + grain - 1) / grain);
        return (threads, threads <= 1 ? n : (n + threads - 1) / threads);
    }

    /// <summary>cpu_kernel_vec on one input: <typeparamref name="TKernel"/> over contiguous spans with grain <paramref name="grain"/>.</summary>
    public static void RunVectorized<T, TKernel>(ReadOnlySpan<T> x, Span<T> result, long grain) where T : unmanaged where TKernel : IVectorKernel
    {
        int n = x.Length;
        var (threads, chunk) = Split(n, grain);
        fixed (T* px = x, po = result)
        {
            if (threads <= 1)
            {
                BodyAndTail<T, TKernel>(px, po, n);
                return;
            }
            nint ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) BodyAndTail<T, TKernel>((T*)ix + start, (T*)io + start, count);
            });
        }
    }

    /// <summary>cpu_kernel_vec on two inputs (a backward: ∂y, x): <typeparamref name="TKernel"/> with grain <paramref name="grain"/>.</summary>
    public static void RunVectorized2<T, TKernel>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, Span<T> result, long grain) where T : unmanaged where TKernel : IVectorKernel2
    {
        int n = x.Length;
        var (threads, chunk) = Split(n, grain);
        fixed (T* pg = dy, px = x, po = result)
        {
            if (threads <= 1)
            {
                BodyAndTail2<T, TKernel>(pg, px, po, n);
                return;
            }
            nint ig = (nint)pg, ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) BodyAndTail2<T, TKernel>((T*)ig + start, (T*)ix + start, (T*)io + start, count);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Apply2<T, TKernel>(Vector256<T> g, Vector256<T> v) where T : unmanaged where TKernel : IVectorKernel2 =>
        typeof(T) == typeof(float) ? TKernel.Invoke(g.AsSingle(), v.AsSingle()).As<float, T>() : TKernel.Invoke(g.AsDouble(), v.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Scalar2<T, TKernel>(T g, T x) where T : unmanaged where TKernel : IVectorKernel2 =>
        typeof(T) == typeof(float)
            ? (T)(object)TKernel.Scalar((float)(object)g, (float)(object)x)
            : (T)(object)TKernel.Scalar((double)(object)g, (double)(object)x);

    /// <summary>vectorized_loop with two inputs: two vectors per step, then the scalar function on what is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BodyAndTail2<T, TKernel>(T* g, T* x, T* result, int n) where T : unmanaged where TKernel : IVectorKernel2
    {
        int lanes = Vector256<T>.Count, i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes)
        {
            var a = Apply2<T, TKernel>(Vector256.Load(g + i), Vector256.Load(x + i));
            var b = Apply2<T, TKernel>(Vector256.Load(g + i + lanes), Vector256.Load(x + i + lanes));
            a.Store(result + i);
            b.Store(result + i + lanes);
        }
        for (; i < n; i++) result[i] = Scalar2<T, TKernel>(g[i], x[i]);
    }

    /// <summary>cpu_kernel_vec on one input with a parameterised kernel <paramref name="kernel"/>.</summary>
    public static void RunVectorized<T, TKernel>(TKernel kernel, ReadOnlySpan<T> x, Span<T> result, long grain) where T : unmanaged where TKernel : struct, IParamKernel
    {
        int n = x.Length;
        var (threads, chunk) = Split(n, grain);
        fixed (T* px = x, po = result)
        {
            nint ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) BodyAndTailP((T*)ix + start, (T*)io + start, count, kernel);
            });
        }
    }

    /// <summary>cpu_kernel_vec on two inputs (∂y, x) with a parameterised kernel <paramref name="kernel"/>.</summary>
    public static void RunVectorized2<T, TKernel>(TKernel kernel, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, Span<T> result, long grain) where T : unmanaged where TKernel : struct, IParamKernel2
    {
        int n = x.Length;
        var (threads, chunk) = Split(n, grain);
        fixed (T* pg = dy, px = x, po = result)
        {
            nint ig = (nint)pg, ix = (nint)px, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) BodyAndTail2P((T*)ig + start, (T*)ix + start, (T*)io + start, count, kernel);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BodyAndTailP<T, TKernel>(T* x, T* result, int n, TKernel k) where T : unmanaged where TKernel : struct, IParamKernel
    {
        int lanes = Vector256<T>.Count, i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes)
        {
            Vector256<T> a, b;
            if (typeof(T) == typeof(float))
            {
                a = k.Invoke(Vector256.Load(x + i).AsSingle()).As<float, T>();
                b = k.Invoke(Vector256.Load(x + i + lanes).AsSingle()).As<float, T>();
            }
            else
            {
                a = k.Invoke(Vector256.Load(x + i).AsDouble()).As<double, T>();
                b = k.Invoke(Vector256.Load(x + i + lanes).AsDouble()).As<double, T>();
            }
            a.Store(result + i);
            b.Store(result + i + lanes);
        }
        for (; i < n; i++)
            result[i] = typeof(T) == typeof(float) ? (T)(object)k.Scalar((float)(object)x[i]) : (T)(object)k.Scalar((double)(object)x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BodyAndTail2P<T, TKernel>(T* g, T* x, T* result, int n, TKernel k) where T : unmanaged where TKernel : struct, IParamKernel2
    {
        int lanes = Vector256<T>.Count, i = 0;
        for (; i <= n - 2 * lanes; i += 2 * lanes)
        {
            Vector256<T> a, b;
            if (typeof(T) == typeof(float))
            {
                a = k.Invoke(Vector256.Load(g + i).AsSingle(), Vector256.Load(x + i).AsSingle()).As<float, T>();
                b = k.Invoke(Vector256.Load(g + i + lanes).AsSingle(), Vector256.Load(x + i + lanes).AsSingle()).As<float, T>();
            }
            else
            {
                a = k.Invoke(Vector256.Load(g + i).AsDouble(), Vector256.Load(x + i).AsDouble()).As<double, T>();
                b = k.Invoke(Vector256.Load(g + i + lanes).AsDouble(), Vector256.Load(x + i + lanes).AsDouble()).As<double, T>();
            }
            a.Store(result + i);
            b.Store(result + i + lanes);
        }
        for (; i < n; i++)
            result[i] = typeof(T) == typeof(float)
                ? (T)(object)k.Scalar((float)(object)g[i], (float)(object)x[i])
                : (T)(object)k.Scalar((double)(object)g[i], (double)(object)x[i]);
    }

    /// <summary>oneDNN's gelu_erf over float32 spans: y = gelu(x), or (with <paramref name="dy"/>) ∂x = gelu'(x)·∂y.</summary>
    public static void OneDnnGelu(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> result, bool backward)
    {
        int n = x.Length;
        var (threads, chunk) = Split(n, ParallelGrain);
        fixed (float* px = x, pg = dy, po = result)
        {
            nint ix = (nint)px, ig = (nint)pg, io = (nint)po;
            CpuThreads.For(threads, t =>
            {
                int start = t * chunk, count = Math.Min(n - start, chunk);
                if (count > 0) OneDnnChunk((float*)ix + start, backward ? (float*)ig + start : null, (float*)io + start, count);
            });
        }
    }

    static void OneDnnChunk(float* x, float* dy, float* result, int n)
    {
        int i = 0;
        for (; i <= n - 8; i += 8) OneDnnLanes(Vector256.Load(x + i), dy == null ? default : Vector256.Load(dy + i), dy != null).Store(result + i);
        if (i == n) return;
        float* bx = stackalloc float[8], bg = stackalloc float[8];
        for (int j = 0; j < 8; j++) (bx[j], bg[j]) = i + j < n ? (x[i + j], dy == null ? 0f : dy[i + j]) : (0f, 0f);
        OneDnnLanes(Vector256.Load(bx), Vector256.Load(bg), dy != null).Store(bx);
        for (int j = 0; i + j < n; j++) result[i + j] = bx[j];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> OneDnnLanes(Vector256<float> x, Vector256<float> dy, bool backward) =>
        backward ? TorchMath.OneDnnGelu.Derivative(x) * dy : TorchMath.OneDnnGelu.Forward(x);
}
