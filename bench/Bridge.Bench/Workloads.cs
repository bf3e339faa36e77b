using System.Diagnostics;
using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Bench;

/// <summary>
/// The workloads, written as a PyTorch user would write them (bench/peers/torch_peer.py is the same
/// list in Python). Each returns one figure; the harness repeats processes and takes medians.
/// </summary>
internal static class Workloads
{
    public static readonly int[] MatmulSizes = [64, 128, 256, 512, 1024, 2048];
    const int Big = 1 << 24;
    static readonly int[] SweepSizes = [1 << 10, 1 << 14, 1 << 18, 1 << 22, 1 << 24];

    /// <summary>Median seconds per call of <paramref name="body"/> over samples of at least <paramref name="minSeconds"/> each.</summary>
    public static double Time(Action body, double minSeconds = 0.05, int samples = 5, int warmup = 2)
    {
        // At least 0.2 s of warm-up, so the JIT's tiering has promoted the hot code before anything is timed.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < 0.2; i++) body();
        return TimeWarm(body, minSeconds, samples);
    }

    /// <summary>
    /// <see cref="Time"/> for bodies that take tens of milliseconds (a model's training step): a code path run once per
    /// call reaches the tiered JIT's optimised code only after its 30th call, and the tier-1 compilations then run on a
    /// background thread, which on a loaded machine takes seconds; a 0.2 s warm-up measures tier-0 code. So this warms
    /// up for at least <see cref="TierUpCalls"/> calls and <see cref="TierUpSeconds"/>, then in windows of at least
    /// 0.25 s until one window compiles no method (<see cref="System.Runtime.JitInfo"/>) and takes within 3% of the
    /// previous one per call (at most <see cref="WarmupLimitSeconds"/> in all): the figure a training loop sees once
    /// the JIT is done with it. Writes the warm-up's length to stderr.
    /// </summary>
    public static double TimeSettled(Action body, double minSeconds, int samples = 5)
    {
        var warm = Stopwatch.StartNew();
        int calls = 0;
        for (; (calls < TierUpCalls || warm.Elapsed.TotalSeconds < TierUpSeconds) && warm.Elapsed.TotalSeconds < WarmupLimitSeconds; calls++) body();
        double previous = double.PositiveInfinity;
        while (warm.Elapsed.TotalSeconds < WarmupLimitSeconds)
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            var window = Stopwatch.StartNew();
            int n = 0;
            for (; window.Elapsed.TotalSeconds < 0.25; n++) body();
            calls += n;
            double perCall = window.Elapsed.TotalSeconds / n;
            bool quiet = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled;
            if (quiet && Math.Abs(perCall - previous) <= 0.03 * Math.Min(perCall, previous)) break;
            previous = perCall;
        }
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"warm-up: {calls} calls, {warm.Elapsed.TotalSeconds:F1} s, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled"));
        return TimeWarm(body, minSeconds, samples);
    }

    /// <summary>Warm-up calls of <see cref="TimeSettled"/>: past the tiered JIT's default call-count threshold (30).</summary>
    public const int TierUpCalls = 40;

    /// <summary>Least warm-up time of <see cref="TimeSettled"/>, in seconds.</summary>
    public const double TierUpSeconds = 1.5;

    /// <summary>Most warm-up time of <see cref="TimeSettled"/>, in seconds.</summary>
    public const double WarmupLimitSeconds = 20;

    static double TimeWarm(Action body, double minSeconds, int samples)
    {
        // Calibrate the repetition count so one sample lasts about minSeconds.
        int reps = 1;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) body();
            if (sw.Elapsed.TotalSeconds >= minSeconds || reps >= 1 << 24) break;
            reps *= 2;
        }
        var times = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) body();
            times[s] = sw.Elapsed.TotalSeconds / reps;
        }
        Array.Sort(times);
        return times[samples / 2];
    }

    public static IEnumerable<(string Name, Func<double> Run, string Unit)> All()
    {
        yield return ("ceiling_fma_f32", () => Ceilings.FmaPeakFloat32(Torch.GetNumThreads()), "GFLOP/s");
        yield return ("ceiling_fma_f64", () => Ceilings.FmaPeakFloat64(Torch.GetNumThreads()), "GFLOP/s");
        yield return ("ceiling_triad", () => Ceilings.TriadBandwidth(Torch.GetNumThreads()), "GB/s");
        yield return ("xor_20000", XorTraining, "s");
        yield return ("add_1elem", AddOneElement, "ns");
        yield return ("scalar_fwd_bwd", ScalarForwardBackward, "us");
        foreach (var w in CompiledWorkloads.All()) yield return w;
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            foreach (int n in MatmulSizes)
            {
                string t = dtype == DType.Float32 ? "f32" : "f64";
                yield return ($"matmul_{t}_{n}", () => Matmul(n, dtype, false, false), "GFLOP/s");
                if (n is 128 or 512 or 2048)
                {
                    yield return ($"matmul_{t}_{n}_tn", () => Matmul(n, dtype, true, false), "GFLOP/s");
                    yield return ($"matmul_{t}_{n}_nt", () => Matmul(n, dtype, false, true), "GFLOP/s");
                }
            }
        yield return ("add_16m_new", () => Elementwise("add_new"), "GB/s");
        yield return ("add_16m_inplace", () => Elementwise("add_inplace"), "GB/s");
        yield return ("add_16m_out", () => Elementwise("add_out"), "GB/s");
        yield return ("mul_16m_out", () => Elementwise("mul_out"), "GB/s");
        yield return ("add_16m_bcast", () => Elementwise("add_bcast"), "GB/s");
        yield return ("add_16m_strided", () => Elementwise("add_strided"), "GB/s");
        yield return ("sigmoid_16m_new", () => Elementwise("sigmoid_new"), "GB/s");
        yield return ("sigmoid_16m_inplace", () => Elementwise("sigmoid_inplace"), "GB/s");
        yield return ("exp_16m_new", () => Elementwise("exp_new"), "GB/s");
        yield return ("tanh_16m_new", () => Elementwise("tanh_new"), "GB/s");
        foreach (int n in SweepSizes)
        {
            yield return ($"add_sweep_{n}", () => Sweep(n, sigmoid: false), "us");
            yield return ($"sigmoid_sweep_{n}", () => Sweep(n, sigmoid: true), "us");
        }
        yield return ("mlp_step", MlpStep, "ms");
        yield return ("mlp_peak_mb", MlpPeakMemory, "MB");
        foreach (var model in new[] { "lenet", "char_lstm", "tiny_gpt" })
            yield return ($"{model}_step", () => Models.StepMs(model), "ms");
        yield return ("loop_growth_mb", LoopMemoryGrowth, "MB");
    }

    /// <summary>parity/cases/seed002_xor_training.py's loop: 5000 epochs × 4 samples, batch 1, manual SGD.</summary>
    static double XorTraining()
    {
        var sw = Stopwatch.StartNew();
        XorSteps(20000);
        return sw.Elapsed.TotalSeconds;
    }

    static void XorSteps(int steps)
    {
        var x = Torch.Tensor(new[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
        var y = Torch.Tensor(new[] { 0, 1, 1, 0 }, DType.Float32);
        var w1 = Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true);
        var b1 = Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true);
        var w2 = Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true);
        var b2 = Torch.Tensor(new[] { 0.0 }, requiresGrad: true);
        Tensor[] ps = [w1, b1, w2, b2];
        for (int step = 0; step < steps; step++)
        {
            int i = step % 4;
            foreach (var p in ps) p.Grad?.Data.Zero_();
            var hidden = Torch.Relu(Torch.MatMul(x[i], w1) + b1);
            var output = Torch.Sigmoid(Torch.MatMul(hidden, w2) + b2);
            var loss = (y[i] - output).Pow(2);
            loss.Backward();
            using (Torch.NoGrad())
                foreach (var p in ps) p.Sub_(0.01 * p.Grad!);
        }
    }

    static double AddOneElement()
    {
        var a = Torch.Tensor(new[] { 1.0f });
        var b = Torch.Tensor(new[] { 2.0f });
        Tensor? c = null;
        double t = Time(() => c = a + b, minSeconds: 0.1);
        GC.KeepAlive(c);
        return t * 1e9;
    }

    static double ScalarForwardBackward()
    {
        var w = Torch.Tensor(0.5, requiresGrad: true);
        var b = Torch.Tensor(0.1, requiresGrad: true);
        var x = Torch.Tensor(2.0);
        return Time(() => Torch.Sigmoid(w * x + b).Backward(), minSeconds: 0.1) * 1e6;
    }

    static double Matmul(int n, DType dtype, bool transposeA, bool transposeB)
    {
        Torch.ManualSeed(0);
        var a = Torch.Randn([n, n], dtype);
        var b = Torch.Randn([n, n], dtype);
        if (transposeA) a = a.T();
        if (transposeB) b = b.T();
        double t = Time(() => a.MatMul(b), minSeconds: n >= 1024 ? 0.3 : 0.05, samples: n >= 2048 ? 3 : 5, warmup: n >= 2048 ? 1 : 3);
        return 2.0 * n * n * n / t / 1e9;
    }

    static double Elementwise(string op)
    {
        Torch.ManualSeed(0);
        var a = Torch.Rand(Big);
        var b = Torch.Rand(Big);
        var o = Torch.Zeros(Big);
        double bytes = 3.0 * 4 * Big, unary = 2.0 * 4 * Big;
        switch (op)
        {
            case "add_new": return bytes / Time(() => _ = a + b) / 1e9;
            case "add_inplace": return bytes / Time(() => a.Add_(b)) / 1e9;
            case "add_out": return bytes / Time(() => Torch.Add(a, b, o)) / 1e9;
            case "mul_out": return bytes / Time(() => Torch.Mul(a, b, o)) / 1e9;
            case "add_bcast":
                {
                    var m = a.View(4096, 4096);
                    var row = Torch.Rand(4096);
                    // The row is read from cache, so count two streams.
                    return 2.0 * 4 * Big / Time(() => _ = m + row) / 1e9;
                }
            case "add_strided":
                {
                    var ma = a.View(4096, 4096).T();
                    var mb = b.View(4096, 4096).T();
                    return bytes / Time(() => _ = ma + mb) / 1e9;
                }
            case "sigmoid_new": return unary / Time(() => _ = a.Sigmoid()) / 1e9;
            case "sigmoid_inplace": return unary / Time(() => a.Sigmoid_()) / 1e9;
            case "exp_new": return unary / Time(() => _ = a.Exp()) / 1e9;
            case "tanh_new": return unary / Time(() => _ = a.Tanh()) / 1e9;
            default: throw new ArgumentException(op);
        }
    }

    /// <summary>µs per new-result a + b (or sigmoid(a)) on n float32 elements, for the time-against-size plots.</summary>
    static double Sweep(int n, bool sigmoid)
    {
        var a = Torch.Rand(n);
        var b = Torch.Rand(n);
        return (sigmoid ? Time(() => _ = a.Sigmoid()) : Time(() => _ = a + b)) * 1e6;
    }

    static (Sequential Model, SGD Optimizer, CrossEntropyLoss Loss, Tensor X, Tensor Y) Mlp()
    {
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        var opt = new SGD(model.Parameters(), lr: 0.01);
        return (model, opt, new CrossEntropyLoss(), Torch.Randn(64, 784), Torch.Randint(0, 10, [64]));
    }

    static void MlpStepOnce(Sequential model, SGD opt, CrossEntropyLoss lossFn, Tensor x, Tensor y)
    {
        opt.ZeroGrad();
        var loss = lossFn.Call(model.Forward(x), y);
        loss.Backward();
        opt.Step();
    }

    /// <summary>One training step of a 784-256-10 MLP on a batch of 64: forward, cross-entropy, backward, SGD.</summary>
    static double MlpStep()
    {
        var (model, opt, lossFn, x, y) = Mlp();
        return Time(() => MlpStepOnce(model, opt, lossFn, x, y), minSeconds: 0.2) * 1e3;
    }

    /// <summary>One MLP training step as <see cref="MlpStep"/> times it, built and ready to call (for <see cref="ThreadProbe"/>).</summary>
    internal static Action MlpStepAction()
    {
        var (model, opt, lossFn, x, y) = Mlp();
        return () => MlpStepOnce(model, opt, lossFn, x, y);
    }

    /// <summary>Peak resident memory of a process that ran 200 MLP steps (run alone in a fresh process).</summary>
    static double MlpPeakMemory()
    {
        var (model, opt, lossFn, x, y) = Mlp();
        for (int i = 0; i < 200; i++) MlpStepOnce(model, opt, lossFn, x, y);
        return PeakRssMb();
    }

    /// <summary>RSS growth (MB) between step 10^5 and step 10^6 of the XOR loop: flat memory means ~0.</summary>
    static double LoopMemoryGrowth()
    {
        XorSteps(100_000);
        double before = RssMb();
        XorSteps(900_000);
        return RssMb() - before;
    }

    static double RssMb() => ReadStatus("VmRSS:");
    static double PeakRssMb() => ReadStatus("VmHWM:");

    static double ReadStatus(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return double.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
