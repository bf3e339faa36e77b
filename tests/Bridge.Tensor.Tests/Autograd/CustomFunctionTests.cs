using Bridge.Autograd;

namespace Bridge.Tests.Autograd;

/// <summary>Custom autograd functions from C# (<see cref="AutogradFunction"/>), torch.autograd.Function's contract.</summary>
[TestClass]
public sealed class CustomFunctionTests
{
    /// <summary>e^x saving its output; backward g·e^x.</summary>
    sealed class MyExp : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args)
        {
            var y = ((Tensor)args[0]!).Exp();
            ctx.SaveForBackward(y);
            return [y];
        }

        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => [g[0]! * ctx.SavedTensors[0]!];
    }

    /// <summary>x·k for a number k (no gradient), and the sign of x (non-differentiable output).</summary>
    sealed class ScaleAndSign : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args)
        {
            double k = (double)args[1]!;
            ctx.SavedData["k"] = k;
            var x = (Tensor)args[0]!;
            var sign = x.Sign();
            ctx.MarkNonDifferentiable(sign);
            Assert.IsTrue(ctx.NeedsInputGrad[0]);
            Assert.IsFalse(ctx.NeedsInputGrad[1]);
            return [x * k, sign];
        }

        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => [g[0]! * (double)ctx.SavedData["k"]!, null];
    }

    /// <summary>x.mul_(2) in place, declared dirty.</summary>
    sealed class DoubleInPlace : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args)
        {
            var x = (Tensor)args[0]!;
            x.Mul_(2.0);
            ctx.MarkDirty(x);
            return [x];
        }

        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => [g[0]! * 2.0];
    }

    sealed class Throws : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args) => [((Tensor)args[0]!).Clone()];
        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => throw new ArithmeticException("boom in backward");
    }

    sealed class WrongCount : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args) => [((Tensor)args[0]!) * (Tensor)args[1]!];
        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => [g[0]];
    }

    [TestMethod]
    public void Exp_GradientAndNodeName_AndDoubleBackward()
    {
        var x = Torch.Tensor(new[] { 0.5, -1.0 }, DType.Float64).RequiresGrad_();
        var y = new MyExp().Apply(x)[0];
        Assert.AreEqual("MyExpBackward", y.GradFn!.Name);
        var g = Torch.Autograd.Grad([y.Sum()], [x], createGraph: true)[0]!;
        CollectionAssert.AreEqual(new[] { Math.Exp(0.5), Math.Exp(-1.0) }, g.ToDoubleArray());
        var gg = Torch.Autograd.Grad([g.Sum()], [x])[0]!; // the saved output carries the node: d(e^x)/dx again
        CollectionAssert.AreEqual(new[] { Math.Exp(0.5), Math.Exp(-1.0) }, gg.ToDoubleArray());
    }

    [TestMethod]
    public void GradCheck_ThroughCustomFunction()
    {
        GradCheck.Assert(t => new MyExp().Apply(t[0] * t[0])[0] * t[0], Torch.Tensor(new[] { 0.3, -0.2, 0.9 }, DType.Float64));
    }

    [TestMethod]
    public void NonTensorArgs_NonDifferentiableOutputs()
    {
        var x = Torch.Tensor(new[] { -2.0, 3.0 }, DType.Float64).RequiresGrad_();
        var outs = new ScaleAndSign().Apply(x, 4.0);
        Assert.IsFalse(outs[1].RequiresGrad);
        outs[0].Sum().Backward();
        CollectionAssert.AreEqual(new[] { 4.0, 4.0 }, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void MarkDirty_RewritesHistory_AndRefusesALeaf()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new DoubleInPlace().Apply(Torch.Tensor(new[] { 1.0 }, DType.Float64).RequiresGrad_()));
        StringAssert.Contains(e.Message, "leaf Variable that requires grad");
        var leaf = Torch.Tensor(new[] { 1.0, 2.0 }, DType.Float64).RequiresGrad_();
        var h = leaf * 3.0;
        var y = new DoubleInPlace().Apply(h)[0];
        Assert.AreSame(h, y);
        CollectionAssert.AreEqual(new[] { 6.0, 12.0 }, h.ToDoubleArray());
        y.Sum().Backward();
        CollectionAssert.AreEqual(new[] { 6.0, 6.0 }, leaf.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void SavedTensorModifiedInPlace_IsCaught()
    {
        var x = Torch.Tensor(new[] { 1.0 }, DType.Float64).RequiresGrad_();
        var y = new MyExp().Apply(x * 1.0)[0];
        using (Torch.NoGrad()) y.Add_(1.0);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => y.Sum().Backward());
        StringAssert.Contains(e.Message, "modified by an inplace operation");
    }

    [TestMethod]
    public void BackwardErrors_Propagate()
    {
        var x = Torch.Tensor(new[] { 1.0 }, DType.Float64).RequiresGrad_();
        Assert.ThrowsExactly<ArithmeticException>(() => new Throws().Apply(x)[0].Sum().Backward());
        var z = Torch.Tensor(new[] { 2.0 }, DType.Float64).RequiresGrad_();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new WrongCount().Apply(x, z)[0].Sum().Backward());
        StringAssert.Contains(e.Message, "returned an incorrect number of gradients (expected 2, got 1)");
    }
}
