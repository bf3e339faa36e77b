using Bridge.Nn;

namespace Bridge.Tests.Seeds;

/// <summary>Seed 003: four small ReLU networks with MSELoss; every printed prediction, loss and gradient (4 decimals).</summary>
[TestClass]
public sealed class Seed003Tests
{
    static Tensor Activation(Tensor input) => new ReLU().Forward(input);
    static Tensor LossFunction(Tensor prediction, Tensor actual) => new MSELoss().Forward(prediction, actual);
    static Tensor T(params double[] v) => Torch.Tensor(v);
    static Tensor M(double[,] v) => Torch.Tensor(v);

    [TestMethod]
    public void Network1_OneNeuron_ReproducesPrintedFigures()
    {
        var inputs = T(0.5);
        var actual = T(0.95);
        var outputLayerWeights = T(0.3).RequiresGrad_();
        var outputLayerBias = T(0.4).RequiresGrad_();
        var outputLayerOut = Activation(inputs.MatMul(outputLayerWeights) + outputLayerBias);
        Assert.AreEqual("tensor([0.5500], grad_fn=<ReluBackward0>)", outputLayerOut.ToString());
        var loss = LossFunction(outputLayerOut, actual);
        loss.Backward();
        Assert.AreEqual("tensor(0.1600, grad_fn=<MseLossBackward0>)", loss.ToString());
        Assert.AreEqual("tensor([-0.4000])", outputLayerWeights.Grad!.ToString());
        Assert.AreEqual("tensor([-0.8000])", outputLayerBias.Grad!.ToString());

        const double learningRate = 0.5;
        var updatedBias = outputLayerBias - learningRate * outputLayerBias.Grad.Data;
        var updatedWeights = outputLayerWeights - learningRate * outputLayerWeights.Grad.Data;
        Assert.AreEqual("tensor([0.5000], grad_fn=<SubBackward0>)", updatedWeights.ToString());
        Assert.AreEqual("tensor([0.8000], grad_fn=<SubBackward0>)", updatedBias.ToString());
        var updatedOut = Activation(inputs.MatMul(updatedWeights) + updatedBias);
        Assert.AreEqual("tensor([1.0500], grad_fn=<ReluBackward0>)", updatedOut.ToString());
        Assert.AreEqual("tensor(0.0100, grad_fn=<MseLossBackward0>)", LossFunction(updatedOut, actual).ToString());
    }

    [TestMethod]
    public void Network2_HiddenNeuron_ReproducesPrintedFigures()
    {
        var inputs = T(0.5);
        var actual = T(0.95);
        var layer1Weights = T(0.3).RequiresGrad_();
        var layer1Bias = T(0.4).RequiresGrad_();
        var outputLayerWeights = T(0.2).RequiresGrad_();
        var outputLayerBias = T(0.1).RequiresGrad_();
        var layer1Out = Activation(inputs.MatMul(layer1Weights) + layer1Bias);
        var outputLayerOut = Activation(layer1Out.MatMul(outputLayerWeights) + outputLayerBias);
        Assert.AreEqual("tensor([0.5500], grad_fn=<ReluBackward0>)", layer1Out.ToString());
        Assert.AreEqual("tensor([0.2100], grad_fn=<ReluBackward0>)", outputLayerOut.ToString());
        var loss = LossFunction(outputLayerOut, actual);
        loss.Backward();
        Assert.AreEqual("tensor(0.5476, grad_fn=<MseLossBackward0>)", loss.ToString());
        Assert.AreEqual("tensor([-0.8140])", outputLayerWeights.Grad!.ToString());
        Assert.AreEqual("tensor([-1.4800])", outputLayerBias.Grad!.ToString());
        Assert.AreEqual("tensor([-0.1480])", layer1Weights.Grad!.ToString());
        Assert.AreEqual("tensor([-0.2960])", layer1Bias.Grad!.ToString());
    }

