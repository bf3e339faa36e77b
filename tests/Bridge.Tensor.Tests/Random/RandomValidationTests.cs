using Bridge.Random;

namespace Bridge.Tests.Random;

/// <summary>Bad arguments are rejected up front, with torch's wording, before any draw is consumed.</summary>
[TestClass]
public sealed class RandomValidationTests
{
    private static void AssertThrowsWithoutDrawing<TException>(Action<Generator> call, string messagePart)
        where TException : Exception
    {
        var g = new Generator().ManualSeed(1);
        byte[] before = g.GetState();
        var ex = Assert.ThrowsExactly<TException>(() => call(g));
        Assert.Contains(messagePart, ex.Message);
        CollectionAssert.AreEqual(before, g.GetState(), "a rejected call must not consume draws");
    }

    [TestMethod]
    public void Randint_HighNotAboveLow_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentException>(g => g.FillRandint(new long[3], 5, 5),
            "random_ expects 'from' to be less than 'to', but got from=5 >= to=5");

    [TestMethod]
    public void Uniform_FromAboveTo_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentException>(g => g.FillUniform<float>(new float[3], 2, 1),
            "uniform_ expects to return a [from, to) range, but found from=2 > to=1");

    [TestMethod]
    public void Uniform_FromOutOfFloatRange_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.FillUniform<float>(new float[3], -1e39, 0),
            "from is out of bounds for float");

    [TestMethod]
    public void Normal_NegativeStd_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.FillNormal<double>(new double[3], 0, -1),
            "normal expects std >= 0.0, but found std -1");

    [TestMethod]
    public void Normal_NaNStd_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.FillNormal<float>(new float[20], 0, double.NaN),
            "normal expects std >= 0.0");

    [TestMethod]
    public void Bernoulli_PAboveOne_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.FillBernoulli<float>(new float[3], 1.5),
            "bernoulli_ expects p to be in [0, 1], but got p=1.5");

    [TestMethod]
    public void Bernoulli_PNaN_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.FillBernoulli<double>(new double[3], double.NaN),
            "bernoulli_ expects p to be in [0, 1]");

    [TestMethod]
    public void Bernoulli_PerElementProbabilityOutOfRange_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(
            g => g.FillBernoulli<float>(new float[3], new float[] { 0.5f, -0.1f, 0.2f }), "probabilities[1]");

    [TestMethod]
    public void Bernoulli_PerElementLengthMismatch_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentException>(
            g => g.FillBernoulli<float>(new float[3], new float[] { 0.5f }), "probabilities has 1 elements");

    [TestMethod]
    public void Randperm_Negative_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentOutOfRangeException>(g => g.Randperm(-1), "n=-1");

    [TestMethod]
    public void Half_IsNotSupported() =>
        AssertThrowsWithoutDrawing<NotSupportedException>(g => g.FillUniform<Half>(new Half[3]), "Half");

    [TestMethod]
    public void LinearInit_WeightNotWholeRows_Throws() =>
        AssertThrowsWithoutDrawing<ArgumentException>(
            g => LinearInit.Fill<float>(new float[7], new float[2], 3, g), "inFeatures=3");

    [TestMethod]
    public void LinearInit_Bounds_MatchTorchInitPyBits()
    {
        // Python: math.sqrt(3.0) * (math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)) / math.sqrt(fan_in)) and 1 / math.sqrt(fan_in)
        Assert.AreEqual(0.5773502691896257, LinearInit.KaimingUniformBound(3, Math.Sqrt(5.0)));
        Assert.AreEqual(0.5773502691896258, LinearInit.BiasBound(3));
        Assert.AreEqual(0.06249999999999999, LinearInit.KaimingUniformBound(256, Math.Sqrt(5.0)));
        Assert.AreEqual(0.0625, LinearInit.BiasBound(256));
    }
}
