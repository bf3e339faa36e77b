using System.Globalization;
using System.Text.Json;
using Bridge.Optim;
using Bridge.Tests.Io;

namespace Bridge.Tests.Training;

/// <summary>
/// The C# optimizers against torch 1.13 run live: the same gradients in (p/2 + a per-step constant, exact in float32
/// in both languages), bit-identical parameters out after 30 steps; parameter groups, lr changed mid-run, state dicts.
/// </summary>
[TestClass]
public sealed class OptimizerTests
{
    static readonly float[][] Initial =
    [
        [0.5f, -1.25f, 2.0f, 0.1f, -0.3f, 0.7f, 1.5f, -2.5f, 0.05f],
        [0.25f, -0.75f, 1.1f],
    ];

    // Every case's torch result in one interpreter start (importing torch costs seconds): a JSON list of
    // [case index][steps 20 or 30][parameter][element].
    const string TorchRun = """
        import sys, json, numpy as np, torch
        init = [np.array(a, dtype=np.float32) for a in json.loads(sys.argv[1])]
        out = []
        for name, kwargs in json.loads(sys.argv[2]):
            kwargs = json.loads(kwargs)
            if "betas" in kwargs: kwargs["betas"] = tuple(kwargs["betas"])
            per_case = {}
            for steps in (20, 30):
                ps = [torch.tensor(a, requires_grad=True) for a in init]
                opt = getattr(torch.optim, name)(ps, **kwargs)
                for step in range(steps):
                    for k, p in enumerate(ps):
                        c = np.float32(((step % 7) - 3) * 0.1 + k * 0.01)
                        p.grad = p.detach() * np.float32(0.5) + torch.tensor(c)
                    opt.step()
                per_case[steps] = [[float(v) for v in p.detach().numpy()] for p in ps]
            out.append(per_case)
        print(json.dumps(out))
        """;

    static readonly Lazy<List<Dictionary<string, double[][]>>> s_torch = new(() =>
    {
        var cases = Cases.Select(c => new[] { (string)c[0], (string)c[1] }).ToArray();
        var output = PythonProcess.Check(TorchRun, JsonSerializer.Serialize(Initial), JsonSerializer.Serialize(cases));
        return JsonSerializer.Deserialize<List<Dictionary<string, double[][]>>>(output)!;
    });

    static Tensor[] Params() => Initial.Select(a => Torch.Tensor(a, requiresGrad: true)).ToArray();

    static void Run(Optimizer opt, Tensor[] ps, int steps, int start = 0)
    {
        for (int step = start; step < start + steps; step++)
        {
            for (int k = 0; k < ps.Length; k++)
            {
                float c = (float)(((step % 7) - 3) * 0.1 + k * 0.01);
                using (Bridge.Autograd.GradMode.Set(false)) ps[k].Grad = ps[k].Detach() * 0.5 + (double)c;
            }
            opt.Step();
        }
    }

    static float[][] TorchResult(string name, string kwargsJson, int steps)
    {
        PythonProcess.RequireTorch();
        int index = Cases.ToList().FindIndex(c => (string)c[0] == name && (string)c[1] == kwargsJson);
        return s_torch.Value[index][steps.ToString(CultureInfo.InvariantCulture)].Select(a => a.Select(v => (float)v).ToArray()).ToArray();
    }

