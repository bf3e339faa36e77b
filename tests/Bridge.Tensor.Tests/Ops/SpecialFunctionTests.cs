using Bridge.Ops;

namespace Bridge.Tests.Ops;

/// <summary>
/// The special functions of issue 17 through the C# API (Torch.Special, Tensor.Polygamma, Torch.Mvlgamma): values bit
/// for bit as torch 1.13's CPU gives them (constants pasted from torch runs, never from Bridge), gradients, torch's
/// refusals, in-place forms.
/// </summary>
[TestClass]
public sealed class SpecialFunctionTests : OnTheCpu
{
    static readonly double[] X = [-2.5, -0.5, 0.25, 0.5, 1.0, 2.5, 3.0, 7.5, 10.5, 30.0];

    // torch 1.13 (CPU, one thread): f(torch.tensor(X, dtype)).tolist() for float32 and float64.
    static readonly Dictionary<string, (float[] F32, double[] F64)> Expected = new()
    {
        ["erfc"] = ([1.9995930194854736f, 1.5204999446868896f, 0.7236735820770264f, 0.4795001149177551f, 0.15729920566082f, 0.00040695202187635005f, 2.2090496713644825e-05f, 2.776649254231637e-26f, 0.0f, 0.0f],
            [1.999593047982555, 1.5204998778130465, 0.7236736098317631, 0.4795001221869535, 0.15729920705028513, 0.0004069520174449589, 2.209049699858544e-05, 2.776649386030569e-26, 7.035928090177523e-50, 0.0]),
        ["lgamma"] = ([-0.056243717670440674f, 1.2655121088027954f, 1.288022518157959f, 0.5723649263381958f, 0.0f, 0.28468286991119385f, 0.6931471824645996f, 7.534364223480225f, 13.940625190734863f, 71.25704193115234f],
            [-0.05624371649767405, 1.2655121234846454, 1.2880225246980774, 0.5723649429247001, 0.0, 0.2846828704729192, 0.6931471805599453, 7.534364236758733, 13.940625219403763, 71.25703896716801]),
        ["digamma"] = ([1.1031566858291626f, 0.03648991510272026f, -4.22745418548584f, -1.9635108709335327f, -0.5772159099578857f, 0.7031567692756653f, 0.9227842092514038f, 1.946757435798645f, 2.3030011653900146f, 3.3844382762908936f],
            [1.1031566406452433, 0.03648997397857639, -4.2274535333762655, -1.9635100260214229, -0.5772156649015328, 0.7031566406452431, 0.922784335098467, 1.9467574842460869, 2.3030010342976865, 3.384438132685525]),
        ["polygamma1"] = ([9.539247512817383f, 8.934802055358887f, 17.19733238220215f, 4.934802055358887f, 1.644934058189392f, 0.49035775661468506f, 0.3949340581893921f, 0.1426158994436264f, 0.0999169573187828f, 0.033895060420036316f],
            [9.53924664493752, 8.934802200117687, 17.19732915341456, 4.934802202073678, 1.6449340676383375, 0.4903577562398206, 0.39493406693194577, 0.14261589669891445, 0.09991695605949143, 0.03389506035774027]),
        ["polygamma3"] = ([194.74789428710938f, 193.40908813476562f, 1538.7821044921875f, 97.40908813476562f, 6.493939399719238f, 0.22390584647655487f, 0.11893940716981888f, 0.005772436503320932f, 0.0019900863990187645f, 7.786003698129207e-05f],
            [194.74787621918756, 193.40909103400242, 1538.782144009189, 97.40909103400242, 6.493939402266829, 0.2239058488172521, 0.11893940226682916, 0.005772436656578693, 0.001990086237144355, 7.786003664736127e-05]),
        ["i0"] = ([3.289839506149292f, 1.063483476638794f, 1.015686273574829f, 1.063483476638794f, 1.2660659551620483f, 3.289839506149292f, 4.880792617797852f, 268.1613464355469f, 4527.44189453125f, 781672185856.0f],
            [3.289839144050123, 1.0634833707413236, 1.015686141223608, 1.0634833707413236, 1.2660658777520082, 3.289839144050123, 4.880792585865024, 268.1613115151893, 4527.441714638887, 781672297823.9775]),
        ["i0e"] = ([0.2700464725494385f, 0.6450353264808655f, 0.7910172343254089f, 0.6450353264808655f, 0.46575963497161865f, 0.2700464725494385f, 0.2430003583431244f, 0.14831584692001343f, 0.12466966360807419f, 0.07314594089984894f],
            [0.27004644161220276, 0.6450352704491501, 0.7910171621397194, 0.6450352704491501, 0.46575960759364043, 0.27004644161220276, 0.24300035416182536, 0.1483158300773955, 0.12466966945908614, 0.0731459464822373]),
        ["i1"] = ([-2.5167160034179688f, -0.25789427757263184f, 0.12597911059856415f, 0.25789427757263184f, 0.5651590824127197f, 2.5167160034179688f, 3.9533705711364746f, 249.58453369140625f, 4306.1357421875f, 768532021248.0f],
            [-2.5167162452886984, -0.25789430539089636, 0.12597910894546793, 0.25789430539089636, 0.5651591039924851, 2.5167162452886984, 3.9533702174026093, 249.58436542268808, 4306.134875096274, 768532038938.9569]),
        ["i1e"] = ([-0.206584632396698f, -0.15642079710960388f, 0.09811262786388397f, 0.15642079710960388f, 0.207910418510437f, 0.206584632396698f, 0.1968267261981964f, 0.13804131746292114f, 0.11857567727565765f, 0.07191632688045502f],
            [-0.20658464953126654, -0.15642080318487173, 0.09811262869736825, 0.15642080318487173, 0.2079104153497085, 0.20658464953126654, 0.19682671329730084, 0.13804121154855417, 0.11857566488126836, 0.07191633059864755]),
        ["log_ndtr"] = ([-5.081648349761963f, -1.175911784172058f, -0.5129840970039368f, -0.3689464330673218f, -0.17275378108024597f, -0.006229025777429342f, -0.001350810518488288f, -3.190891696919565e-14f, -4.3190128397874574e-26f, -0.0f],
            [-5.081648277278691, -1.1759117615936185, -0.5129840754094305, -0.36894641528865635, -0.17275377902344985, -0.006229025485860001, -0.0013508099647481923, -3.1908916729109405e-14, -4.319006317809201e-26, -4.906713927148024e-198]),
        ["ndtr"] = ([0.006209671497344971f, 0.3085375428199768f, 0.5987063050270081f, 0.6914624571800232f, 0.8413447141647339f, 0.993790328502655f, 0.998650074005127f, 1.0f, 1.0f, 1.0f],
            [0.006209665325776159, 0.3085375387259869, 0.5987063256829237, 0.6914624612740131, 0.841344746068543, 0.9937903346742238, 0.9986501019683699, 0.999999999999968, 1.0, 1.0]),
        ["entr"] = ([float.NegativeInfinity, float.NegativeInfinity, 0.3465735912322998f, 0.3465735912322998f, -0.0f, -2.290726900100708f, -3.295836925506592f, -15.111772537231445f, -24.689441680908203f, -102.03591918945312f],
            [double.NegativeInfinity, double.NegativeInfinity, 0.34657359027997264, 0.34657359027997264, -0.0, -2.2907268296853878, -3.295836866004329, -15.111772654066986, -24.689440200216517, -102.03592144986466]),
    };

