using Bridge.Autograd;

namespace Bridge.Tests.Autograd;

/// <summary>
/// Memory during backward, as torch's engine gives it back: without retain_graph a node's saved tensors are released as
/// soon as its backward has run, and a gradient is freed once the node it was waiting for has consumed it, not when the
/// pass ends; what user code can still reach (a saved input or output it holds, a view of one, the gradient it passed
/// in, a hook's result, a retained or returned gradient) stays valid. Tensors are [64, 64] float64 (32 KiB) so that each
/// has memory of its own (above MemoryPool.SlabLimit) whose release <see cref="Storage.IsDisposed"/> shows.
/// </summary>
[TestClass]
public sealed class ReleaseAfterBackwardTests
{
    static Tensor Leaf(double value) => Torch.Full([64, 64], value, DType.Float64, requiresGrad: true);

    static Tensor Ramp() => (Torch.Arange(0.0, 4096.0, 1.0, DType.Float64) / 4096.0).Reshape(64, 64).RequiresGrad_();

    static void AssertAll(double expected, Tensor t, string what)
    {
        foreach (double v in t.ToDoubleArray()) Assert.AreEqual(expected, v, 1e-12 * Math.Max(1, Math.Abs(expected)), what);
    }

    [TestMethod]
    public void ASavedIntermediate_IsFreedAsSoonAsTheNodesThatSavedItHaveRun()
    {
        var x = Leaf(0.5);
        var a = x * 2.0;
        var b = a.Exp();            // ExpBackward0 saves its result b
        var c = b * b;              // MulBackward0 saves b twice
        var loss = c.Sum();
        var bStorage = b.Storage;
        b.Dispose();                // nobody but the two nodes holds b now
        c.Dispose();
        bool? freedWhenAsGradientArrived = null;
        a.RegisterHook(_ => freedWhenAsGradientArrived = bStorage.IsDisposed);
        loss.Backward();
        Assert.IsTrue(freedWhenAsGradientArrived, "both nodes that saved b had run: b was freed then, not at the end of the pass");
        AssertAll(4 * Math.Exp(2), x.Grad!, "d/dx exp(2x)² = 4·exp(4x) at 0.5");
    }

