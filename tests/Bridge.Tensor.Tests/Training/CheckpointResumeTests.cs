using Bridge.Data;
using Bridge.Io;
using Bridge.Nn;
using Bridge.Optim;
using Bridge.Optim.LRScheduler;
using Bridge.Random;
using Bridge.Tests.Io;

namespace Bridge.Tests.Training;

/// <summary>
/// Training resumed across runtimes from one torch-format .pt checkpoint (model, optimizer, scheduler and the loader's
/// generator state) ends on the numbers of torch's uninterrupted run: torch trains 2 of 4 epochs and C# finishes, and
/// C# trains 2 and torch finishes. AdamW + OneCycleLR over a shuffled DataLoader, the recipe of
/// tests/python/test_checkpoint_resume.py.
/// </summary>
[TestClass]
public sealed class CheckpointResumeTests : OnTheCpu
{
    const int Epochs = 4, Batch = 8;

    // argv: mode ("first" trains 2 epochs and saves checkpoint.pt; "second" resumes checkpoint.pt and saves resumed.pt;
    // "reference" neither), folder.
    // Always writes reference.pt: the data and torch's uninterrupted parameters.
    const string TorchRun = """
        import sys, numpy as np, torch
        mode, folder = sys.argv[1], sys.argv[2]
        EPOCHS, BATCH = 4, 8
        rng = np.random.default_rng(0)
        x = torch.tensor(rng.standard_normal((40, 5)).astype(np.float32))
        y = torch.tensor(rng.integers(0, 3, 40))
        def setup():
            torch.manual_seed(0)
            model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
            opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.05)
            sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=EPOCHS * (40 // BATCH))
            gen = torch.Generator().manual_seed(1234)
            loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=BATCH, shuffle=True, generator=gen)
            return model, opt, sched, gen, loader
        def epochs(model, opt, sched, loader, count):
            for _ in range(count):
                for xb, yb in loader:
                    loss = torch.nn.functional.cross_entropy(model(xb), yb)
                    opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        model, opt, sched, gen, loader = setup()
        if mode == "first":
            epochs(model, opt, sched, loader, EPOCHS // 2)
            # torch 1.13's OneCycleLR.state_dict() holds anneal_func, a bound method that pickles the whole scheduler
            # and optimizer as code objects; a portable checkpoint leaves it out (load_state_dict keeps the built one).
            sched_state = {k: v for k, v in sched.state_dict().items() if k != "anneal_func"}
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched_state,
                        "generator": gen.get_state(), "epoch": EPOCHS // 2}, folder + "/checkpoint.pt")
        elif mode == "second":
            checkpoint = torch.load(folder + "/checkpoint.pt")
            model.load_state_dict(checkpoint["model"])
            opt.load_state_dict(checkpoint["optimizer"])
            sched.load_state_dict(checkpoint["scheduler"])
            gen.set_state(checkpoint["generator"].to(torch.uint8))  # C# has no uint8: it keeps the bytes in an int64 tensor
            assert checkpoint["epoch"] == EPOCHS // 2
            epochs(model, opt, sched, loader, EPOCHS - EPOCHS // 2)
            torch.save([p.detach() for p in model.parameters()], folder + "/resumed.pt")
        model, opt, sched, gen, loader = setup()
        epochs(model, opt, sched, loader, EPOCHS)
        torch.save({"x": x, "y": y, "uninterrupted": [p.detach() for p in model.parameters()]}, folder + "/reference.pt")
        """;

    sealed record Run(Sequential Model, AdamW Optimizer, OneCycleLR Scheduler, Generator Generator, DataLoader Loader);

