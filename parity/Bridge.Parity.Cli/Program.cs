using System.Diagnostics;
using System.Globalization;

namespace Bridge.Parity;

/// <summary>
/// <c>dotnet run --project parity/Bridge.Parity.Cli -- [--out parity/out] [--cases a,b] [--python /usr/bin/python3]</c>:
/// runs the C# ports, PyTorch (when installed) and Bridge's Python package (when importable), diffs each against the
/// committed reference, checks the published figures, prints a summary, writes out/report.md; exit 1 when a case fails.
/// </summary>
public static class Program
{
    const int BridgeUnavailableExit = 3;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "diff") return DiffCommand.Run(args[1..]);
        string? outDir = null, casesArg = null, python = "/usr/bin/python3";
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": outDir = Next(); break;
                case "--cases": casesArg = Next(); break;
                case "--python": python = Next(); break;
                case "--show": Recorder.Echo = true; break;
                case "--device": Torch.DefaultDevice = Device.Parse(Next()); break; // the C# ports on cuda:0 (make gpu-check)
                case "-h" or "--help":
                    Console.WriteLine("usage: Bridge.Parity.Cli [--out parity/out] [--cases a,b] [--python /usr/bin/python3] [--show] [--device cuda:0]");
                    Console.WriteLine("       Bridge.Parity.Cli diff REF.csv CAND.csv [--rtol R] [--atol A] [--exact] [--tolerances FILE] [--junit F] [--html F] [--markdown F]");
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'");
                    return 2;
            }
        }

        string parityDir = FindParityDir();
        outDir = Path.GetFullPath(outDir ?? Path.Combine(parityDir, "out"));
        var specs = CaseSpec.Load(Path.Combine(parityDir, "cases.txt"));
        if (casesArg is not null)
        {
            var wanted = casesArg.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            var unknown = wanted.Where(w => specs.All(s => s.Name != w)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"unknown case(s): {string.Join(", ", unknown)} (not in cases.txt)");
                return 2;
            }
            specs = specs.Where(s => wanted.Contains(s.Name)).ToList();
        }
        var names = specs.Select(s => s.Name).ToList();
        string csharpDir = Path.Combine(outDir, "csharp"), torchDir = Path.Combine(outDir, "torch"), bridgeDir = Path.Combine(outDir, "bridge-python");
        foreach (var d in new[] { csharpDir, torchDir, bridgeDir })
        {
            if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
            Directory.CreateDirectory(d);
        }

        // 1. C# ports
        var csharpErrors = new Dictionary<string, string>();
        foreach (var name in names)
        {
            var sw = Stopwatch.StartNew();
            if (!CaseRegistry.Cases.TryGetValue(name, out var run))
            {
                csharpErrors[name] = "no C# port registered in CaseRegistry";
                Console.WriteLine($"case {name} [csharp] FAILED (no C# port registered)");
                continue;
            }
            var rec = new Recorder(caseName: name);
            try
            {
                run(rec);
                rec.Write(Path.Combine(csharpDir, name + ".csv"));
                Console.WriteLine(FormattableString.Invariant($"case {name} [csharp] ok ({rec.Count} values, {sw.Elapsed.TotalSeconds:0.00} s)"));
            }
            catch (Exception e)
            {
                csharpErrors[name] = $"{e.GetType().Name}: {e.Message}";
                Console.WriteLine($"case {name} [csharp] FAILED ({e.GetType().Name}: {e.Message})");
            }
        }

        // 2. PyTorch, fresh
        string runner = Path.Combine(parityDir, "run_python.py");
        string caseList = string.Join(",", names);
        bool torchInstalled = Exec(python, ["-c", "import torch"], echo: false).Exit == 0;
        string torchLine;
        if (torchInstalled)
        {
            var (exit, _) = Exec(python, [runner, "--runtime", "torch", "--out", torchDir, "--cases", caseList], echo: true);
            torchLine = exit == 0 ? "fresh torch run compared with the committed reference" : $"fresh torch run exited {exit}";
        }
        else
        {
            torchLine = "torch not installed: comparing against committed reference CSVs only";
            Console.WriteLine(torchLine);
        }

        // 3. Bridge's Python package
        string bridgeLine;
        var (bridgeExit, bridgeOut) = Exec(python, [runner, "--runtime", "bridge", "--out", bridgeDir, "--cases", caseList], echo: true);
        bool bridgeAvailable = bridgeExit != BridgeUnavailableExit && bridgeExit != -1;
        if (!bridgeAvailable)
        {
            string reason = bridgeOut.Split('\n').FirstOrDefault(l => l.StartsWith("bridge runtime unavailable", StringComparison.Ordinal))?.Trim() ?? $"exit {bridgeExit}";
            bridgeLine = $"unavailable ({reason})";
            Console.WriteLine($"bridge (python): {bridgeLine}");
        }
        else bridgeLine = bridgeExit == 0 ? "ran" : $"ran, exit {bridgeExit}";

        // 4. Diffs
        var published = Published.Load(Path.Combine(parityDir, "published.csv"));
        var results = new List<CaseResult>();
        foreach (var spec in specs)
        {
            var result = new CaseResult(spec) { TorchStatus = torchInstalled ? "missing" : "not installed", BridgeStatus = bridgeAvailable ? "missing" : "unavailable" };
            string refPath = Path.Combine(parityDir, "reference", spec.Name + ".csv");
            var reference = File.Exists(refPath) ? Recorder.ReadRows(refPath) : null;
            List<ParityRow>? csharpRows = null;
            string csharpPath = Path.Combine(csharpDir, spec.Name + ".csv");
            if (reference is null) result.CSharp = new Comparison("csharp", [], "no reference CSV " + refPath);
            else if (csharpErrors.TryGetValue(spec.Name, out var err)) result.CSharp = new Comparison("csharp", [], err);
            else
            {
                csharpRows = Recorder.ReadRows(csharpPath);
                result.CSharp = Diff.Compare("csharp", reference, csharpRows, spec.Tolerance);
            }
            if (reference is not null && torchInstalled)
            {
                string p = Path.Combine(torchDir, spec.Name + ".csv");
                result.TorchFresh = File.Exists(p) ? Diff.Compare("torch", reference, Recorder.ReadRows(p), spec.Tolerance) : new Comparison("torch", [], "torch run wrote no CSV (case raised)");
            }
            if (reference is not null && bridgeAvailable)
            {
                string p = Path.Combine(bridgeDir, spec.Name + ".csv");
                result.BridgePython = File.Exists(p) ? Diff.Compare("bridge-python", reference, Recorder.ReadRows(p), spec.Tolerance) : new Comparison("bridge-python", [], "bridge run wrote no CSV (case raised)");
            }
            result.Published = Published.Check(spec.Name, published, csharpRows);
            results.Add(result);
        }

        // 5. Summary + report
        Console.WriteLine();
        Console.Write(Report.SummaryTable(results, "unavailable", torchInstalled ? "missing" : "not installed"));
        var xorRows = new Dictionary<string, List<ParityRow>>();
        const string xor = "seed002_xor_training";
        foreach (var (label, path) in new[] { ("csharp", Path.Combine(csharpDir, xor + ".csv")), ("torch (reference)", Path.Combine(parityDir, "reference", xor + ".csv")),
                                                ("torch (fresh)", Path.Combine(torchDir, xor + ".csv")), ("bridge (python)", Path.Combine(bridgeDir, xor + ".csv")) })
            if (File.Exists(path)) xorRows[label] = Recorder.ReadRows(path);
        Report.WriteMarkdown(outDir, results, torchLine, bridgeLine, xorRows);
        Report.WriteJUnit(Path.Combine(outDir, "junit.xml"), results);
        int failed = results.Count(r => !r.Pass);
        Console.WriteLine();
        Console.WriteLine($"report: {Path.Combine(outDir, "report.md")} (JUnit: {Path.Combine(outDir, "junit.xml")})");
        Console.WriteLine($"parity cases: {results.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>parity/ next to the working directory or above it, else above the executable.</summary>
    static string FindParityDir()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "cases.txt")) && Directory.Exists(Path.Combine(dir.FullName, "reference"))) return dir.FullName;
                string candidate = Path.Combine(dir.FullName, "parity");
                if (File.Exists(Path.Combine(candidate, "cases.txt"))) return candidate;
            }
        throw new DirectoryNotFoundException("cannot find parity/cases.txt above the working directory");
    }

    /// <summary>Runs a process, echoing its output lines when asked; exit -1 when it cannot start.</summary>
    static (int Exit, string Output) Exec(string file, string[] args, bool echo)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var output = new System.Text.StringBuilder();
        try
        {
            using var p = new Process { StartInfo = psi };
            void OnLine(object _, DataReceivedEventArgs e)
            {
                if (e.Data is null) return;
                lock (output) output.AppendLine(e.Data);
                if (echo) Console.WriteLine(e.Data);
            }
            p.OutputDataReceived += OnLine;
            p.ErrorDataReceived += OnLine;
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            p.WaitForExit();
            return (p.ExitCode, output.ToString());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
