namespace Bridge.Tests.Compile;

/// <summary>
/// Torch.Compile's fused elementwise chains: a replay that runs consecutive elementwise kernels as one call, with
/// intermediates nobody else reads kept out of their tensors, still computes exactly what eager execution computes
/// (bit for bit: losses, outputs, parameters and gradients) for seed-002's XOR, an MLP, chains with scalar
/// broadcasting at sizes that break every vector tail, and steps whose intermediates are saved for backward or
/// returned; guards still send other shapes to eager execution with a warning.
/// </summary>
[TestClass]
public sealed class FusedChainTests : CompiledStepFixture
{
    static void AssertFused(CompiledStep step)
    {
        Assert.AreEqual(CompiledStepState.Traced, step.State, step.FallbackReason);
        Assert.IsTrue(step.FusedChains > 0, "no elementwise chain was fused");
        Assert.IsTrue(step.ReplayCallCount < step.KernelCount, $"a replay makes {step.ReplayCallCount} calls for {step.KernelCount} kernels");
    }

    [TestMethod]
    public void XorTrainingWithFusedChainsIsBitIdenticalToEager()
    {
        var eagerPs = XorParameters();
        var compiledPs = XorParameters();
        var eager = XorStep(eagerPs);
        using var compiled = Torch.Compile(XorStep(compiledPs));
        for (int step = 0; step < 5000; step++)
            AssertBitIdentical(eager(XorX[step % 4], XorY[step % 4]), compiled.Invoke(XorX[step % 4], XorY[step % 4])!, $"loss at step {step}");
        for (int k = 0; k < 4; k++)
        {
            AssertBitIdentical(eagerPs[k], compiledPs[k], $"parameter {k}");
            AssertBitIdentical(eagerPs[k].Grad!, compiledPs[k].Grad!, $"grad {k}");
        }
        AssertFused(compiled);
        Assert.IsTrue(compiled.ElidedIntermediates > 0, "the forward's temporaries (relu's input, the sigmoid's input) need no memory");
        Assert.AreEqual(0, Warnings.Count, string.Join("\n", Warnings));
    }

