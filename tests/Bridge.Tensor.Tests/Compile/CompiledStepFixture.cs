namespace Bridge.Tests.Compile;

/// <summary>
/// What the Torch.Compile test classes share: the warnings a compiled step raises during one test, seed-002's XOR
/// network and data (parity/cases/seed002_xor_training.py), and the bit-for-bit comparison of eager and compiled
/// results.
/// </summary>
public abstract class CompiledStepFixture : OnTheCpu
{
    /// <summary>The warnings <see cref="CompiledStep.Warning"/> raised during the current test.</summary>
    protected readonly List<string> Warnings = [];

    /// <summary>Collects compiled-step warnings for the current test.</summary>
    [TestInitialize]
    public void ListenForWarnings() => CompiledStep.Warning += Warnings.Add;

    /// <summary>Stops collecting, so one test's listener never sees another's warnings.</summary>
    [TestCleanup]
    public void StopListening() => CompiledStep.Warning -= Warnings.Add;

    /// <summary>Seed-002's initial weights and biases, fresh tensors on every call.</summary>
    protected static Tensor[] XorParameters() =>
    [
        Torch.Tensor(new[,] { { 0.1, 0.3 }, { 0.2, 0.1 } }, requiresGrad: true),
        Torch.Tensor(new[] { 0.2, -0.2 }, requiresGrad: true),
        Torch.Tensor(new[,] { { 0.1 }, { -0.4 } }, requiresGrad: true),
        Torch.Tensor(new[] { 0.0 }, requiresGrad: true),
    ];

    /// <summary>The four XOR inputs, one per row.</summary>
    protected static readonly Tensor XorX = Torch.Tensor(new[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }, DType.Float32);

    /// <summary>The four XOR targets.</summary>
    protected static readonly Tensor XorY = Torch.Tensor(new[] { 0, 1, 1, 0 }, DType.Float32);

    /// <summary>One SGD step of seed-002's training loop over <paramref name="ps"/>; returns the loss.</summary>
    protected static Func<Tensor, Tensor, Tensor> XorStep(Tensor[] ps) => (x, y) =>
    {
        foreach (var p in ps) p.Grad?.Data.Zero_();
        var hidden = Torch.Relu(Torch.MatMul(x, ps[0]) + ps[1]);
        var output = Torch.Sigmoid(Torch.MatMul(hidden, ps[2]) + ps[3]);
        var loss = (y - output).Pow(2);
        loss.Backward();
        using (Torch.NoGrad())
            foreach (var p in ps) p.Sub_(0.01 * p.Grad!);
        return loss;
    };

    /// <summary>Asserts equal shape, dtype and bits, naming the first element that differs.</summary>
    protected static void AssertBitIdentical(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.Shape.ToArray(), actual.Shape.ToArray(), $"{what}: shape");
        Assert.AreEqual(expected.DType, actual.DType, $"{what}: dtype");
        var e = expected.Contiguous().To(DType.Float64).ToArray<double>();
        var a = actual.Contiguous().To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            Assert.AreEqual(BitConverter.DoubleToInt64Bits(e[i]), BitConverter.DoubleToInt64Bits(a[i]), $"{what}[{i}]: {e[i]:R} eager, {a[i]:R} compiled");
    }
}
