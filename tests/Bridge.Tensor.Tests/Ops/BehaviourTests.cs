namespace Bridge.Tests.Ops;

/// <summary>Values, layouts and printouts checked against what torch 1.13 prints for the same calls.</summary>
[TestClass]
public sealed class BehaviourTests
{
    [TestMethod]
    public void Print_FixedScientificIntegerAndSummarised_MatchTorch()
    {
        Assert.AreEqual("tensor([[0.0000, 0.1429, 0.2857, 0.4286],\n        [0.5714, 0.7143, 0.8571, 1.0000],\n        [1.1429, 1.2857, 1.4286, 1.5714]])",
            (Torch.Arange(0.0, 12.0).Reshape(3, 4) / 7.0).ToString());
        Assert.AreEqual("tensor([[1.0000e-05, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00]])", Torch.Tensor(new[,] { { 1e-5, 1 }, { 2, 3 } }).ToString());
        Assert.AreEqual("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])", Torch.Arange(0.0, 2000.0).ToString());
        Assert.AreEqual("tensor([ 0., inf, nan, -2.])", Torch.Tensor(new[] { 0, double.PositiveInfinity, double.NaN, -2 }).ToString());
        Assert.AreEqual("tensor([[0., 0.],\n        [0., 0.]])", Torch.Zeros(2, 2).ToString());
        Assert.AreEqual("tensor([  1, -20, 300])", Torch.Tensor(new long[] { 1, -20, 300 }).ToString());
        Assert.AreEqual("tensor([ True, False])", Torch.Tensor(new[] { true, false }).ToString());
        Assert.AreEqual("tensor([2., 2., 2.], dtype=torch.float64)", Torch.Ones([2, 3], DType.Float64).Sum(0).ToString());
        Assert.AreEqual("tensor([[3.]], grad_fn=<MulBackward0>)", (Torch.Tensor(new[,] { { 1.5 } }, requiresGrad: true) * 2.0).ToString());
        Assert.AreEqual("tensor([], size=(2, 0))", Torch.Zeros(2, 0).ToString());
        Assert.AreEqual("tensor(3.5000)", Torch.Tensor(3.5).ToString());
        Assert.AreEqual("torch.Size([1, 5])", Torch.Zeros(1, 5).Shape.ToString());
    }

    [TestMethod]
    public void Print_LongRowWrapsAt80Columns()
    {
        Assert.AreEqual("tensor([-1.0000, -0.9310, -0.8621, -0.7931, -0.7241, -0.6552, -0.5862, -0.5172,\n        -0.4483, -0.3793, -0.3103, -0.2414, -0.1724, -0.1034, -0.0345,  0.0345,\n         0.1034,  0.1724,  0.2414,  0.3103,  0.3793,  0.4483,  0.5172,  0.5862,\n         0.6552,  0.7241,  0.7931,  0.8621,  0.9310,  1.0000])",
            Torch.Linspace(-1, 1, 30).ToString());
    }

