using System.Numerics;
using System.Runtime.Intrinsics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// Layer normalisation over the last <c>n</c> elements of each of <c>rows</c> contiguous rows, after torch 1.13's CPU
/// kernel (aten/src/ATen/native/cpu/layer_norm_kernel.cpp): per row mean and biased variance (accumulated here in
/// double), rstd = 1/√(var + eps), y = (x·rstd − mean·rstd)·γ + β; the backward per row
/// dx = rstd·ĝ + b·x + c with ĝ = dy·γ, b = (Σĝ·mean − Σĝ·x)·rstd³/n, c = −b·mean − Σĝ·rstd/n, and
/// dγ = Σ dy·(x − mean)·rstd, dβ = Σ dy over the rows. Generic over float and double; rows split across threads.
/// </summary>
internal static unsafe class LayerNormKernels
{
    /// <summary>Kernels on fewer elements run on the calling thread only.</summary>
    const long ParallelElements = 1 << 15;

    static int Chunks(long elements, long rows) => elements < ParallelElements ? 1 : (int)Math.Min(CpuThreads.Count, rows);

    /// <summary>Normalises every row of <paramref name="x"/> into <paramref name="y"/>, saving each row's mean and rstd; null γ/β are 1/0.</summary>
    public static void Forward<T>(T* x, T* y, long rows, long n, T* gamma, T* beta, double eps, T* mean, T* rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.LayerNormExact.Applies<T>())
        {
            TorchMath.LayerNormExact.Forward(x, y, rows, n, gamma, beta, eps, mean, rstd); // torch's rounding, bit for bit
            return;
        }
        nint px = (nint)x, py = (nint)y, pg = (nint)gamma, pb = (nint)beta, pm = (nint)mean, ps = (nint)rstd;
        int chunks = Chunks(rows * n, rows);
        long per = (rows + chunks - 1) / chunks;
        CpuThreads.For(chunks, t =>
        {
            for (long r = t * per, end = Math.Min(rows, (t + 1) * per); r < end; r++)
            {
                T* row = (T*)px + r * n, output = (T*)py + r * n;
                double mu = BatchNormKernels.Wide.Sum(row, n) / n;
                T m = T.CreateTruncating(mu);
                double squares = BatchNormKernels.Wide.SquaredDeviations(row, n, m);
                T s = T.CreateTruncating(1 / Math.Sqrt(squares / n + eps));
                ((T*)pm)[r] = m;
                ((T*)ps)[r] = s;
                Normalize(row, output, n, s, -s * m, (T*)pg, (T*)pb);
            }
        });
    }

    /// <summary>y = (x·scale + shift)·γ + β, a vector at a time.</summary>
    static void Normalize<T>(T* x, T* y, long n, T scale, T shift, T* gamma, T* beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated && gamma != null && beta != null)
        {
            Vector256<T> vs = Vector256.Create(scale), vb = Vector256.Create(shift);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                ((Vector256.Load(x + i) * vs + vb) * Vector256.Load(gamma + i) + Vector256.Load(beta + i)).Store(y + i);
        }
        for (; i < n; i++)
        {
            T v = x[i] * scale + shift;
            if (gamma != null) v *= gamma[i];
            if (beta != null) v += beta[i];
            y[i] = v;
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward{T}"/>: <paramref name="dx"/> per row, and (when not null) dγ and dβ summed over the
    /// rows (per thread in double, then added in thread order).
    /// </summary>
    public static void Backward<T>(T* dy, T* x, long rows, long n, T* mean, T* rstd, T* gamma, T* dx, T* dgamma, T* dbeta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (TorchMath.LayerNormExact.Applies<T>())
        {
            TorchMath.LayerNormExact.Backward(dy, x, rows, n, mean, rstd, gamma, dx, dgamma, dbeta);
            return;
        }
        nint pdy = (nint)dy, px = (nint)x, pm = (nint)mean, ps = (nint)rstd, pg = (nint)gamma, pdx = (nint)dx;
        bool columns = dgamma != null || dbeta != null;
        int chunks = Chunks(rows * n, rows);
        long per = (rows + chunks - 1) / chunks;
        var partials = columns ? new T[chunks][] : null;
        CpuThreads.For(chunks, t =>
        {
            var acc = columns ? new T[2 * n] : null;
            for (long r = t * per, end = Math.Min(rows, (t + 1) * per); r < end; r++)
            {
                T* g = (T*)pdy + r * n, row = (T*)px + r * n;
                T m = ((T*)pm)[r], s = ((T*)ps)[r];
                if (pdx != 0) RowGradient(g, row, (T*)pdx + r * n, n, m, s, (T*)pg);
                if (acc is not null)
                    fixed (T* a = acc) AccumulateColumns(g, row, a, a + n, n, m, s);
            }
            if (partials is not null) partials[t] = acc!;
        });
        if (partials is null) return;
        for (long i = 0; i < n; i++)
        {
            double gw = 0, gb = 0;
            foreach (var p in partials)
            {
                gw += double.CreateTruncating(p[i]);
                gb += double.CreateTruncating(p[n + i]);
            }
            if (dgamma != null) dgamma[i] = T.CreateTruncating(gw);
            if (dbeta != null) dbeta[i] = T.CreateTruncating(gb);
        }
    }

    /// <summary>dγ partial += dy·(x − mean)·rstd and dβ partial += dy for one row (accumulated in T per thread, as torch).</summary>
    static void AccumulateColumns<T>(T* dy, T* x, T* gw, T* gb, long n, T mean, T rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> vm = Vector256.Create(mean), vs = Vector256.Create(rstd);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var g = Vector256.Load(dy + i);
                (Vector256.Load(gw + i) + g * (Vector256.Load(x + i) - vm) * vs).Store(gw + i);
                (Vector256.Load(gb + i) + g).Store(gb + i);
            }
        }
        for (; i < n; i++)
        {
            gw[i] += dy[i] * (x[i] - mean) * rstd;
            gb[i] += dy[i];
        }
    }

    static void RowGradient<T>(T* dy, T* x, T* dx, long n, T mean, T rstd, T* gamma) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sumG = 0, sumGx = 0;
        long j = 0;
        if (Vector256.IsHardwareAccelerated && gamma != null)
        {
            Vector256<T> ag = Vector256<T>.Zero, agx = Vector256<T>.Zero;
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                var gi = Vector256.Load(dy + j) * Vector256.Load(gamma + j);
                ag += gi;
                agx += gi * Vector256.Load(x + j);
            }
            sumG = double.CreateTruncating(Vector256.Sum(ag));
            sumGx = double.CreateTruncating(Vector256.Sum(agx));
        }
        for (; j < n; j++)
        {
            double gi = double.CreateTruncating(gamma == null ? dy[j] : dy[j] * gamma[j]);
            sumG += gi;
            sumGx += gi * double.CreateTruncating(x[j]);
        }
        double s = double.CreateTruncating(rstd), m = double.CreateTruncating(mean);
        double bd = (sumG * m - sumGx) * s * s * s / n;
        T a = rstd, b = T.CreateTruncating(bd), c = T.CreateTruncating(-bd * m - sumG * s / n);
        long i2 = 0;
        if (Vector256.IsHardwareAccelerated && gamma != null)
        {
            Vector256<T> va = Vector256.Create(a), vb = Vector256.Create(b), vc = Vector256.Create(c);
            for (; i2 <= n - Vector256<T>.Count; i2 += Vector256<T>.Count)
                (va * (Vector256.Load(dy + i2) * Vector256.Load(gamma + i2)) + vb * Vector256.Load(x + i2) + vc).Store(dx + i2);
        }
        for (; i2 < n; i2++)
        {
            T gi = gamma == null ? dy[i2] : dy[i2] * gamma[i2];
            dx[i2] = a * gi + b * x[i2] + c;
        }
    }
}
