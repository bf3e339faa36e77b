using System.Diagnostics;
using System.Reflection;
using Bridge;
// Usage: GemmReferenceOrder THREADS f32|f64 [SAMPLE_MS]: for word_language_model's Transformer products (bptt 10 × batch 4
// rows, emsize/nhid 32, 1782 tokens: nn.Linear forward 'nt', input gradient 'nn', weight gradient 'tn') and square
// n = 64..512 in each layout, the best time of many short samples of three modes run interleaved (each sample runs
// every mode once, so a busy spell slows all three alike): the default packed FMA kernel, the packed reference-order
// kernel (BRIDGE_GEMM_ORDER=reference), and the scalar reference loop it replaced. GFLOP/s and ratios to the FMA kernel.
int threads = int.Parse(args[0]);
Torch.SetNumThreads(threads);
var dt = args.Length > 1 && args[1] == "f64" ? DType.Float64 : DType.Float32;
double sampleMs = args.Length > 2 ? double.Parse(args[2]) : 600;
var gemm = typeof(Tensor).Assembly.GetType("Bridge.Backends.Cpu.Gemm")!;
var always = gemm.GetField("ReferenceAlways", BindingFlags.NonPublic | BindingFlags.Static)!;
var kernel = gemm.GetField("ReferenceKernel", BindingFlags.NonPublic | BindingFlags.Static)!;
string[] modes = ["fma", "ref-kernel", "ref-loop"];
void Mode(string mode)
{
    always.SetValue(null, mode != "fma");
    kernel.SetValue(null, mode == "ref-kernel");
}
var shapes = new List<(int M, int K, int N, string Layout, string What)>
{
    (40, 32, 96, "nt", "in_proj fwd"), (40, 32, 32, "nt", "linear fwd"), (40, 32, 1782, "nt", "decoder fwd"),
    (40, 96, 32, "nn", "in_proj dx"), (40, 1782, 32, "nn", "decoder dx"),
    (96, 40, 32, "tn", "in_proj dW"), (1782, 40, 32, "tn", "decoder dW"),
};
// Below 32³ multiply-adds the default mode runs the scalar loop too (Gemm.ReferenceWork): the kernel's own gain there.
foreach (int n in new[] { 8, 16, 24, 31 }) shapes.Add((n, n, n, "nn", "small"));
shapes.Add((10, 8, 10, "nt", "attn scores"));
shapes.Add((40, 32, 20, "tn", "small dW"));
foreach (int n in new[] { 64, 128, 256, 512 })
    foreach (var lay in new[] { "nn", "nt", "tn" }) shapes.Add((n, n, n, lay, "square"));
Console.WriteLine($"{dt} {threads} thread(s), load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"{"shape",-22} {"what",-12} {"fma",8} {"ref-kernel",11} {"ref-loop",9}  kernel/fma  kernel/loop (GFLOP/s, best sample)");
foreach (var (m, k, n, lay, what) in shapes)
{
    Torch.ManualSeed(0);
    var a = lay[0] == 't' ? Torch.Randn([k, m], dt).T() : Torch.Randn([m, k], dt);
    var b = lay[1] == 't' ? Torch.Randn([n, k], dt).T() : Torch.Randn([k, n], dt);
    double flops = 2.0 * m * n * k;
    var best = new Dictionary<string, double>();
    var reps = new Dictionary<string, int>();
    foreach (var mode in modes)
    {
        Mode(mode);
        for (int i = 0; i < 3; i++) a.MatMul(b);
        var sw = Stopwatch.StartNew();
        a.MatMul(b);
        // About 2 ms of work per sample and mode.
        reps[mode] = Math.Max(1, (int)(2e-3 / Math.Max(sw.Elapsed.TotalSeconds, 1e-7)));
        best[mode] = double.MaxValue;
    }
    var total = Stopwatch.StartNew();
    for (int s = 0; total.Elapsed.TotalMilliseconds < sampleMs || s < 5; s++)
        foreach (var mode in modes)
        {
            Mode(mode);
            var sw = Stopwatch.StartNew();
            for (int r = 0; r < reps[mode]; r++) a.MatMul(b).Dispose();
            best[mode] = Math.Min(best[mode], sw.Elapsed.TotalSeconds / reps[mode]);
        }
    double g(string mode) => flops / best[mode] / 1e9;
    Console.WriteLine($"{$"{m}x{k}x{n} {lay}",-22} {what,-12} {g("fma"),8:F1} {g("ref-kernel"),11:F1} {g("ref-loop"),9:F1}  {g("ref-kernel") / g("fma"),10:P0}  {g("ref-kernel") / g("ref-loop"),10:F1}x");
}
Mode("fma");
Console.WriteLine($"load after {File.ReadAllText("/proc/loadavg").Trim()}");
