using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

using Bridge.Autograd;
using Bridge.Ops;
using Bridge.Tests.Cuda;

using Surface = Bridge.Ops.Surface;

namespace Bridge.Tests.OpInfo;

/// <summary>
/// Tests every declared op gets for free (PyTorch's OpInfo idea): each op x dtype x sample runs on the test device
/// (CPU, or the emulated GPU under BRIDGE_TEST_DEVICE=cuda) against PyTorch's values, computed at test time by
/// /usr/bin/python3 (torch_reference.py); gradients against torch's and against float64 finite differences.
/// </summary>
[TestClass]
public sealed class OpInfoTests
{
    const string Python = "/usr/bin/python3";

    sealed record Case(OpDeclaration Op, DType DType, Sample Sample, bool Grad)
    {
        public override string ToString() => $"{Op.TorchName}[{DType.TorchName()}, {Sample.Name}: {string.Join(" ", Sample.Inputs.Select(i => i.ToString()))}]";
    }

    static List<Case>? s_cases;
    static JsonArray? s_reference;
    static string? s_unavailable;

    static IEnumerable<Case> AllCases() =>
        from op in Declarations.All
        from dtype in op.DTypes
        from sample in OpSamples.For(op, dtype)
        select new Case(op, dtype, sample, op.Gradient.IsDifferentiable && dtype == DType.Float64 && sample.Smooth);

