using System.Buffers.Binary;
using Bridge.Random;

namespace Bridge.Tests.Random;

/// <summary>Seeding, raw draws and the torch.get_rng_state()/set_rng_state() byte layout.</summary>
[TestClass]
public sealed class GeneratorStateTests
{
    [TestMethod]
    public void GetState_MatchesTorchGetRngStateBytes() => RngAssert.CasesMatch("state.txt", "state_");

    [TestMethod]
    public void SetState_FromTorchBytes_ContinuesExactlyLikeTorch()
    {
        foreach (string name in RngReplay.CaseNames("state.txt").Where(n => n.StartsWith("state_after_draws_", StringComparison.Ordinal)))
        {
            var steps = RngReplay.Case("state.txt", name);
            // steps: rand 700, randn 1 (f64, leaves a cached normal), state, randn 1 (f64, uses it), state, randint, state
            var g = new Generator().ManualSeed(12345);
            g.SetState(Convert.FromHexString(steps[2].Values));
            for (int i = 3; i < steps.Count; i++)
            {
                Assert.AreEqual(steps[i].Values, RngReplay.Execute(g, steps[i]), $"{name} step {i} ({steps[i].Op})");
            }
            Assert.AreEqual(steps[0].Seed, g.InitialSeed, name);
        }
    }

    [TestMethod]
    public void SaveRestore_RoundTrip_IncludesCachedNormal()
    {
        var g = new Generator().ManualSeed(42);
        var first = new double[1];
        g.FillNormal<double>(first); // leaves the sin branch cached
        byte[] saved = g.GetState();

        string Draws()
        {
            var a = new float[3];
            var b = new double[20];
            var c = new long[4];
            g.FillNormal<float>(a);
            g.FillUniform<double>(b);
            g.FillRandint(c, -3, 1L << 40);
            return RngReplay.Encode(a) + "|" + RngReplay.Encode(b) + "|" + string.Join(',', c);
        }

        string before = Draws();
        g.SetState(saved);
        CollectionAssert.AreEqual(saved, g.GetState());
        Assert.AreEqual(before, Draws());
    }

    [TestMethod]
    public void SetState_LegacyLayout_RebuildsCachedNormalFromXAndRho()
    {
        var g = new Generator().ManualSeed(3);
        byte[] legacy = g.GetState().AsSpan(0, Generator.LegacyStateSizeBytes).ToArray();
        BinaryPrimitives.WriteDoubleLittleEndian(legacy.AsSpan(5016), 0.25); // normal_x: theta = pi/2
        BinaryPrimitives.WriteDoubleLittleEndian(legacy.AsSpan(5032), 2.0);  // normal_rho
        BinaryPrimitives.WriteInt32LittleEndian(legacy.AsSpan(5040), 1);     // normal_is_valid

        g.SetState(legacy);
        var v = new double[1];
        g.FillNormal<double>(v);
        Assert.AreEqual(2.0, v[0]); // rho * sin(2*pi*x)
    }

    [TestMethod]
    public void SetState_WrongSize_Throws()
    {
        var g = new Generator();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => g.SetState(new byte[100]));
        Assert.Contains("5056", ex.Message);
    }

    [TestMethod]
    public void SetState_InvalidEngineState_ThrowsAndKeepsState()
    {
        var g = new Generator().ManualSeed(9);
        byte[] good = g.GetState();
        byte[] bad = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bad.AsSpan(8), 0); // left = 0 is invalid in ATen
        Assert.ThrowsExactly<ArgumentException>(() => g.SetState(bad));
        CollectionAssert.AreEqual(good, g.GetState());
    }

    [TestMethod]
    public void ManualSeed_ClearsCachedNormal()
    {
        var g = new Generator().ManualSeed(5);
        var a = new double[1];
        g.FillNormal<double>(a);
        g.ManualSeed(5);
        var b = new double[1];
        g.FillNormal<double>(b);
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(a[0]), BitConverter.DoubleToInt64Bits(b[0]));
    }

    [TestMethod]
    public void InitialSeed_ReportsFull64BitSeed()
    {
        const ulong seed = (1UL << 40) + 3;
        Assert.AreEqual(seed, new Generator().ManualSeed(seed).InitialSeed);
    }

    [TestMethod]
    public void NextUInt64_FirstDrawIsTheHighWord()
    {
        var g = new Generator().ManualSeed(0);
        Assert.AreEqual(2357136044u, g.NextUInt32()); // reference MT19937 outputs for seed 0
        Assert.AreEqual(2546248239u, g.NextUInt32());
        g.ManualSeed(0);
        Assert.AreEqual(0x8c7f0aac97c4aa2fUL, g.NextUInt64());
    }

    [TestMethod]
    public void FreshGenerator_UsesTorchDefaultSeed_MatchesTorchGenerator()
    {
        Assert.AreEqual(67280421310721UL, new Generator().InitialSeed);
        Generator shared = Generator.Default;
        Assert.AreSame(shared, Generator.Default, "Default is one process-wide instance");
        var g = new Generator(); // no ManualSeed: like torch.Generator()
        foreach (var step in RngReplay.Case("sequences.txt", "fresh_generator"))
        {
            Assert.AreEqual(step.Values, RngReplay.Execute(g, step), step.Op);
        }
    }
}
