using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace Bridge.Bench;

/// <summary>
/// What the machine can do at most, measured in the same run as the workloads so that every GEMM figure can be
/// reported as a share of this CPU's FMA peak and every memory-bound figure as a share of its stream bandwidth.
/// The FMA loop keeps 16 independent accumulators in registers (more than latency × ports on any current core),
/// on the widest vectors the JIT accelerates; the triad streams three arrays far larger than any cache.
/// </summary>
internal static class Ceilings
{
    /// <summary>Peak float32 multiply-add throughput in GFLOP/s (2 flops per lane per FMA) over <paramref name="threads"/>
    /// threads. float64 runs on the same FMA units with half the lanes, so its peak is half this figure on x86.</summary>
    public static double FmaPeakFloat32(int threads) => Vector512.IsHardwareAccelerated
        ? FmaPeak<Vector512<float>, Wide512>(threads, Vector512<float>.Count)
        : FmaPeak<Vector256<float>, Wide256>(threads, Vector256<float>.Count);

    /// <summary>Peak float64 multiply-add throughput in GFLOP/s, measured with the same loop on float64 lanes (not assumed
    /// to be half of float32's: the GEMM figures of each dtype are shares of their own dtype's probe).</summary>
    public static double FmaPeakFloat64(int threads) => Vector512.IsHardwareAccelerated
        ? FmaPeak<Vector512<double>, Wide512Double>(threads, Vector512<double>.Count)
        : FmaPeak<Vector256<double>, Wide256Double>(threads, Vector256<double>.Count);

    static double FmaPeak<TV, TOps>(int threads, int lanes) where TOps : IFmaLanes<TV>
    {
        long iterations = 1 << 14;
        // Calibrate on one thread so a sample lasts ~5 ms, then time every thread running it at once, keeping the
        // best of many short samples: on a shared machine a short sample often runs without being descheduled,
        // where a long one almost never does, and the peak is the figure every GEMM share is divided by.
        while (Seconds(1, iterations, Loop<TV, TOps>) < 0.005) iterations *= 2;
        double best = double.MaxValue;
        for (int s = 0; s < 60; s++) best = Math.Min(best, Seconds(threads, iterations, Loop<TV, TOps>));
        return 2.0 * lanes * Accumulators * iterations * threads / best / 1e9;
    }

    /// <summary>12 chains: FMA latency (4-5 cycles) × 2 ports needs ≥ 10 in flight; 12 + 2 constants fit AVX2's 16 registers.</summary>
    const int Accumulators = 12;

    // Straight to optimised code: a tier-0 (or on-stack-replaced) copy of this loop would make the peak look low.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static double Loop<TV, TOps>(long iterations) where TOps : IFmaLanes<TV>
    {
        TV m = TOps.Splat(0.999999f), c = TOps.Splat(1e-7f);
        TV a0 = TOps.Splat(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = TOps.Fma(a0, m, c); a1 = TOps.Fma(a1, m, c); a2 = TOps.Fma(a2, m, c); a3 = TOps.Fma(a3, m, c);
            a4 = TOps.Fma(a4, m, c); a5 = TOps.Fma(a5, m, c); a6 = TOps.Fma(a6, m, c); a7 = TOps.Fma(a7, m, c);
            a8 = TOps.Fma(a8, m, c); a9 = TOps.Fma(a9, m, c); a10 = TOps.Fma(a10, m, c); a11 = TOps.Fma(a11, m, c);
        }
        return TOps.Sum(a0) + TOps.Sum(a1) + TOps.Sum(a2) + TOps.Sum(a3) + TOps.Sum(a4) + TOps.Sum(a5)
            + TOps.Sum(a6) + TOps.Sum(a7) + TOps.Sum(a8) + TOps.Sum(a9) + TOps.Sum(a10) + TOps.Sum(a11);
    }

    interface IFmaLanes<TV>
    {
        static abstract TV Splat(float x);
        static abstract TV Fma(TV a, TV b, TV c);
        static abstract float Sum(TV v);
    }

    readonly struct Wide512 : IFmaLanes<Vector512<float>>
    {
        public static Vector512<float> Splat(float x) => Vector512.Create(x);
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    }

    readonly struct Wide256 : IFmaLanes<Vector256<float>>
    {
        public static Vector256<float> Splat(float x) => Vector256.Create(x);
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    }

    readonly struct Wide512Double : IFmaLanes<Vector512<double>>
    {
        public static Vector512<double> Splat(float x) => Vector512.Create((double)x);
        public static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector512<double> v) => (float)Vector512.Sum(v);
    }

    readonly struct Wide256Double : IFmaLanes<Vector256<double>>
    {
        public static Vector256<double> Splat(float x) => Vector256.Create((double)x);
        public static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static float Sum(Vector256<double> v) => (float)Vector256.Sum(v);
    }

    /// <summary>STREAM triad a = b + s·c over 3 × 64 MiB float32 arrays, in GB/s (12 bytes moved per element).</summary>
    public static double TriadBandwidth(int threads)
    {
        const int n = 1 << 24;
        var a = new float[n];
        var b = new float[n];
        var c = new float[n];
        Array.Fill(b, 1f);
        Array.Fill(c, 2f);
        int chunk = n / threads;
        void Part(int t)
        {
            var sa = a.AsSpan(t * chunk, chunk);
            var sb = b.AsSpan(t * chunk, chunk);
            var sc = c.AsSpan(t * chunk, chunk);
            int w = Vector256<float>.Count, i = 0;
            var scale = Vector256.Create(3f);
            for (; i <= chunk - w; i += w)
                (Vector256.Create<float>(sb[i..]) + scale * Vector256.Create<float>(sc[i..])).CopyTo(sa[i..]);
            for (; i < chunk; i++) sa[i] = sb[i] + 3f * sc[i];
        }
        double best = double.MaxValue;
        for (int s = 0; s < 7; s++)
        {
            var sw = Stopwatch.StartNew();
            if (threads == 1) Part(0);
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, Part);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return 12.0 * n / best / 1e9;
    }

    static double Seconds(int threads, long iterations, Func<long, double> loop)
    {
        var sink = new double[threads];
        var sw = Stopwatch.StartNew();
        if (threads == 1) sink[0] = loop(iterations);
        else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sink[t] = loop(iterations));
        double seconds = sw.Elapsed.TotalSeconds;
        // Keeps the accumulators observable so the JIT cannot drop the loop.
        if (double.IsNaN(sink.Sum())) Console.Error.WriteLine("FMA probe produced NaN");
        return seconds;
    }
}
