namespace Bridge.Tests.Ops;

/// <summary>Bad input raises a clear exception with torch's text (expected strings printed by torch 1.13).</summary>
[TestClass]
public sealed class ErrorTests
{
    static void Throws<T>(Action action, string message) where T : Exception
    {
        var e = Assert.ThrowsExactly<T>(action);
        Assert.AreEqual(message, e.Message);
    }

    [TestMethod]
    public void Mm_ShapeMismatch_NamesBothShapes() =>
        Throws<ArgumentException>(() => Torch.Mm(Torch.Ones(1, 5), Torch.Ones(1, 5)), "mat1 and mat2 shapes cannot be multiplied (1x5 and 1x5)");

    [TestMethod]
    public void Mm_DTypeMismatch() =>
        Throws<ArgumentException>(() => Torch.Ones(2, 3).Mm(Torch.Ones([3, 2], DType.Float64)), "expected scalar type Float but found Double");

    [TestMethod]
    public void Broadcast_Mismatch() =>
        Throws<ArgumentException>(() => _ = Torch.Ones(2, 3) + Torch.Ones(4), "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");

    [TestMethod]
    public void View_WrongSize() =>
        Throws<ArgumentException>(() => Torch.Ones(2, 3).View(4, 2), "shape '[4, 2]' is invalid for input of size 6");

    [TestMethod]
    public void View_IncompatibleStrides() =>
        Throws<InvalidOperationException>(() => Torch.Ones(2, 3).T().View(6), "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .Reshape(...) instead.");

    [TestMethod]
    public void Index_OutOfRange() =>
        Throws<ArgumentOutOfRangeException>(() => _ = Torch.Ones(2, 3)[2], "index 2 is out of bounds for dimension 0 with size 2");

    [TestMethod]
    public void Backward_NonScalarWithoutGradient() =>
        Throws<InvalidOperationException>(() => Torch.Ones([2, 3], DType.Float32).RequiresGrad_().Sum(1).Backward(), "grad can be implicitly created only for scalar outputs");

    [TestMethod]
    public void Backward_SavedTensorModifiedInPlace()
    {
        var a = Torch.Ones(3).RequiresGrad_();
        var b = a.Sigmoid();
        b.Mul_(2);
        Throws<InvalidOperationException>(() => b.Sum().Backward(),
            "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
    }

    [TestMethod]
    public void Backward_SecondTimeThroughFreedGraph()
    {
        var a = Torch.Ones(3).RequiresGrad_();
        var b = (a * a).Sigmoid().Sum();
        b.Backward();
        Throws<InvalidOperationException>(() => b.Backward(),
            "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .Backward() or Torch.Autograd.Grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling Backward.");
    }

    [TestMethod]
    public void InPlace_OnLeafRequiringGrad() =>
        Throws<InvalidOperationException>(() => Torch.Ones(3).RequiresGrad_().Add_(1), "a leaf Variable that requires grad is being used in an in-place operation.");

    [TestMethod]
    public void Backward_WithoutGradRequirement() =>
        Throws<InvalidOperationException>(() => Torch.Ones(3).Sum().Backward(), "element 0 of tensors does not require grad and does not have a grad_fn");

    [TestMethod]
    public void Device_Mismatch()
    {
        var foreign = Tensor.FromStorage(Storage.Wrap(Torch.Ones([2], DType.Float32, Device.Cpu).Storage.Pointer, 8, null, device: new Device(DeviceType.Cuda, 0)), DType.Float32, [2]);
        Throws<InvalidOperationException>(() => _ = Torch.Ones([2], DType.Float32, Device.Cpu) + foreign, "Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!");
    }

    [TestMethod]
    public void TheRuntimeReservedIndexOutOfRangeException_IsNeverThrownByTheEngine()
    {
        // .NET reserves IndexOutOfRangeException for the runtime's own array checks; the engine throws the
        // ArgumentOutOfRangeException family (IndexError in Python).
        var offenders = Directory.EnumerateFiles(Path.Combine(TestSupport.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("new IndexOutOfRangeException", StringComparison.Ordinal))
            .ToList();
        Assert.AreEqual(0, offenders.Count, "thrown in: " + string.Join(", ", offenders));
    }

    [TestMethod]
    public void BadIndicesIntoASizeOrAnEmptyChain_ThrowTheArgumentFamily()
    {
        var size = new Size(2, 3);
        Assert.AreEqual(3, size[-1]);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = size[2]).Message, "dim index 2 is out of range for a shape of 2 dims");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = size[-3]).Message, "dim index -3 is out of range");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => _ = new Bridge.Optim.LRScheduler.ChainedScheduler()).Message, "ChainedScheduler needs at least one scheduler");
    }
}
