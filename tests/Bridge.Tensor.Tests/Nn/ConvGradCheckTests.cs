using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>Convolution, pooling, normalisation and resampling gradients against float64 central finite differences.</summary>
[TestClass]
public sealed class ConvGradCheckTests
{
    // Deterministic, distinct values (no ties for max pooling, away from relu kinks).
    static Tensor Input(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = 0.3 + 0.7 * Math.Sin(1.7 * i + 0.4) + 1e-3 * i;
        return Torch.Tensor(values, DType.Float64).Reshape(shape);
    }

    static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        var problem = GradCheck.Check(f, inputs);
        Assert.IsNull(problem, problem);
    }

    [TestMethod] public void Conv2d_Plain() => Check(t => Functional.Conv2d(t[0], t[1], t[2]), Input(2, 3, 5, 4), Input(4, 3, 3, 2), Input(4));
    [TestMethod]
    public void Conv2d_StridePaddingDilation() =>
        Check(t => Functional.Conv2d(t[0], t[1], t[2], stride: [2, 1], padding: [1, 2], dilation: [1, 2]), Input(2, 2, 6, 5), Input(3, 2, 3, 3), Input(3));
    [TestMethod] public void Conv2d_Groups() => Check(t => Functional.Conv2d(t[0], t[1], null, padding: [1], groups: 2), Input(1, 4, 4, 4), Input(6, 2, 3, 3));
    [TestMethod] public void Conv2d_PointwiseIdentityColumns() => Check(t => Functional.Conv2d(t[0], t[1], t[2]), Input(3, 3, 3, 2), Input(2, 3, 1, 1), Input(2));
    [TestMethod] public void Conv2d_SameAsymmetric() => Check(t => Functional.Conv2d(t[0], t[1], t[2], null, "same"), Input(2, 2, 4, 5), Input(2, 2, 2, 4), Input(2));
    [TestMethod] public void Conv2d_Unbatched() => Check(t => Functional.Conv2d(t[0], t[1], t[2], stride: [2]), Input(2, 5, 5), Input(3, 2, 2, 2), Input(3));
    [TestMethod]
    public void Conv2d_ReflectModule()
    {
        var layer = new Conv2d(2, 3, 3, padding: 1, paddingMode: "reflect", dtype: DType.Float64);
        Check(t => layer.Forward(t[0]), Input(2, 2, 4, 4));
    }
    [TestMethod]
    public void Conv1d_All() =>
        Check(t => Functional.Conv1d(t[0], t[1], t[2], stride: [2], padding: [2], dilation: [2], groups: 2), Input(2, 4, 9), Input(4, 2, 3), Input(4));
    [TestMethod]
    public void ConvTranspose2d_StrideOutputPadding() =>
        Check(t => Functional.ConvTranspose2d(t[0], t[1], t[2], stride: [2], padding: [1], outputPadding: [1]), Input(2, 2, 3, 3), Input(2, 3, 3, 3), Input(3));
    [TestMethod]
    public void ConvTranspose2d_GroupsDilation() =>
        Check(t => Functional.ConvTranspose2d(t[0], t[1], null, stride: [1, 2], groups: 2, dilation: [2, 1]), Input(1, 4, 3, 2), Input(4, 1, 2, 2));
    [TestMethod]
    public void MaxPool2d_PaddingDilationCeil() =>
        Check(t => Functional.MaxPool2d(t[0], [3], [2], [1], [1], ceilMode: true), Input(2, 2, 6, 7));
    [TestMethod] public void MaxPool2d_Dilated() => Check(t => Functional.MaxPool2d(t[0], [2, 3], [1, 2], null, [2, 1]), Input(1, 2, 6, 7));
    [TestMethod] public void MaxPool1d() => Check(t => Functional.MaxPool1d(t[0], 3, 2, 1), Input(2, 3, 8));
    [TestMethod] public void AvgPool2d_CountIncludePad() => Check(t => Functional.AvgPool2d(t[0], [3], [2], [1], ceilMode: true), Input(2, 2, 6, 7));
    [TestMethod] public void AvgPool2d_ExcludePad() => Check(t => Functional.AvgPool2d(t[0], [3, 2], [2, 1], [1, 1], countIncludePad: false), Input(1, 2, 5, 4));
    [TestMethod] public void AvgPool2d_DivisorOverride() => Check(t => Functional.AvgPool2d(t[0], [2], divisorOverride: 3), Input(1, 2, 4, 4));
    [TestMethod] public void AdaptiveAvgPool2d() => Check(t => Functional.AdaptiveAvgPool2d(t[0], 3, 2), Input(2, 2, 7, 5));
    [TestMethod]
    public void BatchNorm_Training()
    {
        var runningMean = Torch.Zeros([3], DType.Float64);
        var runningVar = Torch.Ones([3], DType.Float64);
        Check(t => Functional.BatchNorm(t[0], runningMean, runningVar, t[1], t[2], training: true), Input(4, 3, 2, 2), Input(3), Input(3));
    }
    [TestMethod]
    public void BatchNorm_Eval() =>
        Check(t => Functional.BatchNorm(t[0], Input(3), Input(3).Abs() + 0.5, t[1], t[2], training: false), Input(4, 3), Input(3), Input(3));
    [TestMethod] public void GroupNorm() => Check(t => Functional.GroupNorm(t[0], 2, t[1], t[2]), Input(2, 4, 3), Input(4), Input(4));
    [TestMethod] public void Pad_Reflect() => Check(t => Functional.Pad(t[0], [2, 1, 1, 2], "reflect"), Input(1, 2, 4, 4));
    [TestMethod] public void Pad_Replicate() => Check(t => Functional.Pad(t[0], [1, 2], "replicate"), Input(2, 2, 4));
    [TestMethod] public void Pad_Circular() => Check(t => Functional.Pad(t[0], [1, 2, 2, 0], "circular"), Input(1, 1, 3, 4));
    [TestMethod] public void Pad_ConstantNegative() => Check(t => Functional.Pad(t[0], [-1, 2, 1, 0], value: 0.5), Input(2, 3, 4));
    [TestMethod] public void Interpolate_Nearest() => Check(t => Functional.Interpolate(t[0], size: [5, 7]), Input(1, 2, 3, 4));
    [TestMethod] public void Interpolate_Bilinear() => Check(t => Functional.Interpolate(t[0], size: [5, 7], mode: "bilinear"), Input(1, 2, 3, 4));
    [TestMethod]
    public void Interpolate_BilinearAlignCorners() =>
        Check(t => Functional.Interpolate(t[0], scaleFactor: [1.5], mode: "bilinear", alignCorners: true), Input(1, 1, 4, 4));
    [TestMethod] public void Unfold() => Check(t => Functional.Unfold(t[0], [2, 3], [1], [1], [2, 1]), Input(2, 2, 5, 4));
    [TestMethod] public void Fold() => Check(t => Functional.Fold(t[0], [4, 5], [2], null, [1], [1]), Input(2, 8, 30));

    [TestMethod]
    public void Conv2d_DefaultInit_IsTorchKaimingUniform()
    {
        // torch.manual_seed(0); nn.Conv2d(1, 6, 5): the first weights and the bias as torch 1.13 draws them.
        Torch.ManualSeed(0);
        var layer = new Conv2d(1, 6, 5);
        var w = layer.Weight.ToArray<float>();
        var b = layer.Bias!.ToArray<float>();
        CollectionAssert.AreEqual(new[] { -0.0014973640f, 0.10728872f }, w[..2]);
        Assert.AreEqual(6, b.Length);
        Assert.AreEqual("Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))", layer.ToString());
    }

    [TestMethod]
    public void BatchNorm2d_TracksRunningStatistics()
    {
        var bn = new BatchNorm2d(2, momentum: null);
        bn.Forward(Input(3, 2, 2, 2).Float());
        bn.Forward(Input(3, 2, 2, 2).Float() * 2.0);
        Assert.AreEqual(2L, bn.NumBatchesTracked!.Item<long>());
        // momentum=None averages cumulatively: (m + 2m) / 2 with m the first batch's per-channel mean.
        var expected = (Input(3, 2, 2, 2).Float().Mean([0, 2, 3]) * 1.5).ToArray<float>();
        var got = bn.RunningMean!.ToArray<float>();
        for (int c = 0; c < 2; c++) Assert.AreEqual(expected[c], got[c], 1e-6);
        Assert.AreEqual("BatchNorm2d(2, eps=1e-05, momentum=None, affine=True, track_running_stats=True)", bn.ToString());
    }
}