    static readonly Dictionary<string, Func<Tensor, Tensor>> Ops = new()
    {
        ["erfc"] = Torch.Special.Erfc,
        ["lgamma"] = Torch.Special.Gammaln,
        ["digamma"] = Torch.Special.Psi,
        ["polygamma1"] = x => Torch.Special.Polygamma(1, x),
        ["polygamma3"] = x => x.Polygamma(3),
        ["i0"] = Torch.Special.I0,
        ["i0e"] = Torch.Special.I0e,
        ["i1"] = Torch.Special.I1,
        ["i1e"] = Torch.Special.I1e,
        ["log_ndtr"] = Torch.Special.LogNdtr,
        ["ndtr"] = Torch.Special.Ndtr,
        ["entr"] = Torch.Special.Entr,
    };

    public static IEnumerable<object[]> Names => Expected.Keys.Select(k => new object[] { k });

    static long Bits(double v) => double.IsNaN(v) ? long.MinValue : BitConverter.DoubleToInt64Bits(v);

    static void AssertSameBits(double[] expected, double[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(Bits(expected[i]), Bits(actual[i]), $"{what} at x = {X[i]}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void Float32_MatchesTorchBitForBit(string name)
    {
        var result = Ops[name](Torch.Tensor(X, DType.Float32));
        Assert.AreEqual(DType.Float32, result.DType);
        AssertSameBits([.. Expected[name].F32.Select(v => (double)v)], result.ToDoubleArray(), name);
    }

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void Float64_MatchesTorchBitForBit(string name)
    {
        var result = Ops[name](Torch.Tensor(X, DType.Float64));
        Assert.AreEqual(DType.Float64, result.DType);
        AssertSameBits(Expected[name].F64, result.ToDoubleArray(), name);
    }

    [TestMethod]
    public void Ndtri_MatchesTorch()
    {
        double[] p = [0.05, 0.3, 0.5, 0.9, 0.999];
        AssertSameBits([-1.6448535919189453, -0.5244004726409912, 0.0, 1.2815511226654053, 3.090236186981201],
            Torch.Special.Ndtri(Torch.Tensor(p, DType.Float32)).ToDoubleArray(), "ndtri float32");
        AssertSameBits([-1.6448536269514729, -0.5244005127080409, 0.0, 1.2815515655446004, 3.090232306167813],
            Torch.Special.Ndtri(Torch.Tensor(p, DType.Float64)).ToDoubleArray(), "ndtri float64");
    }

    [TestMethod]
    public void Mvlgamma_MatchesTorch_WithItsGradient()
    {
        double[] x = [1.5, 2.0, 3.7, 12.0];
        AssertSameBits([2.168677568435669, 1.5963125228881836, 4.465392589569092, 50.615814208984375],
            Torch.Mvlgamma(Torch.Tensor(x, DType.Float32), 3).ToDoubleArray(), "mvlgamma float32");
        var t = Torch.Tensor(x, DType.Float64).RequiresGrad_(true);
        var y = Torch.Special.Multigammaln(t, 3);
        AssertSameBits([2.1686775340635553, 1.5963125911388552, 4.465392536249502, 50.61581572429075], y.ToDoubleArray(), "mvlgamma float64");
        y.Sum().Backward();
        double[] grad = [-2.5042357169443794, -0.1179413558244895, 2.962775599639251, 7.192653398578315];
        var actual = t.Grad!.ToDoubleArray();
        for (int i = 0; i < grad.Length; i++) Assert.AreEqual(grad[i], actual[i], 1e-14 * Math.Abs(grad[i]), $"mvlgamma' at {x[i]}");
    }

    [TestMethod]
    public void LgammaAndErfcGradients_MatchTorch()
    {
        var t = Torch.Tensor(X, DType.Float64).RequiresGrad_(true);
        Torch.Special.Gammaln(t).Sum().Backward();
        AssertSameBits(Expected["digamma"].F64, t.Grad!.ToDoubleArray(), "lgamma' = digamma");

        double[] erfcGrad = [-0.00217828423035271, -0.8787825789354448, -1.0600141293761143, -0.8787825789354448, -0.4151074974205947,
            -0.00217828423035271, -0.00013925305194674786, -4.2013653781149885e-25, -1.4841863376984254e-48, -0.0];
        var u = Torch.Tensor(X, DType.Float64).RequiresGrad_(true);
        Torch.Special.Erfc(u).Sum().Backward();
        var actual = u.Grad!.ToDoubleArray();
        for (int i = 0; i < X.Length; i++) Assert.AreEqual(erfcGrad[i], actual[i], 2e-16 * Math.Abs(erfcGrad[i]), $"erfc' at {X[i]}");
    }

    [TestMethod]
    public void DigammaAndPolygammaGradients_AreTheNextPolygamma()
    {
        var t = Torch.Tensor(X, DType.Float64).RequiresGrad_(true);
        Torch.Special.Digamma(t).Sum().Backward();
        AssertSameBits(Expected["polygamma1"].F64, t.Grad!.ToDoubleArray(), "digamma' = polygamma(1)");
        var u = Torch.Tensor(X, DType.Float64).RequiresGrad_(true);
        var y = u.Polygamma(2);
        Assert.AreEqual("PolygammaBackward0", y.GradFn?.Name);
        y.Sum().Backward();
        AssertSameBits(Expected["polygamma3"].F64, u.Grad!.ToDoubleArray(), "polygamma(2)' = polygamma(3)");
    }

    [TestMethod]
    public void Refusals_AreTorchs()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Torch.Polygamma(-1, Torch.Tensor(new[] { 1.0 }, DType.Float32)));
        Assert.AreEqual("polygamma(n, x) does not support negative n.", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Torch.Mvlgamma(Torch.Tensor(new[] { 1.0 }, DType.Float32), 0));
        Assert.AreEqual("p has to be greater than or equal to 1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => Torch.Mvlgamma(Torch.Tensor(new[] { 1.0 }, DType.Float32).To(DType.Bool), 1));
        Assert.AreEqual("The input tensor may not be a boolean tensor.", e.Message);
        var half = Torch.Tensor(new[] { 1.0 }, DType.Float32).To(DType.Float16);
        Assert.AreEqual("\"erfc_vml_cpu\" not implemented for 'Half'", Assert.ThrowsExactly<NotSupportedException>(() => Torch.Special.Erfc(half)).Message);
        Assert.AreEqual("\"trigamma\" not implemented for 'Half'", Assert.ThrowsExactly<NotSupportedException>(() => half.Polygamma(1)).Message);
        var bf16 = Torch.Tensor(new[] { 0.5 }, DType.Float32).To(DType.BFloat16);
        Assert.AreEqual("\"ndtri_cpu\" not implemented for 'BFloat16'", Assert.ThrowsExactly<NotSupportedException>(() => Torch.Special.Ndtri(bf16)).Message);
    }

    [TestMethod]
    public void InPlaceForms_WriteTheOutOfPlaceResult()
    {
        var x = Torch.Tensor(X, DType.Float32);
        Assert.AreSame(x, Declarations.Lgamma.ApplyInPlace(x));
        AssertSameBits([.. Expected["lgamma"].F32.Select(v => (double)v)], x.ToDoubleArray(), "lgamma_");
        var y = Torch.Tensor(X, DType.Float32);
        Assert.AreSame(y, y.Polygamma_(3));
        AssertSameBits([.. Expected["polygamma3"].F32.Select(v => (double)v)], y.ToDoubleArray(), "polygamma_(3)");
    }
}