    [TestMethod]
    public void Network3_TwoHiddenNeurons_ReproducesPrintedFigures()
    {
        var inputs = T(0.5);
        var actual = T(0.95);
        var layer1Weights = M(new[,] { { 0.3, 0.2 } }).RequiresGrad_();
        var layer1Bias = T(0.4, 0.1).RequiresGrad_();
        var outputLayerWeights = M(new[,] { { 0.1 }, { 0.7 } }).RequiresGrad_();
        var outputLayerBias = T(0.3).RequiresGrad_();
        var layer1Out = Activation(inputs.MatMul(layer1Weights) + layer1Bias);
        Assert.AreEqual("tensor([0.5500, 0.2000], grad_fn=<ReluBackward0>)", layer1Out.ToString());
        var outputLayerOut = Activation(layer1Out.MatMul(outputLayerWeights) + outputLayerBias);
        Assert.AreEqual("tensor([0.4950], grad_fn=<ReluBackward0>)", outputLayerOut.ToString());
        var loss = LossFunction(outputLayerOut, actual);
        loss.Backward();
        Assert.AreEqual("tensor(0.2070, grad_fn=<MseLossBackward0>)", loss.ToString());
        Assert.AreEqual("tensor([[-0.5005],\n        [-0.1820]])", outputLayerWeights.Grad!.ToString());
        Assert.AreEqual("tensor([-0.9100])", outputLayerBias.Grad!.ToString());
        Assert.AreEqual("tensor([[-0.0455, -0.3185]])", layer1Weights.Grad!.ToString());
        Assert.AreEqual("tensor([-0.0910, -0.6370])", layer1Bias.Grad!.ToString());
    }

    [TestMethod]
    public void Network4_TwoHiddenLayers_ReproducesPrintedFiguresAndTorchBits()
    {
        var inputs = T(0.5);
        var actual = T(0.95);
        var layer1Weights = M(new[,] { { 0.3, 0.2 } }).RequiresGrad_();
        var layer1Bias = T(0.4, 0.1).RequiresGrad_();
        var layer2Weights = M(new[,] { { 0.1, 0.8 }, { 0.6, 0.7 } }).RequiresGrad_();
        var layer2Bias = T(0.3, 0.2).RequiresGrad_();
        var outputLayerWeights = M(new[,] { { 0.4 }, { 0.6 } }).RequiresGrad_();
        var outputLayerBias = T(0.3).RequiresGrad_();
        var layer1Out = Activation(inputs.MatMul(layer1Weights) + layer1Bias);
        var layer2Out = Activation(layer1Out.MatMul(layer2Weights) + layer2Bias);
        var outputLayerOut = Activation(layer2Out.MatMul(outputLayerWeights) + outputLayerBias);
        Assert.AreEqual("tensor([0.4750, 0.7800], grad_fn=<ReluBackward0>)", layer2Out.ToString());
        Assert.AreEqual("tensor([0.9580], grad_fn=<ReluBackward0>)", outputLayerOut.ToString());
        var loss = LossFunction(outputLayerOut, actual);
        loss.Backward();
        Assert.AreEqual("tensor(6.4001e-05, grad_fn=<MseLossBackward0>)", loss.ToString());
        Assert.AreEqual("tensor([[0.0076],\n        [0.0125]])", outputLayerWeights.Grad!.ToString());
        Assert.AreEqual("tensor([0.0160])", outputLayerBias.Grad!.ToString());
        Assert.AreEqual("tensor([[0.0035, 0.0053],\n        [0.0013, 0.0019]])", layer2Weights.Grad!.ToString());
        Assert.AreEqual("tensor([0.0064, 0.0096])", layer2Bias.Grad!.ToString());
        Assert.AreEqual("tensor([[0.0042, 0.0053]])", layer1Weights.Grad!.ToString());
        Assert.AreEqual("tensor([0.0083, 0.0106])", layer1Bias.Grad!.ToString());

        const string c = "seed003_relu_networks";
        TestSupport.AreClose(TestSupport.Reference(c, "net4", "loss"), loss, 0, what: "loss bits");
        TestSupport.AreClose(TestSupport.Reference(c, "net4_grads", "hidden1_weights"), layer1Weights.Grad, 0, what: "hidden1 grad bits");
    }
}
