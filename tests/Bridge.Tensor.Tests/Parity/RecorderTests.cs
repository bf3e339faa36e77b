using Bridge.Nn;
using Bridge.Optim;
using Bridge.Parity;
using F = Bridge.Nn.Functional;

namespace Bridge.Tests.Parity;

/// <summary>
/// The C# recorder against a real PyTorch 1.13 recording of the same model (tests/parity-fixtures/watch_mlp_torch.csv,
/// made by make_fixtures.py with bridge.parity's Recorder.watch): same names, same order, values within float32 noise.
/// </summary>
[TestClass]
public sealed class RecorderTests
{
    /// <summary>The fixture's model: fc1 (Linear 3→4), act (Tanh), fc2 (Linear 4→2), named as torch names its attributes.</summary>
    sealed class Mlp : Module
    {
        readonly Linear _fc1 = new(3, 4);
        readonly Tanh _act = new();
        readonly Linear _fc2 = new(4, 2);

        public override Tensor Forward(Tensor input) => _fc2.Call(_act.Call(_fc1.Call(input)));
    }

    static Mlp FixtureModel()
    {
        var model = new Mlp();
        model.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["fc1.weight"] = Torch.Tensor(new float[,] { { 0.1f, -0.2f, 0.3f }, { 0.4f, 0.5f, -0.6f }, { -0.7f, 0.8f, 0.9f }, { 0.25f, -0.35f, 0.45f } }),
            ["fc1.bias"] = Torch.Tensor(new[] { 0.01f, -0.02f, 0.03f, -0.04f }),
            ["fc2.weight"] = Torch.Tensor(new float[,] { { 0.3f, -0.1f, 0.2f, 0.5f }, { -0.4f, 0.6f, -0.25f, 0.15f } }),
            ["fc2.bias"] = Torch.Tensor(new[] { 0.05f, -0.05f }),
        });
        return model;
    }

    static string Fixture(params string[] parts) => Path.Combine([TestSupport.RepoRoot, "tests", "parity-fixtures", .. parts]);

    static void Train(Recorder rec, Mlp model, int steps)
    {
        var opt = new SGD(model.Parameters(), lr: 0.1);
        var x = Torch.Tensor(new float[,] { { -1f, -0.6f, -0.2f }, { 0.2f, 0.6f, 1f } });
        var y = Torch.Tensor(new float[,] { { 0.5f, -0.5f }, { 1f, 0.25f } });
        for (int i = 0; i < steps; i++)
        {
            var loss = F.MseLoss(model.Call(x), y);
            rec.Record("loss", loss);
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
    }

    static List<(string, long, string)> Keys(IEnumerable<ParityRow> rows) =>
        rows.Select(r => (r.Checkpoint, r.Step, r.Name)).Distinct().ToList();

    static string TempCsv() => Path.Combine(Path.GetTempPath(), $"bridge-recorder-{Guid.NewGuid():N}.csv");

    [TestMethod]
    public void Watch_TwoSgdSteps_LinesUpWithTorchRecordingRowForRow()
    {
        string path = TempCsv();
        try
        {
            var model = FixtureModel();
            using (var rec = new Recorder(path))
            {
                rec.Watch(model);
                Train(rec, model, 2);
            }
            var torch = ParityCsv.Read(Fixture("watch_mlp_torch.csv"));
            var mine = ParityCsv.Read(path);
            CollectionAssert.AreEqual(Keys(torch), Keys(mine), "names, steps and order as torch's run");
            Assert.AreEqual("csharp", mine[0].Runtime);
            var comparison = Diff.Compare("csharp", torch, mine, new Tolerance(false, 1e-5, 1e-7));
            Assert.IsTrue(comparison.Pass, comparison.FirstDivergence?.Describe());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Watch_OrdersOutputsForwardAndGradsBackward()
    {
        var model = FixtureModel();
        var rec = new Recorder();
        rec.Watch(model);
        Train(rec, model, 1);
        CollectionAssert.AreEqual(new[]
        {
            ("forward", 0L, "fc1"), ("forward", 0L, "act"), ("forward", 0L, "fc2"), ("forward", 0L, "(root)"), ("record", 0L, "loss"),
            ("grad", 0L, "fc2.bias"), ("grad", 0L, "fc2.weight"), ("grad", 0L, "fc1.bias"), ("grad", 0L, "fc1.weight"),
        }, Keys(rec.Rows));
        Assert.AreEqual(1, rec.CurrentStep, "a backward through the model ends the step");
    }

    [TestMethod]
    public void Watch_SequentialChildrenAndRepeatedForwardWithoutBackward_NextStep()
    {
        var model = new Sequential(new Linear(2, 2), new ReLU());
        using var rec = new Recorder();
        rec.Watch(model, grads: false);
        using (Torch.NoGrad())
            for (int i = 0; i < 3; i++) model.Call(Torch.Ones(1, 2));
        CollectionAssert.AreEqual(new[] { ("forward", 0L, "0"), ("forward", 0L, "1"), ("forward", 0L, "(root)") }, Keys(rec.Rows).Take(3).ToList());
        Assert.AreEqual(2, rec.CurrentStep);
        Assert.AreEqual(9, Keys(rec.Rows).Count);
    }

    [TestMethod]
    public void Dispose_RemovesHooksAndWritesTheFile()
    {
        string path = TempCsv();
        try
        {
            var model = FixtureModel();
            var rec = new Recorder(path);
            rec.Watch(model);
            Train(rec, model, 1);
            rec.Dispose();
            int rows = rec.Count;
            Train(new Recorder(), model, 1);
            Assert.AreEqual(rows, rec.Count, "no hook fires after Dispose");
            Assert.AreEqual(rows + 1, File.ReadAllLines(path).Length);
            Assert.AreEqual(string.Join(",", ParityRow.Header), File.ReadAllLines(path)[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Record_UserForm_UsesCurrentStepAndRefusesDuplicates()
    {
        var rec = new Recorder(caseName: "c");
        rec.Record("a", 1.5);
        rec.Record("b", Torch.Tensor(new[] { 1f, float.NaN, float.NegativeInfinity, -0f }));
        Assert.AreEqual(1, rec.Step());
        rec.Record("a", 7L);
        rec.Record("flag", true, step: 9);
        var rows = rec.Rows.ToList();
        CollectionAssert.AreEqual(new[] { "1.5", "1.0", "nan", "-inf", "-0.0", "7", "1" }, rows.Select(r => r.Value).ToArray());
        CollectionAssert.AreEqual(new[] { "float64", "float32", "float32", "float32", "float32", "int64", "bool" }, rows.Select(r => r.Dtype).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 0, 1, 9 }, rows.Select(r => r.Step).ToArray());
        Assert.IsTrue(rows.All(r => r.Checkpoint == "record" && r.Case == "c"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => rec.Record("a", 2.0));
        StringAssert.Contains(e.Message, "record/a is already recorded at step 1");
    }

    [TestMethod]
    public void ForwardHook_RunsOnCallNotOnForward_AndDisposes()
    {
        var layer = new Linear(2, 3);
        var seen = new List<long[]>();
        var hook = layer.RegisterForwardHook((m, input, output) => seen.Add(output.Shape.ToArray()));
        layer.Call(Torch.Ones(4, 2));
        layer.Forward(Torch.Ones(5, 2));
        hook.Dispose();
        layer.Call(Torch.Ones(6, 2));
        Assert.AreEqual(1, seen.Count);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, seen[0]);
    }

    [TestMethod]
    public void NamedModules_MatchesTorchNamesAndOrder()
    {
        var model = new Sequential(new Linear(2, 2), new Sequential(new Tanh(), new Linear(2, 1)));
        CollectionAssert.AreEqual(new[] { "", "0", "1", "1.0", "1.1" }, model.NamedModules().Select(m => m.Name).ToArray());
    }

    [TestMethod]
    public void PostBackward_RunsAfterGradientsAccumulate()
    {
        var w = Torch.Ones(3).RequiresGrad_();
        var seen = new List<double[]>();
        using (Bridge.Autograd.PostBackward.Register(() => seen.Add(w.Grad!.ToDoubleArray())))
        {
            (w * 2).Sum().Backward();
            (w * 3).Sum().Backward();
        }
        (w * 4).Sum().Backward();
        Assert.AreEqual(2, seen.Count);
        CollectionAssert.AreEqual(new[] { 5.0, 5.0, 5.0 }, seen[1]);
    }
}
