using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Bridge.Parity;

/// <summary>Everything known about one case after the runs: each runtime's comparison with the reference, the published figures.</summary>
public sealed class CaseResult(CaseSpec spec)
{
    public CaseSpec Spec { get; } = spec;
    public Comparison? CSharp { get; set; }
    /// <summary>Fresh torch run vs the committed reference; null when torch is not installed.</summary>
    public Comparison? TorchFresh { get; set; }
    /// <summary>Bridge's Python package vs the reference; null when unavailable (see <see cref="BridgeStatus"/>).</summary>
    public Comparison? BridgePython { get; set; }
    public string BridgeStatus { get; set; } = "unavailable";
    public string TorchStatus { get; set; } = "not run";
    public List<PublishedCheck> Published { get; set; } = [];

    public bool Pass => CSharp is { Pass: true }
        && (TorchFresh is null || TorchFresh.Pass)
        && (BridgePython is null || BridgePython.Pass)
        && Published.All(p => p.Pass);

    public IEnumerable<string> RuntimesCompared()
    {
        yield return "csharp";
        if (TorchFresh is not null) yield return "torch";
        if (BridgePython is not null) yield return "bridge-py";
        if (Published.Count > 0) yield return "published";
    }
}

/// <summary>The console summary and parity/out/report.md with its hand-written SVG plots.</summary>
public static class Report
{
    static string G(double v) => double.IsPositiveInfinity(v) ? "inf" : v == 0 ? "0" : v.ToString("0.##e+0", CultureInfo.InvariantCulture);

    static string Cell(Comparison? c, string absent) => c is null ? absent
        : c.Error is not null ? "ERROR"
        : $"{(c.Pass ? "ok" : $"FAIL ({c.Failed})")} abs {G(c.WorstAbs)} ulp {G(c.WorstUlp)}";

    static string PublishedCell(List<PublishedCheck> p) => p.Count == 0 ? "-"
        : $"{(p.All(x => x.Pass) ? "ok" : $"FAIL ({p.Count(x => !x.Pass)})")} {p.Count(x => x.Pass)}/{p.Count} max {G(p.Max(x => x.Error))}";

    public static string SummaryTable(IReadOnlyList<CaseResult> results, string bridgeAbsent, string torchAbsent)
    {
        var rows = results.Select(r => new[]
        {
            r.Spec.Name, string.Join("+", r.RuntimesCompared()), Cell(r.CSharp, "no result"), Cell(r.TorchFresh, torchAbsent),
            Cell(r.BridgePython, bridgeAbsent), PublishedCell(r.Published), r.Spec.Tolerance.ToString(), r.Pass ? "PASS" : "FAIL",
        }).ToList();
        string[] header = ["case", "compared", "csharp vs ref (worst)", "torch fresh vs ref", "bridge (python) vs ref", "published", "tolerance", "verdict"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd();
        sb.AppendLine(Line(header));
        sb.AppendLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var r in rows) sb.AppendLine(Line(r));
        return sb.ToString();
    }

