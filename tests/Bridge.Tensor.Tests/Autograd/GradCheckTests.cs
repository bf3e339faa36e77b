using Bridge.Autograd;

namespace Bridge.Tests.Autograd;

/// <summary>Every differentiable op against central finite differences in float64, including broadcast and reduced shapes.</summary>
[TestClass]
public sealed class GradCheckTests
{
    // Deterministic, non-symmetric values away from the ops' kinks (relu at 0, abs at 0, clamp edges).
    static Tensor Input(params int[] shape)
    {
        var t = Torch.Zeros(shape, DType.Float64);
        var span = t.ToArray<double>();
        for (int i = 0; i < span.Length; i++) span[i] = 0.3 + 0.7 * Math.Sin(1.7 * i + 0.4);
        return Torch.Tensor(span, DType.Float64).Reshape(shape);
    }

    static Tensor Positive(params int[] shape) => Input(shape).Abs() + 0.5;

    static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var problem = GradCheck.Check(f, inputs);
        Assert.IsNull(problem, problem);
    }

    [TestMethod] public void Add_Broadcast() => Check(t => t[0] + t[1], Input(3, 1, 4), Input(2, 4));
    [TestMethod] public void Sub_Broadcast() => Check(t => t[0] - t[1], Input(4), Input(3, 4));
    [TestMethod] public void Mul_Broadcast() => Check(t => t[0] * t[1], Input(2, 3), Input(3));
    [TestMethod] public void Div_Broadcast() => Check(t => t[0] / t[1], Input(2, 3), Positive(2, 1));
    [TestMethod] public void Scalars() => Check(t => 2.0 - t[0] * 3.0 + 1.5 / (t[0] * t[0] + 1.0), Input(5));
    [TestMethod] public void PowScalar() => Check(t => t[0].Pow(3), Input(2, 3));
    [TestMethod] public void PowSquare() => Check(t => t[0].Pow(2), Input(4));
    [TestMethod] public void PowTensor() => Check(t => t[0].Pow(t[1]), Positive(3), Input(3));
    [TestMethod] public void Neg() => Check(t => -t[0], Input(3));
    [TestMethod] public void Exp() => Check(t => t[0].Exp(), Input(2, 2));
    [TestMethod] public void Log() => Check(t => t[0].Log(), Positive(2, 2));
    [TestMethod] public void Sqrt() => Check(t => t[0].Sqrt(), Positive(5));
    [TestMethod] public void Abs() => Check(t => t[0].Abs(), Input(6));
    [TestMethod] public void Tanh() => Check(t => t[0].Tanh(), Input(6));
    [TestMethod] public void Sigmoid() => Check(t => t[0].Sigmoid(), Input(6));
    [TestMethod] public void Relu() => Check(t => t[0].Relu(), Input(7));
    [TestMethod] public void Clamp() => Check(t => t[0].Clamp(-0.2, 0.6), Input(9));
    [TestMethod] public void Maximum() => Check(t => Torch.Maximum(t[0], t[1]), Input(5), Input(5) * 0.5);
    [TestMethod] public void Softmax() => Check(t => t[0].Softmax(1), Input(3, 4));
    [TestMethod] public void LogSoftmax() => Check(t => t[0].LogSoftmax(0), Input(3, 4));
    [TestMethod] public void Where() => Check(t => Torch.Where(t[0] > 0.3, t[0], t[1]), Input(6), Input(6) * 2.0);
    [TestMethod] public void SumAll() => Check(t => t[0].Sum(), Input(2, 3));
    [TestMethod] public void SumDim() => Check(t => t[0].Sum(1), Input(2, 3, 2));
    [TestMethod] public void SumDimsKeepDim() => Check(t => t[0].Sum([0, 2], keepDim: true), Input(2, 3, 2));
    [TestMethod] public void MeanAll() => Check(t => t[0].Mean(), Input(2, 3));
    [TestMethod] public void MeanDim() => Check(t => t[0].Mean(0, keepDim: true), Input(2, 3));
    [TestMethod] public void MaxAll() => Check(t => t[0].Max(), Input(7));
    [TestMethod] public void MaxDim() => Check(t => t[0].Max(1).Values, Input(3, 4));
    [TestMethod] public void MinDim() => Check(t => t[0].Min(0, keepDim: true).Values, Input(3, 4));
    [TestMethod] public void MatMul_VectorVector() => Check(t => t[0].MatMul(t[1]), Input(3), Input(3));
    [TestMethod] public void MatMul_VectorMatrix() => Check(t => t[0].MatMul(t[1]), Input(3), Input(3, 2));
    [TestMethod] public void MatMul_MatrixVector() => Check(t => t[0].MatMul(t[1]), Input(2, 3), Input(3));
    [TestMethod] public void MatMul_MatrixMatrix() => Check(t => t[0].MatMul(t[1]), Input(2, 3), Input(3, 4));
    [TestMethod] public void MatMul_BatchedBroadcast() => Check(t => t[0].MatMul(t[1]), Input(2, 1, 2, 3), Input(3, 3, 2));
    [TestMethod] public void MatMul_BatchTimesMatrix() => Check(t => t[0].MatMul(t[1]), Input(2, 2, 3), Input(3, 2));
    [TestMethod] public void Addmm() => Check(t => Torch.Addmm(t[2], t[0], t[1]), Input(2, 3), Input(3, 4), Input(4));
    [TestMethod] public void Transpose() => Check(t => t[0].Transpose(0, 2) * Input(4, 3, 2), Input(2, 3, 4));
    [TestMethod] public void Permute() => Check(t => t[0].Permute(2, 0, 1) * Input(4, 2, 3), Input(2, 3, 4));
    [TestMethod] public void ViewReshapeFlatten() => Check(t => t[0].View(3, 2).T().Reshape(6).Flatten() * Input(6), Input(2, 3));
    [TestMethod] public void ReshapeCopy() => Check(t => t[0].T().Reshape(6) * Input(6), Input(2, 3));
    [TestMethod] public void SqueezeUnsqueezeExpand() => Check(t => t[0].Unsqueeze(0).Expand(3, 2, 1, 4).Squeeze(2) * Input(3, 2, 4), Input(2, 1, 4));
    [TestMethod] public void IndexingAndSlicing() => Check(t => Torch.Cat([t[0][1], t[0][.., 1..3].Flatten(), t[0][^1, ..2]]), Input(3, 4));
    [TestMethod] public void Stack() => Check(t => Torch.Stack([t[0], t[1] * 2.0], 1), Input(2, 3), Input(2, 3));
    [TestMethod] public void MseLoss() => Check(t => Tensor.MseLoss(t[0], t[1]), Input(2, 3), Input(2, 3) * 0.5);
    [TestMethod] public void MseLossSumAndNone() => Check(t => Tensor.MseLoss(t[0], t[1], Reduction.Sum) + Tensor.MseLoss(t[0], t[1], Reduction.None).Sum() * 0.5, Input(4), Input(4) * 0.1);
    [TestMethod] public void CrossEntropy() => Check(t => Tensor.CrossEntropy(t[0], Torch.Tensor(new long[] { 2, 0, 1 })), Input(3, 4));
    [TestMethod] public void InPlaceOnNonLeaf() => Check(t => (t[0] * 1.0).Mul_(t[1]).Add_(2.0), Input(3), Input(3));
}
