using System.Diagnostics;
using Bridge;
using Bridge.Bench;
using Bridge.Nn;

// Usage: NnGflops THREADS [SECONDS [REGEX]]: the float32 FMA peak of this run, then each workload of Workloads.All as the best
// time over many short samples (a descheduled sample is slower, never faster) in ms, GFLOP/s and share of the peak.
// One line per workload: "name ms GFLOP/s", the format bench/nn-gflops/run.py reads from this and torch_nn.py.
int threads = int.Parse(args[0]);
double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.5;
// Only the workloads whose names match (for profiling one of them under perf).
var only = args.Length > 2 ? new System.Text.RegularExpressions.Regex(args[2]) : null;
Torch.SetNumThreads(threads);
double peak = Ceilings.FmaPeakFloat32(threads);
Console.WriteLine($"peak f32 {threads}t: {peak:F1} GFLOP/s  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
foreach (var (name, flops, make) in Workloads.All())
{
    if (only is not null && !only.IsMatch(name)) continue;
    Torch.ManualSeed(0);
    var step = make();
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalSeconds < seconds / 4) step();
    double best = double.MaxValue;
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds)
    {
        var sw = Stopwatch.StartNew();
        step();
        best = Math.Min(best, sw.Elapsed.TotalSeconds);
    }
    double g = flops / best / 1e9;
    Console.WriteLine($"{name} {best * 1e3:F3} {g:F1}  ({g / peak:P0} of peak)");
}

/// <summary>The workloads and their FLOP counts (multiply-adds of the GEMM-shaped work counted as 2, the rest ignored),
/// the same shapes as torch_nn.py.</summary>
static class Workloads
{
    // The tiny GPT's attention block: 16 sequences, 4 heads, 64 tokens, head size 32, causal.
    const int B = 16, H = 4, T = 64, D = 32;

    // The char-LSTM's layer: 32 sequences of 64 steps, 64 inputs, 256 hidden.
    const int N = 32, L = 64, I = 64, Hd = 256;

    public static IEnumerable<(string Name, double Flops, Func<Action> Make)> All()
    {
        // conv2d forward + backward (input, weight, bias gradients): bench/conv's shapes; three GEMMs of 2·N·OC·C·KH·KW·OH·OW.
        foreach (var (name, n, c, h, w, oc, k, pad) in new[]
        {
            ("conv_lenet2_64x6x14x14_16k5", 64, 6, 14, 14, 16, 5, 0),
            ("conv_mnist2_64x32x26x26_64k3", 64, 32, 26, 26, 64, 3, 0),
            ("conv_resnet_16x64x32x32_64k3p1", 16, 64, 32, 32, 64, 3, 1),
        })
        {
            int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
            yield return (name, 3.0 * 2 * n * oc * c * k * k * oh * ow, () => Conv(n, c, h, w, oc, k, pad));
        }
        // Attention forward: Q·Kᵀ and P·V (4·B·H·T²·D); backward: four more products of the same size (8·B·H·T²·D).
        double attn = 4.0 * B * H * T * T * D;
        yield return ("sdpa_fwd_16x4x64x32_causal", attn, () => Attention(grad: false));
        yield return ("sdpa_fwdbwd_16x4x64x32_causal", 3 * attn, () => Attention(grad: true));
        // LSTM forward per step 2·N·4H·(I + H); backward twice that (input and weight gradients).
        double lstmStep = 2.0 * N * 4 * Hd * (I + Hd);
        yield return ("lstm_cell_step_32x64x256", lstmStep, LstmCellStep);
        yield return ("lstm_layer_fwdbwd_32x64x64x256", 3 * L * lstmStep, LstmLayer);
    }

    static Action Conv(int n, int c, int h, int w, int oc, int k, int pad)
    {
        var x = Torch.Rand(n, c, h, w).RequiresGrad_();
        var wt = Torch.Rand(oc, c, k, k).RequiresGrad_();
        var b = Torch.Rand(oc).RequiresGrad_();
        return () =>
        {
            Functional.Conv2d(x, wt, b, padding: [pad]).Sum().Backward();
            x.Grad = null;
            wt.Grad = null;
            b.Grad = null;
        };
    }

    static Action Attention(bool grad)
    {
        var (q, k, v) = (Torch.Randn(B, H, T, D).RequiresGrad_(grad), Torch.Randn(B, H, T, D).RequiresGrad_(grad), Torch.Randn(B, H, T, D).RequiresGrad_(grad));
        if (!grad) return () => Functional.ScaledDotProductAttention(q, k, v, isCausal: true);
        return () =>
        {
            Functional.ScaledDotProductAttention(q, k, v, isCausal: true).Sum().Backward();
            q.Grad = null;
            k.Grad = null;
            v.Grad = null;
        };
    }

    static Action LstmCellStep()
    {
        var cell = new LSTMCell(I, Hd);
        var (x, h, c) = (Torch.Randn(N, I), Torch.Randn(N, Hd), Torch.Randn(N, Hd));
        return () =>
        {
            using var _ = Torch.NoGrad();
            cell.Forward(x, (h, c));
        };
    }

    static Action LstmLayer()
    {
        var lstm = new LSTM(I, Hd, batchFirst: true);
        var x = Torch.Randn(N, L, I).RequiresGrad_();
        return () =>
        {
            lstm.Forward(x, null).Output.Sum().Backward();
            x.Grad = null;
            foreach (var p in lstm.Parameters()) p.Grad = null;
        };
    }
}
