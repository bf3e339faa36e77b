using Bridge.Nn;

namespace Bridge.Tests.Nn;

/// <summary>The Module API, containers, nn.init and clip_grad_norm_ in C#; expected draws were printed by torch 1.13.</summary>
[TestClass]
public sealed class NnApiModuleTests : OnTheCpu
{
    sealed class Block : Module
    {
        public Linear Fc = new(3, 2);
        public Tensor Scale = Parameter(Torch.Ones(1));

        public Block()
        {
            RegisterBuffer("running", Torch.Zeros(2));
            RegisterBuffer("scratch", Torch.Ones(2), persistent: false);
        }

        public override Tensor Forward(Tensor input) => Fc.Call(input) * Scale;
    }

    [TestMethod]
    public void NamesAndStateDict_IncludePersistentBuffersOnly()
    {
        var net = new Sequential(new Block(), new SiLU(), new ModuleList(new Linear(2, 2)));
        // torch's order: each module's own members before its children's
        CollectionAssert.AreEqual(new[] { "0.scale", "0.fc.weight", "0.fc.bias", "2.0.weight", "2.0.bias" }, net.NamedParameters().Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "0.running", "0.scratch" }, net.NamedBuffers().Select(b => b.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "0.scale", "0.running", "0.fc.weight", "0.fc.bias", "2.0.weight", "2.0.bias" }, net.StateDict().Keys.ToArray());
        CollectionAssert.AreEqual(new[] { "", "0", "0.fc", "1", "2", "2.0" }, net.NamedModules().Select(m => m.Name).ToArray());
        Assert.AreEqual(0, net.Parameters(recurse: false).Count(), "a Sequential holds no parameters of its own");
    }

    [TestMethod]
    public void LoadStateDict_ReportsTorchsErrors()
    {
        var net = new Sequential(new Linear(2, 2));
        var state = new Dictionary<string, Tensor> { ["0.weight"] = Torch.Zeros(3, 2), ["extra"] = Torch.Zeros(1) };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => net.LoadStateDict(state));
        Assert.AreEqual("Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: \"0.bias\". \n\tUnexpected key(s) in state_dict: \"extra\". \n\tsize mismatch for 0.weight: copying a param with shape torch.Size([3, 2]) from checkpoint, the shape in current model is torch.Size([2, 2]).", e.Message);
    }

    [TestMethod]
    public void ApplyHooksAndContainers()
    {
        var visited = new List<string>();
        var net = new Sequential(new Linear(2, 2), new Tanh(), new Sequential(new Identity(), new ReLU6()));
        net.Apply(m => visited.Add(m.GetType().Name));
        CollectionAssert.AreEqual(new[] { "Linear", "Tanh", "Identity", "ReLU6", "Sequential", "Sequential" }, visited);
        Assert.IsInstanceOfType<ReLU6>(net.GetSubmodule("2.1"));
        Assert.AreEqual(2, net[1..].Count);
        var log = new List<string>();
        using (net[1].RegisterForwardPreHook((m, x) => { log.Add("pre"); return x * 2.0; }))
        using (net[1].RegisterForwardHook((m, x, y) => log.Add("post")))
            net.Call(Torch.Ones(1, 2));
        CollectionAssert.AreEqual(new[] { "pre", "post" }, log);
        var dict = new ModuleDict([KeyValuePair.Create("a", (Module)new Linear(1, 1)), KeyValuePair.Create("b", (Module)new ELU())]);
        CollectionAssert.AreEqual(new[] { "a.weight", "a.bias" }, dict.NamedParameters().Select(p => p.Name).ToArray());
        Assert.AreEqual("ModuleDict(\n  (a): Linear(in_features=1, out_features=1, bias=True)\n  (b): ELU(alpha=1.0)\n)", dict.ToString());
        var plist = new ParameterList(Torch.Zeros(2, 3));
        Assert.AreEqual("ParameterList(  (0): Parameter containing: [torch.float32 of size 2x3])", plist.ToString());
        var pdict = new ParameterDict([KeyValuePair.Create("w", Torch.Zeros(2))]);
        Assert.AreEqual("ParameterDict(  (w): Parameter containing: [torch.FloatTensor of size 2])", pdict.ToString());
        Assert.AreEqual("Softplus(beta=1, threshold=20)", new Softplus().ToString());
        Assert.AreEqual("LeakyReLU(negative_slope=0.01)", new LeakyReLU().ToString());
        Assert.AreEqual("Unflatten(dim=1, unflattened_size=(2, 3))", new Unflatten(1, [2, 3]).ToString());
    }

    [TestMethod]
    public void FullBackwardHook_SeesGradInputAndGradOutput()
    {
        var layer = new Linear(2, 1);
        double[]? gradIn = null, gradOut = null; // copied inside the hook: the engine frees intermediate gradients after use
        using var _ = layer.RegisterFullBackwardHook((m, gi, go) => { gradIn = gi[0]!.ToDoubleArray(); gradOut = go[0]!.ToDoubleArray(); return null; });
        var x = Torch.Tensor(new[,] { { 1.0f, 2.0f } }, requiresGrad: true);
        (layer.Call(x) * 3.0).Sum().Backward();
        CollectionAssert.AreEqual(new[] { 3.0 }, gradOut);
        CollectionAssert.AreEqual(layer.Weight.Detach().Mul(3.0).ToDoubleArray(), gradIn);
        CollectionAssert.AreEqual(gradIn, x.Grad!.ToDoubleArray());
    }

    [TestMethod]
    public void Init_DrawsTorchsNumbers()
    {
        Torch.ManualSeed(0);
        var w = Init.KaimingUniform_(Torch.Empty([2, 3]), a: Math.Sqrt(5));
        CollectionAssert.AreEqual(new[] { -0.004322517663240433, 0.3097158372402191, -0.4751853346824646, -0.4248946011066437, -0.2223689705133438, 0.15482072532176971 }, w.ToDoubleArray());
        Torch.ManualSeed(0);
        CollectionAssert.AreEqual(new[] { 0.9746115207672119, -0.18558073043823242, -1.3779873847961426, 0.3595075011253357, -0.6859121322631836, -0.8845493793487549 },
            Init.XavierNormal_(Torch.Empty([2, 3])).ToDoubleArray());
        Torch.ManualSeed(0);
        CollectionAssert.AreEqual(new[] { 1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427, -1.3985954523086548 },
            Init.KaimingNormal_(Torch.Empty([2, 3]), mode: "fan_out", nonlinearity: "relu").ToDoubleArray());
        Torch.ManualSeed(0);
        TestSupport.AreClose([0.9405675439036822, 0.2734942747393221, -0.050990956332327114, 0.7049690960350065, 0.1859481015961402, 0.40517321288144365],
            Init.TruncNormal_(Torch.Zeros([2, 3], DType.Float64), std: 0.5), atol: 1e-14, rtol: 1e-13);
        Torch.ManualSeed(0);
        TestSupport.AreClose([0.5349526297617251, -0.16993015238124573, -0.756360839201499, 0.3401837823826129, -0.376488996961955, -0.9248776878677233],
            Init.Orthogonal_(Torch.Zeros([3, 2], DType.Float64)), atol: 1e-12, rtol: 1e-10);
        Assert.AreEqual(Math.Sqrt(2.0 / (1 + 0.04)), Init.CalculateGain("leaky_relu", 0.2));
        Assert.ThrowsExactly<ArgumentException>(() => Init.XavierUniform_(Torch.Empty([3])));
    }

    [TestMethod]
    public void ClipGradNorm_ScalesLikeTorch()
    {
        var a = Module.Parameter(Torch.Zeros(2));
        var b = Module.Parameter(Torch.Zeros(1));
        a.Grad = Torch.Tensor(new[] { 3.0f, 0.0f });
        b.Grad = Torch.Tensor(new[] { 4.0f });
        var total = NnUtils.ClipGradNorm_([a, b], 1.0);
        Assert.AreEqual(5.0, total.Item(), 1e-6);
        Assert.AreEqual(3.0 / (5 + 1e-6), a.Grad.ToDoubleArray()[0], 1e-7);
        Assert.AreEqual(0.8, NnUtils.ClipGradNorm_([a, b], 10.0, double.PositiveInfinity).Item(), 1e-5, "the ∞-norm is the largest |g|");
        b.Grad = Torch.Tensor(new[] { float.NaN });
        Assert.ThrowsExactly<InvalidOperationException>(() => NnUtils.ClipGradNorm_([a, b], 1.0, errorIfNonfinite: true));
    }
}
