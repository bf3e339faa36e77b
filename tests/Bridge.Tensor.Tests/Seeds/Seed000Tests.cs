using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Tests.Seeds;

/// <summary>Seed 000: the 1-1-1 sigmoid network with set weights, one SGD step; figures printed by the seed.</summary>
[TestClass]
public sealed class Seed000Tests
{
    sealed class Net : Module
    {
        public Linear HiddenLayer = new(1, 1);
        public Linear OutputLayer = new(1, 1);

        public Net()
        {
            HiddenLayer.Weight = Parameter(Torch.Tensor(new[,] { { 1.58 } }));
            HiddenLayer.Bias = Parameter(Torch.Tensor(new[] { -0.14 }));
            OutputLayer.Weight = Parameter(Torch.Tensor(new[,] { { 2.45 } }));
            OutputLayer.Bias = Parameter(Torch.Tensor(new[] { -0.11 }));
        }

        public override Tensor Forward(Tensor x)
        {
            x = Torch.Sigmoid(HiddenLayer.Forward(x));
            x = Torch.Sigmoid(OutputLayer.Forward(x));
            return x;
        }
    }

    [TestMethod]
    public void Topology_PrintsLikeTorch()
    {
        Assert.AreEqual(
            "Net(\n  (hidden_layer): Linear(in_features=1, out_features=1, bias=True)\n  (output_layer): Linear(in_features=1, out_features=1, bias=True)\n)",
            new Net().ToString());
    }

    [TestMethod]
    public void OneSgdStep_ReproducesPublishedFigures()
    {
        var net = new Net();
        Assert.AreEqual(1.58, Math.Round(net.HiddenLayer.Weight.Item(), 4));
        Assert.AreEqual(-0.14, Math.Round(net.HiddenLayer.Bias!.Item(), 4));

        var inputData = Torch.Tensor(new[] { 0.8 });
        var output = net.Forward(inputData);
        Assert.AreEqual(0.8506, Math.Round(output.Item(), 4));

        var target = Torch.Tensor(new[] { 1.0 });
        var criterion = new MSELoss();
        var loss = criterion.Forward(output, target);
        net.ZeroGrad();
        loss.Backward();

        var optimizer = new SGD(net.Parameters(), lr: 0.1);
        optimizer.Step();

        Assert.AreEqual(1.5814, Math.Round(net.HiddenLayer.Weight.Item(), 4));
        Assert.AreEqual(-0.1383, Math.Round(net.HiddenLayer.Bias!.Item(), 4));
        Assert.AreEqual(2.4529, Math.Round(net.OutputLayer.Weight.Item(), 4));
        Assert.AreEqual(-0.1062, Math.Round(net.OutputLayer.Bias!.Item(), 4));
        Assert.AreEqual(0.8515, Math.Round(net.Forward(inputData).Item(), 4));
    }

    [TestMethod]
    public void OneSgdStep_MatchesTorchBitForBit()
    {
        var net = new Net();
        var output = net.Forward(Torch.Tensor(new[] { 0.8 }));
        Assert.AreEqual(TestSupport.Reference("seed000_hello_step", "forward", "a_l2")[0], output.Item(), 0);
        new MSELoss().Forward(output, Torch.Tensor(new[] { 1.0 })).Backward();
        new SGD(net.Parameters(), lr: 0.1).Step();
        Assert.AreEqual(TestSupport.Reference("seed000_hello_step", "after", "w_l1")[0], net.HiddenLayer.Weight.Item(), 0);
        Assert.AreEqual(TestSupport.Reference("seed000_hello_step", "after", "b_l2")[0], net.OutputLayer.Bias!.Item(), 0);
    }

    [TestMethod]
    public void NamedParameters_UseTorchNames()
    {
        CollectionAssert.AreEqual(
            new[] { "hidden_layer.weight", "hidden_layer.bias", "output_layer.weight", "output_layer.bias" },
            new Net().NamedParameters().Select(p => p.Name).ToArray());
    }
}
