using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Batch normalisation over a contiguous [N, C, *] input in fused passes, after torch 1.13's CPU kernels
/// (aten/src/ATen/native/cpu/batch_norm_kernel.cpp, contiguous layout): per-channel statistics accumulated in double
/// (the mean rounded to T, then Σ(x − mean)² of T products), the output as x·α + β with α = invstd·w,
/// β = b − mean·α, and the backward from Σdy and Σ(x − mean)·dy in one read of dy and x. Generic over float and
/// double; work split by channel (statistics, backward) or by [n, c] plane (normalisation).
/// </summary>
internal static unsafe class BatchNormKernels
{
    /// <summary>Kernels on fewer elements run on the calling thread only.</summary>
    const long ParallelElements = 1 << 15;

    static int Chunks(long elements, int items) => elements < ParallelElements ? 1 : Math.Min(CpuThreads.Count, items);

    /// <summary>mean[c] = Σx / count (rounded to T) and varSum[c] = Σ (x − mean)² per channel.</summary>
    public static void Statistics<T>(T* x, int batch, int channels, long image, T* mean, T* varSum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, pm = (nint)mean, pv = (nint)varSum;
        long count = batch * image;
        ForChannels(batch * (long)channels * image, channels, c =>
        {
            T* input = (T*)px;
            double sum = 0;
            for (int n = 0; n < batch; n++) sum += Wide.Sum(input + ((long)n * channels + c) * image, image);
            T m = T.CreateTruncating(sum / count);
            double squares = 0;
            for (int n = 0; n < batch; n++) squares += Wide.SquaredDeviations(input + ((long)n * channels + c) * image, image, m);
            ((T*)pm)[c] = m;
            ((T*)pv)[c] = T.CreateTruncating(squares);
        });
    }

    /// <summary>y = x·alpha[c] + beta[c] over every [n, c] plane (a multiply then an add, as torch's vector loop).</summary>
    public static void Normalize<T>(T* x, T* y, int batch, int channels, long image, T* alpha, T* beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, py = (nint)y, pa = (nint)alpha, pb = (nint)beta;
        int planes = batch * channels;
        int chunks = Chunks(planes * image, planes), per = (planes + chunks - 1) / chunks;
        CpuThreads.For(chunks, t =>
        {
            for (int p = t * per, end = Math.Min(planes, (t + 1) * per); p < end; p++)
            {
                int c = p % channels;
                Affine((T*)px + p * image, (T*)py + p * image, image, ((T*)pa)[c], ((T*)pb)[c]);
            }
        });
    }

