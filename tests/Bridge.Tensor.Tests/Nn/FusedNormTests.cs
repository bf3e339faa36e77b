using Bridge.Autograd;
using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>
/// The fused CPU batch_norm and layer_norm against the composed path (the same function with a strided weight, which
/// the fused kernels leave to the tensor ops) in float64, forward and every gradient, at sizes that reach the vector
/// loops, their tails and both threads; and against float64 finite differences. torch itself is compared in
/// tests/python/test_batch_norm_fused.py and test_layer_norm_fused.py.
/// </summary>
[TestClass]
public sealed class FusedNormTests
{
    static Tensor Values(int seed, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 0.5 + 1.3 * Math.Sin(0.37 * i + seed) + 1e-3 * i;
        return Torch.Tensor(v, DType.Float64).Reshape(shape);
    }

    /// <summary>A copy of <paramref name="t"/> laid out with stride 2 (non-contiguous: the composed path).</summary>
    static Tensor Strided(Tensor t) => Torch.Stack([t, t], -1).Select(-1, 0);

    static void SameResults(Func<Tensor, Tensor, Tensor, Tensor> f, Tensor x, Tensor w, Tensor b)
    {
        var results = new List<Tensor[]>();
        foreach (bool fused in new[] { true, false })
        {
            var xs = x.Clone().RequiresGrad_();
            var ws = (fused ? w.Clone() : Strided(w)).Detach().RequiresGrad_();
            var bs = b.Clone().RequiresGrad_();
            Assert.AreEqual(fused, ws.IsContiguous());
            var y = f(xs, ws, bs);
            (y * Values(7, [.. y.Shape.Select(d => (int)d)])).Sum().Backward();
            results.Add([y.Detach(), xs.Grad!, ws.Grad!, bs.Grad!]);
        }
        string[] names = ["output", "grad input", "grad weight", "grad bias"];
        for (int k = 0; k < 4; k++)
        {
            double diff = (results[0][k] - results[1][k]).Abs().Max().Item<double>();
            double scale = Math.Max(1, results[1][k].Abs().Max().Item<double>());
            Assert.IsTrue(diff <= 1e-12 * scale, $"{names[k]}: fused and composed differ by {diff}");
        }
    }

    [TestMethod]
    public void BatchNormFusedEqualsComposed()
    {
        int before = Torch.GetNumThreads();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Torch.SetNumThreads(threads);
                foreach (var shape in new[] { new[] { 5, 3 }, [64, 6, 28, 28], [3, 16, 7, 5], [4, 2, 13] })
                {
                    int c = shape[1];
                    var x = Values(1, shape);
                    SameResults((a, w, b) => Functional.BatchNorm(a, null, null, w, b, training: true), x, Values(2, c), Values(3, c));
                    var rm = Values(4, c);
                    var rv = Values(5, c).Abs() + 0.5;
                    SameResults((a, w, b) => Functional.BatchNorm(a, rm, rv, w, b, training: false), x, Values(2, c), Values(3, c));
                }
            }
        }
        finally { Torch.SetNumThreads(before); }
    }

    [TestMethod]
    public void BatchNormFusedUpdatesRunningStatisticsAsComposed()
    {
        var x = Values(1, 8, 3, 5);
        var (rm1, rv1, rm2, rv2) = (Values(4, 3), Values(5, 3).Abs(), Values(4, 3), Values(5, 3).Abs());
        Functional.BatchNorm(x, rm1, rv1, Values(2, 3), null, training: true, momentum: 0.3);
        Functional.BatchNorm(x, rm2, rv2, Strided(Values(2, 3)), null, training: true, momentum: 0.3);
        Assert.IsTrue((rm1 - rm2).Abs().Max().Item<double>() < 1e-14, "running_mean");
        Assert.IsTrue((rv1 - rv2).Abs().Max().Item<double>() < 1e-14, "running_var");
    }

    [TestMethod]
    public void LayerNormFusedEqualsComposed()
    {
        int before = Torch.GetNumThreads();
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Torch.SetNumThreads(threads);
                foreach (var (shape, normalized) in new[] { (new[] { 16, 64, 128 }, new[] { 128 }), ([5, 4, 33], [4, 33]), ([3, 7], [7]), ([6], [6]) })
                {
                    SameResults((a, w, b) => Functional.LayerNorm(a, normalized, w, b), Values(1, shape), Values(2, normalized), Values(3, normalized));
                }
            }
        }
        finally { Torch.SetNumThreads(before); }
    }

    [TestMethod]
    public void FusedNormsPassGradCheckAndDoubleBackward()
    {
        var x = Values(1, 4, 3, 5);
        Tensor[] inputs = [x, Values(2, 3).Abs() + 0.5, Values(3, 3)];
        Assert.IsNull(GradCheck.Check(t => Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true), inputs));
        Assert.IsNull(GradCheck.Check(t => Functional.LayerNorm(t[0], [5], t[1], t[2]), [x, Values(2, 5), Values(3, 5)]));
        // Second order: d/dx of Σ (∂L/∂x)² through the fused node equals the composed path's.
        double[] second = new double[2];
        for (int k = 0; k < 2; k++)
        {
            var xs = x.Clone().RequiresGrad_();
            var w = (k == 0 ? Values(2, 3) : Strided(Values(2, 3))).Detach().RequiresGrad_();
            var y = Functional.BatchNorm(xs, null, null, w, null, training: true);
            var gx = Torch.Autograd.Grad((y * Values(7, [.. y.Shape.Select(d => (int)d)])).Sum(), xs, createGraph: true);
            (gx * gx).Sum().Backward();
            second[k] = xs.Grad!.Abs().Sum().Item<double>() + w.Grad!.Abs().Sum().Item<double>();
        }
        Assert.AreEqual(second[1], second[0], 1e-10 * Math.Abs(second[1]));
    }
}
