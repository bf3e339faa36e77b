using System.Diagnostics;
using Bridge;
using Bridge.Bench;
// Usage: GemmBest THREADS f32|f64 LAYOUTS(nn,tn,nt) SIZES...: the FMA peak of this run, then each product's best time over
// many short samples (a sample descheduled by another process is slower, never faster) as GFLOP/s and share of peak.
int threads = int.Parse(args[0]);
Torch.SetNumThreads(threads);
var dt = args[1] == "f64" ? DType.Float64 : DType.Float32;
var layouts = args[2].Split(',');
double peak = dt == DType.Float64 ? Ceilings.FmaPeakFloat64(threads) : Ceilings.FmaPeakFloat32(threads);
Console.WriteLine($"peak {args[1]} {threads}t: {peak:F1} GFLOP/s  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
// Warm-up: every product runs for a while before any is timed, so the first rows do not pay for the JIT's tiering
// (the packing and blocking code starts as tier-0 code; only the micro-kernels are compiled optimised at once).
foreach (var s in args.Skip(3))
{
    int n = int.Parse(s);
    var a0 = Torch.Randn([n, n], dt);
    var b0 = Torch.Randn([n, n], dt);
    var warm = Stopwatch.StartNew();
    while (warm.ElapsedMilliseconds < 150)
        foreach (var lay in layouts) (lay[0] == 't' ? a0.T() : a0).MatMul(lay[1] == 't' ? b0.T() : b0);
}
foreach (var s in args.Skip(3))
{
    int n = int.Parse(s);
    foreach (var lay in layouts)
    {
        Torch.ManualSeed(0);
        var a = Torch.Randn([n, n], dt);
        var b = Torch.Randn([n, n], dt);
        if (lay[0] == 't') a = a.T();
        if (lay[1] == 't') b = b.T();
        double flops = 2.0 * n * n * n;
        int reps = Math.Max(1, (int)(2e7 / flops));
        for (int i = 0; i < 3; i++) a.MatMul(b);
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int smp = 0, nsmp = n >= 2048 ? 12 : n >= 1024 ? 50 : 300; smp < nsmp; smp++)
        {
            var sw = Stopwatch.StartNew();
            for (int r = 0; r < reps; r++) a.MatMul(b);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / reps);
        }
        double g = flops / best / 1e9;
        Console.WriteLine($"{args[1]} n={n,5} {lay} {threads}t: {g,7:F1} GFLOP/s  {g / peak,5:P0}");
    }
}