    static Run Setup(Tensor x, Tensor y)
    {
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(5, 16), new ReLU(), new Linear(16, 3));
        var optimizer = new AdamW(model.Parameters(), lr: 1e-2, weightDecay: 0.05);
        var scheduler = new OneCycleLR(optimizer, 0.05, totalSteps: Epochs * (40 / Batch));
        var generator = new Generator().ManualSeed(1234);
        var loader = new DataLoader(new TensorDataset(x, y), batchSize: Batch, shuffle: true, generator: generator);
        return new Run(model, optimizer, scheduler, generator, loader);
    }

    static void Train(Run run, int epochs)
    {
        for (int e = 0; e < epochs; e++)
        {
            foreach (var batch in run.Loader)
            {
                var loss = Functional.CrossEntropy(run.Model.Forward(batch[0]), batch[1]);
                run.Optimizer.ZeroGrad();
                loss.Backward();
                run.Optimizer.Step();
                run.Scheduler.Step();
            }
        }
    }

    static OrderedDictionary<object, object?> Tree(object? value) =>
        value as OrderedDictionary<object, object?> ?? throw new AssertFailedException($"expected a dict in the checkpoint, got {value?.GetType().Name ?? "null"}");

    static Dictionary<string, T> ByName<T>(object? value) => Tree(value).ToDictionary(e => (string)e.Key, e => (T)e.Value!);

    static void AssertMatches(IEnumerable<Tensor> got, object? want, string direction)
    {
        var expected = (List<object?>)want!;
        var actual = got.ToList();
        Assert.AreEqual(expected.Count, actual.Count);
        for (int i = 0; i < actual.Count; i++)
        {
            var a = actual[i].ToDoubleArray();
            var b = ((Tensor)expected[i]!).ToDoubleArray();
            Assert.AreEqual(b.Length, a.Length);
            for (int k = 0; k < a.Length; k++)
                Assert.IsTrue(Math.Abs(a[k] - b[k]) <= 1e-6 + 1e-4 * Math.Abs(b[k]), $"{direction}: parameter {i}[{k}] is {a[k]}, torch's uninterrupted run {b[k]}");
        }
    }

    [TestMethod]
    public void TorchToCSharp_ResumedRun_EndsOnTorchsUninterruptedNumbers()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        PythonProcess.Check(TorchRun, "first", dir.Path);
        var reference = Tree(TorchCheckpoint.Load(dir["reference.pt"]));
        var run = Setup((Tensor)reference["x"]!, (Tensor)reference["y"]!);

        var checkpoint = Tree(TorchCheckpoint.Load(dir["checkpoint.pt"]));
        run.Model.LoadStateDict(ByName<Tensor>(checkpoint["model"]));
        run.Optimizer.LoadStateDict(OptimizerStateDict.FromCheckpoint(checkpoint["optimizer"]));
        run.Scheduler.LoadStateDict(ByName<object?>(checkpoint["scheduler"]));
        var generatorBytes = ((Tensor)checkpoint["generator"]!).ToDoubleArray().Select(b => (byte)b).ToArray(); // torch's uint8 state, read as int64
        run.Generator.SetState(generatorBytes);
        Assert.AreEqual(2L, checkpoint["epoch"]);
        Assert.AreEqual(10, run.Scheduler.LastEpoch, "the scheduler resumes at torch's step count");

        Train(run, Epochs - Epochs / 2);
        AssertMatches(run.Model.Parameters(), reference["uninterrupted"], "torch → C#");
    }

    [TestMethod]
    public void CSharpToTorch_ResumedRun_EndsOnTorchsUninterruptedNumbers()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        // The data comes from the reference torch writes; torch then resumes the checkpoint C# writes below.
        PythonProcess.Check(TorchRun, "reference", dir.Path);
        var reference = Tree(TorchCheckpoint.Load(dir["reference.pt"]));
        var run = Setup((Tensor)reference["x"]!, (Tensor)reference["y"]!);
        Train(run, Epochs / 2);
        TorchCheckpoint.Save(dir["checkpoint.pt"], new Dictionary<string, object?>
        {
            ["model"] = run.Model.StateDict(),
            ["optimizer"] = run.Optimizer.StateDict().ToCheckpoint(),
            ["scheduler"] = run.Scheduler.StateDict(),
            ["generator"] = Exact.Longs(run.Generator.GetState().Select(b => (long)b).ToArray()),
            ["epoch"] = (long)(Epochs / 2),
        });

        PythonProcess.Check(TorchRun, "second", dir.Path);
        var resumed = TorchCheckpoint.Load(dir["resumed.pt"]);
        AssertMatches(((List<object?>)resumed!).Cast<Tensor>(), Tree(TorchCheckpoint.Load(dir["reference.pt"]))["uninterrupted"], "C# → torch");
    }
}
