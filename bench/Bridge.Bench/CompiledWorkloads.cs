using System.Diagnostics;
using Bridge;

namespace Bridge.Bench;

/// <summary>The eager workloads of seed-002's XOR training and the scalar forward+backward, as <see cref="Torch.Compile(Func{Tensor[], Tensor[]})"/> steps.</summary>
internal static class CompiledWorkloads
{
    public static IEnumerable<(string Name, Func<double> Run, string Unit)> All()
    {
        yield return ("xor_20000_compiled", () => XorTraining(compiled: true).Wall, "s");
        // Process CPU time (all threads, the JIT's included) of the same runs: robust to other processes' load.
        yield return ("xor_20000_cpu", () => XorTraining(compiled: false).Cpu, "s");
        yield return ("xor_20000_compiled_cpu", () => XorTraining(compiled: true).Cpu, "s");
        // The 19998 replays alone (after the eager warm-up and the traced call).
        yield return ("xor_20000_compiled_replays", () => XorTraining(compiled: true).Replays, "s");
        yield return ("scalar_fwd_bwd_compiled", ScalarForwardBackward, "us");
    }

    /// <summary>
    /// Workloads.XorSteps' loop (same data, parameters, order of samples and update), eager or with the step compiled;
    /// the totals include building the tensors, the warm-up and the trace.
    /// </summary>
    static (double Wall, double Cpu, double Replays) XorTraining(bool compiled)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var x = Torch.Tensor(new[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
        var y = Torch.Tensor(new[] { 0, 1, 1, 0 }, DType.Float32);
        var w1 = Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true);
        var b1 = Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true);
        var w2 = Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true);
        var b2 = Torch.Tensor(new[] { 0.0 }, requiresGrad: true);
        Tensor[] ps = [w1, b1, w2, b2];
        Func<Tensor[], Tensor[]> body = _ =>
        {
            foreach (var p in ps) p.Grad?.Data.Zero_();
            var hidden = Torch.Relu(Torch.MatMul(_[0], w1) + b1);
            var output = Torch.Sigmoid(Torch.MatMul(hidden, w2) + b2);
            var loss = (_[1] - output).Pow(2);
            loss.Backward();
            using (Torch.NoGrad())
                foreach (var p in ps) p.Sub_(0.01 * p.Grad!);
            return [];
        };
        using var step = Torch.Compile(body);
        double replayStart = 0;
        for (int i = 0; i < 20000; i++)
        {
            if (i == 2) replayStart = sw.Elapsed.TotalSeconds;
            if (compiled) step.InvokeAll(x[i % 4], y[i % 4]);
            else body([x[i % 4], y[i % 4]]);
        }
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds, wall - replayStart);
    }

    static double ScalarForwardBackward()
    {
        var w = Torch.Tensor(0.5, requiresGrad: true);
        var b = Torch.Tensor(0.1, requiresGrad: true);
        var x = Torch.Tensor(2.0);
        using var step = Torch.Compile(() => Torch.Sigmoid(w * x + b).Backward());
        return Workloads.Time(() => step.InvokeAll(), minSeconds: 0.1) * 1e6;
    }
}
