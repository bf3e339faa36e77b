namespace Bridge.Tests.Ops;

/// <summary>
/// Arithmetic torch 1.13 refuses, refused alike (issue 16): subtraction with bool tensors and integer tensors raised
/// to negative integer scalars. The messages are torch's own (read from torch 1.13: <c>torch.tensor([True]) - True</c>,
/// <c>torch.tensor([1]) - True</c>, <c>torch.tensor([1]) ** -1</c>); sign of a bool tensor stays bool, as in torch (<c>torch.sign(torch.tensor([True, False]))</c>).
/// </summary>
[TestClass]
public sealed class TorchRefusalTests
{
    const string TwoBools = "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.";
    const string OneBool = "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";
    const string NegativePower = "Integers to negative integer powers are not allowed.";

    static readonly Tensor Mask = Torch.Tensor(new[] { true, false });
    static readonly Tensor Ints = Torch.Tensor(new long[] { 1, 2 });
    static readonly Tensor Floats = Torch.Tensor(new[] { 1f, 2f });

    static void Refused(Func<Tensor> op, string message) =>
        Assert.AreEqual(message, Assert.ThrowsExactly<NotSupportedException>(() => op()).Message);

    [TestMethod]
    public void SubtractingBools_RefusedWithTorchsMessages()
    {
        Refused(() => Mask - Mask, TwoBools);
        Refused(() => Mask.Sub(Mask), TwoBools);
        Refused(() => Mask.Clone().Sub_(Mask), TwoBools);
        Refused(() => Mask - Torch.Tensor(1.0, DType.Bool), TwoBools);
        Refused(() => Mask - 1, OneBool);
        Refused(() => Mask - 1.5, OneBool);
        Refused(() => 1 - Mask, OneBool);
        Refused(() => Ints - Mask, OneBool);
        Refused(() => Floats - Mask, OneBool);
        Refused(() => Mask - Floats, OneBool);
        Refused(() => Ints - Torch.Tensor(1.0, DType.Bool), OneBool);
        Refused(() => Ints.Clone().Sub_(Mask), OneBool);
        Refused(() => global::Bridge.Ops.Declarations.Sub.Apply(Ints, Mask), OneBool);
        CollectionAssert.AreEqual(new long[] { 0, 1 }, (Ints - 1).ToArray<long>(), "integers still subtract");
    }

    [TestMethod]
    public void IntegerToNegativeIntegerPower_RefusedLikeTorch()
    {
        Refused(() => Ints.Pow(-1), NegativePower);
        Refused(() => Ints.Pow(-2L), NegativePower);
        Refused(() => Mask.Pow(-1), NegativePower);
        foreach (var dtype in new[] { DType.UInt8, DType.Int8, DType.Int16, DType.Int32 })
            Refused(() => Ints.To(dtype).Pow(-1), NegativePower);
        CollectionAssert.AreEqual(new[] { 1f, 0.5f }, Ints.Pow(-1.0).ToArray<float>(), "a float exponent gives float32, as torch's");
        CollectionAssert.AreEqual(new long[] { 1, 0 }, Ints.Pow(Torch.Tensor(new long[] { -1 })).ToArray<long>(), "a tensor exponent computes, as torch's");
        CollectionAssert.AreEqual(new[] { 1f, 0.25f }, Floats.Pow(-2).ToArray<float>());
        CollectionAssert.AreEqual(new long[] { 1, 4 }, Ints.Pow(2).ToArray<long>());
    }

    [TestMethod]
    public void SignOfBool_StaysBool()
    {
        var s = Mask.Sign();
        Assert.AreEqual(DType.Bool, s.DType);
        CollectionAssert.AreEqual(new[] { true, false }, s.ToArray<bool>());
        Assert.IsFalse(ReferenceEquals(s.Storage, Mask.Storage), "a new tensor, as torch's");
    }
}
