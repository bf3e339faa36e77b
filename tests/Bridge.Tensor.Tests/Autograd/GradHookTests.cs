using Bridge.Autograd;

namespace Bridge.Tests.Autograd;

/// <summary>Post-accumulate gradient hooks and end-of-backward callbacks (what DistributedDataParallel builds on).</summary>
[TestClass]
public sealed class GradHookTests
{
    [TestMethod]
    public void Hook_LeafUsedTwice_RunsOnceWithTheSummedGradient()
    {
        var w = Torch.Tensor(new[] { 3.0 }, requiresGrad: true);
        var seen = new List<double>();
        w.RegisterPostAccumulateGradHook(leaf => seen.Add(leaf.Grad!.Item()));
        (w * 2.0 + w * w * 5.0).Sum().Backward(); // d/dw = 2 + 10w = 32
        CollectionAssert.AreEqual(new[] { 32.0 }, seen);
    }

    [TestMethod]
    public void Hook_RunsAfterEachPass_SeeingTheAccumulatedGradient()
    {
        var w = Torch.Tensor(new[] { 1.0, 2.0 }, requiresGrad: true);
        var seen = new List<double[]>();
        w.RegisterPostAccumulateGradHook(leaf => seen.Add(leaf.Grad!.ToDoubleArray()));
        (w * 3.0).Sum().Backward();
        (w * w).Sum().Backward(); // 3 + 2w accumulated
        Assert.AreEqual(2, seen.Count);
        CollectionAssert.AreEqual(new[] { 3.0, 3.0 }, seen[0]);
        CollectionAssert.AreEqual(new[] { 5.0, 7.0 }, seen[1]);
    }

    [TestMethod]
    public void Hook_ReverseOrderOfUse_AndNotForLeavesWithoutGradient()
    {
        var a = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 2.0 }, requiresGrad: true);
        var unused = Torch.Tensor(new[] { 4.0 }, requiresGrad: true);
        var order = new List<string>();
        a.RegisterPostAccumulateGradHook(_ => order.Add("a"));
        b.RegisterPostAccumulateGradHook(_ => order.Add("b"));
        unused.RegisterPostAccumulateGradHook(_ => order.Add("unused"));
        var h = (a * 2.0).Tanh();  // a is used first, so its gradient is ready last
        (h * b).Sum().Backward();
        CollectionAssert.AreEqual(new[] { "b", "a" }, order);
    }

    [TestMethod]
    public void Hook_OnRootLeaf_AndRemoval()
    {
        var w = Torch.Tensor(new[] { 1.0, 2.0 }, requiresGrad: true);
        int calls = 0;
        var handle = w.RegisterPostAccumulateGradHook(_ => calls++);
        w.Backward(Torch.Tensor(new[] { 1.0, 1.0 }));
        Assert.AreEqual(1, calls);
        handle.Dispose();
        w.Backward(Torch.Tensor(new[] { 1.0, 1.0 }));
        Assert.AreEqual(1, calls);
    }

    [TestMethod]
    public void Hook_OnNonLeafOrNoGrad_Throws()
    {
        var w = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        Assert.ThrowsExactly<InvalidOperationException>(() => (w * 2.0).RegisterPostAccumulateGradHook(_ => { }));
        Assert.ThrowsExactly<InvalidOperationException>(() => Torch.Tensor(new[] { 1.0 }).RegisterPostAccumulateGradHook(_ => { }));
    }

    [TestMethod]
    public void QueueCallback_RunsAfterEveryHook_OncePerPass()
    {
        var a = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 2.0 }, requiresGrad: true);
        var events = new List<string>();
        bool queued = false;
        void OnReady(string name)
        {
            events.Add(name);
            if (queued) return;
            queued = true;
            ExecutionEngine.QueueCallback(() => events.Add("end"));
        }
        a.RegisterPostAccumulateGradHook(_ => OnReady("a"));
        b.RegisterPostAccumulateGradHook(_ => OnReady("b"));
        (a * b).Sum().Backward();
        Assert.AreEqual(3, events.Count);
        Assert.AreEqual("end", events[2]);
        queued = false;
        (a * b).Sum().Backward();
        Assert.AreEqual(6, events.Count, "a callback runs in the pass that queued it only");
    }

    [TestMethod]
    public void QueueCallback_OutsideBackward_Throws() =>
        Assert.ThrowsExactly<InvalidOperationException>(() => ExecutionEngine.QueueCallback(() => { }));
}
