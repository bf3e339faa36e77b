// layer_norm over the last dim as torch 1.13's CPU kernel computes it (aten/src/ATen/native/cpu/layer_norm_kernel.cpp
// and moments_utils.h, BSD-3-Clause), bit for bit, float32 and float64:
//  - each row's mean and variance by RowwiseMoments: Welford on vectors (8 float / 4 double lanes) in chunks of 16
//    vectors, chunks merged by a cascade, the rest of the row by scalar Welford, then the lanes merged one by one.
//    No FMA anywhere in it: the function is a template outside ATen's per-CPU namespace, so the linker keeps one
//    copy, and torch's is the one built without -mfma (checked against torch on every row length below);
//  - y = fma(fma(x, rstd, −rstd·mean), γ, β), rstd = 1/√(var + eps), the FMAs GCC formed in the AVX2 kernel;
//  - the backward's per-row sums Σ dy·x·γ and Σ dy·γ as vec::map3_reduce_all/map2_reduce_all (FMA accumulation
//    after the first vector, the tail blended into the first lanes, AVX2's shuffle reduction), dγ and dβ
//    accumulated row by row into one buffer per thread, the buffers summed in thread order.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Bridge.Backends.Cpu.TorchMath;

/// <summary>torch 1.13's CPU layer_norm forward and backward over contiguous rows (see the file header).</summary>
internal static unsafe class LayerNormExact
{
    const int ChunkSize = 16;

    /// <summary>Whether <typeparamref name="T"/> runs here on this machine (float32/float64 with AVX2 and FMA).</summary>
    public static bool Applies<T>() => SleefFloat.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> FusedMultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged => VectorFma.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T FusedMultiplyAdd<T>(T a, T b, T c) where T : unmanaged, IFloatingPointIeee754<T> => T.FusedMultiplyAdd(a, b, c);

    /// <summary>Vec::loadu(p, count): the first <paramref name="count"/> lanes, zeros after.</summary>
    static Vector256<T> LoadPartial<T>(T* p, long count) where T : unmanaged
    {
        T* buffer = stackalloc T[Vector256<T>.Count];
        Vector256<T>.Zero.Store(buffer);
        for (long i = 0; i < count; i++) buffer[i] = p[i];
        return Vector256.Load(buffer);
    }

    static void StorePartial<T>(Vector256<T> v, T* p, long count) where T : unmanaged
    {
        T* buffer = stackalloc T[Vector256<T>.Count];
        v.Store(buffer);
        for (long i = 0; i < count; i++) p[i] = buffer[i];
    }

    /// <summary>Vec::set(a, b, count): b's first <paramref name="count"/> lanes, a's after.</summary>
    static Vector256<T> Blend<T>(Vector256<T> a, Vector256<T> b, long count) where T : unmanaged
    {
        T* buffer = stackalloc T[Vector256<T>.Count];
        a.Store(buffer);
        T* other = stackalloc T[Vector256<T>.Count];
        b.Store(other);
        for (long i = 0; i < count; i++) buffer[i] = other[i];
        return Vector256.Load(buffer);
    }

