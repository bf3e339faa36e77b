using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>Modules that draw random numbers, against values printed by torch 1.13 for the same seeds.</summary>
[TestClass]
public sealed class ModuleTests
{
    [TestMethod]
    public void Linear_DefaultInitAfterSeed0_MatchesTorchBits()
    {
        Torch.ManualSeed(0);
        var layer = new Linear(3, 2);
        CollectionAssert.AreEqual(new[] { -0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971 }, layer.Weight.ToDoubleArray());
        CollectionAssert.AreEqual(new[] { -0.011439144611358643, 0.45777493715286255 }, layer.Bias!.ToDoubleArray());
    }

    [TestMethod]
    public void Linear_WithoutBias_DrawsNoBias()
    {
        Torch.ManualSeed(0);
        var layer = new Linear(3, 2, bias: false);
        Assert.IsNull(layer.Bias);
        Assert.AreEqual(-0.004322517663240433, layer.Weight.ToDoubleArray()[0]);
        Assert.AreEqual(0.4900934100151062, Torch.Rand(1).Item(), "the next draw follows the weight's draws directly");
        Assert.AreEqual(1, layer.Parameters().Count());
    }

    [TestMethod]
    public void Dropout_TrainingMaskAfterSeed3_MatchesTorch()
    {
        Torch.ManualSeed(3);
        var dropout = new Dropout(0.25);
        var y = dropout.Forward(Torch.Arange(1.0, 21.0));
        CollectionAssert.AreEqual(new[] { 1.3333333730697632, 2.6666667461395264, 0.0, 5.333333492279053, 0.0, 8.0, 9.333333969116211, 10.666666984558105, 12.0, 0.0, 14.666666984558105, 16.0, 17.33333396911621, 18.666667938232422, 0.0, 21.33333396911621, 22.666667938232422, 24.0, 0.0, 26.666667938232422 }, y.ToDoubleArray());
        dropout.Eval();
        var x = Torch.Arange(1.0, 4.0);
        Assert.AreSame(x, dropout.Forward(x));
    }

    [TestMethod]
    public void Sequential_PrintsAndNamesLikeTorch()
    {
        var model = new Sequential(new Linear(4, 8), new Tanh(), new Dropout(0.1), new Linear(8, 3));
        Assert.AreEqual("Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): Tanh()\n  (2): Dropout(p=0.1, inplace=False)\n  (3): Linear(in_features=8, out_features=3, bias=True)\n)", model.ToString());
        CollectionAssert.AreEqual(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }, model.NamedParameters().Select(p => p.Name).ToArray());
    }
}
