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
    static readonly string Python = Io.PythonProcess.Interpreter;

    /// <param name="Declared">The dtype is in the op's declaration (else torch must refuse it, and so must Bridge).</param>
    sealed record Case(OpDeclaration Op, DType DType, Sample Sample, bool Grad, bool Declared = true)
    {
        public override string ToString() => $"{Op.TorchName}[{DType.TorchName()}, {Sample.Name}: {string.Join(" ", Sample.Inputs.Select(i => i.ToString()))}]";
    }

    static List<Case>? s_cases;
    static JsonArray? s_reference;
    static string? s_unavailable;

    // Every dtype, declared or not: a declared one must compute as torch does, an undeclared one must be refused with
    // torch's message, so a declaration that drifts from torch's dtype support fails here.
    static IEnumerable<Case> AllCases() =>
        from op in Declarations.All
        from dtype in DTypes.All
        from sample in OpSamples.For(op, dtype)
        select new Case(op, dtype, sample, op.Gradient.IsDifferentiable && dtype == DType.Float64 && sample.Smooth, op.DTypes.Contains(dtype));

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
            if (!OnDeviceGap(s_cases[i].Op) && !OnDeviceDTypeGap(s_cases[i].DType)) yield return (s_cases[i], s_reference![i]!.AsObject());
    }

    /// <summary>The dtype has no kernels on the test device (OpSamples.DeviceDTypeGaps): checked by
    /// <see cref="DeviceDTypeGaps_ComputeAsTorchOrRaiseNotSupported"/> instead.</summary>
    static bool OnDeviceDTypeGap(DType dtype) => TestDevice.Current.IsCuda && OpSamples.DeviceDTypeGaps.ContainsKey(dtype);

    /// <summary>On the device, an op on a dtype without device kernels either computes torch's value (ops composed from
    /// others, such as isnan of an integer) or raises NotSupportedException naming the dtype; never a wrong value.</summary>
    [TestMethod]
    public void DeviceDTypeGaps_ComputeAsTorchOrRaiseNotSupported()
    {
        if (!TestDevice.Current.IsCuda || OpSamples.DeviceDTypeGaps.Count == 0) return;   // every dtype has device kernels
        if (s_unavailable is not null) Assert.Inconclusive(s_unavailable);
        var failures = new List<string>();
        int raised = 0;
        for (int i = 0; i < s_cases!.Count; i++)
        {
            var c = s_cases[i];
            if (!OnDeviceDTypeGap(c.DType) || OnDeviceGap(c.Op)) continue;
            var expected = s_reference![i]!.AsObject();
            var inputs = c.Sample.Inputs.Select(x => x.Build(c.DType, false)).ToArray();
            try
            {
                var result = Run(c, inputs);
                // torch's CPU refusals ("exp_vml_cpu" not implemented for 'Half') are not its CUDA's, which computes these.
                if (expected["error"] is JsonNode error && !error.GetValue<string>().Contains("_cpu\" not implemented for", StringComparison.Ordinal))
                    failures.Add($"{c}: torch's CPU raised {error}, the device computed");
                else if (expected["error"] is null && (Compare(Numbers(expected["values"]), result.ToDoubleArray(), result.DType, c.Op.TorchName) is string d && !OpSamples.KnownDifferences.ContainsKey((c.Op.TorchName, c.Sample.Name))))
                    failures.Add($"{c}: {d}");
            }
            catch (NotSupportedException e) when (e.Message.Contains("no CUDA kernels for torch."))
            {
                raised++;
            }
            catch (Exception e) when (expected["error"] is not null)
            {
                _ = e; // torch refuses it on the CPU as well
            }
            catch (Exception e)
            {
                failures.Add($"{c}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(40)));
        Assert.IsTrue(raised > 0, "no op raised for a dtype without device kernels: remove it from OpSamples.DeviceDTypeGaps");
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

    /// <summary>Python's exception type for a .NET one, as the C ABI classifies it (src/Interop/Status.cs).</summary>
    static string PythonType(Exception e) => e switch
    {
        FormatException or InvalidDataException or OverflowException => "ValueError",
        ArgumentOutOfRangeException or IndexOutOfRangeException => "IndexError",
        InvalidCastException => "TypeError",
        NotImplementedException => "NotImplementedError",
        _ => "RuntimeError",
    };

    /// <summary>Null when <paramref name="e"/> is torch's <paramref name="torchError"/> ("RuntimeError: message"): the same
    /// Python type, and torch's message (its first line) within Bridge's.</summary>
    static string? SameError(string torchError, Exception e)
    {
        int colon = torchError.IndexOf(": ", StringComparison.Ordinal);
        string type = torchError[..colon], message = torchError[(colon + 2)..].Split('\n')[0];
        if (PythonType(e) != type) return $"torch raised {type}, bridge {e.GetType().Name} ({PythonType(e)}): {e.Message}";
        if (OpSamples.KnownMessageDifferences.ContainsKey(message)) return null;
        // The reference is torch's CPU; torch's CUDA names its kernel argmax_cuda where the CPU's is argmax_cpu
        // (some of Bridge's older messages name the CPU's kernel on every device: either is accepted there).
        if (TestDevice.Current.IsCuda && e.Message.Contains(message.Replace("_cpu\"", "_cuda\"", StringComparison.Ordinal), StringComparison.Ordinal)) return null;
        return e.Message.Contains(message, StringComparison.Ordinal) ? null : $"torch's message \"{message}\", bridge's \"{e.Message}\"";
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
        double rtol = dtype == DType.Float32 ? f32 : dtype == DType.Float64 ? f64 : dtype.IsHalf() ? HalfTolerance(op, dtype) : 0;
        double atol = dtype == DType.Float32 ? 1e-37 : dtype == DType.Float64 ? 1e-300 : 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a) : double.IsInfinity(e) ? e == a : Math.Abs(a - e) <= atol + rtol * Math.Abs(e);
            if (!ok) return $"[{i}]: torch {e:R}, bridge {a:R}";
        }
        return null;
    }

    /// <summary>Exact (torch's CPU computes the half types in float32 and rounds each op's result once, as Bridge),
    /// except for the ops listed in OpSamples.HalfUlps, where torch's vectorised float32 math (Sleef) and .NET's may
    /// differ in the last float32 bit and so round to neighbouring half values: there one ulp of the half type.</summary>
    static double HalfTolerance(string? op, DType dtype) =>
        op is null || !OpSamples.HalfUlps.Contains(op) ? 0 : dtype == DType.BFloat16 ? 1.0 / 128 : 1.0 / 1024;

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
            foreach (var dtype in op.DTypes.Where(d => !OnDeviceDTypeGap(d)))
            {
                foreach (var sample in OpSamples.For(op, dtype).Where(s => s.Inputs[0].Layout != "expanded"))
                {
                    var x = sample.Inputs[0].Build(dtype, false);
                    var outOfPlace = op.Apply(x);
                    if (outOfPlace.DType != dtype) break; // exp_ of an int64 tensor cannot hold its float result (torch refuses it too)
                    var expected = outOfPlace.ToDoubleArray();
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
            if (TestDevice.Current.IsCuda && expected["device"] is JsonObject onDevice)
            {
                // torch's CPU refuses float16 here ("exp_vml_cpu" not implemented for 'Half'), its CUDA computes in
                // float32 and rounds once (torch_reference.py's "device" values): the device must give those.
                try
                {
                    var computed = Run(c, inputs);
                    if (Compare(Numbers(onDevice["values"]), computed.ToDoubleArray(), computed.DType, c.Op.TorchName) is string d) failures.Add($"{c}: {d} (torch's CUDA rule)");
                    else checkedCount++;
                }
                catch (Exception e) { failures.Add($"{c}: {e.GetType().Name}: {e.Message}"); }
                continue;
            }
            if (expected["error"] is JsonNode error)
            {
                // Refusing the dtype is a declaration matter; other errors depend on the values (ZeroDivisionError).
                if (c.Declared && error.GetValue<string>().Contains("not implemented for '", StringComparison.Ordinal))
                    failures.Add($"{c}: declared for {c.DType.ShortName()}, but torch refuses it: {error}");
                try { Run(c, inputs); failures.Add($"{c}: torch raised {error}, bridge did not"); }
                catch (Exception e)
                {
                    if (SameError(error.GetValue<string>(), e) is string problem) failures.Add($"{c}: {problem}");
                }
                continue;
            }
            if (!c.Declared && !OpSamples.UndeclaredOnPurpose.ContainsKey((c.Op.TorchName, c.DType)))
            {
                failures.Add($"{c}: torch computes {c.DType.ShortName()} (giving {expected["dtype"]}), the declaration does not list it");
                continue;
            }
            if (!c.Declared) continue;
            Tensor result;
            try { result = Run(c, inputs); }
            catch (Exception e) { failures.Add($"{c}: {e.GetType().Name}: {e.Message}"); continue; }
            string dtype = result.DType.TorchName().Replace("torch.", "");
            if (dtype != expected["dtype"]!.GetValue<string>()) { failures.Add($"{c}: dtype {dtype}, torch {expected["dtype"]}"); continue; }
            var shape = expected["shape"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
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
        // One line per op and dtype (the first failing sample, and how many failed), so every pair shows.
        var summary = failures.GroupBy(f => f[..f.IndexOf(',')]).Select(g => g.Count() == 1 ? g.First() : $"{g.First()} (and {g.Count() - 1} more samples)");
        Assert.AreEqual(0, failures.Count, $"{failures.Count} of {s_cases!.Count} cases differ from torch:\n" + string.Join("\n", summary.Take(80)));
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
