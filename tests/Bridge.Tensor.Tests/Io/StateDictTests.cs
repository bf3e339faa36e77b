using Bridge.Io;
using Bridge.Nn;

namespace Bridge.Tests.Io;

/// <summary>Module.StateDict/LoadStateDict against torch's names, values and error messages, and through .npz/.safetensors files.</summary>
[TestClass]
public sealed class StateDictTests
{
    sealed class Net : Module
    {
        public Linear Fc1 = new(4, 8);
        public Linear Fc2 = new(8, 3);

        public override Tensor Forward(Tensor input) => Fc2.Forward(Fc1.Forward(input).Relu());
    }

    static Sequential Mlp() => new(new Linear(4, 8), new Tanh(), new Linear(8, 3));

    [TestMethod]
    public void StateDict_Names_AreTorchs()
    {
        CollectionAssert.AreEqual(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, Mlp().StateDict().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }, new Net().StateDict().Keys.ToArray());
        var model = Mlp();
        var weight = ((Linear)model[0]).Weight;
        Assert.AreEqual(weight.Storage, model.StateDict()["0.weight"].Storage, "entries share the parameters' memory");
        Assert.IsFalse(model.StateDict()["0.weight"].RequiresGrad, "entries are detached");
    }

    [TestMethod]
    [DataRow("m.npz")]
    [DataRow("m.safetensors")]
    public void StateDict_SavedAndLoaded_ReproducesOutputs(string file)
    {
        using var dir = new TempDir();
        Torch.ManualSeed(1);
        var trained = Mlp();
        TensorFile.Save(dir[file], trained.StateDict());
        Torch.ManualSeed(2);
        var fresh = Mlp();
        var x = Torch.Linspace(-1, 1, 12).Reshape(3, 4);
        CollectionAssert.AreNotEqual(trained.Forward(x).ToDoubleArray(), fresh.Forward(x).ToDoubleArray());
        var keys = fresh.LoadStateDict(TensorFile.Load(dir[file]));
        Assert.IsEmpty(keys.MissingKeys);
        Assert.IsEmpty(keys.UnexpectedKeys);
        CollectionAssert.AreEqual(trained.Forward(x).ToDoubleArray(), fresh.Forward(x).ToDoubleArray());
    }

    [TestMethod]
    public void LoadStateDict_NonStrict_ReportsKeysAndCopiesTheRest()
    {
        var model = Mlp();
        var state = new Dictionary<string, Tensor> { ["0.bias"] = Torch.Ones(8), ["extra"] = Torch.Zeros(1) };
        var keys = model.LoadStateDict(state, strict: false);
        CollectionAssert.AreEqual(new[] { "0.weight", "2.weight", "2.bias" }, keys.MissingKeys.ToArray());
        CollectionAssert.AreEqual(new[] { "extra" }, keys.UnexpectedKeys.ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(1.0, 8).ToArray(), ((Linear)model[0]).Bias!.ToDoubleArray());
    }

    [TestMethod]
    public void LoadStateDict_Mismatches_RaiseTorchsMessageAndCopyNothing()
    {
        PythonProcess.RequireTorch();
        string torchMessage = PythonProcess.Check("""
            import torch, torch.nn as nn
            m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
            sd = {'0.weight': torch.zeros(3, 4), '0.bias': torch.zeros(8), '2.weight': torch.zeros(3, 8), 'extra': torch.zeros(1), 'more.weight': torch.zeros(2)}
            try:
                m.load_state_dict(sd)
            except RuntimeError as e:
                print(str(e), end='')
            """);
        Assert.StartsWith("Error(s) in loading state_dict for Sequential", torchMessage);
        var model = Mlp();
        var before = model.StateDict().Values.Select(t => t.ToDoubleArray()).ToList();
        var state = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Torch.Zeros(3, 4),
            ["0.bias"] = Torch.Zeros(8),
            ["2.weight"] = Torch.Zeros(3, 8),
            ["extra"] = Torch.Zeros(1),
            ["more.weight"] = Torch.Zeros(2),
        };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => model.LoadStateDict(state));
        Assert.AreEqual(torchMessage, e.Message);
        var after = model.StateDict().Values.Select(t => t.ToDoubleArray()).ToList();
        for (int i = 0; i < before.Count; i++) CollectionAssert.AreEqual(before[i], after[i], "nothing copied when loading fails");
    }

    [TestMethod]
    public void StateDict_SavedByBridge_MatchesTorchsStateDictAfterSameSeed()
    {
        PythonProcess.RequireTorch();
        using var dir = new TempDir();
        Torch.ManualSeed(0);
        TensorFile.Save(dir["bridge.npz"], Mlp().StateDict());
        PythonProcess.Check("""
            import sys
            import numpy as np, torch, torch.nn as nn
            torch.manual_seed(0)
            m = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
            saved = np.load(sys.argv[1])
            assert list(saved.keys()) == list(m.state_dict().keys()), (list(saved.keys()), list(m.state_dict().keys()))
            for k, v in m.state_dict().items():
                assert saved[k].dtype == np.float32 and (saved[k] == v.numpy()).all(), k
            m.load_state_dict({k: torch.from_numpy(saved[k]) for k in saved.keys()})
            """, dir["bridge.npz"]);
    }
}