    [ClassInitialize]
    public static void AskTorch(TestContext _)
    {
        s_cases = AllCases().ToList();
        var request = new JsonArray(s_cases.Select(c => (JsonNode)new JsonObject
        {
            ["op"] = c.Op.TorchName,
            ["grad"] = c.Grad,
            ["inputs"] = new JsonArray(c.Sample.Inputs.Select(i => (JsonNode)new JsonObject
            {
                ["dtype"] = c.DType.TorchName().Replace("torch.", ""),
                ["base"] = new JsonArray(i.Base.Select(x => (JsonNode)x).ToArray()),
                ["shape"] = new JsonArray((i.Shape ?? i.Base).Select(x => (JsonNode)x).ToArray()),
                ["layout"] = i.Layout,
                ["values"] = new JsonArray(i.Values.Select(v => (JsonNode)v.ToString("R", CultureInfo.InvariantCulture)).ToArray()),
            }).ToArray()),
        }).ToArray());
        if (!File.Exists(Python)) { s_unavailable = $"{Python} not found (the PyTorch reference)"; return; }
        var script = Path.Combine(TestSupport.RepoRoot, "tests", "Bridge.Tensor.Tests", "OpInfo", "torch_reference.py");
        var start = new ProcessStartInfo(Python, [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            // No torch on this machine is a reason to skip; a crashing script is a failure.
            if (stderr.Contains("No module named 'torch'")) { s_unavailable = "PyTorch is not installed for " + Python; return; }
            throw new InvalidOperationException($"torch_reference.py failed: {stderr}");
        }
        s_reference = JsonNode.Parse(stdout.Result)!.AsArray();
    }

    static IEnumerable<(Case Case, JsonObject Expected)> Reference()
    {
        if (s_unavailable is not null) Assert.Inconclusive(s_unavailable);
        for (int i = 0; i < s_cases!.Count; i++)
            if (!OnDeviceGap(s_cases[i].Op)) yield return (s_cases[i], s_reference![i]!.AsObject());
    }

    /// <summary>The op has no kernel on the test device (OpSamples.DeviceGaps): its cases are skipped there, and
    /// <see cref="DeviceGaps_RaiseNotSupported_NamingTheKernel"/> checks the error instead.</summary>
    static bool OnDeviceGap(OpDeclaration op) => TestDevice.Current.IsCuda && OpSamples.DeviceGaps.ContainsKey(op.TorchName);

    [TestMethod]
    public void DeviceGaps_RaiseNotSupported_NamingTheKernel()
    {
        if (!TestDevice.Current.IsCuda) return;
        foreach (var op in Declarations.All.Where(OnDeviceGap).OfType<UnaryOp>())
        {
            var x = OpSamples.For(op, DType.Float32).First(s => s.Name == "2x3").Inputs[0].Build(DType.Float32, false);
            var e = Assert.ThrowsExactly<NotSupportedException>(() => op.Apply(x));
            StringAssert.Contains(e.Message, $"un_{op.Kernel}_f32");
        }
    }

    static double[] Numbers(JsonNode? node) => node!.AsArray().Select(v => double.Parse(v!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray();

    static Tensor Run(Case c, Tensor[] inputs) => c.Op switch
    {
        UnaryOp u => u.Apply(inputs[0]),
        BinaryOp b => b.Apply(inputs[0], inputs[1]),
        ReductionOp r => r.Apply(inputs[0]),
        _ => throw new NotSupportedException(c.Op.GetType().Name),
    };

    /// <summary>float32 to a few ulp (device libm differs from glibc by up to 4), float64 to ~5 ulp; NaN and ±inf exactly.</summary>
    static string? Compare(double[] expected, double[] actual, DType dtype, string? op = null)
    {
        if (expected.Length != actual.Length) return $"{actual.Length} elements, torch has {expected.Length}";
        var (f32, f64) = op is not null && OpSamples.RelativeTolerance.TryGetValue(op, out var wider) ? wider : (6e-7, 1e-15);
        double rtol = dtype == DType.Float32 ? f32 : dtype == DType.Float64 ? f64 : 0;
        double atol = dtype == DType.Float32 ? 1e-37 : dtype == DType.Float64 ? 1e-300 : 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a) : double.IsInfinity(e) ? e == a : Math.Abs(a - e) <= atol + rtol * Math.Abs(e);
            if (!ok) return $"[{i}]: torch {e:R}, bridge {a:R}";
        }
        return null;
    }

    [TestMethod]
    public void Registry_EveryDeclaredOp_HasSamples()
    {
        var missing = Declarations.All.Select(d => d.TorchName).Where(n => !OpSamples.Covered.Contains(n)).ToList();
        Assert.AreEqual(0, missing.Count, "declared ops without samples in OpInfo/OpSamples.cs: " + string.Join(", ", missing));
        var stale = OpSamples.Covered.Where(n => Declarations.Find(n) is null).ToList();
        Assert.AreEqual(0, stale.Count, "samples for ops that are not declared: " + string.Join(", ", stale));
    }

    [TestMethod]
    public void Registry_EveryOp_HasDTypesDocAndUniqueNames()
    {
        foreach (var op in Declarations.All)
        {
            Assert.IsTrue(op.DTypes.Count > 0, $"{op.TorchName}: no dtypes");
            Assert.IsFalse(string.IsNullOrWhiteSpace(op.Doc), $"{op.TorchName}: no doc");
            Assert.IsFalse(string.IsNullOrWhiteSpace(op.Gradient.Formula), $"{op.TorchName}: gradient without formula or reason");
        }
        var duplicates = Declarations.All.GroupBy(d => d.TorchName).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.AreEqual(0, duplicates.Count, "declared twice: " + string.Join(", ", duplicates));
    }

    /// <summary>A differentiable op records exactly its declared node; a non-differentiable one records nothing.</summary>
    [TestMethod]
    public void Autograd_EveryOp_RecordsItsDeclaredNode()
    {
        foreach (var op in Declarations.All.Where(d => !OnDeviceGap(d)))
        {
            var dtype = op.DTypes.Contains(DType.Float64) ? DType.Float64 : op.DTypes[0];
            var sample = OpSamples.For(op, dtype).First(s => s.Name == "2x3");
            var inputs = sample.Inputs.Select(i => i.Build(dtype, requiresGrad: dtype.IsFloatingPoint())).ToArray();
            var result = Run(new Case(op, dtype, sample, false), inputs);
            if (op.Gradient.IsDifferentiable)
                Assert.AreEqual(op.Gradient.Node, result.GradFn?.Name, $"{op.TorchName}: recorded node");
            else
                Assert.IsNull(result.GradFn, $"{op.TorchName} is declared not differentiable but recorded {result.GradFn?.Name}");
        }
    }

    /// <summary>x.X_() writes exactly what X(x) returns, in x's memory, and bumps its version (every layout of the samples).</summary>
    [TestMethod]
    public void InPlace_EveryDeclaredInPlaceOp_MatchesItsOutOfPlaceForm()
    {
        int count = 0;
        foreach (var op in Declarations.All.OfType<UnaryOp>().Where(d => d.Surface.HasFlag(Surface.InPlace) && !OnDeviceGap(d)))
        {
            foreach (var dtype in op.DTypes)
            {
                foreach (var sample in OpSamples.For(op, dtype).Where(s => s.Inputs[0].Layout != "expanded"))
                {
                    var x = sample.Inputs[0].Build(dtype, false);
                    var expected = op.Apply(x).ToDoubleArray();
                    var target = x.Clone();
                    int version = target.Version;
                    var returned = op.ApplyInPlace(target);
                    Assert.AreSame(target, returned, $"{op.TorchName}_ returns its input");
                    Assert.IsTrue(target.Version > version || target.Numel() == 0, $"{op.TorchName}_ bumps the version");
                    var actual = target.ToDoubleArray();
                    for (int i = 0; i < expected.Length; i++)
                        Assert.IsTrue(expected[i].Equals(actual[i]), $"{op.TorchName}_[{dtype.TorchName()}, {sample.Name}][{i}]: {actual[i]:R} vs {expected[i]:R}");
                    count++;
                }
            }
        }
        Assert.IsTrue(count >= 5, $"only {count} in-place cases");
    }

    [TestMethod]
    public void Forward_EveryOpDTypeSample_MatchesTorch()
    {
        var failures = new List<string>();
        int checkedCount = 0;
        foreach (var (c, expected) in Reference())
        {
            var inputs = c.Sample.Inputs.Select(i => i.Build(c.DType, false)).ToArray();
            if (expected["error"] is JsonNode error)
            {
                try { Run(c, inputs); failures.Add($"{c}: torch raised {error}, bridge did not"); }
                catch (Exception) { }
                continue;
            }
            Tensor result;
            try { result = Run(c, inputs); }
            catch (Exception e) { failures.Add($"{c}: {e.GetType().Name}: {e.Message}"); continue; }
            string dtype = result.DType.TorchName().Replace("torch.", "");
            if (dtype != expected["dtype"]!.GetValue<string>()) { failures.Add($"{c}: dtype {dtype}, torch {expected["dtype"]}"); continue; }
            var shape = expected["shape"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
            if (!shape.SequenceEqual(result.Shape.ToArray())) { failures.Add($"{c}: shape [{string.Join(",", result.Shape.ToArray())}], torch [{string.Join(",", shape)}]"); continue; }
            if (result.Device != TestDevice.Current) { failures.Add($"{c}: result on {result.Device}"); continue; }
            var difference = Compare(Numbers(expected["values"]), result.ToDoubleArray(), result.DType, c.Op.TorchName);
            if (OpSamples.KnownDifferences.TryGetValue((c.Op.TorchName, c.Sample.Name), out var known))
            {
                if (difference is null) failures.Add($"{c}: listed as a known difference ({known}) but now matches torch: remove it from OpSamples.KnownDifferences");
            }
            else if (difference is not null)
            {
                failures.Add($"{c}: {difference}");
            }
            checkedCount++;
        }
        Assert.AreEqual(0, failures.Count, $"{failures.Count} of {s_cases!.Count} cases differ from torch:\n" + string.Join("\n", failures.Take(40)));
        Assert.IsTrue(checkedCount > 100, $"only {checkedCount} cases checked");
    }

    [TestMethod]
    public void Backward_EveryDifferentiableOp_MatchesTorchAndFiniteDifferences()
    {
        var failures = new List<string>();
        foreach (var (c, expected) in Reference())
        {
            if (!c.Grad || expected["error"] is not null) continue;
            var inputs = c.Sample.Inputs.Select(i => i.Build(c.DType, requiresGrad: true)).ToArray();
            if (inputs[0].Numel() == 0) continue;
            Run(c, inputs).Sum().Backward();
            var grads = expected["grads"]!.AsArray();
            for (int k = 0; k < inputs.Length; k++)
            {
                var grad = inputs[k].Grad ?? Torch.ZerosLike(inputs[k]);
                if (Compare(Numbers(grads[k]), grad.ToDoubleArray(), DType.Float64, c.Op.TorchName) is string problem) failures.Add($"{c} grad {k}: {problem}");
            }
            // Finite differences need leaves that own their memory (expanded views alias elements).
            var leaves = c.Sample.Inputs.Select(i => i.Build(c.DType, false).Contiguous().RequiresGrad_(true)).ToArray();
            if (GradCheck.Check(t => Run(c, t), leaves) is string fd) failures.Add($"{c} gradcheck: {fd}");
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(40)));
    }
}
