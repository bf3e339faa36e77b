using Bridge.Nn;
using Bridge.Optim;

namespace Bridge.Tests.Core;

/// <summary>
/// Deterministic release (Tensor.Lifetime.cs, DisposeScope.cs): a storage's memory goes back when its last user is
/// gone, views and autograd saves are users, and what must outlive a scope (grads, optimizer state, parameters) does.
/// Storages here are above MemoryPool.SlabLimit so that each has memory of its own to free. Tensors go to the
/// suite's default device, so BRIDGE_TEST_DEVICE=cuda runs the same checks against the CUDA caching allocator.
/// </summary>
[TestClass]
public sealed class TensorLifetimeTests
{
    static Tensor Big(double value = 1) => Torch.Full([64, 64], value, DType.Float32);

    [TestMethod]
    public void Dispose_FreesTheStorageAtOnce_AndLaterAccessThrows()
    {
        var t = Big();
        var storage = t.Storage;
        t.Dispose();
        Assert.IsTrue(storage.IsDisposed, "the only user disposed: memory freed");
        Assert.IsTrue(t.IsDisposed);
        Assert.AreEqual(64L, t.Size(1), "metadata stays readable");
        var e = Assert.Throws<ObjectDisposedException>(() => t.Sum());
        StringAssert.Contains(e.Message, "disposed");
        t.Dispose(); // twice is harmless
    }

    [TestMethod]
    public void AView_KeepsTheStorage_UntilItIsDisposedToo()
    {
        var t = Big(3);
        var storage = t.Storage;
        using (Torch.NewDisposeScope())
        {
            // Ops may make views of their own on the way (a select is a narrow and a squeeze): the scope ends those too.
            var row = t[5];
            t.Dispose();
            Assert.IsFalse(storage.IsDisposed, "the view still uses the memory");
            Assert.AreEqual(3.0 * 64, row.Sum().Item());
        }
        Assert.IsTrue(storage.IsDisposed);
    }

    [TestMethod]
    public void Scope_DisposesWhatWasCreatedInIt_ExceptWhatMovedOut()
    {
        var outside = Big();
        Tensor kept, dropped;
        Storage droppedStorage;
        using (var scope = Torch.NewDisposeScope())
        {
            dropped = outside + 1;
            droppedStorage = dropped.Storage;
            kept = scope.MoveToOuter(outside * 2);
            Assert.IsTrue(scope.Count >= 1, "the sum waits for the end of the scope");
        }
        Assert.IsTrue(droppedStorage.IsDisposed);
        Assert.IsTrue(dropped.IsDisposed);
        Assert.IsFalse(kept.IsDisposed);
        Assert.IsFalse(outside.IsDisposed, "tensors made before the scope are not its business");
        Assert.AreEqual(2.0 * 4096, kept.Sum().Item());
    }

    [TestMethod]
    public void NestedScopes_MoveToOuter_HandsTheTensorToTheEnclosingScope()
    {
        Tensor t;
        using (Torch.NewDisposeScope())
        {
            using (Torch.NewDisposeScope()) t = Big().MoveToOuterDisposeScope();
            Assert.IsFalse(t.IsDisposed, "the inner scope gave it to the outer one");
        }
        Assert.IsTrue(t.IsDisposed, "the outer scope disposed it");
    }

    [TestMethod]
    public void ASavedTensor_SurvivesItsDispose_UntilBackwardFreesTheGraph()
    {
        var x = Torch.Full([64, 64], 0.5, DType.Float64, requiresGrad: true);
        Storage aStorage, yStorage;
        using (Torch.NewDisposeScope())
        {
            var a = x * 2;
            var y = a.Exp();           // saves its result y
            var z = a * a;             // saves a
            (aStorage, yStorage) = (a.Storage, y.Storage);
            var loss = y.Sum() + z.Sum();
            a.Dispose();
            y.Dispose();
            Assert.IsFalse(aStorage.IsDisposed || yStorage.IsDisposed, "MulBackward0 saved a, ExpBackward0 saved y");
            loss.Backward();           // reads both
        }
        Assert.IsTrue(aStorage.IsDisposed, "backward released the graph, the scope the rest");
        Assert.IsTrue(yStorage.IsDisposed);
        // d/dx [exp(2x) + 4x²] = 2 exp(2x) + 8x at x = 0.5
        Assert.AreEqual(2 * Math.Exp(1) + 4, x.Grad!.ToDoubleArray()[0], 1e-12);
    }

    [TestMethod]
    public void ATrainingStepInAScope_KeepsGradsOptimizerStateAndParameters()
    {
        Linear model;
        using (Torch.NewDisposeScope()) model = new Linear(64, 64, dtype: DType.Float64); // built inside a scope on purpose
        var opt = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var x = Torch.Full([8, 64], 0.25, DType.Float64);
        double? first = null, last = null;
        for (int step = 0; step < 3; step++)
        {
            using var scope = Torch.NewDisposeScope();
            opt.ZeroGrad();
            var loss = (model.Forward(x) * model.Forward(x)).Mean();
            loss.Backward();
            opt.Step();
            first ??= loss.Item();
            last = loss.Item();
        }
        Assert.IsFalse(model.Weight.IsDisposed);
        Assert.IsFalse(model.Weight.Grad!.IsDisposed, "the grad slot keeps the gradient made inside the scope");
        Assert.IsTrue(last < first, $"loss went from {first} to {last}");
    }

    [TestMethod]
    public void DisposingAGradHandle_DoesNotKillTheLeafsGradient()
    {
        var x = Torch.Full([64, 64], 1.0, DType.Float32, requiresGrad: true);
        (x * 3).Sum().Backward();
        x.Grad!.Dispose(); // the engine already let go of its creator reference: the slot owns it
        using (Torch.NewDisposeScope()) Assert.AreEqual(3.0 * 4096, x.Grad.Sum().Item());
        var storage = x.Grad.Storage;
        x.Grad = null;
        Assert.IsTrue(storage.IsDisposed, "zero_grad(set_to_none) frees the gradient at once");
    }

    [TestMethod]
    public void CodeThatNeverDisposes_KeepsWorkingThroughTheGC()
    {
        double total = 0;
        for (int i = 0; i < 200; i++) total += (Big(i) * 2).Sum().Item();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.AreEqual(2.0 * 4096 * 199 * 200 / 2, total);
    }

    [TestMethod]
    public void DisposingAScopeOutOfOrder_Throws()
    {
        var outer = Torch.NewDisposeScope();
        var inner = Torch.NewDisposeScope();
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
    }
}