    static void AssertBitwise(float[][] expected, Tensor[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            CollectionAssert.AreEqual(expected[i], actual[i].ToDoubleArray().Select(v => (float)v).ToArray(), $"{what}: parameter {i}");
    }

    public static IEnumerable<object[]> Cases =>
    [
        ["SGD", """{"lr": 0.1, "momentum": 0.9, "nesterov": true}"""],
        ["SGD", """{"lr": 0.05, "momentum": 0.5, "dampening": 0.1, "weight_decay": 0.01, "maximize": true}"""],
        ["Adam", """{"lr": 0.01, "weight_decay": 0.1}"""],
        ["Adam", """{"lr": 0.02, "amsgrad": true, "betas": [0.8, 0.99]}"""],
        ["AdamW", """{"lr": 0.01}"""],
        ["AdamW", """{"lr": 0.01, "amsgrad": true, "maximize": true}"""],
        ["RMSprop", """{"lr": 0.01, "centered": true, "momentum": 0.5, "weight_decay": 0.01}"""],
        ["Adagrad", """{"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}"""],
        ["Adadelta", """{"lr": 0.5, "weight_decay": 0.1}"""],
        ["Adamax", """{"lr": 0.01, "weight_decay": 0.1}"""],
        ["NAdam", """{"lr": 0.01, "weight_decay": 0.1}"""],
        ["RAdam", """{"lr": 0.01}"""],
    ];

    static Optimizer Make(string name, string kwargsJson, IEnumerable<Tensor> ps)
    {
        var o = JsonDocument.Parse(kwargsJson).RootElement;
        double D(string k, double d) => o.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        bool B(string k) => o.TryGetProperty(k, out var v) && v.GetBoolean();
        (double, double)? Betas() => o.TryGetProperty("betas", out var v) ? (v[0].GetDouble(), v[1].GetDouble()) : null;
        return name switch
        {
            "SGD" => new SGD(ps, D("lr", 0), D("momentum", 0), D("dampening", 0), D("weight_decay", 0), B("nesterov"), B("maximize")),
            "Adam" => new Adam(ps, D("lr", 1e-3), Betas(), D("eps", 1e-8), D("weight_decay", 0), B("amsgrad"), B("maximize")),
            "AdamW" => new AdamW(ps, D("lr", 1e-3), Betas(), D("eps", 1e-8), D("weight_decay", 1e-2), B("amsgrad"), B("maximize")),
            "RMSprop" => new RMSprop(ps, D("lr", 1e-2), D("alpha", 0.99), D("eps", 1e-8), D("weight_decay", 0), D("momentum", 0), B("centered"), B("maximize")),
            "Adagrad" => new Adagrad(ps, D("lr", 1e-2), D("lr_decay", 0), D("weight_decay", 0), D("initial_accumulator_value", 0), D("eps", 1e-10), B("maximize")),
            "Adadelta" => new Adadelta(ps, D("lr", 1), D("rho", 0.9), D("eps", 1e-6), D("weight_decay", 0), B("maximize")),
            "Adamax" => new Adamax(ps, D("lr", 2e-3), Betas(), D("eps", 1e-8), D("weight_decay", 0), B("maximize")),
            "NAdam" => new NAdam(ps, D("lr", 2e-3), Betas(), D("eps", 1e-8), D("weight_decay", 0), D("momentum_decay", 4e-3)),
            "RAdam" => new RAdam(ps, D("lr", 1e-3), Betas(), D("eps", 1e-8), D("weight_decay", 0)),
            _ => throw new ArgumentException(name),
        };
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Optimizer_ThirtySteps_MatchesTorchBitwise(string name, string kwargs)
    {
        var expected = TorchResult(name, kwargs, 30);
        var ps = Params();
        Run(Make(name, kwargs, ps), ps, 30);
        AssertBitwise(expected, ps, $"{name} {kwargs}");
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void StateDict_LoadedIntoAFreshOptimizer_ResumesTheSameRun(string name, string kwargs)
    {
        var expected = TorchResult(name, kwargs, 20);
        var ps = Params();
        var first = Make(name, kwargs, ps);
        Run(first, ps, 10);
        var resumed = Make(name, kwargs, ps);
        resumed.LoadStateDict(first.StateDict());
        Run(resumed, ps, 10, start: 10);
        AssertBitwise(expected, ps, $"{name} resumed");
    }

    [TestMethod]
    public void ParamGroups_OwnOptionsAndLrChangedBetweenSteps_MatchTorch()
    {
        PythonProcess.RequireTorch();
        var output = PythonProcess.Check("""
            import torch
            a = torch.tensor([1.0, -2.0, 0.5], requires_grad=True); b = torch.tensor([0.3, 0.7], requires_grad=True)
            opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.5}], lr=0.1, momentum=0.9)
            for step in range(12):
                if step == 6: opt.param_groups[0]["lr"] = 0.02
                for p in (a, b): p.grad = p.detach() * 0.5 + (step - 5) * 0.125
                opt.step()
            print(" ".join(repr(float(v)) for v in torch.cat([a.detach(), b.detach()])))
            """);
        var a = Torch.Tensor(new float[] { 1.0f, -2.0f, 0.5f }, requiresGrad: true);
        var b = Torch.Tensor(new float[] { 0.3f, 0.7f }, requiresGrad: true);
        var opt = new SGD([new ParamGroup([a]), new ParamGroup([b], new Dictionary<string, object> { ["lr"] = 0.5, ["momentum"] = 0.5 })], lr: 0.1, momentum: 0.9);
        for (int step = 0; step < 12; step++)
        {
            if (step == 6) opt.ParamGroups[0].LearningRate = 0.02;
            foreach (var p in new[] { a, b })
                using (Bridge.Autograd.GradMode.Set(false)) p.Grad = p.Detach() * 0.5 + (step - 5) * 0.125;
            opt.Step();
        }
        var expected = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => (float)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        CollectionAssert.AreEqual(expected, a.ToDoubleArray().Concat(b.ToDoubleArray()).Select(v => (float)v).ToArray());
        var state = opt.StateDict();
        CollectionAssert.AreEqual(new long[] { 1 }, (List<long>)state.ParamGroups[1]["params"]!);
        Assert.AreEqual(0.5, state.ParamGroups[1]["momentum"]);
    }

    [TestMethod]
    public void BadOptions_ThrowTorchsMessages()
    {
        var p = new[] { Torch.Zeros([2], DType.Float32) };
        Assert.AreEqual("Invalid learning rate: -1", Assert.ThrowsExactly<ArgumentException>(() => new SGD(p, lr: -1)).Message);
        Assert.AreEqual("Invalid beta parameter at index 0: 1", Assert.ThrowsExactly<ArgumentException>(() => new Adam(p, betas: (1.0, 0.9))).Message);
        Assert.AreEqual("Invalid rho value: 1.5", Assert.ThrowsExactly<ArgumentException>(() => new Adadelta(p, rho: 1.5)).Message);
        var opt = new Adam(p);
        Assert.ThrowsExactly<ArgumentException>(() => opt.AddParamGroup(new ParamGroup(p)));
        Assert.ThrowsExactly<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1));
    }

    [TestMethod]
    public void Lbfgs_OnAQuadratic_ReachesTheMinimumLikeTorch()
    {
        PythonProcess.RequireTorch();
        var output = PythonProcess.Check("""
            import torch
            for ls in (None, "strong_wolfe"):
                x = torch.tensor([1.5, -0.5, 2.0], requires_grad=True)
                target = torch.tensor([0.25, 0.5, -1.0])
                opt = torch.optim.LBFGS([x], lr=0.7, max_iter=8, line_search_fn=ls)
                def closure():
                    opt.zero_grad()
                    loss = ((x - target) ** 2 * torch.tensor([1.0, 3.0, 0.5])).sum() + (x ** 4).sum() * 0.01
                    loss.backward()
                    return loss
                for _ in range(3): opt.step(closure)
                print(" ".join(repr(float(v)) for v in x.detach()))
            """);
        var lines = output.Trim().Split('\n');
        string?[] searches = [null, "strong_wolfe"];
        for (int i = 0; i < 2; i++)
        {
            var x = Torch.Tensor(new float[] { 1.5f, -0.5f, 2.0f }, requiresGrad: true);
            var target = Torch.Tensor(new float[] { 0.25f, 0.5f, -1.0f });
            var weights = Torch.Tensor(new float[] { 1.0f, 3.0f, 0.5f });
            var opt = new LBFGS([x], lr: 0.7, maxIter: 8, lineSearchFn: searches[i]);
            Tensor Closure()
            {
                opt.ZeroGrad();
                var d = x - target;
                var loss = (d * d * weights).Sum() + (x * x * x * x).Sum() * 0.01;
                loss.Backward();
                return loss;
            }
            for (int s = 0; s < 3; s++) opt.Step(Closure);
            var expected = lines[i].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            TestSupport.AreClose(expected, x, atol: 1e-5, rtol: 1e-5, what: $"LBFGS {searches[i] ?? "fixed step"}");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Optimizer_OnCuda_MatchesTheCpuBitwise(string name, string kwargs)
    {
        if (!Bridge.Cuda.IsAvailable) Assert.Inconclusive($"CUDA unavailable: {Bridge.Cuda.Status}");
        var cpu = Params();
        Run(Make(name, kwargs, cpu), cpu, 15);
        var gpu = Initial.Select(a => Torch.Tensor(a).To(Device.Cuda(0)).RequiresGrad_()).ToArray();
        Run(Make(name, kwargs, gpu), gpu, 15);
        for (int i = 0; i < cpu.Length; i++)
        {
            Assert.AreEqual(Device.Cuda(0), gpu[i].Device);
            CollectionAssert.AreEqual(cpu[i].ToDoubleArray(), gpu[i].To(Device.Cpu).ToDoubleArray(), $"{name} {kwargs}: parameter {i}");
        }
    }
}
