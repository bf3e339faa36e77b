using System.Globalization;

using Bridge.Autograd;
using Bridge.Tests.Io;

namespace Bridge.Tests.Ops;

/// <summary>
/// The C# surface of advanced indexing, gather/scatter, shape ops, einsum and multinomial: values against torch 1.13
/// (run at test time on the same inputs), gradients against torch's and against float64 finite differences.
/// </summary>
[TestClass]
public sealed class IndexingAndShapeTests
{
    // x = arange(24).reshape(2, 3, 4) / 7 in float64, in both engines.
    static Tensor X(bool grad = false) => (Torch.Arange(0.0, 24.0, dtype: DType.Float64).Reshape(2, 3, 4) / 7.0).Detach().RequiresGrad_(grad);

    const string Prelude = "import torch, json\nx = (torch.arange(0., 24., dtype=torch.float64).reshape(2, 3, 4) / 7).requires_grad_()\n";

    /// <summary>Runs <paramref name="body"/> (which sets out and optionally grad) under torch and returns the flat values.</summary>
    static (double[] Out, double[] Grad) Torch_(string body)
    {
        var text = PythonProcess.Check(Prelude + body + "\nprint(json.dumps([out.detach().double().reshape(-1).tolist(), x.grad.reshape(-1).tolist() if x.grad is not None else []]))");
        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split("], [");
        return (Parse(parts[0]), Parse(parts[1]));

        static double[] Parse(string s) => s.Trim('[', ']', ' ').Length == 0 ? []
            : s.Trim('[', ']', ' ').Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    static void AssertClose(double[] expected, Tensor actual)
    {
        var got = actual.Detach().To(DType.Float64).ToDoubleArray();
        Assert.AreEqual(expected.Length, got.Length, "element count");
        for (int i = 0; i < got.Length; i++) Assert.AreEqual(expected[i], got[i], 1e-12, $"element {i}");
    }

    [TestMethod]
    public void MaskAndListIndexing_ReadWithGradients_MatchTorch()
    {
        PythonProcess.RequireTorch();
        var x = X(grad: true);
        var mask = x.Detach().Sum(2) > 2.0;
        var w = Torch.Arange(0.0, 100.0, dtype: DType.Float64);
        var read = x[mask];
        (read * w.Narrow(0, 0, read.Numel()).Reshape(read.Shape.ToArray())).Sum().Backward();
        var (expected, grad) = Torch_("mask = x.detach().sum(2) > 2\nout = x[mask]\n(out * torch.arange(100., dtype=torch.float64)[:out.numel()].reshape(out.shape)).sum().backward()");
        AssertClose(expected, read);
        AssertClose(grad, x.Grad!);

        var x2 = X(grad: true);
        var picked = x2[TensorIndex.Slice(null, null), new long[] { 2, 0, 2 }, new long[] { 1, 3, 1 }];
        CollectionAssert.AreEqual(new long[] { 2, 3 }, picked.Shape.ToArray());
        (picked * picked).Sum().Backward();
        (expected, grad) = Torch_("out = x[:, [2, 0, 2], [1, 3, 1]]\n(out * out).sum().backward()");
        AssertClose(expected, picked);
        AssertClose(grad, x2.Grad!);
    }

    [TestMethod]
    public void MaskAssignmentAndIndexPutAccumulate_MatchTorch()
    {
        PythonProcess.RequireTorch();
        var y = X().Clone();
        y[y > 1.5] = Torch.Tensor(-1.0, DType.Float64);
        y.IndexPut_([Torch.Tensor(new long[] { 0, 0, 1 }), Torch.Tensor(new long[] { 2, 2, 0 })], Torch.Ones([4], DType.Float64), accumulate: true);
        var (expected, _) = Torch_("out = x.detach().clone()\nout[out > 1.5] = -1.\nout.index_put_((torch.tensor([0, 0, 1]), torch.tensor([2, 2, 0])), torch.ones(4, dtype=torch.float64), accumulate=True)");
        AssertClose(expected, y);
    }

    [TestMethod]
    public void GatherScatterAddIndexSelect_MatchTorch_AndPassGradCheck()
    {
        PythonProcess.RequireTorch();
        var index = Torch.Tensor(new long[,,] { { { 0, 2 }, { 1, 1 } }, { { 2, 0 }, { 0, 0 } } });
        var x = X(grad: true);
        var g = x.Gather(1, index);
        var s = Torch.Zeros([2, 3, 4], DType.Float64).ScatterAdd(1, index, g * 2.0);
        var i = s.IndexSelect(2, Torch.Tensor(new long[] { 3, 0, 0 }));
        (i * i).Sum().Backward();
        var (expected, grad) = Torch_("index = torch.tensor([[[0, 2], [1, 1]], [[2, 0], [0, 0]]])\ng = x.gather(1, index)\ns = torch.zeros(2, 3, 4, dtype=torch.float64).scatter_add(1, index, g * 2)\nout = s.index_select(2, torch.tensor([3, 0, 0]))\n(out * out).sum().backward()");
        AssertClose(expected, i);
        AssertClose(grad, x.Grad!);

        GradCheck.Assert(t => t[0].Gather(1, index), X());
        // scatter keeps an unspecified one of repeated writes, so its check uses distinct targets
        var distinct = Torch.Tensor(new long[,,] { { { 0, 2 }, { 1, 0 } }, { { 2, 0 }, { 0, 1 } } });
        GradCheck.Assert(t => t[0].Scatter(1, distinct, t[1]), X(), X().Narrow(1, 0, 2).Narrow(2, 0, 2).Contiguous());
        var mask = X() > 1.05; // fixed, so the finite differences select the same elements
        GradCheck.Assert(t => t[0][mask], X());
        GradCheck.Assert(t => t[0].IndexPut([Torch.Tensor(new long[] { 1, 0 })], t[1], accumulate: true), X(), X()[0]);
    }

    [TestMethod]
    public void ShapeOpsAndEinsum_MatchTorch()
    {
        PythonProcess.RequireTorch();
        var x = X(grad: true);
        var parts = x.Split([1, 3], 2);
        var r = Torch.Einsum("bij,bkj->bik", parts[1], x.Narrow(2, 1, 3).Roll(1, 1)).Tril(-1) + x.Diagonal(0, 1, 2).Sum() + x.Repeat(1, 1, 1, 2).Flip(3).Movedim(0, 2).Sum();
        r.Sum().Backward();
        var (expected, grad) = Torch_("parts = x.split([1, 3], 2)\nout = torch.einsum('bij,bkj->bik', parts[1], x.narrow(2, 1, 3).roll(1, 1)).tril(-1) + x.diagonal(0, 1, 2).sum() + x.repeat(1, 1, 1, 2).flip(3).movedim(0, 2).sum()\nout.sum().backward()");
        AssertClose(expected, r);
        AssertClose(grad, x.Grad!);
        GradCheck.Assert(t => Torch.Einsum("...ij,jk->...ik", t[0], t[1]), X(), Torch.Ones([4, 2], DType.Float64) * 0.5);
        GradCheck.Assert(t => t[0].Triu(1).Chunk(2, 2)[1], X());
    }

    [TestMethod]
    public void Multinomial_WithAndWithoutReplacement_DrawsLikeTorch()
    {
        PythonProcess.RequireTorch();
        var p = Torch.Tensor(new[] { 0.1f, 0.0f, 2.0f, 0.7f, 1.2f });
        var g = new Bridge.Random.Generator(42);
        var a = p.Multinomial(3, generator: g);
        var b = Torch.Multinomial(p, 20, replacement: true, generator: g);
        var text = PythonProcess.Check("import torch\np = torch.tensor([0.1, 0.0, 2.0, 0.7, 1.2])\ng = torch.Generator().manual_seed(42)\nprint(torch.multinomial(p, 3, generator=g).tolist(), torch.multinomial(p, 20, True, generator=g).tolist())");
        Assert.AreEqual(text.Trim(), $"[{string.Join(", ", a.ToArray<long>())}] [{string.Join(", ", b.ToArray<long>())}]");
    }

    [TestMethod]
    public void IndexErrors_NameTheProblemLikeTorch()
    {
        var x = Torch.Zeros(3, 4);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = x[new long[] { 5 }]);
        Assert.AreEqual("index 5 is out of bounds for dimension 0 with size 3", e.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ = x[Torch.Tensor(new[] { true, false })]);
        Assert.ThrowsExactly<ArgumentException>(() => x.Gather(1, Torch.Tensor(new long[] { 0 })));
        Assert.ThrowsExactly<ArgumentException>(() => x.Split([1, 1], 0));
    }
}
