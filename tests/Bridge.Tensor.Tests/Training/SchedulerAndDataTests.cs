using System.Globalization;
using System.Text.Json;
using Bridge.Data;
using Bridge.Optim;
using Bridge.Optim.LRScheduler;
using Bridge.Tests.Io;

namespace Bridge.Tests.Training;

/// <summary>
/// The C# lr schedulers, samplers and DataLoader against torch 1.13 run live (one interpreter start for all cases):
/// the same learning-rate doubles, the same permutations and batches for the same seeds.
/// </summary>
[TestClass]
public sealed class SchedulerAndDataTests
{
    const string TorchRun = """
        import json, math, torch
        from torch.optim import lr_scheduler as L
        def opt(name="SGD"):
            ps = [torch.zeros(1, requires_grad=True) for _ in range(2)]
            groups = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ps)]
            return torch.optim.SGD(groups, lr=0.1, momentum=0.9) if name == "SGD" else torch.optim.AdamW(groups, lr=0.1)
        makers = {
            "lambda": lambda o: L.LambdaLR(o, lambda e: 0.95 ** e),
            "multiplicative": lambda o: L.MultiplicativeLR(o, lambda e: 0.9),
            "step": lambda o: L.StepLR(o, 7, gamma=0.3),
            "multistep": lambda o: L.MultiStepLR(o, [5, 12, 12, 30], gamma=0.5),
            "constant": lambda o: L.ConstantLR(o, factor=0.25, total_iters=6),
            "linear": lambda o: L.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=13),
            "exponential": lambda o: L.ExponentialLR(o, 0.93),
            "polynomial": lambda o: L.PolynomialLR(o, total_iters=20, power=2.0),
            "cosine": lambda o: L.CosineAnnealingLR(o, T_max=11, eta_min=0.001),
            "warm_restarts": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-4),
            "cyclic": lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=4, step_size_down=6),
            "cyclic_exp": lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97),
            "onecycle": lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=60),
            "onecycle_adamw": lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=60, anneal_strategy="linear", three_phase=True),
            "sequential": lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.CosineAnnealingLR(o, T_max=30)], milestones=[5]),
            "chained": lambda o: L.ChainedScheduler([L.ConstantLR(o, factor=0.5, total_iters=4), L.ExponentialLR(o, gamma=0.9)]),
        }
        lrs = {}
        for name, make in makers.items():
            o = opt("AdamW" if name.endswith("adamw") else "SGD")
            s = make(o)
            seq = []
            for _ in range(59):
                seq.append([g["lr"] for g in o.param_groups] + [g["momentum"] if "momentum" in g else g["betas"][0] for g in o.param_groups])
                o.step(); s.step()
            lrs[name] = seq
        o = opt(); p = L.ReduceLROnPlateau(o, patience=2, factor=0.5, cooldown=1, min_lr=0.01)
        plateau = []
        for m in [1.0, 0.9, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.91, 0.92, 0.4, 0.41, 0.42] * 3:
            p.step(m); plateau.append([g["lr"] for g in o.param_groups])
        torch.manual_seed(42)
        sampler = [list(torch.utils.data.RandomSampler(range(n))) for n in (1, 7, 100, 100)]
        torch.manual_seed(7)
        replacement = list(torch.utils.data.RandomSampler(range(10), replacement=True, num_samples=70))
        g = torch.Generator().manual_seed(3)
        weighted = list(torch.utils.data.WeightedRandomSampler([0.1, 0.5, 2.0, 0.0, 1.0, 0.3], 40, generator=g))
        split = [s.indices for s in torch.utils.data.random_split(range(10), [3, 7], generator=torch.Generator().manual_seed(1))]
        torch.manual_seed(123)
        x = torch.arange(23 * 2, dtype=torch.float32).reshape(23, 2)
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, torch.arange(23)), batch_size=5, shuffle=True)
        epochs = [[b[1].tolist() for b in loader] for _ in range(2)]
        after = torch.rand(2).tolist()
        print(json.dumps({"lrs": lrs, "plateau": plateau, "sampler": sampler, "replacement": replacement, "weighted": weighted,
                          "split": split, "epochs": epochs, "after": after}))
        """;

