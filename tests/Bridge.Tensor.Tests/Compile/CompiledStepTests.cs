using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Tests.Compile;

/// <summary>
/// Torch.Compile: a traced and replayed step computes exactly what the eager step computes (bit for bit, over many
/// steps, for training with manual SGD, SGD with momentum and Adam, and for inference), guards send calls that do not
/// match the trace to eager execution with one warning naming the guard, data-dependent steps stay eager, and replays
/// neither allocate buffers nor grow memory.
/// </summary>
[TestClass]
public sealed class CompiledStepTests : CompiledStepFixture
{
    [TestMethod]
    public void XorTrainingIsBitIdenticalToEagerOver2000Steps()
    {
        var eagerPs = XorParameters();
        var compiledPs = XorParameters();
        var eager = XorStep(eagerPs);
        using var compiled = Torch.Compile(XorStep(compiledPs));
        for (int step = 0; step < 2000; step++)
        {
            int i = step % 4;
            var expected = eager(XorX[i], XorY[i]);
            var actual = compiled.Invoke(XorX[i], XorY[i])!;
            AssertBitIdentical(expected, actual, $"loss at step {step}");
        }
        for (int k = 0; k < 4; k++)
        {
            AssertBitIdentical(eagerPs[k], compiledPs[k], $"parameter {k}");
            AssertBitIdentical(eagerPs[k].Grad!, compiledPs[k].Grad!, $"grad {k}");
        }
        Assert.AreEqual(CompiledStepState.Traced, compiled.State, compiled.FallbackReason);
        Assert.AreEqual(1998, compiled.Replays);
        Assert.AreEqual(0, compiled.EagerCalls);
        Assert.AreEqual(0, Warnings.Count, string.Join("\n", Warnings));
    }

    // A 4-8-3 MLP (nn.Linear, ReLU, MSE) trained by an optimizer inside the step.
    static (Linear L1, Linear L2) Mlp(ulong seed)
    {
        Torch.ManualSeed(seed);
        return (new Linear(4, 8), new Linear(8, 3));
    }

    static Func<Tensor, Tensor, Tensor> MlpStep(Linear l1, Linear l2, Optimizer opt) => (x, y) =>
    {
        opt.ZeroGrad();
        var loss = Functional.MseLoss(l2.Forward(Torch.Relu(l1.Forward(x))), y);
        loss.Backward();
        opt.Step();
        return loss;
    };

    static void TrainBoth(Func<IEnumerable<Tensor>, Optimizer> makeOptimizer, int steps)
    {
        var (e1, e2) = Mlp(3);
        var (c1, c2) = Mlp(3);
        var eager = MlpStep(e1, e2, makeOptimizer(e1.Parameters().Concat(e2.Parameters())));
        using var compiled = Torch.Compile(MlpStep(c1, c2, makeOptimizer(c1.Parameters().Concat(c2.Parameters()))));
        Torch.ManualSeed(11);
        var xs = Torch.Randn(steps, 5, 4);
        var ys = Torch.Randn(steps, 5, 3);
        for (int s = 0; s < steps; s++)
            AssertBitIdentical(eager(xs[s], ys[s]), compiled.Invoke(xs[s], ys[s])!, $"loss at step {s}");
        var eagerParams = e1.Parameters().Concat(e2.Parameters()).ToArray();
        var compiledParams = c1.Parameters().Concat(c2.Parameters()).ToArray();
        for (int k = 0; k < eagerParams.Length; k++) AssertBitIdentical(eagerParams[k], compiledParams[k], $"parameter {k}");
        Assert.AreEqual(CompiledStepState.Traced, compiled.State, compiled.FallbackReason);
        Assert.AreEqual(steps - 2, compiled.Replays);
    }

    [TestMethod]
    public void MlpWithSgdMomentumIsBitIdenticalToEager()
    {
        TrainBoth(ps => new SGD(ps, lr: 0.05, momentum: 0.9, weightDecay: 1e-3), 300);
        Assert.AreEqual(0, Warnings.Count, string.Join("\n", Warnings));
    }

    [TestMethod]
    public void MlpWithAdamIsBitIdenticalToEager()
    {
        TrainBoth(ps => new Adam(ps, lr: 0.01), 300);
        Assert.AreEqual(0, Warnings.Count, string.Join("\n", Warnings));
    }

    [TestMethod]
    public void InferenceStepIsBitIdenticalToEager()
    {
        var (l1, l2) = Mlp(5);
        Func<Tensor, Tensor> forward = x => Torch.Sigmoid(l2.Forward(Torch.Tanh(l1.Forward(x))));
        using var noGrad = Torch.NoGrad();
        using var compiled = Torch.Compile(forward);
        Torch.ManualSeed(2);
        for (int s = 0; s < 50; s++)
        {
            var x = Torch.Randn(16, 4);
            AssertBitIdentical(forward(x), compiled.Invoke(x)!, $"output {s}");
        }
        Assert.AreEqual(48, compiled.Replays);
        Assert.AreEqual(0, compiled.EagerCalls);
    }

