using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>
/// Full backward hooks and backward pre-hooks on modules in C#: what the hooks receive, when they fire, replacements
/// and errors. Expected values were printed by torch 1.13 (tests/python/test_nn_backward_hooks.py compares live); the
/// pre-hook is torch 2.0's API, checked against hand-computed gradients.
/// </summary>
[TestClass]
public sealed class BackwardHookTests : OnTheCpu
{
    static Linear FixedLinear()
    {
        var lin = new Linear(3, 2);
        using (Torch.NoGrad())
        {
            lin.Weight.Copy_(Torch.Tensor(new[,] { { 0.1f, 0.2f, 0.3f }, { -0.4f, 0.5f, -0.6f } }));
            lin.Bias!.Copy_(Torch.Tensor(new[] { 0.05f, -0.05f }));
        }
        return lin;
    }

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6 + 1e-5 * Math.Abs(expected[i]), $"element {i}");
    }

    [TestMethod]
    public void FullBackwardHooks_FireInTorchsOrder_WithTorchsGradients()
    {
        var lin = FixedLinear();
        var tanh = new Tanh();
        var seq = new Sequential(lin, tanh);
        var log = new List<(string Name, double[] GradIn, double[] GradOut)>();
        using var h1 = lin.RegisterFullBackwardHook((m, gi, go) => { log.Add(("lin", gi[0]!.ToDoubleArray(), go[0]!.ToDoubleArray())); return null; });
        using var h2 = tanh.RegisterFullBackwardHook((m, gi, go) => { log.Add(("tanh", gi[0]!.ToDoubleArray(), go[0]!.ToDoubleArray())); return null; });
        var x = Torch.Tensor(new[,] { { 1f, 2, 3 }, { -1, 0.5f, 2 } }, requiresGrad: true);
        seq.Call(x).Pow(2).Sum().Backward();
        CollectionAssert.AreEqual(new[] { "tanh", "lin" }, log.Select(e => e.Name).ToArray());
        AssertClose([1.7913857698440552, -1.6965672969818115, 1.143339991569519, -1.0740993022918701], log[0].GradOut);
        AssertClose([0.35421833395957947, -0.4757426679134369, 0.7696889042854309, -0.764305055141449], log[0].GradIn);
        AssertClose(log[0].GradIn, log[1].GradOut);
        AssertClose([0.2257189005613327, -0.16702766716480255, 0.39171111583709717, 0.3826909065246582, -0.22821474075317383, 0.6894897222518921], log[1].GradIn);
        AssertClose(log[1].GradIn, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void FullBackwardHook_InputWithoutGrad_SeesNullGradInput_AndMustReturnNull()
    {
        var lin = FixedLinear();
        Tensor?[]? seen = null;
        var handle = lin.RegisterFullBackwardHook((m, gi, go) => { seen = gi; return null; });
        lin.Call(Torch.Ones(1, 3)).Sum().Backward();
        Assert.IsNotNull(seen);
        Assert.IsNull(seen[0]);
        handle.Dispose();
        using var bad = lin.RegisterFullBackwardHook((m, gi, go) => [Torch.Ones(1)]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => lin.Call(Torch.Ones(1, 3)).Sum().Backward());
        StringAssert.Contains(error.Message, "Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
    }

    [TestMethod]
    public void FullBackwardHook_Result_ReplacesGradInput_AndDisposeRemovesIt()
    {
        var lin = FixedLinear();
        var x = Torch.Ones([1, 3], DType.Float32).RequiresGrad_();
        var handle = lin.RegisterFullBackwardHook((m, gi, go) => [gi[0]! * 10.0]);
        lin.Call(x).Sum().Backward();
        AssertClose([-3.0, 7.0, -3.0], x.Grad!.ToDoubleArray()); // 10 · (column sums of W)
        handle.Dispose();
        x.Grad = null;
        lin.Call(x).Sum().Backward();
        AssertClose([-0.3, 0.7, -0.3], x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void FullBackwardHook_WrongCount_ThrowsTorchsMessage()
    {
        var lin = FixedLinear();
        using var _ = lin.RegisterFullBackwardHook((m, gi, go) => [gi[0], gi[0]]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => lin.Call(Torch.Ones([1, 3], DType.Float32).RequiresGrad_()).Sum().Backward());
        Assert.AreEqual("Backward hook returned an invalid number of grad_input, got 2, but expected 1", error.Message);
    }

    [TestMethod]
    public void HookedOutput_InPlaceWrite_ThrowsTorchsMessage_CloneIsWritable()
    {
        var lin = FixedLinear();
        using var _ = lin.RegisterFullBackwardHook((m, gi, go) => null);
        var y = lin.Call(Torch.Ones(1, 3));
        Assert.AreEqual("BackwardHookFunctionBackward", y.GradFn!.Name);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => y.Add_(1.0));
        StringAssert.StartsWith(error.Message, "Output 0 of BackwardHookFunctionBackward is a view and is being modified inplace. This view was created inside a custom Function");
        lin.Call(Torch.Ones(1, 3)).Clone().Add_(1.0);
    }

    [TestMethod]
    public void BackwardPreHook_ReplacesGradOutput_BeforeTheModulesBackward_HandComputed()
    {
        // y = W x + b with W = [[1, 2]], b = 0, x = [3, 4]; loss = 5y, so grad_output = 5; the pre-hook doubles it to 10.
        var lin = new Linear(2, 1);
        using (Torch.NoGrad())
        {
            lin.Weight.Copy_(Torch.Tensor(new[,] { { 1f, 2f } }));
            lin.Bias!.Zero_();
        }
        var seen = new List<string>();
        using var pre = lin.RegisterFullBackwardPreHook((m, go) => { seen.Add($"pre {go[0]!.Item()}"); return [go[0]! * 2.0]; });
        using var first = lin.RegisterFullBackwardPreHook((m, go) => { seen.Add($"first {go[0]!.Item()}"); return null; }, prepend: true);
        using var full = lin.RegisterFullBackwardHook((m, gi, go) => { seen.Add($"full {go[0]!.Item()}"); return null; });
        var x = Torch.Tensor(new[,] { { 3f, 4f } }, requiresGrad: true);
        (lin.Call(x) * 5.0).Sum().Backward();
        CollectionAssert.AreEqual(new[] { "first 5", "pre 5", "full 10" }, seen);
        AssertClose([30, 40], lin.Weight.Grad!.ToDoubleArray());
        AssertClose([10], lin.Bias.Grad!.ToDoubleArray());
        AssertClose([10, 20], x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void BackwardPreHook_WrongCount_Throws()
    {
        var lin = new Linear(2, 1);
        using var _ = lin.RegisterFullBackwardPreHook((m, go) => [go[0], go[0]]);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => lin.Call(Torch.Ones(1, 2)).Sum().Backward());
        Assert.AreEqual("Backward pre hook returned an invalid number of grad_output, got 2, but expected 1", error.Message);
    }
}