    static void Affine<T>(T* x, T* y, long n, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) (Vector256.Load(x + i) * va + vb).Store(y + i);
        }
        for (; i < n; i++) y[i] = x[i] * a + b;
    }

    /// <summary>
    /// The backward of <see cref="Normalize{T}"/> per channel. Training (statistics of the batch):
    /// dx = (dy − Σdy/count − (x − mean)·k)·invstd·w with k = Σ((x − mean)·dy)·invstd²/count; eval: dx = dy·invstd·w.
    /// dweight = Σ((x − mean)·dy)·invstd, dbias = Σdy. Null outputs are skipped; a null weight is ones.
    /// </summary>
    public static void Backward<T>(T* dy, T* x, int batch, int channels, long image, T* mean, T* invstd, T* weight,
        bool training, T* dx, T* dweight, T* dbias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pdy = (nint)dy, px = (nint)x, pm = (nint)mean, ps = (nint)invstd, pw = (nint)weight;
        nint pdx = (nint)dx, pdw = (nint)dweight, pdb = (nint)dbias;
        long count = batch * image;
        ForChannels(batch * (long)channels * image, channels, c =>
        {
            T m = ((T*)pm)[c], s = ((T*)ps)[c], w = pw == 0 ? T.One : ((T*)pw)[c];
            double sum = 0, dot = 0;
            for (int n = 0; n < batch; n++)
            {
                long at = ((long)n * channels + c) * image;
                sum += Wide.Sum((T*)pdy + at, image);
                dot += Wide.DeviationDot((T*)px + at, (T*)pdy + at, image, m);
            }
            if (pdx != 0)
            {
                T k = T.CreateTruncating(dot) * s * s / T.CreateTruncating(count);
                T gradMean = T.CreateTruncating(sum / count);
                for (int n = 0; n < batch; n++)
                {
                    long at = ((long)n * channels + c) * image;
                    if (training) InputGradient((T*)px + at, (T*)pdy + at, (T*)pdx + at, image, m, k, gradMean, s, w);
                    else Scale((T*)pdy + at, (T*)pdx + at, image, s * w);
                }
            }
            if (pdw != 0) ((T*)pdw)[c] = T.CreateTruncating(dot * double.CreateTruncating(s));
            if (pdb != 0) ((T*)pdb)[c] = T.CreateTruncating(sum);
        });
    }

    /// <summary>dx = (dy − gradMean − (x − mean)·k)·invstd·w, torch's order of operations.</summary>
    static void InputGradient<T>(T* x, T* dy, T* dx, long n, T mean, T k, T gradMean, T invstd, T w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vm = Vector256.Create(mean), vk = Vector256.Create(k), vg = Vector256.Create(gradMean);
            Vector256<T> vs = Vector256.Create(invstd), vw = Vector256.Create(w);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var d = (Vector256.Load(x + i) - vm) * vk;
                ((Vector256.Load(dy + i) - vg - d) * vs * vw).Store(dx + i);
            }
        }
        for (; i < n; i++) dx[i] = (dy[i] - gradMean - (x[i] - mean) * k) * invstd * w;
    }

    static void Scale<T>(T* dy, T* dx, long n, T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vf = Vector256.Create(factor);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) (Vector256.Load(dy + i) * vf).Store(dx + i);
        }
        for (; i < n; i++) dx[i] = dy[i] * factor;
    }

    static void ForChannels(long elements, int channels, Action<int> body)
    {
        int chunks = Chunks(elements, channels), per = (channels + chunks - 1) / chunks;
        CpuThreads.For(chunks, t =>
        {
            for (int c = t * per, end = Math.Min(channels, (t + 1) * per); c < end; c++) body(c);
        });
    }

    /// <summary>Sums of T values accumulated in double lanes (float widened), as torch accumulates them in double.</summary>
    internal static class Wide
    {
        /// <summary>Σ p[i].</summary>
        public static double Sum<T>(T* p, long n) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var acc = Vector256<double>.Zero;
            long i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) acc += Widen(Vector256.Load(p + i));
            double s = Vector256.Sum(acc);
            for (; i < n; i++) s += double.CreateTruncating(p[i]);
            return s;
        }

        /// <summary>Σ (p[i] − mean)², each square rounded to T.</summary>
        public static double SquaredDeviations<T>(T* p, long n, T mean) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var acc = Vector256<double>.Zero;
            long i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vm = Vector256.Create(mean);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    var d = Vector256.Load(p + i) - vm;
                    acc += Widen(d * d);
                }
            }
            double s = Vector256.Sum(acc);
            for (; i < n; i++)
            {
                T d = p[i] - mean;
                s += double.CreateTruncating(d * d);
            }
            return s;
        }

        /// <summary>Σ (x[i] − mean)·dy[i], each product rounded to T.</summary>
        public static double DeviationDot<T>(T* x, T* dy, long n, T mean) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var acc = Vector256<double>.Zero;
            long i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vm = Vector256.Create(mean);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    acc += Widen((Vector256.Load(x + i) - vm) * Vector256.Load(dy + i));
            }
            double s = Vector256.Sum(acc);
            for (; i < n; i++) s += double.CreateTruncating((x[i] - mean) * dy[i]);
            return s;
        }

        /// <summary>A vector of T as double lanes added pairwise into 4 (float: its two halves widened and added).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<double> Widen<T>(Vector256<T> v) where T : unmanaged
        {
            if (typeof(T) == typeof(double)) return v.As<T, double>();
            var (lo, hi) = Vector256.Widen(v.As<T, float>());
            return lo + hi;
        }
    }
}
