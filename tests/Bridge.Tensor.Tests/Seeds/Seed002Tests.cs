namespace Bridge.Tests.Seeds;

/// <summary>
/// Seed 002: XOR with a 2-2-1 network built from bare tensors, manual SGD under no_grad. The first
/// sample's printed figures are checked at their printed precision; the 5000-epoch training against a
/// PyTorch 1.13 run (parity/reference) to 6 significant digits, and against the seed's older figures to 2 decimals.
/// </summary>
[TestClass]
public sealed class Seed002Tests
{
    readonly Tensor x = Torch.Tensor(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);
    readonly Tensor y = Torch.Tensor(new double[] { 0, 1, 1, 0 }, DType.Float32);
    Tensor w1 = Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true);
    Tensor b1 = Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true);
    Tensor w2 = Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true);
    Tensor b2 = Torch.Tensor(new[] { 0.0 }, requiresGrad: true);
    const double n = 0.01;

    Tensor Forward(Tensor input)
    {
        var ol1 = Torch.Relu(Torch.MatMul(input, w1) + b1);
        var ol2 = Torch.Sigmoid(Torch.MatMul(ol1, w2) + b2);
        return ol2;
    }

    void FirstSampleStep()
    {
        var o1 = Torch.Relu(Torch.MatMul(x[0], w1) + b1);
        var o2 = Torch.Sigmoid(Torch.MatMul(o1, w2) + b2);
        var loss = (y[0] - o2).Pow(2);
        loss.Backward();
        using (Torch.NoGrad())
        {
            w1 -= n * w1.Grad!;
            b1 -= n * b1.Grad!;
            w2 -= n * w2.Grad!;
            b2 -= n * b2.Grad!;
        }
    }

    [TestMethod]
    public void FirstSample_ForwardBackward_PrintsSeedFigures()
    {
        var o1 = Torch.Relu(Torch.MatMul(x[0], w1) + b1);
        Assert.AreEqual("tensor([0.2000, 0.0000], grad_fn=<ReluBackward0>)", o1.ToString());
        var o2 = Torch.Sigmoid(Torch.MatMul(o1, w2) + b2);
        Assert.AreEqual("tensor([0.5050], grad_fn=<SigmoidBackward0>)", o2.ToString());
        var loss = (y[0] - o2).Pow(2);
        Assert.AreEqual("tensor([0.2550], grad_fn=<PowBackward0>)", loss.ToString());
        loss.Backward();
        Assert.AreEqual("tensor([[0.0505],\n        [0.0000]])", w2.Grad!.ToString());
        Assert.AreEqual("tensor([0.2525])", b2.Grad!.ToString());
        Assert.AreEqual("tensor([[0., 0.],\n        [0., 0.]])", w1.Grad!.ToString());
        Assert.AreEqual("tensor([0.0252, 0.0000])", b1.Grad!.ToString());
        using (Torch.NoGrad())
        {
            w1 -= n * w1.Grad;
            b1 -= n * b1.Grad;
            w2 -= n * w2.Grad;
            b2 -= n * b2.Grad;
        }
        Assert.AreEqual("tensor([ 0.1997, -0.2000], requires_grad=True)", b1.ToString());
        Assert.AreEqual("tensor([[ 0.0995],\n        [-0.4000]], requires_grad=True)", w2.ToString());
        Assert.AreEqual("tensor([-0.0025], requires_grad=True)", b2.ToString());
    }

    [TestMethod]
    public void FirstSample_MatchesTorchBitForBit()
    {
        FirstSampleStep();
        const string c = "seed002_first_sample";
        TestSupport.AreClose(TestSupport.Reference(c, "update", "w1"), w1, 0, what: "w1");
        TestSupport.AreClose(TestSupport.Reference(c, "update", "b1"), b1, 0, what: "b1");
        TestSupport.AreClose(TestSupport.Reference(c, "update", "w2"), w2, 0, what: "w2");
        TestSupport.AreClose(TestSupport.Reference(c, "update", "b2"), b2, 0, what: "b2");
    }

    [TestMethod]
    public void XorTraining_5000Epochs_MatchesTorch113()
    {
        // The seed trains from the parameters its worked first step left behind.
        FirstSampleStep();
        var parameters = new[] { w1, b1, w2, b2 };
        var losses = new List<(int Epoch, Tensor Loss)>();
        for (int epoch = 0; epoch < 5000; epoch++)
        {
            for (int i = 0; i < 4; i++)
            {
                foreach (var t in parameters) t.Grad?.Data.Zero_();
                var loss = (y[i] - Forward(x[i])).Pow(2);
                loss.Backward();
                using (Torch.NoGrad())
                    for (int k = 0; k < parameters.Length; k++) parameters[k] -= n * parameters[k].Grad!;
            }
            if (epoch % 1000 == 0)
                losses.Add((epoch + 1, Torch.Mean((y - Forward(x).Squeeze()).Pow(2))));
        }
        const string c = "seed002_xor_training";
        foreach (var (epoch, loss) in losses)
            TestSupport.SignificantDigits(TestSupport.Reference(c, "loss_report", "loss", epoch), loss, 6, $"loss at epoch {epoch}");
        TestSupport.SignificantDigits(TestSupport.Reference(c, "final", "w1"), w1, 6, "w1");
        TestSupport.SignificantDigits(TestSupport.Reference(c, "final", "w2"), w2, 6, "w2");
        TestSupport.SignificantDigits(TestSupport.Reference(c, "final", "b2"), b2, 6, "b2");
        // b1[0] is ~5e-4, a difference of two near-equal numbers: compare it absolutely at the 6th digit of its neighbours.
        TestSupport.AreClose(TestSupport.Reference(c, "final", "b1"), b1, atol: 1e-6, rtol: 5e-6, "b1");
        for (int i = 0; i < 4; i++)
            TestSupport.SignificantDigits(TestSupport.Reference(c, "predictions", $"pred_{i}"), Forward(x[i]), 6, $"prediction {i}");

        // The seed's own figures (an older PyTorch) at 2 decimals.
        TestSupport.PrintsAs([0.25, 0.20, 0.14, 0.06, 0.03], Torch.Stack(losses.Select(l => l.Loss).ToArray()), 2, "seed losses");
        TestSupport.PrintsAs([1.64, 2.21, 1.64, 2.21], w1, 2, "seed w1");
        TestSupport.PrintsAs([-0.00, -2.21], b1, 2, "seed b1");
        TestSupport.PrintsAs([2.30, -3.82], w2, 2, "seed w2");
        TestSupport.PrintsAs([-1.53], b2, 2, "seed b2");
        TestSupport.PrintsAs([0.18, 0.90, 0.90, 0.08], Torch.Stack(Enumerable.Range(0, 4).Select(i => Forward(x[i])).ToArray()), 2, "seed predictions");
    }
}