    [TestMethod]
    public void ScalarForwardBackwardAccumulatesAsEager()
    {
        var w = Torch.Tensor(0.5, requiresGrad: true);
        var b = Torch.Tensor(0.1, requiresGrad: true);
        var x = Torch.Tensor(2.0);
        var we = Torch.Tensor(0.5, requiresGrad: true);
        var be = Torch.Tensor(0.1, requiresGrad: true);
        using var compiled = Torch.Compile(() => Torch.Sigmoid(w * x + b).Backward());
        for (int s = 0; s < 100; s++)
        {
            compiled.Invoke();
            Torch.Sigmoid(we * x + be).Backward();
        }
        AssertBitIdentical(we.Grad!, w.Grad!, "w.grad");
        AssertBitIdentical(be.Grad!, b.Grad!, "b.grad");
        Assert.AreEqual(98, compiled.Replays);
    }

    [TestMethod]
    public void ShapeChangeFallsBackOnceWithAWarningThenReplaysAgain()
    {
        var w = Torch.Tensor(new[,] { { 1.5, -2.0 }, { 0.25, 3.0 } });
        using var compiled = Torch.Compile(x => Torch.Tanh(Torch.MatMul(x, w)) * 2);
        var small = Torch.Tensor(new[,] { { 1.0, 2.0 } });
        var big = Torch.Tensor(new[,] { { 1.0, 2.0 }, { -1.0, 0.5 }, { 3.0, 4.0 } });
        compiled.Invoke(small);
        compiled.Invoke(small);
        AssertBitIdentical(Torch.Tanh(Torch.MatMul(big, w)) * 2, compiled.Invoke(big)!, "other shape");
        compiled.Invoke(big);
        Assert.AreEqual(2, compiled.EagerCalls);
        Assert.AreEqual(1, Warnings.Count, string.Join("\n", Warnings));
        StringAssert.Contains(Warnings[0], "input 0's shape changed");
        StringAssert.Contains(compiled.FallbackReason, "shape");
        AssertBitIdentical(Torch.Tanh(Torch.MatMul(small, w)) * 2, compiled.Invoke(small)!, "traced shape again");
        Assert.AreEqual(1, compiled.Replays);
        Assert.AreEqual(CompiledStepState.Traced, compiled.State);
    }

    [TestMethod]
    public void DTypeAndGradModeChangesFallBack()
    {
        using var compiled = Torch.Compile(x => x * 3 + 1);
        var f32 = Torch.Tensor(new[] { 1.0f, 2.0f });
        compiled.Invoke(f32);
        compiled.Invoke(f32);
        AssertBitIdentical(Torch.Tensor(new[] { 4.0, 7.0 }, DType.Float64), compiled.Invoke(Torch.Tensor(new[] { 1.0, 2.0 }, DType.Float64))!, "float64 input");
        StringAssert.Contains(compiled.FallbackReason, "dtype changed");
        using (Torch.NoGrad()) compiled.Invoke(f32);
        StringAssert.Contains(compiled.FallbackReason, "grad mode changed");
        Assert.AreEqual(2, Warnings.Count);
        Assert.AreEqual(2, compiled.EagerCalls);
    }

    [TestMethod]
    public void ItemInControlFlowKeepsTheStepEagerWithAWarning()
    {
        var w = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        using var compiled = Torch.Compile(x =>
        {
            var y = (x * w).Sum();
            return y.Item() > 0 ? y * 2 : y * -1; // data-dependent branch
        });
        Assert.AreEqual(2.0, compiled.Invoke(Torch.Tensor(new[] { 1.0 }))!.Item());
        Assert.AreEqual(2.0, compiled.Invoke(Torch.Tensor(new[] { 1.0 }))!.Item());
        Assert.AreEqual(1.0, compiled.Invoke(Torch.Tensor(new[] { -1.0 }))!.Item(), "the other branch runs: the step is eager");
        Assert.AreEqual(CompiledStepState.Eager, compiled.State);
        Assert.AreEqual(0, compiled.Replays);
        Assert.AreEqual(1, Warnings.Count);
        StringAssert.Contains(Warnings[0], "Tensor.Item");
        StringAssert.Contains(Warnings[0], "runs eagerly");
    }

