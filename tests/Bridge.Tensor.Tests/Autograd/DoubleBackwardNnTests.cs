using Bridge.Nn;

namespace Bridge.Tests.Autograd;

/// <summary>
/// Second derivatives (create_graph) through fused nodes in C#: h = ∂/∂x Σ(∂s/∂x)² with s = Σ f(x)·v, against values
/// printed by torch 1.13 (float64). The Python suite (test_double_backward_nn.py) covers more ops live and by finite
/// differences.
/// </summary>
[TestClass]
public sealed class DoubleBackwardNnTests : OnTheCpu
{
    static readonly double[,] X = { { 0.3, -1.2, 0.7, 2.0 }, { 1.5, -0.4, 0.1, -0.9 } };
    static readonly double[,] V = { { 1.0, -2, 0.5, 3 }, { 0.25, 1, -1, 2 } };

    static double[] SecondDerivative(Func<Tensor, Tensor> f)
    {
        var x = Torch.Tensor(X, DType.Float64, requiresGrad: true);
        var g = Torch.Autograd.Grad((f(x) * Torch.Tensor(V, DType.Float64)).Sum(), x, createGraph: true);
        return Torch.Autograd.Grad((g * g).Sum(), x).ToDoubleArray();
    }

    static void AssertClose(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-10 + 1e-9 * Math.Abs(expected[i]), $"element {i}: expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
    }

    [TestMethod]
    public void Cumsum_SecondDerivative_MatchesTorch() =>
        AssertClose([511.2, 452.0, 684.0, 604.8, 28.55, 26.80, 15.80, 22.0], SecondDerivative(t => t.Cumsum(1).Pow(2)));

    [TestMethod]
    public void Cumprod_SecondDerivative_MatchesTorch() =>
        AssertClose([44.215740000000025, -20.58456, 36.75246, 16.4007, 5.337600000000002, -14.238720000000008, -8.86912000000001, -3.3779200000000014],
            SecondDerivative(t => t.Cumprod(1)));

    [TestMethod]
    public void Gelu_SecondDerivative_MatchesTorch() =>
        AssertClose([1.0669293890706724, -0.10261414657248949, 0.23023845381762412, -2.1093376979181495, -0.004563346842656005, 0.26734730824666647, 0.9155718074498661, -0.14037753835360647],
            SecondDerivative(t => Functional.Gelu(t)));

    [TestMethod]
    public void LayerNorm_SecondDerivative_MatchesTorch() =>
        AssertClose([-1.38082647633002, 0.5766447543940356, 1.1335451646963846, -0.32936344276040036, -2.7951287061154426, 1.4744033068792977, -2.5839883595611033, 3.9047137587972474],
            SecondDerivative(t => Functional.LayerNorm(t, [4])));

    [TestMethod]
    public void AvgPool_SecondDerivative_MatchesTorch() =>
        AssertClose([5.7266357421875025, -5.497114257812502, 21.595278320312506, 30.948403320312508, 2.920698242187501, 5.7266357421875025, 15.983403320312505, 27.207153320312507],
            SecondDerivative(t => t * Functional.AvgPool2d(t.Reshape(1, 1, 2, 4), [2, 2]).Pow(2).Sum()));

    [TestMethod]
    public void Sort_SecondDerivative_MatchesTorch() =>
        AssertClose([9.6, -9.6, 1.4, 144.0, 48.0, -3.2, 0.8, -0.45], SecondDerivative(t => t.Sort(1).Values.Pow(2)));
}
