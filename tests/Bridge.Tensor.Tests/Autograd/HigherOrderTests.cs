using Bridge.Autograd;

namespace Bridge.Tests.Autograd;

/// <summary>
/// torch.autograd.grad, create_graph / double backward, tensor hooks and retain_grad. Expected values are derivatives
/// worked by hand (stated beside each) and float64 finite differences of the engine's own first derivatives.
/// </summary>
[TestClass]
public sealed class HigherOrderTests
{
    static Tensor Leaf(params double[] values) => Torch.Tensor(values, DType.Float64).RequiresGrad_();

    [TestMethod]
    public void Grad_ReturnsGradients_WithoutTouchingDotGrad()
    {
        var x = Leaf(1, 2, 3);
        var y = (x * x).Sum(); // dy/dx = 2x
        var g = Torch.Autograd.Grad([y], [x])[0]!;
        CollectionAssert.AreEqual(new[] { 2.0, 4.0, 6.0 }, g.ToDoubleArray());
        Assert.IsNull(x.Grad);
    }

    [TestMethod]
    public void Grad_NonLeafInput_AndGradOutputs()
    {
        var x = Leaf(1, 2);
        var h = x * 3.0;
        var y = h * h; // dy/dh = 2h = [6, 12], weighted by [1, 0.5]
        var g = Torch.Autograd.Grad([y], [h], [Torch.Tensor(new[] { 1.0, 0.5 }, DType.Float64)])[0]!;
        CollectionAssert.AreEqual(new[] { 6.0, 6.0 }, g.ToDoubleArray());
    }

