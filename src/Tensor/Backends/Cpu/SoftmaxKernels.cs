using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Bridge.Backends.Cpu.TorchMath;

namespace Bridge.Backends.Cpu;

/// <summary>
/// softmax and log_softmax over contiguous rows (the last dim), bit-identical with torch 1.13's AVX2 CPU kernels
/// (aten/src/ATen/native/cpu/SoftMaxKernel.cpp and vec's reduce_all / map_reduce_all / map2_reduce_all), checked
/// element for element against torch. What fixes the bits:
/// <list type="bullet">
/// <item>a row reduction keeps one vector accumulator (8 floats, 4 doubles), folds the tail into its first lanes, then
/// reduces the lanes: float32 by the AVX2 shuffles (halves, pairs, neighbours), float64 lane by lane; a row shorter
/// than a vector is reduced lane by lane;</item>
/// <item>exp and log are SLEEF's (<see cref="SleefFloat"/>, <see cref="SleefDouble"/>), on zero-padded tails;</item>
/// <item>GCC contracted the backward's multiply-adds into FMAs: Σ g·y accumulates with FMA after the first vector, and
/// log_softmax's g − e^y·Σg is one fused negated multiply-add.</item>
/// </list>
/// Rows are independent, so splitting them across threads changes nothing.
/// </summary>
internal static unsafe class SoftmaxKernels
{
    /// <summary>Whether this machine runs the kernels (AVX2 and FMA, as SLEEF's port needs).</summary>
    public static bool IsSupported => SleefFloat.IsSupported;

    /// <summary>softmax (or log_softmax) of each of <paramref name="rows"/> rows of <paramref name="n"/> elements.</summary>
    public static void Forward<T>(T* x, T* y, long rows, long n, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint px = (nint)x, py = (nint)y;
        ForRows(rows, n, r =>
        {
            T* row = (T*)px + r * n, output = (T*)py + r * n;
            if (typeof(T) == typeof(float)) Row(new Lanes8(), (float*)row, (float*)output, n, log);
            else Row(new Lanes4(), (double*)row, (double*)output, n, log);
        });
    }

    /// <summary>The input gradient of <see cref="Forward{T}"/> from its output <paramref name="y"/> and the output gradient <paramref name="g"/>.</summary>
    public static void Backward<T>(T* g, T* y, T* dx, long rows, long n, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        nint pg = (nint)g, py = (nint)y, pdx = (nint)dx;
        ForRows(rows, n, r =>
        {
            long at = r * n;
            if (typeof(T) == typeof(float)) GradRow(new Lanes8(), (float*)pg + at, (float*)py + at, (float*)pdx + at, n, log);
            else GradRow(new Lanes4(), (double*)pg + at, (double*)py + at, (double*)pdx + at, n, log);
        });
    }

    static void ForRows(long rows, long n, Action<long> row)
    {
        int chunks = rows * n < 1 << 15 ? 1 : (int)Math.Min(CpuThreads.Count, rows);
        long per = (rows + chunks - 1) / chunks;
        CpuThreads.For(chunks, t =>
        {
            for (long r = t * per, end = Math.Min(rows, (t + 1) * per); r < end; r++) row(r);
        });
    }