    static readonly Lazy<JsonElement> s_torch = new(() => JsonDocument.Parse(PythonProcess.Check(TorchRun)).RootElement);

    static JsonElement TorchValues(string key)
    {
        PythonProcess.RequireTorch();
        return s_torch.Value.GetProperty(key);
    }

    static Optimizer NewOptimizer(bool adamw = false)
    {
        var groups = Enumerable.Range(0, 2).Select(i => new ParamGroup([Torch.Zeros([1], DType.Float32).RequiresGrad_()],
            new Dictionary<string, object> { ["lr"] = 0.1 * (i + 1) })).ToArray();
        return adamw ? new AdamW(groups, lr: 0.1) : new SGD(groups, lr: 0.1, momentum: 0.9);
    }

    public static IEnumerable<object[]> SchedulerCases =>
    [
        ["lambda"], ["multiplicative"], ["step"], ["multistep"], ["constant"], ["linear"], ["exponential"], ["polynomial"],
        ["cosine"], ["warm_restarts"], ["cyclic"], ["cyclic_exp"], ["onecycle"], ["onecycle_adamw"], ["sequential"], ["chained"],
    ];

    static Scheduler Make(string name, Optimizer o) => name switch
    {
        "lambda" => new LambdaLR(o, e => Math.Pow(0.95, e)),
        "multiplicative" => new MultiplicativeLR(o, _ => 0.9),
        "step" => new StepLR(o, 7, gamma: 0.3),
        "multistep" => new MultiStepLR(o, [5, 12, 12, 30], gamma: 0.5),
        "constant" => new ConstantLR(o, factor: 0.25, totalIters: 6),
        "linear" => new LinearLR(o, startFactor: 0.1, endFactor: 0.9, totalIters: 13),
        "exponential" => new ExponentialLR(o, 0.93),
        "polynomial" => new PolynomialLR(o, totalIters: 20, power: 2.0),
        "cosine" => new CosineAnnealingLR(o, tMax: 11, etaMin: 0.001),
        "warm_restarts" => new CosineAnnealingWarmRestarts(o, t0: 5, tMult: 2, etaMin: 1e-4),
        "cyclic" => new CyclicLR(o, 0.01, 0.1, stepSizeUp: 4, stepSizeDown: 6),
        "cyclic_exp" => new CyclicLR(o, 0.01, 0.1, stepSizeUp: 5, mode: CyclicMode.ExpRange, gamma: 0.97),
        "onecycle" => new OneCycleLR(o, maxLr: 0.5, totalSteps: 60),
        "onecycle_adamw" => new OneCycleLR(o, maxLr: 0.5, totalSteps: 60, annealStrategy: AnnealStrategy.Linear, threePhase: true),
        "sequential" => new SequentialLR(o, [new LinearLR(o, startFactor: 0.1, totalIters: 5), new CosineAnnealingLR(o, tMax: 30)], [5]),
        "chained" => new ChainedScheduler(new ConstantLR(o, factor: 0.5, totalIters: 4), new ExponentialLR(o, gamma: 0.9)),
        _ => throw new ArgumentException(name),
    };

    [TestMethod]
    [DynamicData(nameof(SchedulerCases))]
    public void Scheduler_LrAndMomentumSequence_EqualsTorchs(string name)
    {
        var expected = TorchValues("lrs").GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var o = NewOptimizer(adamw: name.EndsWith("adamw", StringComparison.Ordinal));
        var s = Make(name, o);
        for (int step = 0; step < expected.Length; step++)
        {
            var actual = o.ParamGroups.Select(g => g.LearningRate)
                .Concat(o.ParamGroups.Select(g => g.Options.ContainsKey("momentum") ? g.Double("momentum") : g.Pair("betas").Item1)).ToArray();
            CollectionAssert.AreEqual(expected[step], actual, $"{name}, step {step}");
            o.Step();
            s.Step();
        }
        CollectionAssert.AreEqual(o.ParamGroups.Select(g => g.LearningRate).ToArray(), s.GetLastLr().ToArray());
    }