    [TestMethod]
    public void RetainGraph_KeepsSavedTensors_AndASecondBackwardWithoutIt_FreesThem()
    {
        var x = Leaf(0.5);
        var b = (x * 2.0).Exp();
        var loss = (b * b).Sum();
        var bStorage = b.Storage;
        b.Dispose();
        loss.Backward(retainGraph: true);
        Assert.IsFalse(bStorage.IsDisposed, "retain_graph keeps what the graph saved");
        loss.Backward();
        Assert.IsTrue(bStorage.IsDisposed, "the second pass, without retain_graph, released it");
        AssertAll(2 * 4 * Math.Exp(2), x.Grad!, "two passes accumulated");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => loss.Backward());
        StringAssert.StartsWith(e.Message, "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed).");
    }

    [TestMethod]
    public void AGradient_IsFreedOnceTheNodeItWaitedFor_HasRun()
    {
        var x = Leaf(0.25);
        var a = x * 3.0;
        var b = a.Sin();            // SinBackward0 consumes the gradient of b
        var loss = (b * b).Sum();   // b's gradient: the sum of MulBackward0's two products
        Storage? gradOfB = null;
        bool? freedWhenAsGradientArrived = null;
        b.RegisterHook(g => gradOfB = g.Storage);
        a.RegisterHook(_ => freedWhenAsGradientArrived = gradOfB!.IsDisposed);
        loss.Backward();
        Assert.IsTrue(freedWhenAsGradientArrived, "b's gradient went when SinBackward0 had used it");
        // d/dx sin²(3x) = 3·sin(6x)
        AssertAll(3 * Math.Sin(1.5), x.Grad!, "x.grad");
    }

    [TestMethod]
    public void TensorsTheUserHolds_StayValidAfterBackward()
    {
        var x = Ramp();
        var xs = x.Detach().ToDoubleArray();
        var a = x * 2.0;            // saved by MulBackward0 below, held by the test
        var view = a[3];            // a view of a saved tensor
        var b = a * a;
        var y = b.Exp();            // ExpBackward0 saves its output y, held by the test
        var g = Torch.Full([64, 64], 0.25, DType.Float64);
        y.Backward(g);
        Assert.IsFalse(a.IsDisposed || view.IsDisposed || b.IsDisposed || y.IsDisposed || g.IsDisposed);
        var av = a.ToDoubleArray();
        var yv = y.ToDoubleArray();
        var vv = view.ToDoubleArray();
        var gx = x.Grad!.ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.AreEqual(2 * xs[i], av[i], 1e-15);
            Assert.AreEqual(Math.Exp(4 * xs[i] * xs[i]), yv[i], 1e-12 * yv[i]);
            Assert.AreEqual(0.25 * Math.Exp(4 * xs[i] * xs[i]) * 8 * xs[i], gx[i], 1e-12 * Math.Max(1, Math.Abs(gx[i])));
        }
        for (int j = 0; j < 64; j++) Assert.AreEqual(2 * xs[3 * 64 + j], vv[j], 1e-15);
        AssertAll(0.25, g, "the gradient passed in is untouched");
    }

    [TestMethod]
    public void AGradientPassedIn_ReachingALeafUnchanged_StaysTheCallers()
    {
        var x = Leaf(1.0);
        var g = Torch.Full([4096], 0.5, DType.Float64);
        x.Reshape(4096).Backward(g);        // ViewBackward0 hands a view of g on to the leaf
        var h = Torch.Full([64, 64], 2.0, DType.Float64);
        (x + 0.0).Backward(h);              // AddBackward0 may pass h itself on
        Assert.IsFalse(g.IsDisposed || h.IsDisposed);
        AssertAll(0.5, g, "g");
        AssertAll(2.0, h, "h");
        AssertAll(2.5, x.Grad!, "x.grad: the leaf's own copy");
    }

    [TestMethod]
    public void OneGradientPassedToTwoInputs_SurvivesTheFirstConsumer()
    {
        var x = Ramp();
        var xs = x.Detach().ToDoubleArray();
        var s = x.Sin();
        var c = x.Cos();
        var y = s + c;                      // AddBackward0 may send one tensor to both SinBackward0 and CosBackward0
        (y * y).Sum().Backward();
        var gx = x.Grad!.ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double expected = 2 * (Math.Sin(xs[i]) + Math.Cos(xs[i])) * (Math.Cos(xs[i]) - Math.Sin(xs[i]));
            Assert.AreEqual(expected, gx[i], 1e-12);
        }
    }

    [TestMethod]
    public void RetainGrad_AndAHooksReplacement_StayValidAfterBackward()
    {
        var x = Leaf(0.5);
        var a = x * 2.0;
        a.RetainGrad();
        var b = a * a;
        var replacement = Torch.Full([64, 64], 3.0, DType.Float64);
        b.RegisterHook(_ => replacement);   // the hook's tensor, held by the test, becomes b's gradient
        b.Sum().Backward();
        Assert.IsFalse(replacement.IsDisposed);
        AssertAll(3.0, replacement, "the hook's tensor is untouched");
        AssertAll(3.0 * 2 * 1.0, a.Grad!, "a.grad = 3·2a");
        AssertAll(3.0 * 2 * 1.0 * 2, x.Grad!, "x.grad");
    }

    [TestMethod]
    public void AutogradGrad_Results_OutliveThePass_AndAreTheCallersToDispose()
    {
        var x = Ramp();
        var xs = x.Detach().ToDoubleArray();
        var a = x * 2.0;
        var loss = (a * a + x).Sum();       // x's gradient: 1 passed through AddBackward0, plus 2a·2
        var grads = Torch.Autograd.Grad([loss], [a, x]);
        var (ga, gx) = (grads[0]!, grads[1]!);
        Assert.IsFalse(ga.IsDisposed || gx.IsDisposed);
        var gav = ga.ToDoubleArray();
        var gxv = gx.ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.AreEqual(4 * xs[i], gav[i], 1e-12);
            Assert.AreEqual(1 + 8 * xs[i], gxv[i], 1e-12);
        }
        Assert.IsNull(x.Grad, "autograd.grad leaves .grad alone");
        var storage = gx.Storage;
        gx.Dispose();
        Assert.IsTrue(storage.IsDisposed, "the caller owns the result: disposing it frees it at once");
    }

    [TestMethod]
    public void AutogradGrad_InsideAScope_ResultsLeaveWithTheScope()
    {
        var x = Leaf(0.5);
        Tensor g;
        using (Torch.NewDisposeScope())
        {
            g = Torch.Autograd.Grad([(x * x).Sum()], [x])[0]!;
            AssertAll(1.0, g, "2x");
        }
        Assert.IsTrue(g.IsDisposed, "a result made inside a scope is the scope's, like any op's");
    }

    /// <summary>x ↦ 3x whose backward returns a tensor it saved (made in forward, which then let go of it) as the gradient.</summary>
    sealed class SavedAsGradient : AutogradFunction
    {
        protected override Tensor[] Forward(AutogradContext ctx, object?[] args)
        {
            var x = (Tensor)args[0]!;
            ctx.SaveForBackward(Torch.Full([64, 64], 3.0, x.DType)); // made in the caller's scope, which ends before backward
            return [x * 3.0];
        }

        protected override Tensor?[] Backward(AutogradContext ctx, Tensor?[] g) => [ctx.SavedTensors[0]];
    }

    [TestMethod]
    public void ABackwardReturningASavedTensor_StillDeliversIt()
    {
        var x = Leaf(1.0);
        Tensor y;
        using (Torch.NewDisposeScope()) y = new SavedAsGradient().Apply(x)[0].MoveToOuterDisposeScope(); // only the node holds the saved tensor now
        y.Sum().Backward();
        AssertAll(3.0, x.Grad!, "the saved tensor reached the leaf before the node let it go");
    }

    [TestMethod]
    public void ATrainingStepInAScope_FreesWhatItMade_AndKeepsTheGradients()
    {
        var w = Leaf(0.5);
        var input = Torch.Full([64, 64], 2.0, DType.Float64);
        Storage hidden;
        using (Torch.NewDisposeScope())
        {
            var h = (input * w).Tanh();
            hidden = h.Storage;
            (h * h).Sum().Backward();
            Assert.IsFalse(hidden.IsDisposed, "h is still the step's");
        }
        Assert.IsTrue(hidden.IsDisposed);
        double t = Math.Tanh(1.0);
        AssertAll(2 * t * (1 - t * t) * 2.0, w.Grad!, "w.grad survives the scope");
    }
}
