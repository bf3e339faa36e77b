using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>The activations, losses and distances of Bridge.Nn against central finite differences in float64.</summary>
[TestClass]
public sealed class NnApiGradCheckTests
{
    // Deterministic values away from the kinks (0 for leaky_relu/elu, ±1 for hardtanh, the smooth_l1 switch points).
    static Tensor Input(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = Enumerable.Range(0, n).Select(i => 0.15 + 1.9 * Math.Sin(1.3 * i + 0.2)).ToArray();
        return Torch.Tensor(values, DType.Float64).Reshape(shape);
    }

    static Tensor Probabilities(params int[] shape) => Input(shape).Sigmoid();

    static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var problem = GradCheck.Check(f, inputs);
        Assert.IsNull(problem, problem);
    }

    [TestMethod] public void Silu() => Check(t => Functional.Silu(t[0]), Input(7));
    [TestMethod] public void LeakyRelu() => Check(t => Functional.LeakyRelu(t[0], 0.2), Input(7));
    [TestMethod] public void Elu() => Check(t => Functional.Elu(t[0], 0.7), Input(7));
    [TestMethod] public void Softplus() => Check(t => Functional.Softplus(t[0], 2, 1.5), Input(9));
    [TestMethod] public void Hardtanh() => Check(t => Functional.Hardtanh(t[0], -0.9, 1.1), Input(9));
    [TestMethod] public void Relu6() => Check(t => Functional.Relu6(t[0] * 4.0), Input(9));
    [TestMethod] public void LogSigmoid() => Check(t => Functional.LogSigmoid(t[0] * 3.0), Input(7));
    [TestMethod] public void Mish() => Check(t => Functional.Mish(t[0]), Input(7));
    [TestMethod] public void Softsign() => Check(t => Functional.Softsign(t[0]), Input(7));
    [TestMethod] public void Tanhshrink() => Check(t => Functional.Tanhshrink(t[0]), Input(7));
    [TestMethod] public void Prelu() => Check(t => Functional.Prelu(t[0], t[1]), Input(2, 3, 2), Input(3) * 0.3);

    [TestMethod]
    public void NllLoss_WeightIgnoreIndexSpatial() =>
        Check(t => Functional.NllLoss(t[0].LogSoftmax(1), Torch.Tensor(new long[,] { { 0, 2 }, { -100, 1 } }), Torch.Tensor(new[] { 0.5, 2.0, 1.0 }), -100),
            Input(2, 3, 2));

    [TestMethod]
    public void CrossEntropy_LabelSmoothingWeight() =>
        Check(t => Functional.CrossEntropy(t[0], Torch.Tensor(new long[] { 2, 0, 1, -100 }), Torch.Tensor(new[] { 0.5, 2.0, 1.0 }), labelSmoothing: 0.2),
            Input(4, 3));

    [TestMethod]
    public void CrossEntropy_ClassProbabilities() =>
        Check(t => Functional.CrossEntropy(t[0], t[1].Softmax(1), reduction: Reduction.Sum, labelSmoothing: 0.1), Input(3, 4), Input(3, 4) * 0.5);

    [TestMethod]
    public void BinaryCrossEntropy() =>
        Check(t => Functional.BinaryCrossEntropy(t[0], t[1], Torch.Tensor(new[] { 1.0, 2.0, 0.5 })), Probabilities(2, 3), Probabilities(2, 3) * 0.9);

    [TestMethod]
    public void BinaryCrossEntropyWithLogits_PosWeight() =>
        Check(t => Functional.BinaryCrossEntropyWithLogits(t[0], t[1], reduction: Reduction.Sum, posWeight: Torch.Tensor(new[] { 3.0, 0.5, 1.0 })),
            Input(2, 3), Probabilities(2, 3));

    [TestMethod] public void L1Loss() => Check(t => Functional.L1Loss(t[0], t[1]), Input(2, 3), Input(2, 3) * 0.3);
    [TestMethod] public void SmoothL1Loss() => Check(t => Functional.SmoothL1Loss(t[0], t[1], Reduction.Sum, 0.7), Input(2, 3), Input(2, 3) * 0.3);
    [TestMethod] public void HuberLoss() => Check(t => Functional.HuberLoss(t[0], t[1], Reduction.Mean, 0.4), Input(2, 3), Input(2, 3) * 0.3);
    [TestMethod] public void KlDiv_BatchMean() => Check(t => Functional.KlDiv(t[0].LogSoftmax(1), t[1].Softmax(1), Reduction.BatchMean), Input(2, 3), Input(2, 3) * 0.4);
    [TestMethod] public void KlDiv_LogTarget() => Check(t => Functional.KlDiv(t[0], t[1], Reduction.Sum, logTarget: true), Input(2, 3), Input(2, 3) * 0.4);

    [TestMethod]
    public void CosineEmbeddingLoss() =>
        Check(t => Functional.CosineEmbeddingLoss(t[0], t[1], Torch.Tensor(new[] { 1.0, -1.0, -1.0 }), -0.5), Input(3, 4), Input(3, 4) * 0.7 + 0.2);

    [TestMethod]
    public void MarginRankingLoss() =>
        Check(t => Functional.MarginRankingLoss(t[0], t[1], Torch.Tensor(new[] { 1.0, -1.0, 1.0, -1.0 }), 0.1), Input(4), Input(4) * 0.3);

    [TestMethod] public void Normalize() => Check(t => Functional.Normalize(t[0], 3.0, 1), Input(2, 3));
    [TestMethod] public void CosineSimilarity() => Check(t => Functional.CosineSimilarity(t[0], t[1], 1), Input(2, 3), Input(2, 3) * 0.5 + 0.3);
    [TestMethod] public void PairwiseDistance() => Check(t => Functional.PairwiseDistance(t[0], t[1]), Input(2, 3), Input(2, 3) * 0.5);
}