    [TestMethod]
    [DataRow(DType.Float32)]
    [DataRow(DType.Float64)]
    public void MlpWithManualSgdIsBitIdenticalToEager(DType dtype)
    {
        // 16x8 hidden activations: chains of 128 elements run the vector forms; 8x3 and 3-element bias grads the tails.
        Tensor[] Make()
        {
            Torch.ManualSeed(4);
            return [.. new[] { Torch.Randn(5, 8), Torch.Randn(8), Torch.Randn(8, 3), Torch.Randn(3) }.Select(p => (p * 0.5).To(dtype).RequiresGrad_())];
        }
        Func<Tensor, Tensor, Tensor> Step(Tensor[] ps) => (x, t) =>
        {
            foreach (var p in ps) p.Grad?.Zero_();
            var a = Torch.MatMul(x, ps[0]) + ps[1];
            var h = Torch.Tanh(a) * 0.5 + Torch.Sigmoid(a * 2);
            var loss = (Torch.MatMul(h, ps[2]) + ps[3] - t).Pow(2).Mean();
            loss.Backward();
            using (Torch.NoGrad())
                foreach (var p in ps) p.Sub_(0.05 * p.Grad!);
            return loss;
        };
        var ep = Make();
        var cp = Make();
        var eager = Step(ep);
        using var compiled = Torch.Compile(Step(cp));
        Torch.ManualSeed(9);
        var xs = Torch.Randn(60, 16, 5).To(dtype);
        var ts = Torch.Randn(60, 16, 3).To(dtype);
        for (int s = 0; s < 60; s++)
            AssertBitIdentical(eager(xs[s], ts[s]), compiled.Invoke(xs[s], ts[s])!, $"loss at step {s}");
        for (int k = 0; k < ep.Length; k++)
        {
            AssertBitIdentical(ep[k], cp[k], $"parameter {k}");
            AssertBitIdentical(ep[k].Grad!, cp[k].Grad!, $"grad {k}");
        }
        AssertFused(compiled);
        Assert.AreEqual(58, compiled.Replays);
        Assert.AreEqual(0, Warnings.Count, string.Join("\n", Warnings));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    [DataRow(8)]
    [DataRow(17)]
    [DataRow(37)]
    [DataRow(1025)]
    [DataRow(4096)]
    [DataRow(4097)] // past the fused block size: replayed kernel by kernel, still exact
    public void BroadcastChainIsBitIdenticalToEager(int n)
    {
        // Same-shape operands, 0-d parameters broadcast into them (both operand orders), python-scalar constants,
        // unary ops with span kernels (exp, tanh, sigmoid) between binary ones, and the backward chains they make.
        Tensor[] Make() =>
        [
            Torch.Tensor(0.75f, requiresGrad: true),
            Torch.Tensor(-0.3f, requiresGrad: true),
            Torch.Linspace(-2, 2, n).To(DType.Float32).RequiresGrad_(),
        ];
        Func<Tensor[], Tensor[]> Step(Tensor[] p) => inputs =>
        {
            var x = inputs[0];
            foreach (var q in p) q.Grad?.Zero_();
            var u = x * p[0] + p[1];
            var v = (p[1] - u * p[2]) / (Torch.Exp(x * 0.25) + 1);
            var loss = (Torch.Tanh(v) * Torch.Sigmoid(u) - x).Pow(2).Sum();
            loss.Backward();
            return [loss, v];
        };
        var e = Make();
        var c = Make();
        var eager = Step(e);
        using var compiled = Torch.Compile(Step(c));
        for (int s = 0; s < 6; s++)
        {
            var x = Torch.Linspace(-3 + s, 2 + s * 0.5, n).To(DType.Float32);
            var want = eager([x]);
            var got = compiled.InvokeAll(x);
            AssertBitIdentical(want[0], got[0], $"loss at step {s}");
            AssertBitIdentical(want[1], got[1], $"returned intermediate at step {s}");
            for (int k = 0; k < 3; k++) AssertBitIdentical(e[k].Grad!, c[k].Grad!, $"grad {k} at step {s}");
        }
        Assert.AreEqual(CompiledStepState.Traced, compiled.State, compiled.FallbackReason);
        Assert.AreEqual(4, compiled.Replays);
        if (n <= 4096) AssertFused(compiled);
    }

    [TestMethod]
    public void SavedAndReturnedIntermediatesAreStillWritten()
    {
        // h is saved for tanh's and mul's backward and returned; y is returned; both must reach memory although the
        // forward chain computes them inside one fused call.
        var w = Torch.Tensor(new[] { 0.5, -1.25, 2.0, 0.125, 3.0 }, requiresGrad: true);
        var we = Torch.Tensor(new[] { 0.5, -1.25, 2.0, 0.125, 3.0 }, requiresGrad: true);
        Func<Tensor[], Tensor[]> Step(Tensor wt) => inputs =>
        {
            var x = inputs[0];
            wt.Grad?.Zero_();
            var h = x * wt + 1;
            var y = Torch.Tanh(h) * h;
            var loss = (y * y).Sum();
            loss.Backward();
            return [h, y, loss];
        };
        var eager = Step(we);
        using var compiled = Torch.Compile(Step(w));
        for (int s = 0; s < 8; s++)
        {
            var x = Torch.Tensor(new[] { 0.1 * s, -0.7, 1.5, s - 3.0, 0.0 });
            var want = eager([x]);
            var got = compiled.InvokeAll(x);
            for (int k = 0; k < 3; k++) AssertBitIdentical(want[k], got[k], $"output {k} at step {s}");
            AssertBitIdentical(we.Grad!, w.Grad!, $"w.grad at step {s}");
        }
        AssertFused(compiled);
    }

    [TestMethod]
    public void FusedStepFallsBackToEagerWithAWarningOnAnotherShape()
    {
        var s = Torch.Tensor(1.5);
        Func<Tensor, Tensor> f = x => Torch.Sigmoid(x * s + 1) * x - s;
        using var compiled = Torch.Compile(f);
        var four = Torch.Tensor(new[] { 1.0, -2.0, 0.5, 3.0 });
        compiled.Invoke(four);
        compiled.Invoke(four);
        AssertFused(compiled);
        var six = Torch.Tensor(new[] { 1.0, -2.0, 0.5, 3.0, 7.0, -0.25 });
        AssertBitIdentical(f(six), compiled.Invoke(six)!, "other shape, eager");
        Assert.AreEqual(1, compiled.EagerCalls);
        StringAssert.Contains(Warnings.Single(), "input 0's shape changed");
        AssertBitIdentical(f(four), compiled.Invoke(four)!, "traced shape, replayed");
        Assert.AreEqual(1, compiled.Replays);
    }
}