    public static void WriteMarkdown(string outDir, IReadOnlyList<CaseResult> results, string torchLine, string bridgeLine,
        Dictionary<string, List<ParityRow>> xorRowsByRuntime)
    {
        var md = new StringBuilder();
        md.AppendLine("# Parity report");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Bridge {Recorder.Version} (C#) against the committed PyTorch reference (parity/reference/). {torchLine}. Bridge (python): {bridgeLine}.");
        md.AppendLine();
        int failed = results.Count(r => !r.Pass);
        md.AppendLine(CultureInfo.InvariantCulture, $"**{results.Count - failed} of {results.Count} cases pass.** Errors are max abs error and max ULP distance (in the tensor's dtype) over all tensors of the case; published = figures printed in the seed texts, checked against the C# values at their stated tolerance.");
        md.AppendLine();
        md.AppendLine("| case | compared | csharp vs ref | torch fresh vs ref | bridge (python) vs ref | published | tolerance | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Spec.Name} | {string.Join(" + ", r.RuntimesCompared())} | {Cell(r.CSharp, "no result")} | {Cell(r.TorchFresh, r.TorchStatus)} | {Cell(r.BridgePython, r.BridgeStatus)} | {PublishedCell(r.Published)} | `{r.Spec.Tolerance}` | **{(r.Pass ? "PASS" : "FAIL")}** |");
        md.AppendLine();

        md.AppendLine("## Plots");
        md.AppendLine();
        File.WriteAllText(Path.Combine(outDir, "xor_loss_curve.svg"), LossCurveSvg(xorRowsByRuntime));
        md.AppendLine("XOR training (seed002_xor_training), full-dataset MSE every 100 epochs, per runtime:");
        md.AppendLine();
        md.AppendLine("![XOR loss curve](xor_loss_curve.svg)");
        md.AppendLine();
        File.WriteAllText(Path.Combine(outDir, "error_histogram.svg"), HistogramSvg(results));
        md.AppendLine("Per-tensor max abs error of the C# run against the reference (log10; exact matches in the leftmost bin), by case group:");
        md.AppendLine();
        md.AppendLine("![error histogram](error_histogram.svg)");
        md.AppendLine();

        md.AppendLine("## Failures");
        md.AppendLine();
        if (failed == 0) md.AppendLine("None.");
        foreach (var r in results.Where(r => !r.Pass))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {r.Spec.Name} (`{r.Spec.Tolerance}`)");
            md.AppendLine();
            foreach (var c in new[] { r.CSharp, r.TorchFresh, r.BridgePython }.Where(c => c is not null && !c.Pass))
            {
                if (c!.Error is not null)
                {
                    md.AppendLine(CultureInfo.InvariantCulture, $"{c.Runtime}: **error** `{c.Error.ReplaceLineEndings(" ")}`");
                    md.AppendLine();
                    continue;
                }
                md.AppendLine(CultureInfo.InvariantCulture, $"{c.Runtime} vs reference, first divergence: {c.FirstDivergence?.Describe()}");
                md.AppendLine();
                md.AppendLine("| tensor | dtype | shape | max abs | max rel | max ulp | first mismatch | reference | actual |");
                md.AppendLine("|---|---|---|---|---|---|---|---|---|");
                foreach (var t in c.Tensors.Where(t => !t.Pass))
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Key} | {t.Dtype} | {t.Shape} | {G(t.MaxAbs)} | {G(t.MaxRel)} | {G(t.MaxUlp)} | {(t.Problem ?? t.FirstMismatch.ToString(CultureInfo.InvariantCulture))} | {t.Expected} | {t.Actual} |");
                md.AppendLine();
            }
            var badPublished = r.Published.Where(p => !p.Pass).ToList();
            if (badPublished.Count > 0)
            {
                md.AppendLine("published figures:");
                md.AppendLine();
                md.AppendLine("| checkpoint/name@step[index] | printed | C# | error | tolerance |");
                md.AppendLine("|---|---|---|---|---|");
                foreach (var p in badPublished)
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Checkpoint}/{p.Name}@{p.Step}[{p.Index}] | {p.Printed} | {p.Actual ?? "missing"} | {G(p.Error)} | {G(p.Tolerance)} |");
                md.AppendLine();
            }
        }
        File.WriteAllText(Path.Combine(outDir, "report.md"), md.ToString());
    }

    /// <summary>
    /// parity/out/junit.xml: one test case per case and runtime compared (csharp, torch, bridge-python, published), a
    /// failure naming the first divergence, for CI and make test's totals.
    /// </summary>
    public static void WriteJUnit(string path, IReadOnlyList<CaseResult> results)
    {
        var suite = new XElement("testsuite", new XAttribute("name", "parity"));
        int tests = 0, failures = 0;
        foreach (var r in results)
        {
            foreach (var c in new[] { r.CSharp, r.TorchFresh, r.BridgePython })
            {
                if (c is null) continue;
                Add(r.Spec.Name, c.Runtime, c.Error ?? c.FirstDivergence?.Describe());
            }
            var bad = r.Published.Where(p => !p.Pass).ToList();
            if (r.Published.Count > 0)
                Add(r.Spec.Name, "published", bad.Count == 0 ? null : string.Join("; ", bad.Select(p => $"{p.Checkpoint}/{p.Name}@{p.Step}[{p.Index}]: printed {p.Printed}, C# {p.Actual ?? "missing"}")));
        }
        suite.Add(new XAttribute("tests", tests), new XAttribute("failures", failures), new XAttribute("errors", 0));
        DiffReport.SaveXml(new XDocument(new XElement("testsuites", new XAttribute("tests", tests), new XAttribute("failures", failures), suite)), path);

        void Add(string caseName, string runtime, string? failure)
        {
            tests++;
            var testcase = new XElement("testcase", new XAttribute("classname", "parity." + caseName), new XAttribute("name", runtime));
            if (failure is not null)
            {
                failures++;
                testcase.Add(new XElement("failure", new XAttribute("message", failure), failure));
            }
            suite.Add(testcase);
        }
    }

    // ----- SVG, by hand -----

    static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Loss against epoch, one polyline per runtime (later runtimes dashed so overlapping curves stay visible).</summary>
    public static string LossCurveSvg(Dictionary<string, List<ParityRow>> rowsByRuntime)
    {
        const double W = 640, H = 360, L = 70, R = 150, T = 30, B = 50;
        var series = rowsByRuntime.Select(kv => (Runtime: kv.Key, Points: kv.Value.Where(r => r.Checkpoint == "loss_curve" && r.Name == "loss")
                .OrderBy(r => r.Step).Select(r => (X: (double)r.Step, Y: ValueText.ParseFloat64(r.Value))).Where(p => double.IsFinite(p.Y)).ToList()))
            .Where(s => s.Points.Count > 0).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(W / 2)}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">seed002_xor_training: full-dataset MSE (loss_curve)</text>");
        if (series.Count == 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(W / 2)}\" y=\"{F(H / 2)}\" text-anchor=\"middle\">no loss_curve data</text></svg>");
            return sb.ToString();
        }
        double xMin = series.Min(s => s.Points.Min(p => p.X)), xMax = series.Max(s => s.Points.Max(p => p.X));
        double yMin = series.Min(s => s.Points.Min(p => p.Y)), yMax = series.Max(s => s.Points.Max(p => p.Y));
        if (yMax - yMin < 1e-12) { yMin -= 0.5; yMax += 0.5; }
        double pad = (yMax - yMin) * 0.05;
        yMin -= pad; yMax += pad;
        if (xMax == xMin) xMax = xMin + 1;
        double Px(double x) => L + (x - xMin) / (xMax - xMin) * (W - L - R);
        double Py(double y) => H - B - (y - yMin) / (yMax - yMin) * (H - T - B);
        sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(L)}\" y1=\"{F(H - B)}\" x2=\"{F(W - R)}\" y2=\"{F(H - B)}\" stroke=\"black\"/>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(L)}\" y1=\"{F(T)}\" x2=\"{F(L)}\" y2=\"{F(H - B)}\" stroke=\"black\"/>");
        for (int i = 0; i <= 5; i++)
        {
            double x = xMin + (xMax - xMin) * i / 5, y = yMin + (yMax - yMin) * i / 5;
            sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(Px(x))}\" y1=\"{F(H - B)}\" x2=\"{F(Px(x))}\" y2=\"{F(H - B + 4)}\" stroke=\"black\"/><text x=\"{F(Px(x))}\" y=\"{F(H - B + 16)}\" text-anchor=\"middle\">{F(x)}</text>");
            sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(L - 4)}\" y1=\"{F(Py(y))}\" x2=\"{F(L)}\" y2=\"{F(Py(y))}\" stroke=\"black\"/><text x=\"{F(L - 6)}\" y=\"{F(Py(y) + 4)}\" text-anchor=\"end\">{y.ToString("0.####", CultureInfo.InvariantCulture)}</text>");
            sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(L)}\" y1=\"{F(Py(y))}\" x2=\"{F(W - R)}\" y2=\"{F(Py(y))}\" stroke=\"#eee\"/>");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F((L + W - R) / 2)}\" y=\"{F(H - 12)}\" text-anchor=\"middle\">epoch</text>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text transform=\"translate(16 {F((T + H - B) / 2)}) rotate(-90)\" text-anchor=\"middle\">MSE</text>");
        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            string dash = s == 0 ? "" : $" stroke-dasharray=\"{4 + 2 * s},{3 + s}\"";
            var pts = string.Join(" ", series[s].Points.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));
            sb.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{(s == 0 ? 2.5 : 1.5)}\"{dash} points=\"{pts}\"/>");
            double ly = T + 14 + 18 * s;
            sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(W - R + 10)}\" y1=\"{F(ly)}\" x2=\"{F(W - R + 34)}\" y2=\"{F(ly)}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/><text x=\"{F(W - R + 40)}\" y=\"{F(ly + 4)}\">{Esc(series[s].Runtime)}</text>");
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    /// <summary>The group a case belongs to in the error histogram.</summary>
    public static string Group(string caseName) => caseName switch
    {
        _ when caseName.StartsWith("seed", StringComparison.Ordinal) => "seed notebooks",
        _ when caseName.StartsWith("random", StringComparison.Ordinal) => "random draws",
        "mlp_sgd_momentum" or "softmax_adam" or "adamw_onecycle_dataloader" => "training",
        _ => "autograd & numerics",
    };

    /// <summary>Histogram of log10(max abs error) per tensor (C# vs reference), bars stacked by case group.</summary>
    public static string HistogramSvg(IReadOnlyList<CaseResult> results)
    {
        // bins: exact (0), then [10^k, 10^(k+1)) for k = -12..-1, then >= 1 (incl. inf)
        var labels = new List<string> { "0" };
        for (int k = -12; k <= -1; k++) labels.Add($"1e{k}");
        labels.Add("≥1");
        var groups = results.Select(r => Group(r.Spec.Name)).Distinct().ToList();
        var counts = groups.ToDictionary(g => g, _ => new int[labels.Count]);
        foreach (var r in results)
            foreach (var t in r.CSharp?.Tensors ?? [])
            {
                int bin = t.MaxAbs == 0 ? 0 : !double.IsFinite(t.MaxAbs) || t.MaxAbs >= 1 ? labels.Count - 1
                    : Math.Clamp((int)Math.Floor(Math.Log10(t.MaxAbs)) + 13, 1, labels.Count - 2);
                counts[Group(r.Spec.Name)][bin]++;
            }
        const double W = 720, H = 360, L = 50, R = 170, T = 30, B = 60;
        int maxTotal = Math.Max(1, Enumerable.Range(0, labels.Count).Max(b => groups.Sum(g => counts[g][b])));
        double bw = (W - L - R) / labels.Count;
        double Py(double c) => H - B - c / maxTotal * (H - T - B);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(W / 2)}\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">C# vs reference: max abs error per tensor (log10 bins)</text>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{F(L)}\" y1=\"{F(H - B)}\" x2=\"{F(W - R)}\" y2=\"{F(H - B)}\" stroke=\"black\"/><line x1=\"{F(L)}\" y1=\"{F(T)}\" x2=\"{F(L)}\" y2=\"{F(H - B)}\" stroke=\"black\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double c = maxTotal * i / 4.0;
            sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F(L - 6)}\" y=\"{F(Py(c) + 4)}\" text-anchor=\"end\">{F(c)}</text><line x1=\"{F(L)}\" y1=\"{F(Py(c))}\" x2=\"{F(W - R)}\" y2=\"{F(Py(c))}\" stroke=\"#eee\"/>");
        }
        for (int b = 0; b < labels.Count; b++)
        {
            double x = L + b * bw, acc = 0;
            for (int g = 0; g < groups.Count; g++)
            {
                int n = counts[groups[g]][b];
                if (n == 0) continue;
                sb.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{F(x + 2)}\" y=\"{F(Py(acc + n))}\" width=\"{F(bw - 4)}\" height=\"{F(Py(acc) - Py(acc + n))}\" fill=\"{Colors[g % Colors.Length]}\"><title>{Esc(groups[g])}: {n}</title></rect>");
                acc += n;
            }
            sb.AppendLine(CultureInfo.InvariantCulture, $"<text transform=\"translate({F(x + bw / 2 + 4)} {F(H - B + 10)}) rotate(45)\" font-size=\"10\">{labels[b]}</text>");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{F((L + W - R) / 2)}\" y=\"{F(H - 8)}\" text-anchor=\"middle\">max |csharp - reference| per tensor (bin lower edge)</text>");
        for (int g = 0; g < groups.Count; g++)
        {
            double ly = T + 14 + 18 * g;
            sb.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{F(W - R + 10)}\" y=\"{F(ly - 8)}\" width=\"12\" height=\"12\" fill=\"{Colors[g % Colors.Length]}\"/><text x=\"{F(W - R + 28)}\" y=\"{F(ly + 2)}\">{Esc(groups[g])}</text>");
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
