using Bridge.Random;

namespace Bridge.Tests.Random;

/// <summary>The figures seed 004 printed from torch (4 decimals), reproduced with our generator.</summary>
[TestClass]
public sealed class Seed004FigureTests
{
    private const double Tolerance = 5e-5; // torch prints 4 decimals

    private static float[] Randn(Generator g, int n)
    {
        var v = new float[n];
        g.FillNormal<float>(v);
        return v;
    }

    private static void AssertFigures(double[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], actual[i], Tolerance, $"{what}[{i}]");
        }
    }

    [TestMethod]
    public void Seed004_RandnThenRandnLike_MatchPrintedFigures()
    {
        var g = new Generator().ManualSeed(7);
        AssertFigures([-0.1468, 0.7861, 0.9468, -1.1143, 1.6908], Randn(g, 5), "randn((1,5))");
        AssertFigures([-0.8948, -0.3556, 1.2324, 0.1382, -1.6822], Randn(g, 5), "randn_like");
    }

    [TestMethod]
    public void Seed004_FeaturesW1B1_MatchPrintedFigures()
    {
        var g = new Generator().ManualSeed(7);
        AssertFigures([-0.1468, 0.7861, 0.9468], Randn(g, 3), "features randn((1,3))");
        AssertFigures([-1.1143, 1.6908, -0.8948, -0.3556, 1.2324, 0.1382], Randn(g, 6), "W1 randn(3,2)");
        _ = Randn(g, 2); // randn(2,1)
        AssertFigures([0.1328, 0.1373], Randn(g, 2), "B1 randn(1,2)");
    }
}