    [TestMethod]
    public void Grad_UnusedInput_ErrorsUnlessAllowed()
    {
        var x = Leaf(1);
        var z = Leaf(2);
        var y = (x * 2.0).Sum();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Autograd.Grad([y], [x, z], retainGraph: true));
        StringAssert.Contains(e.Message, "allow_unused=True");
        var gs = Torch.Autograd.Grad([y], [x, z], allowUnused: true);
        Assert.AreEqual(2.0, gs[0]!.Item());
        Assert.IsNull(gs[1]);
    }

    [TestMethod]
    public void Grad_SecondCallWithoutRetainGraph_SaysSo()
    {
        var x = Leaf(1, 2);
        var y = (x * x).Sum();
        Torch.Autograd.Grad([y], [x]);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Autograd.Grad([y], [x]));
        StringAssert.Contains(e.Message, "backward through the graph a second time");
    }

    [TestMethod]
    public void CreateGraph_SecondDerivativeOfCube()
    {
        var x = Leaf(1.5, -2);
        var y = (x * x * x).Sum();
        var g = Torch.Autograd.Grad([y], [x], createGraph: true)[0]!; // 3x²
        Assert.IsTrue(g.RequiresGrad);
        var gg = Torch.Autograd.Grad([g.Sum()], [x])[0]!; // 6x
        CollectionAssert.AreEqual(new[] { 9.0, -12.0 }, gg.ToDoubleArray());
    }

    [TestMethod]
    public void BackwardCreateGraph_GradIsDifferentiable()
    {
        var x = Leaf(0.5);
        (x.Exp() * x).Sum().Backward(createGraph: true); // grad = e^x (1 + x)
        var grad = x.Grad!;
        Assert.IsTrue(grad.RequiresGrad);
        x.Grad = null;
        grad.Sum().Backward(); // e^x (2 + x)
        Assert.AreEqual(Math.Exp(0.5) * 2.5, x.Grad!.Item(), 1e-12);
    }

    // Second derivatives of a range of ops against float64 finite differences of the first derivative.
    static readonly (string Name, Func<Tensor, Tensor> F)[] Functions =
    [
        ("sigmoid", t => t.Sigmoid()), ("tanh", t => t.Tanh()), ("exp", t => t.Exp()), ("log", t => (t * t + 1.0).Log()),
        ("sqrt", t => (t * t + 1.0).Sqrt()), ("sin", t => t.Sin()), ("cos", t => t.Cos()), ("relu*x", t => t.Relu() * t),
        ("pow3", t => t.Pow(3.0)), ("div", t => 1.0 / (t * t + 2.0)), ("softmax", t => t.Softmax(0) * t),
        ("log_softmax", t => t.LogSoftmax(0) * t), ("matmul", t => t.Reshape(2, 2).MatMul(t.Reshape(2, 2)).Reshape(-1)),
        ("slice", t => t[1..3] * t[0..2]), ("select", t => t[0] * t), ("max_dim", t => t.Reshape(2, 2).Max(1).Values * t[0..2]),
        ("mean", t => t.Mean() * t), ("abs", t => t.Abs() * t), ("expand", t => t.Reshape(4, 1).Expand(4, 3).Sum(1) * t),
        ("mse", t => Tensor.MseLoss(t * t, Torch.Tensor(new[] { 0.1, 0.2, 0.3, 0.4 }, DType.Float64)) * t),
    ];

    [TestMethod]
    public void DoubleBackward_MatchesFiniteDifferencesOfTheGradient()
    {
        var x0 = Torch.Tensor(new[] { 0.3, -0.7, 1.1, 0.45 }, DType.Float64);
        var failures = new List<string>();
        foreach (var (name, f) in Functions)
        {
            // Gradient of Σ v·∂(Σ w·f)/∂x with respect to x, against central differences of that gradient.
            var w = Torch.Tensor(new[] { 1.0, 0.5, -0.25, 2.0 }, DType.Float64);
            Tensor Inner(Tensor x, bool create)
            {
                var y = f(x);
                return Torch.Autograd.Grad([(y * w[..(int)y.Numel()].Reshape(y.Shape.ToArray())).Sum()], [x], createGraph: create)[0]!;
            }
            var v = Torch.Tensor(new[] { 0.7, -1.3, 0.2, 0.9 }, DType.Float64);
            var leaf = x0.Clone().RequiresGrad_();
            var analytic = Torch.Autograd.Grad([(Inner(leaf, true) * v).Sum()], [leaf], allowUnused: true)[0]?.ToDoubleArray() ?? new double[4];
            for (int i = 0; i < 4; i++)
            {
                double eps = 1e-6;
                double Loss(double delta)
                {
                    var p = x0.Clone();
                    p.Detach()[i].Fill_(x0[i].Item() + delta);
                    return (Inner(p.RequiresGrad_(), false) * v).Sum().Item();
                }
                double numeric = (Loss(eps) - Loss(-eps)) / (2 * eps);
                if (Math.Abs(numeric - analytic[i]) > 1e-5 + 1e-4 * Math.Abs(numeric))
                    failures.Add($"{name}[{i}]: analytic {analytic[i]:R} numeric {numeric:R}");
            }
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures));
    }

    [TestMethod]
    public void RegisterHook_ReplacesTheGradient_AndRemoves()
    {
        var x = Leaf(1, 2);
        var h = x * 2.0;
        var handle = h.RegisterHook(g => g * 10.0);
        h.Sum().Backward(retainGraph: true);
        CollectionAssert.AreEqual(new[] { 20.0, 20.0 }, x.Grad!.ToDoubleArray());
        handle.Dispose();
        x.Grad = null;
        h.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 2.0, 2.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void RegisterHook_OnLeaf_SeesTheSummedGradientOnce()
    {
        var x = Leaf(3);
        var seen = new List<double>();
        x.RegisterHook(g => seen.Add(g.Item()));
        (x * 2.0 + x * x).Sum().Backward(); // 2 + 2x = 8
        CollectionAssert.AreEqual(new[] { 8.0 }, seen);
        Assert.AreEqual(8.0, x.Grad!.Item());
    }

    [TestMethod]
    public void RetainGrad_KeepsANonLeafGradient()
    {
        var x = Leaf(1, 2);
        var h = x * 3.0;
        h.RetainGrad();
        Assert.IsTrue(h.RetainsGrad);
        (h * h).Sum().Backward(); // dh = 2h
        CollectionAssert.AreEqual(new[] { 6.0, 12.0 }, h.Grad!.ToDoubleArray());
        CollectionAssert.AreEqual(new[] { 18.0, 36.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void Jacobian_And_Hessian()
    {
        var x = Torch.Tensor(new[] { 1.0, 2.0 }, DType.Float64);
        var j = Torch.Autograd.Functional.Jacobian(t => t * t * 3.0, x); // diag(6x)
        CollectionAssert.AreEqual(new[] { 6.0, 0, 0, 12.0 }, j.ToDoubleArray());
        CollectionAssert.AreEqual(new long[] { 2, 2 }, j.Shape.ToArray());
        var h = Torch.Autograd.Functional.Hessian(t => (t[0] * t[0] * t[1]).Sum(), x); // [[2b, 2a], [2a, 0]]
        CollectionAssert.AreEqual(new[] { 4.0, 2.0, 2.0, 0.0 }, h.ToDoubleArray());
    }

    [TestMethod]
    public void ConcurrentBackward_ThroughASharedNode_AccumulatesExactly()
    {
        for (int trial = 0; trial < 10; trial++)
        {
            var x = Leaf(1, 2, 3);
            var shared = (x * 2.0).Sigmoid();
            var loss = (shared * shared).Sum();
            var expected = ((Func<double[]>)(() =>
            {
                var g = Torch.Autograd.Grad([loss], [x], retainGraph: true)[0]!;
                return g.ToDoubleArray();
            }))();
            const int threads = 4, rounds = 25;
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                for (int r = 0; r < rounds; r++) loss.Backward(retainGraph: true);
            })).ToArray();
            foreach (var t in workers) t.Start();
            foreach (var t in workers) t.Join();
            var got = x.Grad!.ToDoubleArray();
            for (int i = 0; i < 3; i++)
                Assert.AreEqual(expected[i] * threads * rounds, got[i], 1e-9 * threads * rounds, $"trial {trial} element {i}");
        }
    }

    [TestMethod]
    public void InferenceMode_And_DetachInPlace()
    {
        var x = Leaf(1, 2);
        using (Torch.InferenceMode()) Assert.IsFalse((x * 2.0).RequiresGrad);
        using (Torch.InferenceMode(false)) Assert.IsTrue((x * 2.0).RequiresGrad);
        var y = x * 2.0;
        Assert.AreSame(y, y.Detach_());
        Assert.IsTrue(y.IsLeaf);
        Assert.IsFalse(y.RequiresGrad);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => (x * 2.0)[0..1].Detach_());
        StringAssert.StartsWith(e.Message, "Can't detach views in-place.");
    }
}