    [TestMethod]
    public void RandomNumbersInTheStepKeepItEager()
    {
        using var compiled = Torch.Compile(x => x + Torch.RandLike(x));
        var x = Torch.Zeros(3);
        var a = compiled.Invoke(x)!;
        var b = compiled.Invoke(x)!;
        var c = compiled.Invoke(x)!;
        Assert.AreEqual(CompiledStepState.Eager, compiled.State);
        Assert.AreNotEqual(b[0].Item(), c[0].Item(), "each call draws new numbers");
        GC.KeepAlive(a);
    }

    [TestMethod]
    public void ReplacedGradRetracesWithAWarning()
    {
        var w = Torch.Tensor(new[] { 2.0 }, requiresGrad: true);
        using var compiled = Torch.Compile(x => { var l = (x * w).Sum(); l.Backward(); return l; });
        var x = Torch.Tensor(new[] { 3.0 });
        compiled.Invoke(x);
        compiled.Invoke(x);
        w.Grad = null; // torch's zero_grad(set_to_none=True), outside the step
        compiled.Invoke(x);
        Assert.AreEqual(3.0, w.Grad!.Item(), "the stale trace is dropped: this call warms up again, eagerly");
        compiled.Invoke(x);
        Assert.AreEqual(6.0, w.Grad!.Item(), "traced again");
        compiled.Invoke(x);
        Assert.AreEqual(9.0, w.Grad!.Item(), "the new trace replays into the new .grad");
        Assert.AreEqual(1, compiled.Replays);
        Assert.AreEqual(2, compiled.Traces);
        StringAssert.Contains(Warnings.Single(), ".grad was replaced");
    }

    [TestMethod]
    public void TenThousandReplaysDoNotGrowMemory()
    {
        var ps = XorParameters();
        using var compiled = Torch.Compile(XorStep(ps));
        for (int s = 0; s < 1000; s++) compiled.Invoke(XorX[s % 4], XorY[s % 4])!.Dispose();
        // The heap is the whole process's, and tests in parallel allocate into it too: a leak grows it in every
        // round of 10k replays, another test's garbage in some. One round in three without growth passes.
        long perReplay = 0, replays = 0;
        var growths = new List<long>();
        for (int round = 0; round < 3 && (growths.Count == 0 || growths[^1] >= 64 * 1024); round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalMemory(true), allocated = GC.GetAllocatedBytesForCurrentThread();
            for (int s = 0; s < 10_000; s++) compiled.Invoke(XorX[s % 4], XorY[s % 4])!.Dispose();
            perReplay = (GC.GetAllocatedBytesForCurrentThread() - allocated) / 10_000;
            replays += 10_000;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            growths.Add(GC.GetTotalMemory(true) - before);
        }
        Assert.IsTrue(growths[^1] < 64 * 1024, $"managed memory grew in every round of 10k replays: {string.Join(", ", growths)} bytes");
        // No buffers: what a replay allocates is the copy of its output, the two views the test indexes out, and the
        // kernels' small shape arrays (bounded per call, collected as gen0 garbage).
        Assert.IsTrue(perReplay < 8192, $"a replay allocated {perReplay} bytes");
        Assert.AreEqual(1_000 + replays - 2, compiled.Replays);
    }

    // Traces a step whose intermediate the test can observe, and keeps only a weak reference to that buffer's memory.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static (CompiledStep Step, WeakReference<Storage> Buffer) TraceWithObservedBuffer()
    {
        var hidden = new Tensor?[1]; // the step's closure outlives the test's use of it
        var compiled = Torch.Compile(x => { var h = x * 2; hidden[0] = h; return h.Sum(); });
        var x = Torch.Ones(100_000);
        compiled.Invoke(x);
        compiled.Invoke(x); // traced: hidden is now the trace's buffer
        var traced = hidden[0]!;
        compiled.Invoke(x);
        Assert.AreSame(traced, hidden[0], "a replay does not run the step's C# code");
        traced.Dispose(); // the step's own reference: the trace still holds the buffer
        hidden[0] = null;
        return (compiled, new WeakReference<Storage>(traced.Storage));
    }

    [TestMethod]
    public void DisposeReleasesTheTracedBuffers()
    {
        var (compiled, buffer) = TraceWithObservedBuffer();
        for (int i = 0; i < 2; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        Assert.IsTrue(buffer.TryGetTarget(out var alive) && !alive.IsDisposed, "the trace keeps its buffers");
        alive = null;
        Assert.AreEqual(200_000.0, compiled.Invoke(Torch.Ones(100_000))!.Item());
        compiled.Dispose();
        for (int i = 0; i < 2; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        Assert.IsFalse(buffer.TryGetTarget(out var stillThere) && !stillThere.IsDisposed, "disposing the compiled step lets its buffers go");
        Assert.Throws<ObjectDisposedException>(() => compiled.Invoke(Torch.Ones(3)));
    }
}
