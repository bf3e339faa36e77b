using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Tests.Autograd;

/// <summary>
/// What real programs read off the graph and the creation ops they start from: Node.NextFunctions as torch's
/// next_functions (the 60-minute blitz walks loss.grad_fn.next_functions), and Linspace with torch 1.13's exact bits
/// (Learning PyTorch with Examples fits sin over linspace(-π, π, 2000)). Expected values are torch 1.13's.
/// </summary>
[TestClass]
public sealed class NextFunctionsTests
{
    static string?[] Names(Node node) => [.. node.NextFunctions.Select(e => e.Function?.Name)];

    [TestMethod]
    public void Linear_ListsBiasThenInputThenTransposedWeight_AsTorch()
    {
        var input = Torch.Ones([4, 3], DType.Float32).RequiresGrad_();
        var weight = Torch.Ones([2, 3], DType.Float32).RequiresGrad_();
        var bias = Torch.Zeros([2], DType.Float32).RequiresGrad_();
        var output = Functional.Linear(input, weight, bias);
        Assert.AreEqual("AddmmBackward0", output.GradFn!.Name);
        CollectionAssert.AreEqual(new[] { "AccumulateGrad", "AccumulateGrad", "TBackward0" }, Names(output.GradFn));
        Assert.IsTrue(output.GradFn.NextFunctions.All(e => e.InputNr == 0));
    }

    [TestMethod]
    public void InputWithoutGradient_IsNullWithSlotZero()
    {
        var x = Torch.Tensor(new[] { 1.0, 2.0 }, requiresGrad: true);
        var c = Torch.Tensor(new[] { 3.0, 4.0 });
        var y = (c * x).Sum();
        var mul = y.GradFn!.NextFunctions[0].Function!;
        Assert.AreEqual("MulBackward0", mul.Name);
        Assert.AreEqual((null, 0), (mul.NextFunctions[0].Function, mul.NextFunctions[0].InputNr));
        Assert.AreEqual("AccumulateGrad", mul.NextFunctions[1].Function!.Name);
    }

    [TestMethod]
    public void Linspace_Float32_HasTorchsBits()
    {
        // torch.linspace(-math.pi, math.pi, 2000)[[0, 7, 8, 15, 995, 999, 1000, 1003, 1999]].view(int32)
        int[] indices = [0, 7, 8, 15, 995, 999, 1000, 1003, 1999];
        int[] torchBits = [-0x3fb6f025, -0x3fb858a1, -0x3fb88c20, -0x3fb9f49c, -0x439842c9, -0x453202a0, 0x3acdfd58, 0x3c343dd4, 0x40490fdb];
        var t = Torch.Linspace(-Math.PI, Math.PI, 2000).ToArray<float>();
        for (int i = 0; i < indices.Length; i++)
            Assert.AreEqual(torchBits[i], BitConverter.SingleToInt32Bits(t[indices[i]]), $"element {indices[i]}");
    }

    [TestMethod]
    public void Linspace_Float64_HasTorchsBits()
    {
        // torch.linspace(0, 1, 37, dtype=torch.float64)[[3, 5, 33, 35]].view(int64)
        int[] indices = [3, 5, 33, 35];
        long[] torchBits = [0x3fb5555555555555, 0x3fc1c71c71c71c72, 0x3fed555555555555, 0x3fef1c71c71c71c7];
        var t = Torch.Linspace(0, 1, 37, DType.Float64).ToArray<double>();
        for (int i = 0; i < indices.Length; i++)
            Assert.AreEqual(torchBits[i], BitConverter.DoubleToInt64Bits(t[indices[i]]), $"element {indices[i]}");
    }
}
