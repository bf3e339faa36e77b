using System.Globalization;

namespace Bridge.Tests;

/// <summary>Shared assertions and access to the PyTorch reference records committed under parity/reference.</summary>
internal static class TestSupport
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bridge.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("Bridge.sln not found above the test binaries");
        }
    }

    /// <summary>Values recorded from PyTorch 1.13 for (case, checkpoint, name), keyed by step, row-major.</summary>
    public static double[] Reference(string caseName, string checkpoint, string name, int? step = null)
    {
        var path = Path.Combine(RepoRoot, "parity", "reference", caseName + ".csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int Col(string c) => Array.IndexOf(header, c);
        var rows = lines.Skip(1).Select(l => l.Split(','))
            .Where(r => r[Col("checkpoint")] == checkpoint && r[Col("name")] == name && (step is null || r[Col("step")] == step.Value.ToString(CultureInfo.InvariantCulture)))
            .OrderBy(r => int.Parse(r[Col("index")], CultureInfo.InvariantCulture))
            .Select(r => r[Col("dtype")] == "float32"
                ? (double)float.Parse(r[Col("value")], CultureInfo.InvariantCulture)
                : double.Parse(r[Col("value")], CultureInfo.InvariantCulture))
            .ToArray();
        if (rows.Length == 0) throw new InvalidOperationException($"no reference values for {caseName}/{checkpoint}/{name}");
        return rows;
    }

    public static void AreClose(double[] expected, Tensor actual, double atol, double rtol = 0, string? what = null)
    {
        var values = actual.ToDoubleArray();
        Assert.AreEqual(expected.Length, values.Length, $"{what}: element count");
        for (int i = 0; i < values.Length; i++)
            Assert.IsTrue(Math.Abs(values[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i]),
                $"{what}[{i}]: expected {expected[i]:R}, got {values[i]:R}");
    }

    /// <summary>Asserts that the values, rounded as the seed printed them, equal the printed figures.</summary>
    public static void PrintsAs(double[] printed, Tensor actual, int decimals, string? what = null)
    {
        var values = actual.ToDoubleArray();
        Assert.AreEqual(printed.Length, values.Length, $"{what}: element count");
        for (int i = 0; i < values.Length; i++)
            Assert.AreEqual(printed[i], Math.Round(values[i], decimals, MidpointRounding.ToEven), 1e-12, $"{what}[{i}] = {values[i]:R}");
    }

    /// <summary>Relative agreement to <paramref name="digits"/> significant digits.</summary>
    public static void SignificantDigits(double[] expected, Tensor actual, int digits, string? what = null) =>
        AreClose(expected, actual, atol: 0, rtol: 0.5 * Math.Pow(10, 1 - digits), what);
}

/// <summary>
/// For test classes about host-side formats and printing (file layouts, spans, torch's CPU print format): their
/// tensors live on the CPU even when BRIDGE_TEST_DEVICE runs the rest of the suite on a device.
/// </summary>
public abstract class OnTheCpu
{
    Device _suiteDevice = Device.Cpu;

    [TestInitialize]
    public void UseTheCpu()
    {
        _suiteDevice = Torch.DefaultDevice;
        Torch.DefaultDevice = Device.Cpu;
    }

    [TestCleanup]
    public void BackToTheSuiteDevice() => Torch.DefaultDevice = _suiteDevice;
}