    /// <summary>vec_reduce_all with +: float32 by the AVX2 shuffles (halves, pairs, neighbours), float64 lane by lane.</summary>
    static T ReduceSum<T>(Vector256<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var f = v.AsSingle();
            f += Avx.Permute2x128(f, f, 1);
            f += Avx.Permute(f, 0x4E);
            f += Avx.Permute(f, 0xB1);
            return (T)(object)f.ToScalar();
        }
        var d = v.AsDouble();
        return (T)(object)(d.GetElement(0) + d.GetElement(1) + d.GetElement(2) + d.GetElement(3));
    }

    /// <summary>vec_reduce_all over the first <paramref name="size"/> lanes only (a row shorter than a vector): lane 0 plus each next lane in turn.</summary>
    static T ReduceSumPartial<T>(Vector256<T> v, long size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T acc = v.GetElement(0);
        for (int i = 1; i < size; i++) acc += v.GetElement(i);
        return acc;
    }

    // ---- RowwiseMoments ----

    // torch's c_vecs: 1/(j + 1) in the element type, j < 16
    static readonly float[] s_reciprocalsF = Enumerable.Range(1, ChunkSize).Select(j => 1f / j).ToArray();
    static readonly double[] s_reciprocalsD = Enumerable.Range(1, ChunkSize).Select(j => 1.0 / j).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Reciprocal<T>(int j) => typeof(T) == typeof(float) ? (T)(object)s_reciprocalsF[j] : (T)(object)s_reciprocalsD[j];

    static int CeilLog2(long x) => x <= 2 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)(x - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddMomentsVec<T>(long m0Add, Vector256<T> m1Add, Vector256<T> m2Add, ref long m0, ref Vector256<T> m1, ref Vector256<T> m2)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = m0 + m0Add;
        var c = Vector256.Create(n == 0 ? T.Zero : T.CreateTruncating(m0Add) / T.CreateTruncating(n));
        var delta = m1Add - m1;
        m1 += c * delta;
        m2 += m2Add + delta * delta * c * Vector256.Create(T.CreateTruncating(m0));
        m0 = n;
    }

    static void AddMoments<T>(long m0Add, T m1Add, T m2Add, ref long m0, ref T m1, ref T m2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = m0 + m0Add;
        T c = n == 0 ? T.Zero : T.CreateTruncating(m0Add) / T.CreateTruncating(n);
        T delta = m1Add - m1;
        m1 += c * delta;
        m2 += m2Add + delta * delta * c * T.CreateTruncating(m0);
        m0 = n;
    }

    /// <summary>RowwiseMoments(x, n): the mean and the biased variance of one row.</summary>
    static (T Mean, T Variance) Moments<T>(T* x, long count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        long n = count / lanes, m = (n + ChunkSize - 1) / ChunkSize;
        int depth = CeilLog2(m);
        // the cascade's levels (torch's SmallVector of depth entries; entry 0 is used even when depth is 0)
        Span<long> m0Stack = stackalloc long[65];
        Span<Vector256<T>> m1Stack = stackalloc Vector256<T>[65];
        Span<Vector256<T>> m2Stack = stackalloc Vector256<T>[65];
        m0Stack.Clear();
        m1Stack.Clear();
        m2Stack.Clear();
        for (long i = 0; i < m; i++)
        {
            T* chunk = x + i * ChunkSize * lanes;
            long m0 = Math.Min(ChunkSize, n - i * ChunkSize);
            var m1 = Vector256<T>.Zero;
            var m2 = Vector256<T>.Zero;
            for (int j = 0; j < m0; j++)
            {
                var v = Vector256.Load(chunk + j * lanes);
                var delta = v - m1;
                m1 += delta * Vector256.Create(Reciprocal<T>(j));
                m2 += delta * (v - m1);
            }
            AddMomentsVec(m0, m1, m2, ref m0Stack[0], ref m1Stack[0], ref m2Stack[0]);
            long mask = i + 1;
            for (int j = 1; j < depth && (mask & 1) == 0; j++)
            {
                AddMomentsVec(m0Stack[j - 1], m1Stack[j - 1], m2Stack[j - 1], ref m0Stack[j], ref m1Stack[j], ref m2Stack[j]);
                m0Stack[j - 1] = 0;
                m1Stack[j - 1] = Vector256<T>.Zero;
                m2Stack[j - 1] = Vector256<T>.Zero;
                mask >>= 1;
            }
        }
        for (int i = 1; i < depth; i++) AddMomentsVec(m0Stack[i], m1Stack[i], m2Stack[i], ref m0Stack[0], ref m1Stack[0], ref m2Stack[0]);
        long count0 = 0;
        T mean = T.Zero, squares = T.Zero;
        for (long i = n * lanes; i < count; i++)
        {
            T delta = x[i] - mean;
            count0++;
            mean += delta / T.CreateTruncating(count0);
            squares += delta * (x[i] - mean);
        }
        for (int i = 0; i < lanes; i++) AddMoments(n, m1Stack[0].GetElement(i), m2Stack[0].GetElement(i), ref count0, ref mean, ref squares);
        return (mean, squares / T.CreateTruncating(count));
    }

    // ---- forward ----

    /// <summary>LayerNormKernelImplInternal: y, and each row's mean and rstd; null γ/β are 1/0.</summary>
    public static void Forward<T>(T* x, T* y, long rows, long n, T* gamma, T* beta, double eps, T* mean, T* rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, py = (nint)y, pg = (nint)gamma, pb = (nint)beta, pm = (nint)mean, ps = (nint)rstd;
        T epsT = T.CreateTruncating(eps);
        var (threads, per) = RowSplit(rows);
        CpuThreads.For(threads, t =>
        {
            for (long r = t * per, end = Math.Min(rows, (t + 1) * per); r < end; r++)
            {
                T* row = (T*)px + r * n, output = (T*)py + r * n;
                var (m, variance) = Moments(row, n);
                T s = T.One / T.Sqrt(variance + epsT);
                if (pm != 0) ((T*)pm)[r] = m;
                if (ps != 0) ((T*)ps)[r] = s;
                Normalize(row, output, n, s, -s * m, (T*)pg, (T*)pb);
            }
        });
    }

    static void Normalize<T>(T* x, T* y, long n, T scale, T bias, T* gamma, T* beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gamma == null || beta == null)
        {
            for (long j = 0; j < n; j++)
                y[j] = FusedMultiplyAdd(FusedMultiplyAdd(x[j], scale, bias), gamma == null ? T.One : gamma[j], beta == null ? T.Zero : beta[j]);
            return;
        }
        int lanes = Vector256<T>.Count;
        Vector256<T> vs = Vector256.Create(scale), vb = Vector256.Create(bias);
        long d = 0;
        for (; d < n - n % lanes; d += lanes)
            FusedMultiplyAdd(FusedMultiplyAdd(Vector256.Load(x + d), vs, vb), Vector256.Load(gamma + d), Vector256.Load(beta + d)).Store(y + d);
        if (n - d > 0)
            StorePartial(FusedMultiplyAdd(FusedMultiplyAdd(LoadPartial(x + d, n - d), vs, vb), LoadPartial(gamma + d, n - d), LoadPartial(beta + d, n - d)), y + d, n - d);
    }

    // ---- backward ----

    /// <summary>
    /// LayerNormBackwardKernelImplInternal: dx per row (when not null) and dγ, dβ (when not null) summed over the rows
    /// through one buffer per thread, added up in thread order.
    /// </summary>
    public static void Backward<T>(T* dy, T* x, long rows, long n, T* mean, T* rstd, T* gamma, T* dx, T* dgamma, T* dbeta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int bufferCount = CpuThreads.Count;
        bool sums = dgamma != null || dbeta != null;
        var gammaBuffer = sums ? new T[bufferCount * n] : null;
        var betaBuffer = sums ? new T[bufferCount * n] : null;
        nint pdy = (nint)dy, px = (nint)x, pm = (nint)mean, ps = (nint)rstd, pg = (nint)gamma, pdx = (nint)dx;
        bool wantGamma = dgamma != null, wantBeta = dbeta != null;
        T scale = T.One / T.CreateTruncating(n);
        var (threads, per) = RowSplit(rows);
        CpuThreads.For(threads, t =>
        {
            fixed (T* gb = gammaBuffer, bb = betaBuffer)
            {
                for (long r = t * per, end = Math.Min(rows, (t + 1) * per); r < end; r++)
                {
                    T* dyRow = (T*)pdy + r * n, xRow = (T*)px + r * n;
                    T a = ((T*)ps)[r], mu = ((T*)pm)[r];
                    if (wantGamma) AccumulateGamma(gb + t * n, dyRow, xRow, n, a, -a * mu);
                    if (wantBeta) AccumulateBeta(bb + t * n, dyRow, n);
                    if (pdx != 0) RowGradient((T*)pdx + r * n, dyRow, xRow, (T*)pg, n, a, mu, scale);
                }
            }
        });
        if (!sums) return;
        for (long j = 0; j < n; j++)
        {
            T g = T.Zero, b = T.Zero;
            for (int i = 0; i < bufferCount; i++)
            {
                g += gammaBuffer![i * n + j];
                b += betaBuffer![i * n + j];
            }
            if (wantGamma) dgamma[j] = g;
            if (wantBeta) dbeta[j] = b;
        }
    }

    // dγ += dy·fma(a, x, b), b = −a·mean (vec::map3, one fused multiply-add each)
    static void AccumulateGamma<T>(T* buffer, T* dy, T* x, long n, T a, T b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        Vector256<T> va = Vector256.Create(a), vb = Vector256.Create(b);
        long d = 0;
        for (; d < n - n % lanes; d += lanes)
            FusedMultiplyAdd(Vector256.Load(dy + d), FusedMultiplyAdd(va, Vector256.Load(x + d), vb), Vector256.Load(buffer + d)).Store(buffer + d);
        if (n - d > 0)
            StorePartial(FusedMultiplyAdd(LoadPartial(dy + d, n - d), FusedMultiplyAdd(va, LoadPartial(x + d, n - d), vb), LoadPartial(buffer + d, n - d)), buffer + d, n - d);
    }

    static void AccumulateBeta<T>(T* buffer, T* dy, long n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long j = 0; j < n; j++) buffer[j] += dy[j];
    }

    // ds = Σ dy·x·γ, db = Σ dy·γ (or Σ dy·x and Σ dy without γ); then dx = fma(b, x, a·dy·γ) + c with
    // b = fms(db, mean, ds)·a³/n and c = −b·mean − db·a/n, each fused as GCC fused it.
    static void RowGradient<T>(T* dx, T* dy, T* x, T* gamma, long n, T a, T mu, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T ds, db;
        if (gamma == null)
        {
            ds = MapReduce(dy, x, null, n);
            db = SumRow(dy, n);
        }
        else
        {
            ds = MapReduce(dy, x, gamma, n);
            db = MapReduce(dy, gamma, null, n);
        }
        T b = FusedMultiplyAdd(db, mu, -ds) * a * a * a * scale;
        T c = FusedMultiplyAdd(-b, mu, -(db * a * scale));
        int lanes = Vector256<T>.Count;
        Vector256<T> va = Vector256.Create(a), vb = Vector256.Create(b), vc = Vector256.Create(c);
        long d = 0;
        if (gamma == null)
        {
            for (; d < n - n % lanes; d += lanes)
                (FusedMultiplyAdd(vb, Vector256.Load(x + d), va * Vector256.Load(dy + d)) + vc).Store(dx + d);
            if (n - d > 0)
                StorePartial(FusedMultiplyAdd(vb, LoadPartial(x + d, n - d), va * LoadPartial(dy + d, n - d)) + vc, dx + d, n - d);
            return;
        }
        for (; d < n - n % lanes; d += lanes)
            (FusedMultiplyAdd(vb, Vector256.Load(x + d), va * Vector256.Load(dy + d) * Vector256.Load(gamma + d)) + vc).Store(dx + d);
        if (n - d > 0)
            StorePartial(FusedMultiplyAdd(vb, LoadPartial(x + d, n - d), va * LoadPartial(dy + d, n - d) * LoadPartial(gamma + d, n - d)) + vc, dx + d, n - d);
    }

    /// <summary>map2/map3_reduce_all with × and +: Σ p·q(·r), the first vector's products rounded, later ones fused into the sum.</summary>
    static T MapReduce<T>(T* p, T* q, T* r, long n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        if (n < lanes)
        {
            var v = LoadPartial(p, n) * LoadPartial(q, n);
            if (r != null) v *= LoadPartial(r, n);
            return ReduceSumPartial(v, n);
        }
        var acc = Vector256.Load(p) * Vector256.Load(q);
        if (r != null) acc *= Vector256.Load(r);
        long d = lanes;
        for (; d < n - n % lanes; d += lanes)
        {
            var pq = Vector256.Load(p + d);
            acc = r == null
                ? FusedMultiplyAdd(pq, Vector256.Load(q + d), acc)
                : FusedMultiplyAdd(pq * Vector256.Load(q + d), Vector256.Load(r + d), acc);
        }
        if (n - d > 0)
        {
            var pq = LoadPartial(p + d, n - d);
            var next = r == null
                ? FusedMultiplyAdd(pq, LoadPartial(q + d, n - d), acc)
                : FusedMultiplyAdd(pq * LoadPartial(q + d, n - d), LoadPartial(r + d, n - d), acc);
            acc = Blend(acc, next, n - d);
        }
        return ReduceSum(acc);
    }

    /// <summary>vec::reduce_all with +: Σ dy (no γ).</summary>
    static T SumRow<T>(T* p, long n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int lanes = Vector256<T>.Count;
        if (n < lanes) return ReduceSumPartial(LoadPartial(p, n), n);
        var acc = Vector256.Load(p);
        long d = lanes;
        for (; d < n - n % lanes; d += lanes) acc += Vector256.Load(p + d);
        if (n - d > 0) acc = Blend(acc, acc + LoadPartial(p + d, n - d), n - d);
        return ReduceSum(acc);
    }

    // torch's parallel_for(0, M, 1): min(threads, M) chunks of ceil(M / chunks) rows.
    static (int Threads, long Per) RowSplit(long rows)
    {
        int threads = (int)Math.Max(1, Math.Min(CpuThreads.Count, rows));
        return (threads, (rows + threads - 1) / threads);
    }
}