    [TestMethod]
    public void GradFnNames_MatchTorch()
    {
        var x = Torch.Ones([2, 3], DType.Float32).RequiresGrad_();
        var v = Torch.Ones([3], DType.Float32).RequiresGrad_();
        var m = Torch.Ones([3, 2], DType.Float32).RequiresGrad_();
        var cases = new (Tensor Result, string Name)[]
        {
            (x.Reshape(3, 2), "ReshapeAliasBackward0"), (x.T().Reshape(6), "UnsafeViewBackward0"), (x.View(6), "ViewBackward0"),
            (x.T(), "TBackward0"), (x.Transpose(0, 1), "TransposeBackward0"), (x[0], "SelectBackward0"), (x[.., 1..], "SliceBackward0"),
            (x.Unsqueeze(0), "UnsqueezeBackward0"), (x.Unsqueeze(0).Squeeze(), "SqueezeBackward0"), (x.Unsqueeze(0).Squeeze(0), "SqueezeBackward1"),
            (x.Expand(2, 2, 3), "ExpandBackward0"), (x.Clamp(0, 1), "ClampBackward1"), (Torch.Cat([x, x]), "CatBackward0"),
            (Torch.Stack([x, x]), "StackBackward0"), (x.T().Contiguous(), "CloneBackward0"), (x.Max(), "MaxBackward1"),
            (x.Max(0).Values, "MaxBackward0"), (x.Sum(), "SumBackward0"), (x.Sum(0), "SumBackward1"), (x.Mean(), "MeanBackward0"),
            (x.Mean(0), "MeanBackward1"), (x.Pow(2), "PowBackward0"), (x.Double(), "ToCopyBackward0"), (x.Softmax(1), "SoftmaxBackward0"),
            (x.LogSoftmax(1), "LogSoftmaxBackward0"), (x.Permute(1, 0), "PermuteBackward0"), (Torch.Where(x > 0.0, x, x), "WhereBackward0"),
            (x.Abs(), "AbsBackward0"), (-x, "NegBackward0"), (v.MatMul(v), "DotBackward0"), (v.MatMul(m), "SqueezeBackward3"),
            (m.T().MatMul(v), "MvBackward0"), (m.T().MatMul(m), "MmBackward0"), (Torch.Ones(2, 2, 3).MatMul(m), "UnsafeViewBackward0"),
            (x.Sigmoid(), "SigmoidBackward0"), (x.Relu(), "ReluBackward0"), (x * x, "MulBackward0"), (x + x, "AddBackward0"),
            (new Bridge.Nn.Linear(3, 2).Forward(m.T()), "AddmmBackward0"), (new Bridge.Nn.Linear(3, 2).Forward(v), "AddBackward0"),
            (Tensor.MseLoss(v, v.Detach()), "MseLossBackward0"), (Tensor.CrossEntropy(m, Torch.Tensor(new long[] { 0, 1, 1 })), "NllLossBackward0"),
        };
        foreach (var (result, name) in cases) Assert.AreEqual(name, result.GradFn?.Name);
        Assert.IsNull(x.Contiguous().GradFn, "contiguous() of a contiguous leaf is the leaf itself");
    }

    [TestMethod]
    public void Views_ShareStorageAndSeeWrites()
    {
        var a = Torch.Arange(0.0, 6.0).Reshape(2, 3);
        var t = a.T();
        Assert.AreSame(a.Storage, t.Storage);
        CollectionAssert.AreEqual(new long[] { 1, 3 }, t.Stride());
        Assert.IsFalse(t.IsContiguous());
        a[1, 2] = Torch.Tensor(10.0);
        Assert.AreEqual(10.0, t[2, 1].Item());
        a[0].Mul_(2);
        CollectionAssert.AreEqual(new double[] { 0, 2, 4, 3, 4, 10 }, a.ToDoubleArray());
        CollectionAssert.AreEqual(new double[] { 3, 4, 10 }, a[-1].ToDoubleArray());
        CollectionAssert.AreEqual(new double[] { 2, 4, 4, 10 }, a[.., 1..].ToDoubleArray());
        CollectionAssert.AreEqual(new double[] { 0, 4 }, a[0, 0..3].Slice(0, 0, null, 2).ToDoubleArray());
    }