    [TestMethod]
    public void ReduceLROnPlateau_EqualsTorchs()
    {
        var expected = TorchValues("plateau").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var o = NewOptimizer();
        var p = new ReduceLROnPlateau(o, patience: 2, factor: 0.5, cooldown: 1, minLr: [0.01]);
        double[] metrics = [1.0, 0.9, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 0.91, 0.92, 0.4, 0.41, 0.42];
        for (int i = 0; i < expected.Length; i++)
        {
            p.Step(metrics[i % metrics.Length]);
            CollectionAssert.AreEqual(expected[i], p.GetLastLr().ToArray(), $"step {i}");
        }
    }

    static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    [TestMethod]
    public void Samplers_DrawTorchsIndices()
    {
        var sampler = TorchValues("sampler").EnumerateArray().Select(Longs).ToArray();
        Torch.ManualSeed(42);
        int[] sizes = [1, 7, 100, 100];
        for (int i = 0; i < sizes.Length; i++) CollectionAssert.AreEqual(sampler[i], new RandomSampler(sizes[i]).ToArray(), $"n={sizes[i]}");
        Torch.ManualSeed(7);
        CollectionAssert.AreEqual(Longs(TorchValues("replacement")), new RandomSampler(10, replacement: true, numSamples: 70).ToArray());
        var weighted = new WeightedRandomSampler([0.1, 0.5, 2.0, 0.0, 1.0, 0.3], 40, generator: new Bridge.Random.Generator(3));
        CollectionAssert.AreEqual(Longs(TorchValues("weighted")), weighted.ToArray());
        var split = DatasetSplit.RandomSplit(new TensorDataset(Torch.Arange(10)), [3, 7], new Bridge.Random.Generator(1));
        var expectedSplit = TorchValues("split").EnumerateArray().Select(Longs).ToArray();
        CollectionAssert.AreEqual(expectedSplit[0], split[0].Indices.ToArray());
        CollectionAssert.AreEqual(expectedSplit[1], split[1].Indices.ToArray());
    }

    [TestMethod]
    public void DataLoader_ShuffledBatchesOverEpochs_EqualTorchs()
    {
        var epochs = TorchValues("epochs").EnumerateArray().Select(e => e.EnumerateArray().Select(Longs).ToArray()).ToArray();
        Torch.ManualSeed(123);
        var x = Torch.Arange(46).To(DType.Float32).Reshape(23, 2);
        var loader = new DataLoader(new TensorDataset(x, Torch.Arange(23)), batchSize: 5, shuffle: true);
        Assert.AreEqual(5, loader.Count);
        foreach (var expected in epochs)
        {
            var batches = loader.ToList();
            Assert.AreEqual(expected.Length, batches.Count);
            for (int b = 0; b < batches.Count; b++)
            {
                var labels = batches[b][1].ToDoubleArray().Select(v => (long)v).ToArray();
                CollectionAssert.AreEqual(expected[b], labels);
                CollectionAssert.AreEqual(labels.SelectMany(l => new double[] { 2 * l, 2 * l + 1 }).ToArray(), batches[b][0].ToDoubleArray());
            }
        }
        var after = TorchValues("after").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        CollectionAssert.AreEqual(after, Torch.Rand([2], DType.Float32).ToDoubleArray(), "the default generator is where torch's is");
    }

    [TestMethod]
    public void DataLoader_AbandonedPassAndFailingDataset_NeitherHangsNorLosesTheError()
    {
        var loader = new DataLoader(new TensorDataset(Torch.Arange(100)), batchSize: 3);
        Assert.AreEqual(2, loader.Take(2).Count()); // the background loader stops with the pass
        var failing = new DataLoader<int, int[]>(new Failing(), samples => samples.ToArray(), batchSize: 2);
        Assert.ThrowsExactly<KeyNotFoundException>(() => failing.ToList());
        var dropLast = new DataLoader(new TensorDataset(Torch.Arange(10)), batchSize: 4, dropLast: true);
        Assert.AreEqual(2, dropLast.Count());
    }

    sealed class Failing : Dataset<int>
    {
        public override int Count => 6;
        public override int this[int index] => index == 3 ? throw new KeyNotFoundException("sample 3 is broken") : index;
    }
}