    static void Row<TLanes, T>(TLanes lanes, T* x, T* y, long n, bool log)
        where TLanes : struct, ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = Reduce<TLanes, T, MaxOp<T>>(x, n);
        var vmax = Vector256.Create(max);
        int width = Vector256<T>.Count;
        if (!log)
        {
            for (long i = 0; i < n; i += width) Store(TLanes.Exp(Load(x + i, n - i) - vmax), y + i, n - i);
            T inverse = T.One / Reduce<TLanes, T, AddOp<T>>(y, n);
            var vinv = Vector256.Create(inverse);
            for (long i = 0; i < n; i += width) Store(Load(y + i, n - i) * vinv, y + i, n - i);
            return;
        }
        T sum = MapReduceExp<TLanes, T>(x, n, vmax);
        var vlog = Vector256.Create(TLanes.Log(Vector256.Create(sum)).ToScalar());
        for (long i = 0; i < n; i += width) Store(Load(x + i, n - i) - vmax - vlog, y + i, n - i);
    }

    static void GradRow<TLanes, T>(TLanes lanes, T* g, T* y, T* dx, long n, bool log)
        where TLanes : struct, ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector256<T>.Count;
        if (log)
        {
            var vsum = Vector256.Create(Reduce<TLanes, T, AddOp<T>>(g, n));
            for (long i = 0; i < n; i += width)
                Store(TLanes.MultiplyAddNegated(TLanes.Exp(Load(y + i, n - i)), vsum, Load(g + i, n - i)), dx + i, n - i);
            return;
        }
        var vdot = Vector256.Create(DotProduct<TLanes, T>(g, y, n));
        for (long i = 0; i < n; i += width) Store((Load(g + i, n - i) - vdot) * Load(y + i, n - i), dx + i, n - i);
    }

    // vec::reduce_all: one vector accumulator, the tail folded into its first lanes, then the lanes reduced.
    static T Reduce<TLanes, T, TOp>(T* data, long n)
        where TLanes : struct, ILanes<T> where T : unmanaged, IFloatingPointIeee754<T> where TOp : struct, IReduceOp<T>
    {
        int width = Vector256<T>.Count;
        if (n < width) return Sequential<T, TOp>(Load(data, n), n);
        var acc = Vector256.Load(data);
        long d = width;
        for (; d < n - n % width; d += width) acc = TOp.Invoke(acc, Vector256.Load(data + d));
        if (n > d) acc = FoldTail(acc, TOp.Invoke(acc, Load(data + d, n - d)), n - d);
        return TLanes.Horizontal<TOp>(acc);
    }

    // vec::map_reduce_all with exp(x - max) and +: log_softmax's Σ e^(x - max).
    static T MapReduceExp<TLanes, T>(T* x, long n, Vector256<T> vmax) where TLanes : struct, ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector256<T>.Count;
        if (n < width) return Sequential<T, AddOp<T>>(TLanes.Exp(Load(x, n) - vmax), n);
        var acc = TLanes.Exp(Vector256.Load(x) - vmax);
        long d = width;
        for (; d < n - n % width; d += width) acc += TLanes.Exp(Vector256.Load(x + d) - vmax);
        if (n > d) acc = FoldTail(acc, acc + TLanes.Exp(Load(x + d, n - d) - vmax), n - d);
        return TLanes.Horizontal<AddOp<T>>(acc);
    }

    // vec::map2_reduce_all with * and +, contracted to FMA past the first vector: softmax's Σ g·y.
    static T DotProduct<TLanes, T>(T* g, T* y, long n) where TLanes : struct, ILanes<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = Vector256<T>.Count;
        if (n < width) return Sequential<T, AddOp<T>>(Load(g, n) * Load(y, n), n);
        var acc = Vector256.Load(g) * Vector256.Load(y);
        long d = width;
        for (; d < n - n % width; d += width) acc = TLanes.MultiplyAdd(Vector256.Load(g + d), Vector256.Load(y + d), acc);
        if (n > d) acc = FoldTail(acc, TLanes.MultiplyAdd(Load(g + d, n - d), Load(y + d, n - d), acc), n - d);
        return TLanes.Horizontal<AddOp<T>>(acc);
    }

    // Vec::set(acc, folded, count): the first count lanes from folded, the rest kept.
    static Vector256<T> FoldTail<T>(Vector256<T> acc, Vector256<T> folded, long count) where T : unmanaged
    {
        var mask = Vector256<T>.Zero;
        for (int i = 0; i < count; i++) mask = mask.WithElement(i, AllBits<T>());
        return Vector256.ConditionalSelect(mask, folded, acc);
    }

    static T AllBits<T>() where T : unmanaged
    {
        ulong ones = ulong.MaxValue;
        return Unsafe.As<ulong, T>(ref ones);
    }

    // vec_reduce_all over the first n lanes, one after another (rows shorter than a vector, and float64's lanes).
    internal static T Sequential<T, TOp>(Vector256<T> v, long n) where T : unmanaged where TOp : struct, IReduceOp<T>
    {
        T acc = v.GetElement(0);
        for (int i = 1; i < n; i++) acc = TOp.Invoke(Vector256.CreateScalar(acc), Vector256.CreateScalar(v.GetElement(i))).ToScalar();
        return acc;
    }

    // Vectorized::loadu(ptr, count): a full vector, or the first count elements and zeros.
    static Vector256<T> Load<T>(T* p, long count) where T : unmanaged
    {
        if (count >= Vector256<T>.Count) return Vector256.Load(p);
        var v = Vector256<T>.Zero;
        for (int i = 0; i < count; i++) v = v.WithElement(i, p[i]);
        return v;
    }

    static void Store<T>(Vector256<T> v, T* p, long count) where T : unmanaged
    {
        if (count >= Vector256<T>.Count) v.Store(p);
        else for (int i = 0; i < count; i++) p[i] = v.GetElement(i);
    }

    internal interface IReduceOp<T> where T : unmanaged
    {
        static abstract Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
    }

    // vec::maximum: _mm256_max (the second operand on ties and NaN) with NaN forced through.
    readonly struct MaxOp<T> : IReduceOp<T> where T : unmanaged
    {
        public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b)
        {
            if (typeof(T) == typeof(float))
                return Avx.Or(Avx.Max(a.AsSingle(), b.AsSingle()), Avx.Compare(a.AsSingle(), b.AsSingle(), FloatComparisonMode.UnorderedNonSignaling)).As<float, T>();
            return Avx.Or(Avx.Max(a.AsDouble(), b.AsDouble()), Avx.Compare(a.AsDouble(), b.AsDouble(), FloatComparisonMode.UnorderedNonSignaling)).As<double, T>();
        }
    }

    readonly struct AddOp<T> : IReduceOp<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a + b;
    }

    /// <summary>What differs between float32 (8 lanes) and float64 (4 lanes).</summary>
    interface ILanes<T> where T : unmanaged
    {
        static abstract Vector256<T> Exp(Vector256<T> x);
        static abstract Vector256<T> Log(Vector256<T> x);
        static abstract Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c);
        static abstract Vector256<T> MultiplyAddNegated(Vector256<T> a, Vector256<T> b, Vector256<T> c);
        static abstract T Horizontal<TOp>(Vector256<T> v) where TOp : struct, IReduceOp<T>;
    }

    readonly struct Lanes8 : ILanes<float>
    {
        public static Vector256<float> Exp(Vector256<float> x) => SleefFloat.Exp(x);
        public static Vector256<float> Log(Vector256<float> x) => SleefFloat.Log(x);
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAdd(a, b, c);
        public static Vector256<float> MultiplyAddNegated(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Fma.MultiplyAddNegated(a, b, c);

        // VecReduceAllSIMD<float>: swap the 128-bit halves, then the 64-bit pairs, then neighbours.
        public static float Horizontal<TOp>(Vector256<float> v) where TOp : struct, IReduceOp<float>
        {
            v = TOp.Invoke(v, Avx.Permute2x128(v, v, 1));
            v = TOp.Invoke(v, Avx.Shuffle(v, v, 0x4E));
            v = TOp.Invoke(v, Avx.Shuffle(v, v, 0xB1));
            return v.ToScalar();
        }
    }

    readonly struct Lanes4 : ILanes<double>
    {
        public static Vector256<double> Exp(Vector256<double> x) => SleefDouble.Exp(x);
        public static Vector256<double> Log(Vector256<double> x) => SleefDouble.Log(x);
        public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Fma.MultiplyAdd(a, b, c);
        public static Vector256<double> MultiplyAddNegated(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Fma.MultiplyAddNegated(a, b, c);
        public static double Horizontal<TOp>(Vector256<double> v) where TOp : struct, IReduceOp<double> => Sequential<double, TOp>(v, 4);
    }
}