    [TestMethod]
    public void Resize_KeepsLeadingElementsAndGrowsWithZeros()
    {
        var w = Torch.Tensor(new[,] { { 1.0, 2, 3, 4, 5 } });
        var before = w.Version;
        Assert.AreSame(w, w.Resize_(5, 1));
        CollectionAssert.AreEqual(new long[] { 5, 1 }, w.Shape.ToArray());
        Assert.AreEqual(before + 1, w.Version);
        w.Resize_(2, 2);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3, 4 }, w.ToDoubleArray());
        w.Resize_(2, 4);
        CollectionAssert.AreEqual(new double[] { 1, 2, 3, 4, 5, 0, 0, 0 }, w.ToDoubleArray());
    }

    [TestMethod]
    public void Broadcasting_FollowsNumpyRules()
    {
        var a = Torch.Tensor(new double[,] { { 1 }, { 2 }, { 3 } });
        var b = Torch.Tensor(new double[] { 10, 20 });
        var c = a + b;
        CollectionAssert.AreEqual(new long[] { 3, 2 }, c.Shape.ToArray());
        CollectionAssert.AreEqual(new double[] { 11, 21, 12, 22, 13, 23 }, c.ToDoubleArray());
        Assert.AreEqual(DType.Float64, (Torch.Ones([2], DType.Float32) + Torch.Ones([2], DType.Float64)).DType);
        Assert.AreEqual(DType.Float32, (Torch.Ones([2], DType.Float32) + Torch.Tensor(1.0, DType.Float64)).DType, "0-d tensors do not widen");
        Assert.AreEqual(DType.Float32, (Torch.Arange(3) * 0.5).DType, "a float scalar turns int64 into the default float");
        Assert.AreEqual(DType.Int64, (Torch.Arange(3) * 2).DType);
    }

    [TestMethod]
    public void Reductions_ValuesAndIndices()
    {
        var x = Torch.Tensor(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });
        Assert.AreEqual(21.0, x.Sum().Item());
        Assert.AreEqual(3.5, x.Mean().Item());
        CollectionAssert.AreEqual(new double[] { 9, 12 }, x.Sum(1).ToDoubleArray());
        var (values, indices) = x.Max(1);
        CollectionAssert.AreEqual(new double[] { 5, 6 }, values.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 1, 2 }, indices.ToArray<long>());
        Assert.AreEqual(5L, x.Argmax().Item<long>());
        CollectionAssert.AreEqual(new long[] { 2, 1 }, x.Min(1, keepDim: true).Values.Shape.ToArray());
        Assert.AreEqual(double.NaN, Torch.Tensor(new[] { 1, double.NaN, 3 }).Max().Item());
    }

    [TestMethod]
    public void Creation_Functions()
    {
        CollectionAssert.AreEqual(new double[] { 1, 0, 0, 0, 1, 0 }, Torch.Eye(2, 3).ToDoubleArray());
        CollectionAssert.AreEqual(new double[] { 2, 4, 6 }, Torch.Arange(2, 8, 2).ToDoubleArray());
        Assert.AreEqual(DType.Int64, Torch.Arange(5).DType);
        CollectionAssert.AreEqual(new double[] { 7, 7 }, Torch.Full([2], 7).ToDoubleArray());
        CollectionAssert.AreEqual(new double[] { 0, 0.25, 0.5, 0.75, 1 }, Torch.Linspace(0, 1, 5).ToDoubleArray());
        Assert.AreEqual(DType.Float64, Torch.ZerosLike(Torch.Ones([2], DType.Float64)).DType);
        var m = Torch.Tensor(new float[,,] { { { 1, 2 } }, { { 3, 4 } } });
        CollectionAssert.AreEqual(new long[] { 2, 1, 2 }, m.Shape.ToArray());
    }

    [TestMethod]
    public void Autograd_AccumulatesRetainsAndDetaches()
    {
        var w = Torch.Tensor(new[] { 2.0 }, requiresGrad: true);
        var y = (w * w).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.AreEqual(8.0, w.Grad!.Item(), "two backward passes accumulate 4 + 4");
        var grad = w.Grad;
        w.Grad.Data.Zero_();
        (w * 3.0).Sum().Backward();
        Assert.AreSame(grad, w.Grad, "accumulation keeps the grad tensor's identity");
        Assert.AreEqual(3.0, w.Grad!.Item());

        var v = Torch.Tensor(new[] { 1.0, 2.0 }, requiresGrad: true);
        (v * v).Backward(Torch.Tensor(new[] { 1.0, 0.5 }));
        CollectionAssert.AreEqual(new double[] { 2, 2 }, v.Grad!.ToDoubleArray());

        var f = Torch.Tensor(new[] { 1.0, 2.0 }, requiresGrad: true);
        (f.Double() * 2.0).Sum().Backward();
        Assert.AreEqual(DType.Float32, f.Grad!.DType, "ToCopyBackward0 converts the gradient back");
        CollectionAssert.AreEqual(new double[] { 2, 2 }, f.Grad.ToDoubleArray());

        Assert.IsFalse(w.Detach().RequiresGrad);
        using (Torch.NoGrad())
        {
            var z = w * 2.0;
            Assert.IsFalse(z.RequiresGrad);
            Assert.IsNull(z.GradFn);
        }
    }
}
